"""MeetStream calendars over real HTTP: connecting (the google_ fields), synced events, scheduling
a bot for an event (deduplicated with 409), rescheduling, recurring events, auto-scheduling at
midnight UTC, the control API moving events, and disconnecting."""
import pytest

from emulator.core.clock import iso, parse_iso
from helpers import assert_valid

GOOGLE = {"google_refresh_token": "1//rt", "google_client_id": "id.apps.googleusercontent.com",
          "google_client_secret": "GOCSPX-secret"}
DAY, WEEK = 86400, 7 * 86400


@pytest.fixture
def calendar(ms):
    answer = ms.post("/calendar/create_calendar", json=GOOGLE)
    assert answer.status_code == 200, answer.text
    return answer.json()


def upcoming(ms) -> list[dict]:
    page = ms.get("/calendar/events").json()
    assert_valid("meetstream", "events.response", page)
    return page["results"]


def test_connecting_takes_the_google_prefixed_fields(ms):
    plain = ms.post("/calendar/create_calendar", json={"refresh_token": "x", "client_id": "y", "client_secret": "z"})
    assert plain.status_code == 400 and "google_refresh_token is required." == plain.json()["message"]
    connected = ms.post("/calendar/create_calendar", json=GOOGLE).json()
    assert_valid("meetstream", "calendar.connected", connected)
    assert connected["platform"] == "google_calendar" and connected["calendars"][0]["isPrimary"]
    outlook = ms.post("/calendar/create_outlook_calendar", json={"outlook_refresh_token": "r", "outlook_client_id": "i",
                                                                "outlook_client_secret": "s"}).json()
    assert outlook["platform"] == "microsoft_outlook"
    for path in ("/calendar", "/calendar/calendars"):
        listed = ms.get(path).json()
        assert_valid("meetstream", "calendars.response", listed)
        assert listed["total"] == 2


def test_events_are_synced_and_paginated(ms, calendar):
    events = upcoming(ms)
    assert len(events) == 3 and all(e["meeting_url"].startswith("https://meet.google.com/") for e in events)
    assert events[0]["raw"]["recurrence"] == ["RRULE:FREQ=WEEKLY"]
    page = ms.get("/calendar/get_events", params={"page_size": 2}).json()
    assert page["has_more"] and len(page["results"]) == 2 and page["previous"] is None
    rest = ms.http.get(page["next"]).json()
    assert [e["id"] for e in rest["results"]] == [events[2]["id"]] and rest["next"] is None


def test_schedule_an_event_once_and_the_bot_joins_at_its_start(ms, calendar, receiver):
    event = upcoming(ms)[1]
    body = {"bot_config": {"bot_name": "Calendar bot", "callback_url": receiver.url, "audio_required": True,
                           "transcription": {"deepgram": {"model": "nova-3"}}, "recording_config": {"video_recording": False}}}
    scheduled = ms.post(f"/calendar/schedule/{event['id']}", json=body)
    assert scheduled.status_code == 200, scheduled.text
    assert_valid("meetstream", "schedule.response", scheduled.json())
    bot_id = scheduled.json()["bot_id"]
    assert scheduled.json()["scheduled_time"] == event["start_time"]
    again = ms.post(f"/calendar/schedule/{event['id']}", json=body)
    assert again.status_code == 409 and again.json()["bot_id"] == bot_id
    listed = ms.get("/calendar/scheduled_bots").json()
    assert_valid("meetstream", "scheduled_bots.response", listed)
    assert [b["bot_id"] for b in listed["scheduled_bots"]] == [bot_id]
    assert upcoming(ms)[1]["bots"][0]["bot_id"] == bot_id
    ms.emulator.advance(parse_iso(event["start_time"]) - ms.emulator.now - 1)
    assert ms.status(bot_id) == "Scheduled"
    ms.emulator.advance(1)
    assert ms.status(bot_id) == "Joining"
    details = ms.get(f"/bots/{bot_id}/detail").json()["bot_details"]
    assert details["BotUsername"] == "Calendar bot" and details["transcript_id"]
    assert receiver.requests and ms.get("/calendar/scheduled_bots").json()["count"] == 0


def test_reschedule_rename_and_delete_a_scheduled_bot(ms, calendar):
    event = upcoming(ms)[1]
    bot_id = ms.post(f"/calendar/schedule/{event['id']}", json={}).json()["bot_id"]
    later = parse_iso(event["start_time"]) + 3600
    moved = ms.http.patch(ms.base + f"/calendar/scheduled_bots/{bot_id}",
                          json={"scheduled_join_time": iso(later), "bot_username": "Renamed", "custom_attributes": {"a": "b"}})
    assert moved.status_code == 200
    assert moved.json() == {"message": "Scheduled bot updated", "bot_id": bot_id,
                            "updated_fields": ["bot_username", "custom_attributes", "scheduled_join_time"],
                            "schedule_updated": True}
    ms.emulator.advance(parse_iso(event["start_time"]) - ms.emulator.now + 60)
    assert ms.status(bot_id) == "Scheduled"  # the old time passed without a join
    ms.emulator.advance(later - ms.emulator.now)
    assert ms.status(bot_id) == "Joining"
    assert ms.http.delete(ms.base + f"/calendar/scheduled_bots/{bot_id}").status_code == 409  # it joined
    other = upcoming(ms)[-1]
    second = ms.post(f"/calendar/schedule/{other['id']}", json={}).json()["bot_id"]
    assert ms.http.delete(ms.base + f"/calendar/scheduled_bots/{second}").status_code == 200
    assert ms.get(f"/bots/{second}/status").status_code == 404


def test_the_control_api_moves_an_event_and_its_bot_follows(ms, calendar):
    event = upcoming(ms)[2]
    bot_id = ms.post(f"/calendar/schedule/{event['id']}", json={}).json()["bot_id"]
    start = parse_iso(event["start_time"])
    moved = ms.control("PATCH", f"calendar/events/{event['id']}", json={"start_time": iso(start + 1800)})
    assert moved.status_code == 200 and moved.json()["start_time"] == iso(start + 1800)
    ms.emulator.advance(start + 1799 - ms.emulator.now)
    assert ms.status(bot_id) == "Scheduled"
    ms.emulator.advance(1)
    assert ms.status(bot_id) == "Joining"
    added = ms.control("POST", "calendar/events", json={"api_key": "ms_test_key", "title": "Ad hoc",
                                                       "start_time": iso(ms.emulator.now + 7200)})
    assert added.status_code == 201 and added.json()["id"] in [e["id"] for e in upcoming(ms)]
    cancelled = ms.control("PATCH", f"calendar/events/{added.json()['id']}", json={"is_deleted": True})
    assert cancelled.status_code == 200 and added.json()["id"] not in [e["id"] for e in upcoming(ms)]


def test_every_occurrence_or_each_next_one_of_a_weekly_event(ms, calendar):
    weekly, one_off = upcoming(ms)[0], upcoming(ms)[-1]
    many = ms.post(f"/calendar/schedule/{weekly['id']}", json={"schedule_all_occurrences": True, "occurrence_limit": 3})
    assert many.status_code == 200 and many.json()["is_recurring_occurrence"]
    times = [b["scheduled_join_time"] for b in ms.get("/calendar/scheduled_bots").json()["scheduled_bots"]]
    start = parse_iso(weekly["start_time"])
    assert times == [iso(start), iso(start + WEEK), iso(start + 2 * WEEK)]
    gone = ms.http.delete(ms.base + f"/calendar/schedule/{weekly['id']}", json={"cancel_all_occurrences": True})
    assert_valid("meetstream", "unschedule.response", gone.json())
    assert gone.json()["schedules_cancelled"] == 3 and ms.get("/calendar/scheduled_bots").json()["count"] == 0

    chained = ms.post(f"/calendar/schedule/{weekly['id']}", json={"recurring_event": True}).json()
    ms.emulator.advance(start - ms.emulator.now + 1300)  # the occurrence's bot joined and left
    assert ms.status(chained["bot_id"]) in ("Stopped", "Done")
    [following] = ms.get("/calendar/scheduled_bots").json()["scheduled_bots"]
    assert following["scheduled_join_time"] == iso(start + WEEK) and following["is_recurring"]
    toggled = ms.post("/calendar/toggle-recurrence", json={"event_id": weekly["id"], "recurring_enabled": False})
    assert toggled.status_code == 200 and toggled.json()["recurring_enabled"] is False
    ms.emulator.advance(start + WEEK - ms.emulator.now + 1300)
    assert ms.get("/calendar/scheduled_bots").json()["count"] == 0  # recurrence off: no third bot
    assert ms.post("/calendar/toggle-recurrence", json={"event_id": one_off["id"],
                                                       "recurring_enabled": True}).status_code == 400


def test_occurrence_date_picks_one_occurrence(ms, calendar):
    weekly = upcoming(ms)[0]
    start = parse_iso(weekly["start_time"])
    picked = ms.post(f"/calendar/schedule/{weekly['id']}", json={"occurrence_date": iso(start + 2 * WEEK)}).json()
    assert picked["scheduled_time"] == iso(start + 2 * WEEK)
    wrong = ms.post(f"/calendar/schedule/{weekly['id']}", json={"occurrence_date": iso(start + 3600)})
    assert wrong.status_code == 400


def test_auto_schedule_books_the_next_day_at_midnight_utc(ms, calendar):
    assert ms.get("/calendar/auto-schedule/settings").json() == {"auto_schedule_enabled": False, "default_bot_config": {}}
    enabled = ms.post("/calendar/auto-schedule/enable", json={"default_bot_config": {"bot_name": "Auto"}})
    assert_valid("meetstream", "auto_schedule.response", enabled.json())
    assert ms.get("/calendar/scheduled_bots").json()["count"] == 0
    midnight = ms.emulator.now - ms.emulator.now % DAY + DAY
    ms.emulator.advance(midnight - ms.emulator.now)
    [booked] = ms.get("/calendar/scheduled_bots").json()["scheduled_bots"]
    first = upcoming(ms)[0]
    assert booked["scheduled_join_time"] == iso(parse_iso(first["start_time"]) - 60)  # a minute before
    assert booked["bot_username"] == "Auto"
    ms.post("/calendar/auto-schedule/disable", json={})
    assert ms.get("/calendar/auto-schedule/settings").json()["auto_schedule_enabled"] is False
    ms.emulator.advance(DAY)
    assert all(b["bot_id"] == booked["bot_id"] for b in ms.get("/calendar/scheduled_bots").json()["scheduled_bots"])


def test_auto_reschedule_books_the_next_occurrence(ms, calendar):
    weekly = upcoming(ms)[0]
    start = parse_iso(weekly["start_time"])
    ms.post(f"/calendar/schedule/{weekly['id']}", json={})
    ms.emulator.advance(start - ms.emulator.now + 10)
    answer = ms.post("/calendar/auto-reschedule", json={"event_id": weekly["id"]})
    assert answer.status_code == 200 and len(answer.json()["rescheduled_bots"]) == 1
    [next_one] = ms.get("/calendar/scheduled_bots").json()["scheduled_bots"]
    assert next_one["scheduled_join_time"] == iso(start + WEEK)


@pytest.mark.parametrize("method", ["DELETE", "POST"])
def test_disconnect_removes_events_and_cancels_scheduled_bots(ms, calendar, method):
    event = upcoming(ms)[1]
    bot_id = ms.post(f"/calendar/schedule/{event['id']}", json={}).json()["bot_id"]
    answer = ms.http.request(method, ms.base + "/calendar/disconnect")
    assert answer.status_code == 200
    assert_valid("meetstream", "calendar.disconnected", answer.json())
    assert (answer.json()["events_deleted"], answer.json()["schedules_cancelled"]) == (3, 1)
    assert ms.get(f"/bots/{bot_id}/status").status_code == 404
    assert ms.get("/calendar/calendars").json()["total"] == 0
    assert ms.http.request(method, ms.base + "/calendar/disconnect").status_code == 404


def test_calendars_belong_to_their_key(ms, calendar):
    import requests
    other = {"Authorization": "Token ms_other_key"}
    assert requests.get(ms.base + "/calendar/events", headers=other).json()["results"] == []
    event = upcoming(ms)[0]
    assert requests.post(ms.base + f"/calendar/schedule/{event['id']}", json={}, headers=other).status_code == 404
