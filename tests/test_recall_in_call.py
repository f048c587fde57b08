"""Recall.ai bots in the call: manual recording and start_recording's own config, chat, recording
permission, output media, screenshots, metadata PATCH, and the real-time endpoints with every
event the simulated meeting emits, checked against Recall's OpenAPI document and webhook catalogue."""
import base64
import json
from fractions import Fraction

import pytest
import requests

from emulator.core.media import mp3

from helpers import assert_valid

JOINED = 5  # seconds from creation to the bot being admitted (join_seconds)
CALL = 5 + 600 + 2 + 60 + 5


def jpeg() -> bytes:
    """A real JPEG, encoded by FFmpeg's MJPEG encoder through PyAV."""
    import av

    ctx = av.CodecContext.create("mjpeg", "w")
    ctx.width, ctx.height, ctx.pix_fmt, ctx.time_base = 64, 36, "yuvj420p", Fraction(1, 25)
    frame = av.VideoFrame(64, 36, "yuvj420p")
    for plane in frame.planes:
        plane.update(bytes([128]) * plane.buffer_size)
    return b"".join(bytes(p) for p in ctx.encode(frame)) + b"".join(bytes(p) for p in ctx.encode(None))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def events_at(receiver, path: str) -> list[dict]:
    return [json.loads(r["body"]) for r in receiver.requests if r["path"] == path]


# -- manual recording and start_recording ----------------------------------------------------
def test_recording_config_null_records_nothing_until_start_recording(recall, recall_oracle):
    bot = recall.create(recording_config=None)
    assert bot["recording_config"] is None
    assert recall_oracle.response_errors("post", "/api/v1/bot/", 201, bot) == []
    recall.emulator.advance(JOINED + 60)
    assert recall.codes(bot["id"])[-1][0] == "in_call_not_recording" and recall.bot(bot["id"])["recordings"] == []
    started = recall.post(f"/bot/{bot['id']}/start_recording/", json={
        "transcript": {"provider": {"recallai_streaming": {}}}, "video_mixed_mp4": None, "metadata": {"part": "1"}})
    assert started.status_code == 200, started.text
    recording = started.json()["recordings"][0]
    assert recording["metadata"] == {"part": "1"} and recording["media_shortcuts"]["video_mixed"] is None
    assert recording["media_shortcuts"]["transcript"]["status"]["code"] == "processing"
    assert recall.codes(bot["id"])[-1][0] == "in_call_recording"


def test_start_recording_while_recording_replaces_the_recording(recall, recall_oracle):
    bot = recall.create()
    recall.emulator.advance(JOINED + 30)
    first = recall.bot(bot["id"])["recordings"][0]["id"]
    again = recall.post(f"/bot/{bot['id']}/start_recording/")  # no body: the endpoint's defaults
    assert again.status_code == 200
    recordings = again.json()["recordings"]
    assert [r["id"] for r in recordings] != [first] and len(recordings) == 1
    assert recall.get(f"/recording/{first}/").json()["status"]["code"] == "deleted"
    recall.emulator.advance(CALL)
    done = recall.get(f"/recording/{recordings[0]['id']}/").json()
    assert done["status"]["code"] == "done"
    assert recall_oracle.response_errors("get", "/api/v1/recording/{id}/", 200, done) == []


def test_start_recording_takes_its_own_defaults_not_the_bots(recall):
    bot = recall.create(recording_config={"audio_mixed_mp3": {}, "metadata": {"from": "bot"}})
    recall.emulator.advance(JOINED + 1)
    assert recall.post(f"/bot/{bot['id']}/stop_recording/").status_code == 200
    second = recall.post(f"/bot/{bot['id']}/start_recording/", json={}).json()["recordings"][-1]
    assert second["media_shortcuts"]["audio_mixed"] is None and second["metadata"] == {}
    assert second["media_shortcuts"]["video_mixed"] is not None  # on by default
    answer = recall.post(f"/bot/{bot['id']}/start_recording/", json={"retention": {"type": "timed", "hours": 0}})
    assert answer.status_code == 400 and "retention" in json.dumps(answer.json())


def test_commands_need_a_bot_in_the_call(recall):
    bot = recall.create()
    early = recall.post(f"/bot/{bot['id']}/send_chat_message/", json={"message": "hi"})
    assert early.status_code == 400 and early.json()["code"] == "cannot_command_unstarted_bot"
    recall.emulator.advance(JOINED)
    recall.post(f"/bot/{bot['id']}/leave_call/")
    late = recall.post(f"/bot/{bot['id']}/start_recording/")
    assert late.status_code == 400 and late.json()["code"] == "cannot_command_completed_bot"


# -- chat, permission, output ----------------------------------------------------------------
def test_chat_messages_to_everyone_or_a_zoom_participant(recall, recall_oracle):
    meet = recall.create()
    zoom = recall.create("https://zoom.us/j/123")
    recall.emulator.advance(JOINED)
    sent = recall.post(f"/bot/{meet['id']}/send_chat_message/", json={"message": "Recording has started", "pin": True})
    assert sent.status_code == 200 and recall_oracle.response_errors("get", "/api/v1/bot/{id}/", 200, sent.json()) == []
    direct = recall.post(f"/bot/{meet['id']}/send_chat_message/", json={"message": "hi", "to": "100"})
    assert direct.status_code == 400 and "to" in direct.json()
    assert recall.post(f"/bot/{zoom['id']}/send_chat_message/", json={"message": "hi", "to": "100"}).status_code == 200
    unknown = recall.post(f"/bot/{zoom['id']}/send_chat_message/", json={"message": "hi", "to": "999"})
    assert unknown.status_code == 400 and "999" in unknown.json()["to"][0]
    too_long = recall.post(f"/bot/{meet['id']}/send_chat_message/", json={"message": "x" * 4097})
    assert too_long.status_code == 400 and "message" in too_long.json()


def test_recording_permission_is_asked_on_zoom(recall):
    bot = recall.create("https://zoom.us/j/123", recording_config=None)
    denied = recall.create("https://zoom.us/j/124?emulator_scenario=permission_denied")
    meet = recall.create(recording_config=None)
    recall.emulator.advance(JOINED)
    assert recall.post(f"/bot/{meet['id']}/request_recording_permission/").status_code == 400
    assert recall.post(f"/bot/{bot['id']}/request_recording_permission/").status_code == 200
    assert recall.post(f"/bot/{denied['id']}/request_recording_permission/").status_code == 200
    recall.emulator.advance(5)
    assert recall.codes(bot["id"])[-1] == ("recording_permission_allowed", None)
    assert [c for c, _ in recall.codes(denied["id"])][-2:] == ["recording_permission_denied"] * 2


def test_output_audio_video_and_screenshare_take_real_files(recall):
    bot = recall.create()
    recall.emulator.advance(JOINED)
    path = f"/bot/{bot['id']}"
    assert recall.post(f"{path}/output_audio/", json={"kind": "mp3", "b64_data": b64(mp3(1.0))}).status_code == 200
    image = b64(jpeg())
    assert recall.post(f"{path}/output_video/", json={"kind": "jpeg", "b64_data": image}).status_code == 200
    assert recall.post(f"{path}/output_screenshare/", json={"kind": "jpeg", "b64_data": image}).status_code == 200
    wrong = recall.post(f"{path}/output_video/", json={"kind": "jpeg", "b64_data": b64(mp3(1.0))})
    assert wrong.status_code == 400 and "jpeg" in wrong.json()["b64_data"][0]
    garbled = recall.post(f"{path}/output_audio/", json={"kind": "mp3", "b64_data": "not base64!"})
    assert garbled.status_code == 400 and "b64_data" in garbled.json()
    assert recall.post(f"{path}/output_audio/", json={"kind": "wav", "b64_data": image}).status_code == 400
    for name in ("output_audio", "output_video", "output_screenshare"):
        assert recall.http.delete(f"{recall.base}{path}/{name}/").status_code == 204


def test_output_media_streams_a_webpage_until_stopped(recall, recall_oracle):
    bot = recall.create()
    recall.emulator.advance(JOINED)
    page = {"kind": "webpage", "config": {"url": "https://example.com/agent"}}
    shown = recall.post(f"/bot/{bot['id']}/output_media/", json={"camera": page})
    assert shown.status_code == 200 and shown.json()["output_media"] == {"camera": page}
    assert recall_oracle.response_errors("get", "/api/v1/bot/{id}/", 200, shown.json()) == []
    assert recall.post(f"/bot/{bot['id']}/output_media/", json={}).status_code == 400
    assert recall.http.delete(f"{recall.base}/bot/{bot['id']}/output_media/").status_code == 204
    assert recall.bot(bot["id"])["output_media"] == {"camera": page}  # nothing named: nothing stops
    assert recall.http.delete(f"{recall.base}/bot/{bot['id']}/output_media/", json={"camera": True}).status_code == 204
    assert recall.bot(bot["id"])["output_media"] is None


# -- screenshots and media deletion ----------------------------------------------------------
def test_screenshots_are_pngs_of_each_step(recall):
    bot = recall.create()
    recall.emulator.advance(JOINED)
    listing = recall.get(f"/bot/{bot['id']}/screenshots/").json()
    assert_valid("recall", "screenshots.list.response", listing)
    assert len(listing["results"]) == 3 and listing["next"] is None  # joining, joined, recording
    image = requests.get(listing["results"][0]["image"])
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG\r\n\x1a\n")
    one = listing["results"][1]
    assert recall.get(f"/bot/{bot['id']}/screenshots/{one['id']}/").json()["id"] == one["id"]
    later = recall.get(f"/bot/{bot['id']}/screenshots/", params={"recorded_at_after": one["recorded_at"]}).json()
    assert [s["id"] for s in later["results"]] == [s["id"] for s in listing["results"][1:]]
    missing = recall.get(f"/bot/{bot['id']}/screenshots/00000000-0000-4000-8000-000000000000/")
    assert missing.status_code == 404


def test_delete_media_waits_for_the_bot_to_leave(recall):
    bot = recall.create()
    recall.emulator.advance(JOINED)
    busy = recall.post(f"/bot/{bot['id']}/delete_media/")
    assert busy.status_code == 400 and busy.json()["code"] == "cannot_delete_media_of_active_bot"
    recall.emulator.advance(CALL)
    shot = recall.get(f"/bot/{bot['id']}/screenshots/").json()["results"][0]["image"]
    assert recall.post(f"/bot/{bot['id']}/delete_media/").status_code == 200
    assert recall.get(f"/bot/{bot['id']}/screenshots/").json()["results"] == []
    assert requests.get(shot).status_code == 404


# -- metadata --------------------------------------------------------------------------------
def test_recordings_and_artifacts_take_metadata_patches(recall, recall_oracle):
    bot = recall.create(recording_config={"metadata": {"a": "1", "b": "2"}})
    recall.emulator.advance(CALL)
    recording_id = recall.bot(bot["id"])["recordings"][0]["id"]
    patched = recall.http.patch(f"{recall.base}/recording/{recording_id}/", json={"metadata": {"b": None, "c": "3"}})
    assert patched.status_code == 200 and patched.json()["metadata"] == {"a": "1", "c": "3"}
    assert recall_oracle.response_errors("get", "/api/v1/recording/{id}/", 200, patched.json()) == []
    video = patched.json()["media_shortcuts"]["video_mixed"]["id"]
    answer = recall.http.patch(f"{recall.base}/video_mixed/{video}/", json={"metadata": {"owner": "me"}})
    assert answer.status_code == 200 and answer.json()["metadata"] == {"owner": "me"}
    assert recall_oracle.response_errors("patch", "/api/v1/video_mixed/{id}/", 200, answer.json()) == []
    too_long = recall.http.patch(f"{recall.base}/video_mixed/{video}/", json={"metadata": {"k": "x" * 501}})
    assert too_long.status_code == 400


@pytest.mark.parametrize("kind, schema", [("participant_events", "artifact.participant_events"),
                                          ("meeting_metadata", "artifact.meeting_metadata")])
def test_participant_events_and_meeting_metadata_have_endpoints(recall, kind, schema):
    bot = recall.create()
    recall.emulator.advance(CALL)
    artifact_id = recall.bot(bot["id"])["recordings"][0]["media_shortcuts"][kind]["id"]
    listing = recall.get(f"/{kind}/").json()
    assert_valid("recall", f"{kind}.list.response", listing)
    assert [a["id"] for a in listing["results"]] == [artifact_id]
    one = recall.get(f"/{kind}/{artifact_id}/").json()
    assert_valid("recall", schema, one) and one["status"]["code"] == "done"
    assert recall.http.delete(f"{recall.base}/{kind}/{artifact_id}/").status_code == 204
    assert recall.get(f"/{kind}/{artifact_id}/").json()["status"]["code"] == "deleted"


# -- real-time endpoints ---------------------------------------------------------------------
ALL_EVENTS = ["participant_events.join", "participant_events.leave", "participant_events.speech_on",
              "participant_events.speech_off", "participant_events.webcam_on", "participant_events.webcam_off",
              "participant_events.screenshare_on", "participant_events.screenshare_off",
              "participant_events.chat_message", "transcript.data", "transcript.partial_data"]


def test_realtime_endpoints_get_every_event_with_real_ids(recall, receiver, recall_oracle):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url + "/svix"]})
    bot = recall.create(recording_config={"transcript": {"provider": {"recallai_streaming": {}}},
                                          "realtime_endpoints": [{"type": "webhook", "url": receiver.url + "/rt",
                                                                  "events": ALL_EVENTS}]})
    recall.emulator.advance(JOINED + 300)
    recording = recall.get(f"/recording/{recall.bot(bot['id'])['recordings'][0]['id']}/").json()
    endpoint = recall.get(f"/realtime_endpoint/{recording['realtime_endpoints'][0]['id']}/").json()
    assert_valid("recall", "realtime_endpoint", endpoint)
    assert endpoint["status"]["code"] == "running" and endpoint["recording"]["id"] == recording["id"]
    received = events_at(receiver, "/rt")
    kinds = {e["event"] for e in received}
    assert kinds >= set(ALL_EVENTS) - {"participant_events.leave", "participant_events.webcam_off",
                                      "participant_events.screenshare_off"}
    events_id = recording["media_shortcuts"]["participant_events"]["id"]
    transcript_id = recording["media_shortcuts"]["transcript"]["id"]
    for body in received:
        assert body["data"]["recording"]["id"] == recording["id"]
        assert body["data"]["realtime_endpoint"]["id"] == endpoint["id"]
        if body["event"].startswith("participant_events."):
            assert body["data"]["participant_events"]["id"] == events_id
        else:
            assert body["data"]["transcript"]["id"] == transcript_id
    assert_valid("recall", "realtime.participant_events.join",
                 next(e for e in received if e["event"] == "participant_events.join"))
    assert_valid("recall", "realtime.transcript.data", next(e for e in received if e["event"] == "transcript.data"))
    chat = next(e for e in received if e["event"] == "participant_events.chat_message")
    assert chat["data"]["data"]["data"] == {"text": "Hi everyone, can you see my screen?", "to": "everyone"}
    recall.emulator.advance(CALL)
    assert recall.get(f"/realtime_endpoint/{endpoint['id']}/").json()["status"]["code"] == "done"
    svix = [json.loads(r["body"]) for r in receiver.requests if r["path"] == "/svix"]
    lifecycle = [e["event"] for e in svix if e["event"].startswith("realtime_endpoint.")]
    assert lifecycle == ["realtime_endpoint.running", "realtime_endpoint.done"]
    for body in svix:
        assert recall_oracle.webhook_errors(body) == [], body["event"]


def test_paused_recordings_send_nothing(recall, receiver):
    bot = recall.create(recording_config={"realtime_endpoints": [{"type": "webhook", "url": receiver.url + "/rt",
                                                                  "events": ["participant_events.speech_on"]}]})
    recall.emulator.advance(JOINED)
    recall.post(f"/bot/{bot['id']}/pause_recording/")
    recall.emulator.advance(300)
    assert events_at(receiver, "/rt") == []
    recall.post(f"/bot/{bot['id']}/resume_recording/")
    recall.emulator.advance(60)
    assert events_at(receiver, "/rt")


def test_a_realtime_endpoint_that_keeps_failing_is_marked_failed(recall, receiver, recall_oracle):
    receiver.answers = [500] * 10_000
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url + "/svix"]})
    bot = recall.create(recording_config={"realtime_endpoints": [{"type": "webhook", "url": receiver.url + "/rt",
                                                                  "events": ["participant_events.join",
                                                                             "participant_events.speech_on"]}]})
    recall.emulator.advance(JOINED + 58)  # the first join: attempt 1 at 5 s, then one a second
    endpoint_id = recall.get("/realtime_endpoint/").json()["results"][0]["id"]
    assert recall.get(f"/realtime_endpoint/{endpoint_id}/").json()["status"]["code"] == "running"
    recall.emulator.advance(1)  # the 60th attempt of the first join fails
    failed = recall.get(f"/realtime_endpoint/{endpoint_id}/").json()
    assert failed["status"]["code"] == "failed" and failed["status"]["sub_code"] == "delivery_failed"
    sent = len(events_at(receiver, "/rt"))
    recall.emulator.advance(300)
    assert len(events_at(receiver, "/rt")) <= sent + 60  # the join already under way runs out; nothing new
    failure = next(json.loads(r["body"]) for r in receiver.requests
                   if r["path"] == "/svix" and json.loads(r["body"])["event"] == "realtime_endpoint.failed")
    assert recall_oracle.webhook_errors(failure) == []
    listing = recall.get("/realtime_endpoint/", params={"status_code": "failed", "recording_id": failed["recording"]["id"]})
    assert [e["id"] for e in listing.json()["results"]] == [endpoint_id]
    patched = recall.http.patch(f"{recall.base}/realtime_endpoint/{endpoint_id}/", json={"metadata": {"team": "a"}})
    assert patched.status_code == 200 and patched.json()["metadata"] == {"team": "a"}
    assert bot["id"]
