"""MeetStream bots over real HTTP: auth, validation, the lifecycle and its callbacks (the vendor's
shapes, order and signature), forced outcomes, scheduling, chat, pause and resume. Media and
transcripts: test_meetstream_media.py; calendars: test_meetstream_calendar.py; the official SDK's
every method: test_meetstream_sdk.py."""
import hashlib
import hmac
import json

import pytest
import requests

from emulator.core.clock import iso
from emulator.platforms.meetstream.constants import LEAVING_SECONDS, RECORDING_START_SECONDS
from helpers import assert_valid

SECRET = "ms_whsec_emulator_secret"
DEEPGRAM = {"transcript": {"provider": {"deepgram": {"model": "nova-3", "language": "en"}}}}
CALL = 5 + 2 + 600 + 600 + 2  # join, start recording, the people stay 10 minutes, the bot waits 10 more, leaves
POST_CALL = 90  # manifest 5 s, audio 30 s, transcript 30 s after it, video 90 s
RECORDING_STARTS, STOPPING = RECORDING_START_SECONDS, LEAVING_SECONDS


def bodies(receiver, path: str | None = None):
    return [json.loads(r["body"]) for r in receiver.requests if path is None or r["path"] == path]


def events(receiver, path: str | None = None):
    return [b["event"] for b in bodies(receiver, path)]


# -- auth and validation ---------------------------------------------------------------------
def test_auth(emulator, ms):
    url = ms.base + "/bots"
    assert requests.get(url).status_code == 401
    assert requests.get(url).json()["message"]
    assert requests.get(url, headers={"Authorization": "Bearer ms_x"}).status_code == 401
    assert requests.get(url, headers={"Authorization": "Token anything"}).status_code == 200
    ms.control("PATCH", "settings", json={"strict_keys": True, "api_keys": ["ms_known"]})
    answer = requests.get(url, headers={"Authorization": "Token anything"})
    assert answer.status_code == 403 and answer.json() == {"message": "Invalid API key."}
    assert requests.get(url, headers={"Authorization": "Token ms_known"}).status_code == 200


ZOOM = {"meeting_link": "https://zoom.us/j/1", "bot_name": "B"}


@pytest.mark.parametrize("body, message", [
    ({"bot_name": "B"}, "meeting_link is required."),
    ({"meeting_link": "https://zoom.us/j/1"}, "bot_name is required."),
    ({"meeting_link": "https://example.com/meeting", "bot_name": "B"}, "Zoom, Google Meet or Microsoft Teams"),
    ({**ZOOM, "automatic_leave": {"in_call_recording_timeout": 599}}, "in_call_recording_timeout"),
    ({**ZOOM, "automatic_leave": {"recording_permission_denied_timeout": 59}}, "recording_permission_denied_timeout"),
    ({**ZOOM, "automatic_leave": {"recording_permission_denied_timeout": 301}}, "recording_permission_denied_timeout"),
    ({**ZOOM, "custom_attributes": {"n": 1}}, "custom_attributes"),
    ({**ZOOM, "recording_config": {"transcript": {"provider": {"deepgram": {}, "assemblyai": {}}}}}, "provider"),
    ({**ZOOM, "recording_config": {"transcript": {"provider": {}}}}, "provider"),
    ({**ZOOM, "recording_config": {"transcript": {"provider": {"whisper": {}}}}}, "provider"),
    ({**ZOOM, "live_transcription_required": {"webhook_url": "https://x.example/h"},
      "recording_config": {"transcript": {"provider": {"deepgram": {}}}}}, "streaming"),
    ({**ZOOM, "recording_config": {"retention": {"type": "timed", "hours": 0}}}, "hours"),
    ({**ZOOM, "join_at": "tomorrow"}, "join_at"),
    ({**ZOOM, "join_at": "2001-01-01T00:00:00Z"}, "future"),
    ({**ZOOM, "agent_config_id": "no-such-agent"}, "agent_config_id"),
])
def test_create_bot_validation(ms, body, message):
    answer = ms.post("/bots/create_bot", json=body)
    assert answer.status_code == 400
    assert message in answer.json()["message"]


def test_bot_name_default_is_a_setting(ms):
    ms.control("PATCH", "settings", json={"require_bot_name": False})
    answer = ms.post("/bots/create_bot", json={"meeting_link": "https://zoom.us/j/1"})
    assert answer.status_code == 201
    assert ms.get(f"/bots/{answer.json()['bot_id']}/detail").json()["bot_details"]["BotUsername"] == "MeetStream Bot"


def test_the_floors_themselves_are_accepted(ms):
    edges = [{"automatic_leave": {"in_call_recording_timeout": 600, "recording_permission_denied_timeout": 60}},
             {"automatic_leave": {"recording_permission_denied_timeout": 300}},
             {"live_transcription_required": {"webhook_url": "https://x.example/h"},
              "recording_config": {"transcript": {"provider": {"deepgram_streaming": {}}}}}]
    for edge in edges:
        answer = ms.post("/bots/create_bot", json={"meeting_link": "https://zoom.us/j/123456789", "bot_name": "n", **edge})
        assert answer.status_code == 201, (edge, answer.text)


def test_create_answers_the_documented_bot_response(ms):
    bot = ms.create(recording_config=DEEPGRAM, custom_attributes={"customer": "acme"})
    assert_valid("meetstream", "bot", bot)
    assert set(bot) == {"bot_id", "transcript_id", "meeting_url", "status"}
    assert bot["transcript_id"] and bot["status"] == "Active" and bot["meeting_url"] == "https://zoom.us/j/123456789"
    for provider in ("deepgram_streaming", "meeting_captions"):
        assert ms.create(recording_config={"transcript": {"provider": {provider: {}}}})["transcript_id"] is None
    assert ms.create()["transcript_id"] is None  # no provider configured: no transcript
    assert ms.status(bot["bot_id"]) == "Joining"
    assert ms.get(f"/bots/{bot['bot_id']}/status").json() == {
        "bot_id": bot["bot_id"], "status": "Joining", "custom_attributes": {"customer": "acme"}}


def test_defaults_follow_the_current_reference(ms):
    bot = ms.create(recording_config=DEEPGRAM)
    ms.emulator.advance(CALL + POST_CALL)
    assert ms.get(f"/bots/{bot['bot_id']}/get_video").status_code == 200  # video_required defaults to true
    ms.emulator.advance(hours=23)
    assert ms.get(f"/bots/{bot['bot_id']}/get_audio").status_code == 200
    ms.emulator.advance(hours=1)  # retention: 24 hours
    assert ms.get(f"/bots/{bot['bot_id']}/get_audio").status_code == 404
    ms.control("PATCH", "settings", json={"video_required_default": False})
    older = ms.create()
    ms.emulator.advance(CALL + POST_CALL)
    assert ms.get(f"/bots/{older['bot_id']}/get_video").status_code == 400


def test_idempotency_key_replays_with_507_and_deduplication_key_conflicts(ms):
    headers = {"Idempotency-Key": "5b0c9a0e-0000-4000-8000-000000000001"}
    first = ms.post("/bots/create_bot", json=ZOOM, headers=headers)
    again = ms.post("/bots/create_bot", json=ZOOM, headers=headers)
    assert first.status_code == 201 and again.status_code == 507
    assert again.json() == first.json()
    assert len(ms.get("/bots").json()["bots"]) == 1
    one = ms.create(meeting_link="https://zoom.us/j/2", deduplication_key="daily-standup")
    same = ms.create(expect=200, meeting_link="https://zoom.us/j/2", deduplication_key="daily-standup")
    assert same["bot_id"] == one["bot_id"]
    clash = ms.post("/bots/create_bot", json={**ZOOM, "meeting_link": "https://zoom.us/j/3",
                                              "deduplication_key": "daily-standup"})
    assert clash.status_code == 409 and "daily-standup" in clash.json()["message"]


# -- the lifecycle and callbacks -------------------------------------------------------------
def test_the_default_scenario_sends_every_event_once_in_the_documented_order(ms, receiver):
    bot = ms.create(callback_url=receiver.url + "/cb", video_required=True, recording_config=DEEPGRAM,
                    custom_attributes={"customer": "acme"})
    ms.emulator.advance(CALL + POST_CALL)
    assert events(receiver) == ["bot.joining", "bot.inmeeting", "bot.recording", "bot.leaving", "bot.stopped",
                                "manifest.completed", "audio.processed", "transcription.processed",
                                "video.processed", "bot.done"]
    for request in receiver.requests:
        body = json.loads(request["body"])
        assert_valid("meetstream", f"webhook.{body['event']}", body)
        assert body["bot_id"] == bot["bot_id"] and body["custom_attributes"] == {"customer": "acme"}
        assert "bot_event" not in body
        lifecycle = body["event"] in ("bot.joining", "bot.inmeeting", "bot.recording", "bot.leaving", "bot.stopped")
        assert ("timestamp" in body) is not lifecycle  # lifecycle callbacks carry no timestamp
        headers = {k.lower(): v for k, v in request["headers"].items()}
        expected = hmac.new(SECRET.encode(), request["body"], hashlib.sha256).hexdigest()
        assert headers["x-meetstream-signature"] == "sha256=" + expected
        assert headers["x-meetstream-timestamp"].endswith("+00:00")
    stopped = bodies(receiver)[4]
    assert (stopped["bot_status"], stopped["status_code"]) == ("Stopped", 200)
    assert ms.status(bot["bot_id"]) == "Done"
    detail = ms.get(f"/bots/{bot['bot_id']}/detail").json()
    assert_valid("meetstream", "bot.detail.response", detail)
    details = detail["bot_details"]
    assert all(details["StatusTimeline"][s]["status"] for s in (
        "Joining", "InMeeting", "Recording", "Leaving", "Stopped", "AudioProcessing", "VideoProcessing",
        "TranscriptionReady", "Done"))
    assert not details["StatusTimeline"]["Scheduled"]["status"] and details["StatusTimeline"]["Scheduled"]["timestamp"] is None
    assert details["transcript_id"] == bot["transcript_id"]
    assert (details["AudioStatus"], details["TranscriptStatus"], details["ManifestStatus"]) == ("Success",) * 3
    assert details["RequestPayload"]["callback_url"] == receiver.url + "/cb"
    assert [e["action"] for e in details["participant_events"]] == ["join", "join", "leave", "leave"]


def test_streaming_only_bots_end_at_audio_processed(ms, receiver):
    bot = ms.create(callback_url=receiver.url, video_required=False,
                    recording_config={"transcript": {"provider": {"meetstream_streaming": {}}}})
    ms.emulator.advance(CALL + POST_CALL + 3600)
    assert events(receiver)[-2:] == ["manifest.completed", "audio.processed"]
    assert "bot.done" not in events(receiver) and ms.status(bot["bot_id"]) == "Stopped"


def test_an_unsigned_account_sends_no_signature(ms, receiver):
    ms.control("PATCH", "settings", json={"webhook_secret": None})
    ms.create(callback_url=receiver.url)
    ms.emulator.advance(10)
    headers = {k.lower() for k in receiver.requests[0]["headers"]}
    assert "x-meetstream-signature" not in headers and "x-meetstream-timestamp" not in headers


def test_callbacks_are_never_retried(ms, receiver):
    receiver.answers = [500] * 20
    ms.create(callback_url=receiver.url)
    ms.emulator.advance(hours=1)
    deliveries = [d for d in ms.emulator.webhooks if d["platform"] == "meetstream"]
    assert deliveries and all(d["attempts"] == 1 and d["status"] == "failed" for d in deliveries)


@pytest.mark.parametrize("outcome, status", [("deny", "Denied"), ("fail", "Error"), ("kick", "Stopped")])
def test_forced_endings_stop_once_with_status_code_200(ms, receiver, outcome, status):
    bot = ms.create(callback_url=receiver.url, recording_config=DEEPGRAM)
    ms.emulator.advance(10)
    assert ms.control("POST", f"bots/{bot['bot_id']}/force", json={"outcome": outcome}).status_code == 200
    ms.emulator.advance(hours=1)
    stops = [b for b in bodies(receiver) if b["event"] == "bot.stopped"]
    assert len(stops) == 1
    assert (stops[0]["bot_status"], stops[0]["status_code"]) == (status, 200)
    assert ms.status(bot["bot_id"]) in (status, "Done")


def test_a_streaming_error_is_not_terminal(ms, receiver):
    bot = ms.create(callback_url=receiver.url, recording_config={"transcript": {"provider": {"assemblyai_streaming": {}}}},
                    live_transcription_required={"webhook_url": receiver.url + "/live"})
    ms.emulator.advance(10)
    answer = ms.control("POST", f"bots/{bot['bot_id']}/force", json={"outcome": "streaming_error",
                                                                      "message": "AssemblyAI: insufficient funds"})
    assert answer.status_code == 200
    ms.emulator.settle()
    error = bodies(receiver, "/")[-1]
    assert_valid("meetstream", "webhook.bot.error", error)
    assert error == {"event": "bot.error", "bot_id": bot["bot_id"], "bot_status": "InMeeting",
                     "message": "AssemblyAI: insufficient funds"}
    assert ms.status(bot["bot_id"]) == "Recording"


def test_waiting_room_timeout_ends_not_allowed(ms, receiver):
    ms.control("PATCH", "settings", json={"waiting_room_seconds": 10000})
    bot = ms.create(callback_url=receiver.url, automatic_leave={"waiting_room_timeout": 120})
    ms.emulator.advance(5)
    assert ms.status(bot["bot_id"]) == "InWaitingRoom"
    ms.emulator.advance(119)
    assert ms.status(bot["bot_id"]) == "InWaitingRoom"
    ms.emulator.advance(1)
    assert ms.status(bot["bot_id"]) == "NotAllowed"
    assert events(receiver) == ["bot.joining", "bot.in_waiting_room", "bot.stopped"]
    stopped = bodies(receiver)[-1]
    assert (stopped["bot_status"], stopped["status_code"]) == ("NotAllowed", 200)
    assert ms.get(f"/bots/{bot['bot_id']}/get_audio").status_code == 202  # nothing was recorded
    timeline = ms.get(f"/bots/{bot['bot_id']}/detail").json()["bot_details"]["StatusTimeline"]
    assert timeline["WaitingRoom"]["status"] and timeline["BotNotAllowed"]["status"]


def test_waiting_room_then_admitted(ms):
    ms.control("PATCH", "settings", json={"waiting_room_seconds": 60})
    bot = ms.create(automatic_leave={"waiting_room_timeout": 300})
    ms.emulator.advance(ms.seconds("join", "waiting_room"))
    assert ms.status(bot["bot_id"]) == "InMeeting"


def test_everyone_left_and_recording_timeouts_act_on_the_clock(ms):
    bot = ms.create(automatic_leave={"everyone_left_timeout": 30})
    ms.emulator.advance(ms.seconds("join", "meeting"))  # everyone has just left
    assert ms.status(bot["bot_id"]) == "Recording"
    ms.emulator.advance(30 + STOPPING)  # the bot's everyone_left_timeout, then it stops
    assert ms.status(bot["bot_id"]) == "Stopped"
    ms.control("PATCH", "settings", json={"meeting_seconds": 7200})
    long = ms.create(automatic_leave={"in_call_recording_timeout": 900})
    ms.emulator.advance(ms.seconds("join", RECORDING_STARTS, 899))  # a second short of the timeout
    assert ms.status(long["bot_id"]) == "Recording"
    ms.emulator.advance(1)
    assert ms.status(long["bot_id"]) == "Leaving"


def test_join_at_schedules_the_bot(ms, receiver):
    bot = ms.create(callback_url=receiver.url, join_at=iso(ms.emulator.now + 3600))
    assert ms.status(bot["bot_id"]) == "Scheduled"
    ms.emulator.advance(3599)
    assert events(receiver) == []  # no bot.scheduled: the vendor sends none
    ms.emulator.advance(1)
    assert events(receiver) == ["bot.joining"]
    timeline = ms.get(f"/bots/{bot['bot_id']}/detail").json()["bot_details"]["StatusTimeline"]
    assert timeline["Scheduled"]["status"]


def test_remove_bot_is_a_get_and_keeps_the_data(ms):
    bot = ms.create(recording_config=DEEPGRAM)
    ms.emulator.advance(60)
    removed = ms.get(f"/bots/{bot['bot_id']}/remove_bot")
    assert removed.status_code == 200 and removed.json()["bot_id"] == bot["bot_id"]
    ms.emulator.advance(300)
    assert ms.get(f"/bots/{bot['bot_id']}/get_audio").status_code == 200
    assert ms.get(f"/bots/{bot['bot_id']}/remove_bot").status_code == 409


# -- in the meeting --------------------------------------------------------------------------
def test_send_message_and_image_land_in_the_chat(ms):
    bot = ms.create()
    assert ms.post(f"/bots/{bot['bot_id']}/send_message", json={"message": "hi"}).status_code == 409  # not in yet
    ms.emulator.advance(10)
    said = ms.post(f"/bots/{bot['bot_id']}/send_message", json={"message": "Hello from the bot",
                                                                "metadata": {"message_type": "text"}})
    assert said.status_code == 200 and said.json() == {"status": "success", "bot_id": bot["bot_id"],
                                                       "command": "sendmsg"}
    shown = ms.post(f"/bots/{bot['bot_id']}/send_image", json={"img_url": "https://example.com/a.gif",
                                                               "display_duration": 5})
    assert shown.status_code == 200 and shown.json()["command"] == "sendimg_url"
    assert ms.post(f"/bots/{bot['bot_id']}/send_image", json={"image_url": "https://example.com/a.gif"}).status_code == 400
    chats = ms.get(f"/bots/{bot['bot_id']}/get_chats").json()
    assert_valid("meetstream", "chats.response", chats)
    mine = [c["message"] for c in chats["chats"] if c["sender"] == "Notetaker"]
    assert mine == ["Hello from the bot", "https://example.com/a.gif"]


def test_pause_and_resume_leave_the_paused_time_out(ms):
    bot = ms.create(video_required=False)
    ms.emulator.advance(10)
    assert ms.post(f"/bots/{bot['bot_id']}/resume_recording", json={}).status_code == 409
    paused = ms.post(f"/bots/{bot['bot_id']}/pause_recording", json={})
    assert paused.status_code == 200 and paused.json()["command"] == "pause_recording"
    assert ms.post(f"/bots/{bot['bot_id']}/pause_recording", json={}).status_code == 409
    ms.emulator.advance(300)
    assert ms.post(f"/bots/{bot['bot_id']}/resume_recording", json={}).status_code == 200
    ms.get(f"/bots/{bot['bot_id']}/remove_bot")
    ms.emulator.advance(POST_CALL + 5)
    detail = ms.get(f"/bots/{bot['bot_id']}/detail").json()["bot_details"]
    assert detail["Duration"] == 5.0  # recording from +7 s to the stop at +312 s, less 300 s paused


def test_unknown_bots_and_other_keys_bots_are_404(ms):
    bot = ms.create()
    assert ms.get("/bots/00000000-0000-4000-8000-000000000000/status").status_code == 404
    other = requests.get(ms.base + f"/bots/{bot['bot_id']}/status", headers={"Authorization": "Token someone_else"})
    assert other.status_code == 404
    assert ms.get("/bots/not-a-uuid/status").status_code == 404


def test_list_bots_with_cursor(ms):
    ids = [ms.create()["bot_id"] for _ in range(5)]
    first = ms.get("/bots", params={"limit": 2}).json()
    assert_valid("meetstream", "bots.list.response", first)
    assert [b["bot_id"] for b in first["bots"]] == ids[::-1][:2] and first["hasNextPage"]
    rest = ms.get("/bots", params={"limit": 10, "cursor": first["nextCursor"]}).json()
    assert [b["bot_id"] for b in rest["bots"]] == ids[::-1][2:] and rest["nextCursor"] is None


def test_summary_needs_a_workflow_and_the_transcript(ms):
    plain = ms.create(recording_config=DEEPGRAM)
    assert ms.get(f"/bots/{plain['bot_id']}/summary").status_code == 404
    bot = ms.create(recording_config=DEEPGRAM, workflow_config_ids=["wf_summary"])
    assert ms.get(f"/bots/{bot['bot_id']}/summary").status_code == 202
    ms.emulator.advance(CALL + POST_CALL)
    summary = ms.get(f"/bots/{bot['bot_id']}/summary").json()
    assert_valid("meetstream", "bot.summary.response", summary)
    assert summary["bot_details"]["BotID"] == bot["bot_id"] and summary["bot_details"]["summary"]["overview"]
