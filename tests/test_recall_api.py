"""Recall.ai over real HTTP: bots, status machine, recordings, artifacts, files, Svix webhooks,
real-time endpoints; responses and webhooks checked against Recall's own published documents."""
import json
import time
import subprocess

import pytest
import requests

from emulator.core.clock import parse_iso

from helpers import assert_valid

STREAMING = {"transcript": {"provider": {"recallai_streaming": {}}}}
CALL = 5 + 600 + 2 + 60 + 5  # joined, people stay 10 minutes, everyone-left timeout, processing


def finished(recall, **config):
    bot = recall.create(recording_config={**STREAMING, **config})
    recall.emulator.advance(CALL)
    bot = recall.bot(bot["id"])
    return bot, recall.get(f"/recording/{bot['recordings'][0]['id']}/").json()


# -- auth, urls ------------------------------------------------------------------------------
def test_auth_accepts_token_or_bare_key(recall):
    url = recall.base + "/bot/"
    assert requests.get(url).status_code == 401
    assert requests.get(url).json() == {"detail": "Authentication credentials were not provided."}
    assert requests.get(url, headers={"Authorization": "Token abc"}).status_code == 200
    assert requests.get(url, headers={"Authorization": "abc"}).status_code == 200
    assert requests.get(url, headers={"Authorization": "Bearer a b"}).status_code == 401


@pytest.mark.parametrize("url, expected", [
    ("https://zoom.us/j/84315550123?pwd=abc", {"meeting_id": "84315550123", "meeting_password": "abc", "platform": "zoom"}),
    ("https://us02web.zoom.us/j/123", {"meeting_id": "123", "meeting_password": None, "platform": "zoom"}),
    ("https://meet.google.com/abc-defg-hij", {"meeting_id": "abc-defg-hij", "platform": "google_meet"}),
    ("https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ%40thread.v2/0?context=%7b%22Tid%22%3a%22t-1%22%2c%22Oid%22%3a%22o-2%22%7d",
     {"meeting_id": None, "meeting_password": None, "organizer_id": "o-2", "tenant_id": "t-1", "message_id": "0",
      "thread_id": "19:meeting_NjQ@thread.v2", "business_meeting_id": None, "business_meeting_password": None,
      "platform": "microsoft_teams"}),
])
def test_meeting_urls_become_platform_objects(recall, url, expected):
    assert recall.create(url)["meeting_url"] == expected


@pytest.mark.parametrize("body, field", [
    ({}, "meeting_url"), ({"meeting_url": "https://example.com/x"}, "meeting_url"),
    ({"meeting_url": "https://meet.google.com/nope"}, "meeting_url"),
    ({"meeting_url": "https://zoom.us/j/1", "bot_name": "x" * 101}, "bot_name"),
    ({"meeting_url": "https://zoom.us/j/1", "automatic_leave": {"waiting_room_timeout": 29}}, "automatic_leave"),
    ({"meeting_url": "https://zoom.us/j/1", "recording_config": {"retention": {"type": "timed", "hours": 0}}}, "recording_config"),
    ({"meeting_url": "https://zoom.us/j/1", "recording_config": {"transcript": {"provider": {"deepgram_async": {}}}}}, "recording_config"),
    ({"meeting_url": "https://zoom.us/j/1?emulator_scenario=flood"}, "meeting_url"),
])
def test_create_validation_is_drf_style(recall, body, field):
    answer = recall.post("/bot/", json=body)
    assert answer.status_code == 400 and field in answer.json(), answer.text


# -- the status machine ------------------------------------------------------------------------
def test_default_scenario_and_recording_lifecycle(recall, recall_oracle):
    bot = recall.create(recording_config=STREAMING, metadata={"crm": "42"})
    assert recall_oracle.response_errors("post", "/api/v1/bot/", 201, bot) == []
    recall.emulator.advance(4)
    assert [c for c, _ in recall.codes(bot["id"])] == ["joining_call"]
    recall.emulator.advance(1)  # admitted, with the people already there: the recording starts with them
    assert [c for c, _ in recall.codes(bot["id"])] == ["joining_call", "in_call_not_recording", "in_call_recording"]
    during = recall.bot(bot["id"])
    assert during["status_changes"][-1]["code"] == "in_call_recording"
    shortcuts = during["recordings"][0]["media_shortcuts"]
    assert shortcuts["video_mixed"]["status"]["code"] == "processing"
    assert shortcuts["video_mixed"]["data"]["download_url"] is None and shortcuts["audio_mixed"] is None
    recall.emulator.advance(CALL)
    assert recall.codes(bot["id"]) == [("joining_call", None), ("in_call_not_recording", None),
                                       ("in_call_recording", None), ("call_ended", "timeout_exceeded_everyone_left"),
                                       ("done", None)]
    done = recall.bot(bot["id"])
    assert recall_oracle.response_errors("get", "/api/v1/bot/{id}/", 200, done) == []
    assert_valid("recall", "bot", done)
    recording = recall.get(f"/recording/{done['recordings'][0]['id']}/").json()
    assert recall_oracle.response_errors("get", "/api/v1/recording/{id}/", 200, recording) == []
    assert_valid("recall", "recording", recording)
    assert recording["status"]["code"] == "done" and recording["bot"] == {"id": bot["id"], "metadata": {"crm": "42"}}
    assert all(s["status"]["code"] == "done" for s in recording["media_shortcuts"].values() if s)


def test_download_urls_are_minted_fresh_and_live_6_hours(recall):
    _, recording = finished(recall)
    first = recording["media_shortcuts"]["video_mixed"]["data"]["download_url"]
    recall.emulator.advance(10)
    again = recall.get(f"/recording/{recording['id']}/").json()["media_shortcuts"]["video_mixed"]["data"]["download_url"]
    assert first != again
    recall.emulator.advance(6 * 3600 - 11)
    assert requests.get(first).status_code == 200
    recall.emulator.advance(1)
    assert requests.get(first).status_code == 403 and requests.get(again).status_code == 200


@pytest.mark.parametrize("scenario, leave, codes", [
    ("waiting_room", {"waiting_room_timeout": 300}, [("joining_call", None), ("in_waiting_room", None),
                                                     ("call_ended", "timeout_exceeded_waiting_room"), ("done", None)]),
    ("meeting_not_found", {}, [("joining_call", None), ("fatal", "meeting_not_found")]),
    ("permission_denied", {"recording_permission_denied_timeout": 60}, [
        ("joining_call", None), ("in_call_not_recording", None),
        ("recording_permission_denied", "zoom_local_recording_request_denied_by_host"),
        ("call_ended", "timeout_exceeded_recording_permission_denied"), ("done", None)]),
    ("no_one_joined", {"noone_joined_timeout": 60}, [("joining_call", None), ("in_call_not_recording", None),
                                                      ("call_ended", "timeout_exceeded_noone_joined"), ("done", None)]),
])
def test_recognisable_urls_force_outcomes(recall, scenario, leave, codes):
    bot = recall.create(f"https://zoom.us/j/555?emulator_scenario={scenario}", automatic_leave=leave)
    recall.emulator.advance(hours=1)
    assert recall.codes(bot["id"]) == codes


@pytest.mark.parametrize("scenario, sub_code", [("kicked", "bot_kicked_from_call"), ("ended_by_host", "call_ended_by_host")])
def test_recognisable_urls_end_the_call(recall, scenario, sub_code):
    bot = recall.create(f"https://meet.google.com/abc-defg-hij?emulator_scenario={scenario}", recording_config=STREAMING)
    recall.emulator.advance(hours=1)
    codes = recall.codes(bot["id"])
    assert ("call_ended", sub_code) in codes and codes[-1] == ("done", None)


def test_waiting_room_admits_after_a_while(recall):
    bot = recall.create("https://zoom.us/j/1?emulator_scenario=waiting_room")
    recall.emulator.advance(recall.seconds("join", "waiting_room"))
    assert [c for c, _ in recall.codes(bot["id"])][-2:] == ["in_call_not_recording", "in_call_recording"]


def test_control_forces_outcomes(recall):
    bot = recall.create(recording_config=STREAMING)
    assert recall.control("POST", f"bots/{bot['id']}/force", json={"outcome": "kicked"}).status_code == 409
    recall.emulator.advance(10)
    assert recall.control("POST", f"bots/{bot['id']}/force", json={"outcome": "host_ends"}).status_code == 200
    assert recall.codes(bot["id"])[-1] == ("call_ended", "call_ended_by_host")
    other = recall.create()
    recall.control("POST", f"bots/{other['id']}/force", json={"outcome": "fatal"})
    assert recall.codes(other["id"])[-1] == ("fatal", "bot_errored")


def test_automatic_leave_timeouts(recall):
    recall.control("PATCH", "settings", json={"meeting_seconds": 7200})
    bot = recall.create(automatic_leave={"in_call_recording_timeout": 900}, recording_config=STREAMING)
    recall.emulator.advance(recall.seconds("join", 899))  # recording since it was admitted
    assert recall.codes(bot["id"])[-1][0] == "in_call_recording"
    recall.emulator.advance(1)
    assert recall.codes(bot["id"])[-1] == ("call_ended", "timeout_exceeded_in_call_recording")
    quick = recall.create(automatic_leave={"everyone_left_timeout": {"timeout": 30}})
    recall.emulator.advance(5)
    recall.control("POST", f"bots/{quick['id']}/force", json={"outcome": "everyone_leaves"})
    recall.emulator.advance(29)
    assert recall.codes(quick["id"])[-1][0] == "in_call_recording"
    recall.emulator.advance(1)
    assert recall.codes(quick["id"])[-1] == ("call_ended", "timeout_exceeded_everyone_left")


def test_leave_call_and_recording_commands(recall):
    bot = recall.create(recording_config=STREAMING)
    early = recall.post(f"/bot/{bot['id']}/leave_call/")
    assert early.status_code == 200  # joining: it can leave
    assert recall.post(f"/bot/{bot['id']}/leave_call/").json() == {
        "code": "cannot_command_completed_bot", "detail": "The bot is not in a call."}
    bot = recall.create(recording_config=None)  # manual recording: nothing until start_recording
    recall.emulator.advance(10)
    assert recall.codes(bot["id"])[-1][0] == "in_call_not_recording" and recall.bot(bot["id"])["recordings"] == []
    assert recall.post(f"/bot/{bot['id']}/start_recording/", json=STREAMING).status_code == 200
    assert recall.post(f"/bot/{bot['id']}/pause_recording/").status_code == 200
    assert recall.post(f"/bot/{bot['id']}/pause_recording/").status_code == 400
    rec_id = recall.bot(bot["id"])["recordings"][0]["id"]
    assert recall.get(f"/recording/{rec_id}/").json()["status"]["code"] == "paused"
    assert recall.post(f"/bot/{bot['id']}/resume_recording/").status_code == 200
    assert recall.post(f"/bot/{bot['id']}/stop_recording/").status_code == 200
    recall.emulator.advance(60)
    assert recall.get(f"/recording/{rec_id}/").json()["status"]["code"] == "done"
    left = recall.post(f"/bot/{bot['id']}/leave_call/").json()["status_changes"]
    # its only recording was processed already: the bot is done as it leaves
    assert [(c["code"], c["sub_code"]) for c in left[-2:]] == [("call_ended", "bot_received_leave_call"), ("done", None)]


def test_scheduled_bots_can_change_until_dispatched(recall):
    from emulator.core.clock import iso

    join_at = recall.emulator.now + 3600
    bot = recall.create(join_at=iso(join_at), bot_name="Notes")
    assert bot["join_at"] == iso(join_at) and bot["status_changes"] == []
    changed = recall.http.patch(recall.base + f"/bot/{bot['id']}/", json={"bot_name": "Minutes"})
    assert changed.status_code == 200 and changed.json()["bot_name"] == "Minutes"
    recall.emulator.advance(3000)  # dispatched 10 minutes before join_at
    refused = recall.http.patch(recall.base + f"/bot/{bot['id']}/", json={"bot_name": "Late"})
    assert refused.status_code == 400 and refused.json()["code"] == "update_bot_failed"
    assert recall.http.delete(recall.base + f"/bot/{bot['id']}/").status_code == 405
    recall.emulator.advance(600)
    assert recall.codes(bot["id"])[0][0] == "joining_call" and recall.bot(bot["id"])["join_at"] is None
    other = recall.create(join_at=iso(recall.emulator.now + 7200))
    assert recall.http.delete(recall.base + f"/bot/{other['id']}/").status_code == 204
    assert recall.get(f"/bot/{other['id']}/").status_code == 404


def test_a_moved_join_at_replaces_the_earlier_schedule(recall):
    from emulator.core.clock import iso

    bot = recall.create(join_at=iso(recall.emulator.now + 7200))
    moved = recall.http.patch(recall.base + f"/bot/{bot['id']}/", json={"join_at": iso(recall.emulator.now + 10800)})
    assert moved.status_code == 200
    assert recall.http.patch(recall.base + f"/bot/{bot['id']}/", json={"join_at": None}).status_code == 400
    recall.emulator.advance(7200)
    assert recall.codes(bot["id"]) == []  # not at the old time
    recall.emulator.advance(3600)
    assert recall.codes(bot["id"])[0][0] == "joining_call"


def test_idempotency_key_returns_the_original_bot(recall):
    headers = {"Idempotency-Key": "idem-1"}
    first = recall.post("/bot/", json={"meeting_url": "https://zoom.us/j/1"}, headers=headers).json()
    again = recall.post("/bot/", json={"meeting_url": "https://zoom.us/j/1"}, headers=headers).json()
    assert first["id"] == again["id"] and recall.get("/bot/").json()["count"] == 1


def test_lists_paginate_and_filter(recall, recall_oracle):
    for i in range(22):
        recall.create(f"https://zoom.us/j/{1000 + i}", metadata={"n": str(i % 2)}, recording_config=STREAMING)
    page = recall.get("/bot/").json()
    assert recall_oracle.response_errors("get", "/api/v1/bot/", 200, page) == []
    assert page["count"] == 22 and len(page["results"]) == 20 and page["next"]
    assert len(requests.get(page["next"], headers=recall.http.headers).json()["results"]) == 2
    assert recall.get("/bot/", params={"metadata__n": "1"}).json()["count"] == 11
    assert recall.get("/bot/", params={"platform": "google_meet"}).json()["count"] == 0
    assert recall.get("/bot/", params={"page": 5}).status_code == 404
    recall.emulator.advance(CALL)
    recordings = recall.get("/recording/").json()
    assert recall_oracle.response_errors("get", "/api/v1/recording/", 200, recordings) == []
    assert len(recordings["results"]) == 20 and recordings["next"]
    rest = requests.get(recordings["next"], headers=recall.http.headers).json()
    assert len(rest["results"]) == 2 and rest["previous"]
    assert recall.get("/recording/", params={"status_code": "processing"}).json()["results"] == []
    assert recall.get("/recording/", params={"status_code": "nope"}).status_code == 400
    transcripts = recall.get("/transcript/").json()
    assert recall_oracle.response_errors("get", "/api/v1/transcript/", 200, transcripts) == []


# -- transcripts, files, deletion ------------------------------------------------------------
def test_create_transcript_with_async_providers(recall, recall_oracle):
    recall.control("PATCH", "settings", json={"transcript_seconds": 30})
    _, recording = finished(recall)
    created = recall.post(f"/recording/{recording['id']}/create_transcript/", json={"provider": {"deepgram_async": {}}})
    assert created.status_code == 200
    assert recall_oracle.response_errors("post", "/api/v1/recording/{id}/create_transcript/", 200, created.json()) == []
    assert created.json()["status"]["code"] == "processing" and created.json()["data"]["download_url"] is None
    recall.emulator.advance(30)
    detail = recall.get(f"/transcript/{created.json()['id']}/").json()
    assert recall_oracle.response_errors("get", "/api/v1/transcript/{id}/", 200, detail) == []
    assert detail["status"]["code"] == "done" and detail["provider"] == {"deepgram_async": {}}  # the configured one alone
    assert_valid("recall", "file.transcript", requests.get(detail["data"]["download_url"]).json())
    for _ in range(8):
        recall.post(f"/recording/{recording['id']}/create_transcript/", json={"provider": {"rev_async": {}}})
    eleventh = recall.post(f"/recording/{recording['id']}/create_transcript/", json={"provider": {"rev_async": {}}})
    assert eleventh.status_code == 400 and "at most 10" in eleventh.json()["detail"]
    streaming = recall.post(f"/recording/{recording['id']}/create_transcript/", json={"provider": {"deepgram_streaming": {}}})
    assert streaming.status_code == 400


def test_every_file_matches_the_download_schemas(recall, recall_oracle, tmp_path):
    bot, recording = finished(recall, audio_mixed_mp3={}, video_separate_mp4={}, audio_separate_mp3={})
    shortcuts = recording["media_shortcuts"]
    events = shortcuts["participant_events"]["data"]
    assert_valid("recall", "file.participants", requests.get(events["participants_download_url"]).json())
    participant_events = requests.get(events["participant_events_download_url"]).json()
    assert_valid("recall", "file.participant_events", participant_events)
    actions = [e["action"] for e in participant_events]
    assert actions[:2] == ["join", "join"] and actions.count("leave") == 2
    for person in {e["participant"]["id"] for e in participant_events}:  # each one's speech and camera end before they leave
        own = [e["action"] for e in participant_events if e["participant"]["id"] == person]
        assert own[-2:] == ["webcam_off", "leave"] and own.count("leave") == 1
    assert {"webcam_on", "webcam_off", "speech_on", "speech_off", "screenshare_on", "screenshare_off",
            "chat_message"} <= set(actions)
    assert [e["timestamp"]["relative"] for e in participant_events] == sorted(
        e["timestamp"]["relative"] for e in participant_events)
    chat = next(e for e in participant_events if e["action"] == "chat_message")
    assert chat["data"] == {"text": "Hi everyone, can you see my screen?", "to": "everyone"}
    assert_valid("recall", "file.speaker_timeline", requests.get(events["speaker_timeline_download_url"]).json())
    transcript = shortcuts["transcript"]["data"]
    assert_valid("recall", "file.transcript", requests.get(transcript["download_url"]).json())
    assert_valid("recall", "file.transcript_provider_data", requests.get(transcript["provider_data_download_url"]).json())
    for kind, schema in (("video_separate", "file.video_separate"), ("audio_separate", "file.audio_separate")):
        [artifact] = recall.get(f"/{kind}/", params={"recording_id": recording["id"]}).json()["results"]
        assert recall_oracle.response_errors("get", f"/api/v1/{kind}/{{id}}/", 200, artifact) == []
        parts = requests.get(artifact["data"]["download_url"]).json()
        assert_valid("recall", schema, parts)
        assert len(parts) == 2 and all(requests.get(p["download_url"]).status_code == 200 for p in parts)
    [mixed_audio] = recall.get("/audio_mixed/", params={"recording_id": recording["id"]}).json()["results"]
    assert mixed_audio["format"] == "mp3"
    files = {"video.mp4": shortcuts["video_mixed"]["data"]["download_url"], "audio.mp3": mixed_audio["data"]["download_url"]}
    if subprocess.run(["which", "ffprobe"], capture_output=True).returncode == 0:
        for name, url in files.items():
            path = tmp_path / name
            path.write_bytes(requests.get(url).content)
            probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=format_name", "-of", "csv=p=0", str(path)],
                                   capture_output=True, text=True)
            assert probe.returncode == 0 and probe.stdout.strip(), (name, probe.stderr)


def test_delete_media_and_retention(recall, receiver):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    bot, recording = finished(recall)
    link = recording["media_shortcuts"]["video_mixed"]["data"]["download_url"]
    assert recall.post(f"/bot/{bot['id']}/delete_media/").status_code == 200
    gone = recall.get(f"/recording/{recording['id']}/").json()
    assert gone["status"]["code"] == "deleted" and gone["media_shortcuts"]["video_mixed"]["data"]["download_url"] is None
    assert requests.get(link).status_code == 404
    recall.emulator.settle()
    assert "recording.deleted" in [json.loads(r["body"])["event"] for r in receiver.requests]
    kept, recording = finished(recall, retention={"type": "timed", "hours": 1})
    recall.emulator.advance(3600)
    assert recall.get(f"/recording/{recording['id']}/").json()["status"]["code"] == "deleted"
    assert recall.codes(kept["id"])[-1][0] == "media_expired"


# -- webhooks ----------------------------------------------------------------------------------
def test_svix_signed_webhooks_verify_with_the_svix_library(recall, receiver, recall_oracle):
    from svix.webhooks import Webhook, WebhookVerificationError

    settings = recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]}).json()
    finished(recall)
    events = [json.loads(r["body"])["event"] for r in receiver.requests]
    assert events[:3] == ["bot.joining_call", "bot.in_call_not_recording", "bot.in_call_recording"]
    assert events[-1] == "bot.done" and "recording.done" in events and "transcript.done" in events
    for request in receiver.requests:
        body = json.loads(request["body"])
        assert recall_oracle.webhook_errors(body) == [], body["event"]
        assert_valid("recall", f"webhook.{body['event']}", body)
        headers = {k.lower(): v for k, v in request["headers"].items()}
        # On the real clock, as a receiver verifies: the bot's run moved the emulator clock by minutes.
        Webhook(settings["webhook_secret"]).verify(request["body"], headers)  # raises unless it verifies
        with pytest.raises(WebhookVerificationError):
            Webhook(settings["webhook_secret"]).verify(request["body"] + b" ", headers)


def test_svix_timestamps_are_real_time_after_the_clock_moved_days(recall, receiver):
    """Event times follow the emulator clock; the signature timestamp is transport time, so the svix
    library (which allows five minutes against the receiver's wall clock) accepts every message."""
    from svix.webhooks import Webhook

    secret = recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]}).json()["webhook_secret"]
    recall.emulator.advance(days=2)
    started = recall.emulator.now
    bot = recall.create()
    recall.emulator.advance(hours=2)
    assert recall.get(f"/bot/{bot['id']}/").json()["status_changes"][-1]["code"] == "done"
    assert len(receiver.requests) >= 5
    event_times = []
    for request in receiver.requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        Webhook(secret).verify(request["body"], headers)
        assert abs(int(headers["svix-timestamp"]) - time.time()) < 60
        body = json.loads(request["body"])
        if body["event"].startswith("bot."):
            event_times.append(parse_iso(body["data"]["data"]["updated_at"]))
    # the events themselves happened on the emulator clock, two days ahead of the signatures
    assert event_times and min(event_times) >= started > time.time() + 86400


def datetime_of(ts: int):
    from datetime import datetime, timezone

    return datetime.fromtimestamp(ts, tz=timezone.utc)


def test_webhooks_retry_on_the_svix_schedule(recall, receiver):
    receiver.answers = [500] * 1000  # every delivery fails: count the attempts of the first event
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    recall.create()
    recall.emulator.settle()
    first = [r for r in receiver.requests if json.loads(r["body"])["event"] == "bot.joining_call"]
    assert len(first) == 1  # at once; Svix's next attempt is 5 s later
    for wait, total in ((4, 1), (1, 2), (300, 3), (1800, 4), (7200, 5), (18000, 6), (36000, 7), (36000, 8)):
        recall.emulator.advance(wait)
        sent = [r for r in receiver.requests if json.loads(r["body"])["event"] == "bot.joining_call"]
        assert len(sent) == total, (wait, len(sent))
    recall.emulator.advance(days=3)
    assert len([r for r in receiver.requests if json.loads(r["body"])["event"] == "bot.joining_call"]) == 8
    ids = {r["headers"]["svix-id"] for r in sent}
    assert len(ids) == 1  # the message id stays across retries


def test_realtime_endpoints_are_unsigned_and_retried_every_second(recall, receiver, recall_oracle):
    receiver.answers = [500] * 3
    recall.create(recording_config={**STREAMING, "realtime_endpoints": [
        {"type": "webhook", "url": receiver.url + "/rt", "events": ["participant_events.join", "participant_events.leave",
                                                                    "transcript.data"]}]})
    recall.emulator.advance(5)
    assert len(receiver.requests) == 2 and "svix-signature" not in {k.lower() for k in receiver.requests[0]["headers"]}
    recall.emulator.advance(3)
    joins = [json.loads(r["body"]) for r in receiver.requests if json.loads(r["body"])["event"] == "participant_events.join"]
    assert len(joins) == 5  # two joins: 500, 500, then 500 and 200 a second later, then 200
    assert_valid("recall", "realtime.participant_events.join", joins[-1])
    recall.emulator.advance(600)
    kinds = {json.loads(r["body"])["event"] for r in receiver.requests}
    assert {"transcript.data", "participant_events.leave"} <= kinds
    receiver.answers = [500] * 1000
    recall.create(recording_config={"realtime_endpoints": [{"type": "webhook", "url": receiver.url + "/down",
                                                            "events": ["participant_events.join"]}]})
    recall.emulator.advance(recall.seconds("join", 120))
    down = [r for r in receiver.requests if r["path"] == "/down"]
    assert len(down) == 60 * 2  # two joins, 60 attempts each
