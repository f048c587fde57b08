"""Recall.ai Calendar V2 over HTTP: calendars that connect, sync and disconnect, their events with the
provider's raw payload, bots scheduled per deduplication key, the calendar webhooks; and failures
forced through the control API. Responses are checked against Recall's OpenAPI document."""
import json
from datetime import datetime, timezone

import pytest
import requests

from emulator.core.clock import iso, parse_iso

GOOGLE = {"oauth_client_id": "client-1.apps.googleusercontent.com", "oauth_client_secret": "secret",
          "oauth_refresh_token": "1//refresh", "platform": "google_calendar", "oauth_email": "ana@example.com"}


def connected(recall, **body) -> dict:
    answer = v2(recall, "POST", "/calendars/", json={**GOOGLE, **body})
    assert answer.status_code == 201, answer.text
    recall.emulator.advance(5)
    return v2(recall, "GET", f"/calendars/{answer.json()['id']}/").json()


def v2(recall, method: str, path: str, **kwargs) -> requests.Response:
    base = recall.base.removesuffix("/v1") + "/v2"
    return recall.http.request(method, base + path, **kwargs)


def events_of(recall, calendar_id: str) -> list[dict]:
    return v2(recall, "GET", "/calendar-events/", params={"calendar_id": calendar_id}).json()["results"]


def test_a_calendar_connects_and_syncs_its_events(recall, receiver, recall_oracle):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    created = v2(recall, "POST", "/calendars/", json=GOOGLE)
    assert created.status_code == 201
    assert recall_oracle.response_errors("post", "/api/v2/calendars/", 201, created.json()) == []
    assert created.json()["status"] == "connecting"
    recall.emulator.advance(5)
    calendar = v2(recall, "GET", f"/calendars/{created.json()['id']}/").json()
    assert calendar["status"] == "connected" and calendar["platform_email"] == "ana@example.com"
    assert [s["status"] for s in calendar["status_changes"]] == ["connecting", "connected"]
    events = events_of(recall, calendar["id"])
    assert len(events) == 3 and [e["meeting_platform"] for e in events] == ["google_meet", "zoom", "google_meet"]
    listing = v2(recall, "GET", "/calendar-events/", params={"calendar_id": calendar["id"]}).json()
    assert recall_oracle.response_errors("get", "/api/v2/calendar-events/", 200, listing) == []
    assert recall_oracle.response_errors("get", "/api/v2/calendars/", 200,
                                         v2(recall, "GET", "/calendars/").json()) == []
    recall.emulator.settle()
    bodies = [json.loads(r["body"]) for r in receiver.requests]
    assert [b["event"] for b in bodies] == ["calendar.update", "calendar.sync_events"]
    for body in bodies:
        assert recall_oracle.webhook_errors(body) == [] and body["data"]["calendar_id"] == calendar["id"]


def test_outlook_events_carry_the_graph_payload(recall, recall_oracle):
    calendar = connected(recall, platform="microsoft_outlook")
    event = events_of(recall, calendar["id"])[0]
    assert event["raw"]["@odata.type"] == "#microsoft.graph.event" and event["platform"] == "microsoft_outlook"
    assert recall_oracle.response_errors("get", "/api/v2/calendar-events/{id}/", 200, event) == []


def test_calendar_filters_and_validation(recall):
    calendar = connected(recall)
    assert v2(recall, "GET", "/calendars/", params={"email": "ana@example.com"}).json()["results"][0]["id"] == calendar["id"]
    assert v2(recall, "GET", "/calendars/", params={"status": "disconnected"}).json()["results"] == []
    missing = v2(recall, "POST", "/calendars/", json={"platform": "google_calendar"})
    assert missing.status_code == 400 and "oauth_refresh_token" in missing.json()
    first = events_of(recall, calendar["id"])[0]
    later = v2(recall, "GET", "/calendar-events/", params={"start_time__gte": iso(parse_iso(first["start_time"]) + 1)})
    assert first["id"] not in [e["id"] for e in later.json()["results"]]
    assert v2(recall, "GET", "/calendar-events/", params={"is_deleted": "maybe"}).status_code == 400
    other_workspace = requests.get(recall.base.removesuffix("/v1") + f"/v2/calendars/{calendar['id']}/",
                                   headers={"Authorization": "Token someone-else"})
    assert other_workspace.status_code == 404


def test_bots_are_shared_by_deduplication_key(recall, recall_oracle):
    ana = connected(recall)
    ben = connected(recall, oauth_email="ben@example.com")
    shared_event = events_of(recall, ana["id"])[1]
    other = events_of(recall, ben["id"])[1]
    key = f"{shared_event['start_time']}-{shared_event['meeting_url']}"
    added = v2(recall, "POST", f"/calendar-events/{shared_event['id']}/bot/",
               json={"deduplication_key": key, "bot_config": {"bot_name": "Notes"}})
    assert added.status_code == 200, added.text
    assert recall_oracle.response_errors("post", "/api/v2/calendar-events/{id}/bot/", 200, added.json()) == []
    entry = added.json()["bots"][0]
    assert entry["deduplication_key"] == key and entry["start_time"] == shared_event["start_time"]
    bot = recall.bot(entry["bot_id"])
    assert bot["bot_name"] == "Notes" and bot["join_at"] == shared_event["start_time"]
    assert bot["meeting_url"]["platform"] == "zoom"
    again = v2(recall, "POST", f"/calendar-events/{other['id']}/bot/",
               json={"deduplication_key": key, "bot_config": {"bot_name": "Minutes"}}).json()
    assert again["bots"][0]["bot_id"] == entry["bot_id"]  # one bot for both calendars
    assert recall.bot(entry["bot_id"])["bot_name"] == "Minutes"  # the latest bot_config wins
    removed = v2(recall, "DELETE", f"/calendar-events/{shared_event['id']}/bot/")
    assert removed.status_code == 200 and removed.json()["bots"] == []
    assert recall.get(f"/bot/{entry['bot_id']}/").status_code == 200  # still shared by the other event
    assert v2(recall, "DELETE", f"/calendar-events/{other['id']}/bot/").json()["bots"] == []
    assert recall.get(f"/bot/{entry['bot_id']}/").status_code == 404
    assert v2(recall, "DELETE", f"/calendar-events/{other['id']}/bot/").status_code == 200  # idempotent


def test_scheduled_event_bots_join_at_the_event_start(recall):
    calendar = connected(recall)
    event = events_of(recall, calendar["id"])[0]
    bot_id = v2(recall, "POST", f"/calendar-events/{event['id']}/bot/",
                json={"deduplication_key": "k", "bot_config": {}}).json()["bots"][0]["bot_id"]
    recall.emulator.advance(parse_iso(event["start_time"]) - recall.emulator.now)
    assert recall.codes(bot_id)[0][0] == "joining_call"


def test_moved_and_deleted_events(recall, receiver):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    calendar = connected(recall)
    event = events_of(recall, calendar["id"])[2]
    bot_id = v2(recall, "POST", f"/calendar-events/{event['id']}/bot/",
                json={"deduplication_key": "k2", "bot_config": {}}).json()["bots"][0]["bot_id"]
    new_start = iso(parse_iso(event["start_time"]) + 3600)
    moved = recall.control("PATCH", f"calendar-events/{event['id']}", json={"start_time": new_start})
    assert moved.status_code == 200 and moved.json()["start_time"] == new_start
    rescheduled = v2(recall, "POST", f"/calendar-events/{event['id']}/bot/",
                     json={"deduplication_key": "k2", "bot_config": {}}).json()
    assert rescheduled["bots"][0]["bot_id"] == bot_id and recall.bot(bot_id)["join_at"] == new_start
    deleted = recall.control("PATCH", f"calendar-events/{event['id']}", json={"is_deleted": True}).json()
    assert deleted["is_deleted"] and deleted["bots"] == []
    assert recall.get(f"/bot/{bot_id}/").status_code == 404  # bots go with deleted events
    refused = v2(recall, "POST", f"/calendar-events/{event['id']}/bot/", json={"deduplication_key": "k2", "bot_config": {}})
    assert refused.status_code == 400
    recall.emulator.advance(1)
    added = recall.control("POST", f"calendars/{calendar['id']}/events",
                           json={"start_time": iso(recall.emulator.now + 7200), "meeting_url": "https://zoom.us/j/99"})
    assert added.status_code == 201 and added.json()["meeting_platform"] == "zoom"
    recall.emulator.settle()
    syncs = [json.loads(r["body"]) for r in receiver.requests if json.loads(r["body"])["event"] == "calendar.sync_events"]
    assert len(syncs) == 4  # the first sync, the move, the deletion, the new event
    since = v2(recall, "GET", "/calendar-events/", params={"updated_at__gte": syncs[-1]["data"]["last_updated_ts"]})
    assert [e["id"] for e in since.json()["results"]] == [added.json()["id"]]


def test_disconnect_reconnect_delete(recall, receiver, recall_oracle):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    calendar = connected(recall)
    event = events_of(recall, calendar["id"])[1]
    bot_id = v2(recall, "POST", f"/calendar-events/{event['id']}/bot/",
                json={"deduplication_key": "k3", "bot_config": {}}).json()["bots"][0]["bot_id"]
    token = v2(recall, "POST", f"/calendars/{calendar['id']}/access-token/").json()
    assert recall_oracle.response_errors("post", "/api/v2/calendars/{id}/access-token/", 200, token) == []
    expires = datetime.fromisoformat(token["expires_at"].replace("Z", "+00:00"))
    assert 3500 < (expires - datetime.now(timezone.utc)).total_seconds() <= 3600  # wall-clock time
    assert recall.control("POST", f"calendars/{calendar['id']}/disconnect").json()["status"] == "disconnected"
    assert recall.get(f"/bot/{bot_id}/").status_code == 404
    refused = v2(recall, "POST", f"/calendars/{calendar['id']}/access-token/")
    assert refused.status_code == 400 and refused.json()["code"] == "bad_refresh_token"
    assert recall_oracle.response_errors("post", "/api/v2/calendars/{id}/access-token/", 400, refused.json()) == []
    assert v2(recall, "PATCH", f"/calendars/{calendar['id']}/", json={}).json()["status"] == "connecting"
    recall.emulator.advance(5)
    assert v2(recall, "GET", f"/calendars/{calendar['id']}/").json()["status"] == "connected"
    assert len(events_of(recall, calendar["id"])) == 3  # reconnecting does not sync the events twice
    recall.emulator.settle()
    updates = [r for r in receiver.requests if json.loads(r["body"])["event"] == "calendar.update"]
    assert len(updates) == 4  # connected, disconnected, connecting, connected
    assert v2(recall, "DELETE", f"/calendars/{calendar['id']}/").status_code == 204
    assert v2(recall, "GET", f"/calendars/{calendar['id']}/").status_code == 404
    assert v2(recall, "GET", f"/calendar-events/{event['id']}/").status_code == 404
    recall.emulator.settle()
    assert len([r for r in receiver.requests if json.loads(r["body"])["event"] == "calendar.update"]) == 4


def test_a_revoked_refresh_token_never_connects(recall):
    created = v2(recall, "POST", "/calendars/", json={**GOOGLE, "oauth_refresh_token": "revoked-1"}).json()
    recall.emulator.advance(5)
    assert v2(recall, "GET", f"/calendars/{created['id']}/").json()["status"] == "disconnected"


# -- failures --------------------------------------------------------------------------------
def test_a_recording_can_be_made_to_fail(recall, receiver, recall_oracle):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    bot = recall.create(recording_config={"transcript": {"provider": {"recallai_streaming": {}}}})
    recall.emulator.advance(10)
    recording_id = recall.bot(bot["id"])["recordings"][0]["id"]
    failed = recall.control("POST", f"recordings/{recording_id}/fail", json={})
    assert failed.status_code == 200 and failed.json()["status"] == {
        "code": "failed", "sub_code": "internal_error", "updated_at": failed.json()["status"]["updated_at"]}
    assert recall.control("POST", f"recordings/{recording_id}/fail", json={}).status_code == 409
    recall.post(f"/bot/{bot['id']}/leave_call/")
    assert recall.codes(bot["id"])[-1][0] == "done"  # nothing left to process
    recall.emulator.settle()
    bodies = [json.loads(r["body"]) for r in receiver.requests]
    events = [b["event"] for b in bodies]
    assert {"recording.failed", "transcript.failed", "video_mixed.failed", "participant_events.failed"} <= set(events)
    for body in bodies:
        assert recall_oracle.webhook_errors(body) == [], body["event"]
    recording = recall.get(f"/recording/{recording_id}/").json()
    assert recall_oracle.response_errors("get", "/api/v1/recording/{id}/", 200, recording) == []


def test_an_async_transcript_can_fail_with_a_documented_sub_code(recall):
    bot = recall.create()
    recall.emulator.advance(recall.until_media_done())
    recording_id = recall.bot(bot["id"])["recordings"][0]["id"]
    transcript = recall.post(f"/recording/{recording_id}/create_transcript/",
                             json={"provider": {"assembly_ai_async": {}}}).json()
    failed = recall.control("POST", f"artifacts/{transcript['id']}/fail", json={"sub_code": "provider_connection_failed"})
    assert failed.status_code == 200 and failed.json()["status"]["sub_code"] == "provider_connection_failed"
    recall.emulator.advance(300)  # the transcription that would have finished does not
    again = recall.get(f"/transcript/{transcript['id']}/").json()
    assert again["status"]["code"] == "failed" and again["data"]["download_url"] is None


def test_fatal_can_strike_in_the_call(recall):
    bot = recall.create()
    recall.emulator.advance(10)
    recall.control("POST", f"bots/{bot['id']}/force", json={"outcome": "fatal"})
    assert recall.codes(bot["id"])[-1] == ("fatal", "bot_errored")
    recording = recall.get(f"/recording/{recall.bot(bot['id'])['recordings'][0]['id']}/").json()
    assert recording["status"]["code"] == "failed" and recording["status"]["sub_code"] == "bot_errored"


@pytest.mark.parametrize("path", ["recordings/00000000-0000-4000-8000-000000000000/fail",
                                  "artifacts/00000000-0000-4000-8000-000000000000/fail"])
def test_failing_what_does_not_exist_is_a_404(recall, path):
    assert recall.control("POST", path, json={}).status_code == 404


def test_calendar_throttles_follow_recalls_x_throttles(recall):
    recall.control("PATCH", "settings", json={"rate_limit": True})
    calendar = connected(recall)
    for _ in range(59):  # connected() read the calendar once; lists count on their own: 60 a minute
        assert v2(recall, "GET", "/calendars/").status_code == 200
    assert v2(recall, "GET", "/calendars/").status_code == 200
    throttled = v2(recall, "GET", "/calendars/")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "60"
    event = events_of(recall, calendar["id"])[0]
    for _ in range(300):  # Add Bot and Remove Bot take 600 a minute, more than the 300 of the rest
        assert v2(recall, "DELETE", f"/calendar-events/{event['id']}/bot/").status_code == 200
    assert v2(recall, "DELETE", f"/calendar-events/{event['id']}/bot/").status_code == 200
