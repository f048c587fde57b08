"""MeetStream over real HTTP, and through the official SDK: bots, callbacks, media, transcripts."""
import hashlib
import hmac
import io
import json
import wave

import pytest
import requests

from helpers import assert_valid

SECRET = "ms_whsec_emulator_secret"
DEEPGRAM = {"transcript": {"provider": {"deepgram": {"model": "nova-3", "language": "en"}}}}
CALL = 600 + 600 + 2  # the people stay 10 minutes, the bot waits 10 more, then leaves


def events(receiver):
    return [json.loads(r["body"])["event"] for r in receiver.requests]


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


@pytest.mark.parametrize("body, message", [
    ({}, "meeting_link is required."),
    ({"meeting_link": "https://example.com/meeting"}, "Zoom, Google Meet or Microsoft Teams"),
    ({"meeting_link": "https://zoom.us/j/1", "automatic_leave": {"in_call_recording_timeout": 599}}, "in_call_recording_timeout"),
    ({"meeting_link": "https://zoom.us/j/1", "automatic_leave": {"recording_permission_denied_timeout": 59}}, "recording_permission_denied_timeout"),
    ({"meeting_link": "https://zoom.us/j/1", "automatic_leave": {"recording_permission_denied_timeout": 301}}, "recording_permission_denied_timeout"),
    ({"meeting_link": "https://zoom.us/j/1", "custom_attributes": {"n": 1}}, "custom_attributes"),
    ({"meeting_link": "https://zoom.us/j/1", "recording_config": {"transcript": {"provider": {"deepgram": {}, "assemblyai": {}}}}}, "provider"),
    ({"meeting_link": "https://zoom.us/j/1", "recording_config": {"transcript": {"provider": {}}}}, "provider"),
    ({"meeting_link": "https://zoom.us/j/1", "recording_config": {"transcript": {"provider": {"whisper": {}}}}}, "provider"),
    ({"meeting_link": "https://zoom.us/j/1", "live_transcription_required": {"webhook_url": "https://x.example/h"},
      "recording_config": {"transcript": {"provider": {"deepgram": {}}}}}, "streaming"),
    ({"meeting_link": "https://zoom.us/j/1", "recording_config": {"retention": {"type": "timed", "hours": 0}}}, "hours"),
    ({"meeting_link": "https://zoom.us/j/1", "join_at": "tomorrow"}, "join_at"),
    ({"meeting_link": "https://zoom.us/j/1", "join_at": "2001-01-01T00:00:00Z"}, "future"),
])
def test_create_bot_validation(ms, body, message):
    answer = ms.http.post(ms.base + "/bots/create_bot", json=body)
    assert answer.status_code == 400
    assert message in answer.json()["message"]


def test_the_floors_themselves_are_accepted(ms):
    ms.create(automatic_leave={"in_call_recording_timeout": 600, "recording_permission_denied_timeout": 60})
    ms.create(automatic_leave={"recording_permission_denied_timeout": 300})
    ms.create(live_transcription_required={"webhook_url": "https://x.example/h"},
              recording_config={"transcript": {"provider": {"deepgram_streaming": {}}}})


def test_create_answers_201_with_bot_and_transcript_ids(ms):
    bot = ms.create(recording_config=DEEPGRAM, custom_attributes={"customer": "acme"})
    assert_valid("meetstream", "bot", bot)
    assert bot["transcript_id"] and bot["status"] == "Joining" and bot["platform"] == "zoom"
    streaming = ms.create(recording_config={"transcript": {"provider": {"deepgram_streaming": {}}}})
    assert streaming["transcript_id"] is None


def test_idempotency_key_replays_with_507_and_deduplication_key_conflicts(ms):
    headers = {"Idempotency-Key": "5b0c9a0e-0000-4000-8000-000000000001"}
    first = ms.http.post(ms.base + "/bots/create_bot", json={"meeting_link": "https://zoom.us/j/1"}, headers=headers)
    again = ms.http.post(ms.base + "/bots/create_bot", json={"meeting_link": "https://zoom.us/j/1"}, headers=headers)
    assert first.status_code == 201 and again.status_code == 507
    assert again.json()["bot_id"] == first.json()["bot_id"]
    assert len(ms.get("/bots").json()["bots"]) == 1
    one = ms.create(meeting_link="https://zoom.us/j/2", deduplication_key="daily-standup")
    same = ms.create(expect=200, meeting_link="https://zoom.us/j/2", deduplication_key="daily-standup")
    assert same["bot_id"] == one["bot_id"]
    clash = ms.http.post(ms.base + "/bots/create_bot", json={"meeting_link": "https://zoom.us/j/3",
                                                            "deduplication_key": "daily-standup"})
    assert clash.status_code == 409 and "daily-standup" in clash.json()["message"]


# -- the lifecycle and callbacks -------------------------------------------------------------
def test_the_default_scenario_sends_every_event_once_signed(ms, receiver):
    bot = ms.create(callback_url=receiver.url + "/cb", video_required=True, recording_config=DEEPGRAM,
                    custom_attributes={"customer": "acme"})
    ms.emulator.advance(CALL + 200)
    assert events(receiver) == ["bot.joining", "bot.inmeeting", "bot.recording", "bot.leaving", "bot.stopped",
                                "audio.processed", "video.processed", "transcription.processed", "bot.done"]
    for request in receiver.requests:
        body = json.loads(request["body"])
        assert_valid("meetstream", f"webhook.{body['event']}", body)
        assert body["bot_id"] == bot["bot_id"] and body["custom_attributes"] == {"customer": "acme"}
        assert body["event"] == body["bot_event"]
        expected = hmac.new(SECRET.encode(), request["body"], hashlib.sha256).hexdigest()
        assert request["headers"]["X-MeetStream-Signature"] == expected
    stopped = json.loads(receiver.requests[4]["body"])
    assert (stopped["bot_status"], stopped["status_code"]) == ("Stopped", 200)
    detail = ms.get(f"/bots/{bot['bot_id']}/detail").json()
    assert_valid("meetstream", "bot.detail.response", detail)
    timeline = detail["bot_details"]["StatusTimeline"]
    assert all(timeline[s]["status"] for s in ("Joining", "InMeeting", "Stopped", "AudioProcessing",
                                               "VideoProcessing", "TranscriptionReady"))
    assert detail["bot_details"]["transcript_id"] == bot["transcript_id"]


def test_callbacks_are_never_retried(ms, receiver):
    receiver.answers = [500] * 20
    ms.create(callback_url=receiver.url)
    ms.emulator.advance(hours=1)
    deliveries = [d for d in ms.emulator.webhooks if d["platform"] == "meetstream"]
    assert deliveries and all(d["attempts"] == 1 and d["status"] == "failed" for d in deliveries)


@pytest.mark.parametrize("outcome, bot_event, status, code", [
    ("deny", "bot.denied", "Denied", 500), ("fail", "bot.failed", "Error", 500), ("kick", "bot.kicked", "Stopped", 200),
])
def test_forced_endings(ms, receiver, outcome, bot_event, status, code):
    bot = ms.create(callback_url=receiver.url, recording_config=DEEPGRAM)
    ms.emulator.advance(10)
    assert ms.control("POST", f"bots/{bot['bot_id']}/force", json={"outcome": outcome}).status_code == 200
    ms.emulator.advance(hours=1)
    stops = [json.loads(r["body"]) for r in receiver.requests if json.loads(r["body"])["event"] == "bot.stopped"]
    assert len(stops) == 1
    assert (stops[0]["bot_event"], stops[0]["bot_status"], stops[0]["status_code"]) == (bot_event, status, code)
    assert ms.get(f"/bots/{bot['bot_id']}/status").json()["status"] in (status, "Done")


def test_waiting_room_timeout_ends_not_allowed(ms, receiver):
    ms.control("PATCH", "settings", json={"waiting_room_seconds": 10000})
    bot = ms.create(callback_url=receiver.url, automatic_leave={"waiting_room_timeout": 120})
    ms.emulator.advance(5)
    assert ms.get(f"/bots/{bot['bot_id']}/status").json()["status"] == "InWaitingRoom"
    ms.emulator.advance(119)
    assert ms.get(f"/bots/{bot['bot_id']}/status").json()["status"] == "InWaitingRoom"
    ms.emulator.advance(1)
    assert ms.get(f"/bots/{bot['bot_id']}/status").json()["status"] == "NotAllowed"
    assert events(receiver) == ["bot.joining", "bot.in_waiting_room", "bot.stopped"]
    stopped = json.loads(receiver.requests[-1]["body"])
    assert (stopped["bot_event"], stopped["status_code"]) == ("bot.notallowed", 500)
    assert ms.get(f"/bots/{bot['bot_id']}/get_audio").status_code == 202  # nothing was recorded


def test_waiting_room_then_admitted(ms):
    ms.control("PATCH", "settings", json={"waiting_room_seconds": 60})
    bot = ms.create(automatic_leave={"waiting_room_timeout": 300})
    ms.emulator.advance(5 + 60)
    assert ms.get(f"/bots/{bot['bot_id']}/status").json()["status"] == "InMeeting"


def test_everyone_left_and_recording_timeouts_act_on_the_clock(ms):
    bot = ms.create(automatic_leave={"everyone_left_timeout": 30})
    ms.emulator.advance(5 + 600)  # everyone has just left
    assert ms.get(f"/bots/{bot['bot_id']}/status").json()["status"] == "Recording"
    ms.emulator.advance(30 + 2)
    assert ms.get(f"/bots/{bot['bot_id']}/status").json()["status"] == "Stopped"
    ms.control("PATCH", "settings", json={"meeting_seconds": 7200})
    long = ms.create(automatic_leave={"in_call_recording_timeout": 900})
    ms.emulator.advance(5 + 2 + 899)
    assert ms.get(f"/bots/{long['bot_id']}/status").json()["status"] == "Recording"
    ms.emulator.advance(1)
    assert ms.get(f"/bots/{long['bot_id']}/status").json()["status"] == "Leaving"


def test_join_at_schedules_the_bot(ms, receiver):
    from emulator.core.clock import iso
    bot = ms.create(callback_url=receiver.url, join_at=iso(ms.emulator.now + 3600))
    assert bot["status"] == "Scheduled"
    ms.emulator.advance(3599)
    assert events(receiver) == ["bot.scheduled"]
    ms.emulator.advance(1)
    assert events(receiver)[-1] == "bot.joining"


def test_remove_bot_is_a_get_and_keeps_the_data(ms):
    bot = ms.create(recording_config=DEEPGRAM)
    ms.emulator.advance(60)
    removed = ms.get(f"/bots/{bot['bot_id']}/remove_bot")
    assert removed.status_code == 200 and removed.json()["bot_id"] == bot["bot_id"]
    ms.emulator.advance(300)
    assert ms.get(f"/bots/{bot['bot_id']}/get_audio").status_code == 200
    assert ms.get(f"/bots/{bot['bot_id']}/remove_bot").status_code == 409


# -- media, transcripts, deletion ------------------------------------------------------------
def test_media_202_until_processed_then_links_with_their_lifetimes(ms, tmp_path):
    bot = ms.create(video_required=True, audio_separate_streams=True, recording_config=DEEPGRAM)
    for path in ("get_audio", "get_video", "get_audio_streams", "get_speaker_timeline"):
        assert ms.get(f"/bots/{bot['bot_id']}/{path}").status_code == 202
    assert ms.get(f"/transcript/{bot['transcript_id']}/get_transcript").status_code == 202
    ms.emulator.advance(CALL + 200)
    audio = ms.get(f"/bots/{bot['bot_id']}/get_audio").json()
    assert_valid("meetstream", "media.response", audio)
    wav = requests.get(audio["url"])
    with wave.open(io.BytesIO(wav.content)) as w:
        assert w.getnchannels() == 1 and w.getnframes() > 0
    video = ms.get(f"/bots/{bot['bot_id']}/get_video").json()
    assert video["expires_in"] == 600 and requests.get(video["url"]).content[4:8] == b"ftyp"
    streams = ms.get(f"/bots/{bot['bot_id']}/get_audio_streams").json()
    assert_valid("meetstream", "audio_streams.response", streams)
    assert len(streams["streams"]) == 2
    transcript = ms.get(f"/transcript/{bot['transcript_id']}/get_transcript").json()
    assert_valid("meetstream", "file.transcript", transcript)
    raw = ms.get(f"/transcript/{bot['transcript_id']}/get_transcript", params={"raw": "true"}).json()
    assert_valid("meetstream", "file.transcript.raw", raw)
    assert_valid("meetstream", "speaker_timeline.response", ms.get(f"/bots/{bot['bot_id']}/get_speaker_timeline").json())
    assert_valid("meetstream", "participants.response", ms.get(f"/bots/{bot['bot_id']}/get_participants").json())
    assert_valid("meetstream", "chats.response", ms.get(f"/bots/{bot['bot_id']}/get_chats").json())
    ms.emulator.advance(599)
    assert requests.get(video["url"]).status_code == 200 and requests.get(streams["streams"][0]["segments"][0]["url"]).status_code == 200
    ms.emulator.advance(1)
    assert requests.get(video["url"]).status_code == 403  # video and streams: 10 minutes
    assert requests.get(streams["streams"][0]["segments"][0]["url"]).status_code == 403
    assert requests.get(audio["url"]).status_code == 200
    ms.emulator.advance(3000)
    assert requests.get(audio["url"]).status_code == 403  # audio: 1 hour


def test_transcribe_again_with_another_provider(ms, receiver):
    bot = ms.create(recording_config={"transcript": {"provider": {"deepgram_streaming": {}}}},
                    live_transcription_required={"webhook_url": receiver.url + "/live"})
    ms.emulator.advance(CALL + 60)
    live = [json.loads(r["body"]) for r in receiver.requests if r["path"] == "/live"]
    assert live and all(s["event"] == "transcript.data" for s in live)
    assert_valid("meetstream", "realtime.transcript", live[0])
    assert ms.http.post(ms.base + f"/bots/{bot['bot_id']}/transcribe",
                        json={"provider": {"deepgram_streaming": {}}}).status_code == 400
    started = ms.http.post(ms.base + f"/bots/{bot['bot_id']}/transcribe",
                           json={"provider": {"assemblyai": {}}, "callback_url": receiver.url + "/t"})
    assert started.status_code == 202 and started.json()["status"] == "processing"
    tid = started.json()["transcript_id"]
    assert ms.get(f"/transcript/{tid}/get_transcript").status_code == 202
    ms.emulator.advance(90)
    assert isinstance(ms.get(f"/transcript/{tid}/get_transcript").json(), list)
    runs = ms.get(f"/bots/{bot['bot_id']}/transcriptions").json()
    assert_valid("meetstream", "transcriptions.response", runs)
    assert any(r["transcript_id"] == tid and r["status"] == "completed" and r["download_urls"] for r in runs["transcriptions"])
    assert json.loads(receiver.requests[-1]["body"])["event"] == "transcription.processed"


def test_realtime_participant_events(ms, receiver):
    ms.create(recording_config={"realtime_endpoints": [{"type": "webhook", "url": receiver.url + "/rt",
                                                         "events": ["participant_events.join", "participant_events.leave"]}]})
    ms.emulator.advance(CALL)
    kinds = [json.loads(r["body"])["event"] for r in receiver.requests if r["path"] == "/rt"]
    assert kinds == ["participant_events.join"] * 2 + ["participant_events.leave"] * 2


def test_delete_and_retention_remove_media_with_data_deletion(ms, receiver):
    bot = ms.create(callback_url=receiver.url, recording_config=DEEPGRAM)
    ms.emulator.advance(CALL + 200)
    audio_url = ms.get(f"/bots/{bot['bot_id']}/get_audio").json()["url"]
    answer = ms.http.delete(ms.base + f"/bots/{bot['bot_id']}/delete")
    assert answer.status_code == 200 and answer.json()["deleted_objects"] == 2
    assert requests.get(audio_url).status_code == 404
    assert ms.get(f"/bots/{bot['bot_id']}/get_audio").status_code == 404
    assert ms.get(f"/transcript/{bot['transcript_id']}/get_transcript").status_code == 404
    ms.emulator.settle()  # the data_deletion callback goes out in the background
    deletion = json.loads(receiver.requests[-1]["body"])
    assert_valid("meetstream", "webhook.data_deletion", deletion)
    assert (deletion["status"], deletion["deleted_objects"], deletion["reason"]) == ("success", 2, "manual")

    kept = ms.create(callback_url=receiver.url, recording_config={**DEEPGRAM, "retention": {"type": "timed", "hours": 2}})
    ms.emulator.advance(CALL + 200)
    assert ms.get(f"/bots/{kept['bot_id']}/get_audio").status_code == 200
    ms.emulator.advance(hours=2)
    assert ms.get(f"/bots/{kept['bot_id']}/get_audio").status_code == 404
    assert json.loads(receiver.requests[-1]["body"])["reason"] == "retention"


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


# -- the official SDK ------------------------------------------------------------------------
def test_the_official_sdk_works_unchanged(emulator, receiver):
    from meetstream import MeetStream
    from meetstream._errors import NotReadyError
    from meetstream.webhooks import parse_webhook, verify_webhook_signature

    client = MeetStream(api_key="ms_sdk_key", base_url=emulator.url("meetstream"))
    bot = client.bots.create({"meeting_link": "https://meet.google.com/abc-defg-hij", "video_required": True,
                              "callback_url": receiver.url, "recording_config": DEEPGRAM},
                             idempotency_key="0f8e3a2c-0000-4000-8000-000000000002")
    assert client.bots.create({"meeting_link": "https://meet.google.com/abc-defg-hij"},
                              idempotency_key="0f8e3a2c-0000-4000-8000-000000000002")["bot_id"] == bot["bot_id"]
    assert client.bots.status(bot["bot_id"])["status"] == "Joining"
    assert client.bots.detail(bot["bot_id"])["bot_details"]["transcript_id"] == bot["transcript_id"]
    with pytest.raises(NotReadyError):
        client.transcripts.get(bot["transcript_id"])
    emulator.advance(60)
    client.bots.remove(bot["bot_id"])
    emulator.advance(200)
    assert client.bots.status(bot["bot_id"])["status"] == "Done"
    segments = client.transcripts.get(bot["transcript_id"])
    assert segments and {"speaker", "transcript", "start_time", "end_time"} <= set(segments[0])
    assert requests.get(client.bots.audio(bot["bot_id"])["url"]).status_code == 200
    assert requests.get(client.bots.video(bot["bot_id"])["url"]).status_code == 200
    for request in receiver.requests:
        assert verify_webhook_signature(request["body"], request["headers"]["X-MeetStream-Signature"], SECRET)
        assert parse_webhook(request["body"], request["headers"]["X-MeetStream-Signature"], SECRET)["bot_id"] == bot["bot_id"]
    assert not verify_webhook_signature(receiver.requests[0]["body"] + b" ", receiver.requests[0]["headers"]["X-MeetStream-Signature"], SECRET)
