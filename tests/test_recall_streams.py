"""Recall.ai websocket real-time endpoints against a real websocket server (the ``websockets``
library's): the bot connects to the exact URL, streams 16 kHz S16LE audio that is the meeting's
speech, PNG frames that open as 640x360 pictures, participant and transcript events in their
envelopes, paced by the emulator clock; pauses, reconnects every 3 s, fails after 30 retries, and
closes with 1000 when the recording ends."""
from __future__ import annotations

import base64
import io
import json
import struct
import time
import wave

import pytest

from emulator.core.clock import parse_iso
from helpers import assert_valid

RATE = 16000


def endpoint(url: str, *events: str) -> dict:
    return {"type": "websocket", "url": url, "events": list(events)}


def audio_seconds(messages: list[dict]) -> float:
    return sum(len(base64.b64decode(m["data"]["data"]["buffer"])) for m in messages) / 2 / RATE


def test_the_bot_streams_exactly_the_seconds_the_clock_moves_to_the_exact_url(recall, ws):
    receiver = ws()
    url = receiver.url("/ws/audio?token=s3cr%2Bt&x=1")
    bot = recall.create(recording_config={"realtime_endpoints": [endpoint(url, "audio_mixed_raw.data")]})
    recall.emulator.advance(5)  # joining, then in the call and recording
    receiver.wait(lambda: receiver.paths)
    assert receiver.paths == ["/ws/audio?token=s3cr%2Bt&x=1"]  # the exact URL, query string included
    recording = recall.bot(bot["id"])["recordings"][0]
    started = parse_iso(recording["started_at"])
    already = audio_seconds(receiver.events())
    recall.emulator.advance(60)
    receiver.wait(lambda: audio_seconds(receiver.events()) >= already + 60)
    time.sleep(0.3)  # nothing more arrives until the clock moves again
    audio = receiver.events("audio_mixed_raw.data")
    assert audio_seconds(audio) == pytest.approx(already + 60, abs=1e-9)
    first = audio[0]["data"]
    assert first["recording"]["id"] == recording["id"] and first["bot"]["id"] == bot["id"]
    assert first["audio_mixed"]["id"] == recording["media_shortcuts"]["audio_mixed"]["id"] if \
        recording.get("media_shortcuts", {}).get("audio_mixed") else first["audio_mixed"]["id"]
    assert first["realtime_endpoint"]["id"] in [e["id"] for e in recall.get("/realtime_endpoint/").json()["results"]]
    stamps = [m["data"]["data"]["timestamp"] for m in audio]
    assert stamps[0]["relative"] == 0 and stamps[1]["relative"] == pytest.approx(0.1)
    assert all(parse_iso(s["absolute"]) == pytest.approx(started + s["relative"], abs=0.001) for s in stamps)


def test_the_audio_is_the_speech_of_the_speaker_timeline(recall, ws):
    """Loud while the speaker timeline has someone speaking, silent between turns."""
    receiver = ws()
    bot = recall.create(recording_config={"realtime_endpoints": [endpoint(receiver.url(), "audio_mixed_raw.data")]})
    recall.emulator.advance(5 + 120)
    receiver.wait(lambda: audio_seconds(receiver.events()) >= 119)
    pcm = b"".join(base64.b64decode(m["data"]["data"]["buffer"]) for m in receiver.events())
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)
    recall.emulator.advance(600 + 60)  # the meeting ends; the speaker timeline is downloadable
    recording = recall.get(f"/recording/{recall.bot(bot['id'])['recordings'][0]['id']}/").json()
    timeline = json.loads(__import__("requests").get(
        recording["media_shortcuts"]["participant_events"]["data"]["speaker_timeline_download_url"]).content)
    turns = [(t["start_timestamp"]["relative"], t["end_timestamp"]["relative"]) for t in timeline]

    def loudness(start: float, end: float) -> float:
        window = samples[int(start * RATE): int(end * RATE)]
        return max((abs(v) for v in window), default=0)

    spoken = [(s + 0.05, min(e, 119.0) - 0.05) for s, e in turns if s < 118]
    gaps = [(e + 0.01, s2 - 0.01) for (_, e), (s2, _) in zip(turns, turns[1:]) if s2 - e > 0.05 and s2 < 119]
    assert spoken and gaps
    quiet = [(s, e, loudness(s, e)) for s, e in spoken if e > s and loudness(s, e) <= 5000]
    assert quiet == []
    assert all(loudness(s, e) == 0 for s, e in gaps)


def test_separate_audio_and_png_frames_per_participant(recall, ws, tmp_path):
    receiver = ws()
    recall.create(recording_config={"realtime_endpoints": [
        endpoint(receiver.url(), "audio_separate_raw.data", "video_separate_png.data")]})
    recall.emulator.advance(5 + 10)
    receiver.wait(lambda: len(receiver.events("video_separate_png.data")) >= 2 * 20)
    separate = receiver.events("audio_separate_raw.data")
    people = {m["data"]["data"]["participant"]["id"] for m in separate}
    assert len(people) == 2
    for person in people:
        assert audio_seconds([m for m in separate if m["data"]["data"]["participant"]["id"] == person]) >= 9.9
    frames = receiver.events("video_separate_png.data")
    assert {m["data"]["data"]["type"] for m in frames} == {"webcam"}
    picture = base64.b64decode(frames[0]["data"]["data"]["buffer"])
    assert picture[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", picture[16:24]) == (640, 360)
    stamps = sorted({m["data"]["data"]["timestamp"]["relative"] for m in frames})
    assert stamps[:3] == [0, 0.5, 1.0]  # two frames a second
    assert frames[0]["data"]["video_separate"]["id"]


def test_participant_and_transcript_events_arrive_among_the_media_in_order(recall, ws):
    receiver = ws()
    recall.create(recording_config={"transcript": {"provider": {"recallai_streaming": {}}}, "realtime_endpoints": [
        endpoint(receiver.url(), "participant_events.speech_on", "transcript.data", "audio_mixed_raw.data")]})
    recall.emulator.advance(5 + 60)
    receiver.wait(lambda: audio_seconds(receiver.events("audio_mixed_raw.data")) >= 59.9)
    events = receiver.events()
    data = [m for m in events if m["event"] == "transcript.data"]
    assert data and all(not assert_valid("recall", "realtime.transcript.data", m) for m in data)
    assert receiver.events("participant_events.speech_on")
    times = [m["data"]["data"]["timestamp"]["relative"] if "timestamp" in m["data"]["data"]
             else m["data"]["data"]["words"][-1]["end_timestamp"]["relative"] for m in events]
    assert times == sorted(times) or max(a - b for a, b in zip(times, times[1:])) <= 0.1 + 1e-9


def test_nothing_is_sent_while_the_recording_is_paused(recall, ws):
    receiver = ws()
    bot = recall.create(recording_config={"realtime_endpoints": [endpoint(receiver.url(), "audio_mixed_raw.data")]})
    recall.emulator.advance(5 + 10)
    receiver.wait(lambda: audio_seconds(receiver.events()) >= 9.9)
    recall.post(f"/bot/{bot['id']}/pause_recording/")
    recall.emulator.advance(30)
    recall.post(f"/bot/{bot['id']}/resume_recording/")
    recall.emulator.advance(10)
    receiver.wait(lambda: audio_seconds(receiver.events()) >= 19.8)
    time.sleep(0.2)
    relative = [m["data"]["data"]["timestamp"]["relative"] for m in receiver.events()]
    paused = [r for r in relative if 10.1 <= r < 40]
    assert paused == [] and audio_seconds(receiver.events()) == pytest.approx(20, abs=0.11)


def test_the_socket_closes_with_1000_when_the_recording_ends_and_the_endpoint_is_done(recall, ws):
    receiver = ws()
    bot = recall.create(recording_config={"realtime_endpoints": [endpoint(receiver.url(), "audio_mixed_raw.data")]})
    recall.emulator.advance(5 + 30)
    recall.post(f"/bot/{bot['id']}/stop_recording/")
    receiver.wait(lambda: receiver.closes)
    assert receiver.closes == [1000]
    assert audio_seconds(receiver.events()) == pytest.approx(30, abs=0.01)
    endpoint_id = receiver.events()[0]["data"]["realtime_endpoint"]["id"]
    assert recall.get(f"/realtime_endpoint/{endpoint_id}/").json()["status"]["code"] == "done"


def test_a_refused_connection_is_retried_every_3_seconds(recall, ws):
    receiver = ws(refuse=2)
    recall.create(recording_config={"realtime_endpoints": [endpoint(receiver.url(), "audio_mixed_raw.data")]})
    recall.emulator.advance(5)
    receiver.wait(lambda: len(receiver.paths) == 1)
    time.sleep(0.3)
    assert len(receiver.paths) == 1  # the next try waits for the clock
    recall.emulator.advance(3)
    receiver.wait(lambda: len(receiver.paths) == 2)
    recall.emulator.advance(3)
    receiver.wait(lambda: len(receiver.paths) == 3)
    recall.emulator.advance(4)
    receiver.wait(lambda: audio_seconds(receiver.events()) >= 3.9)
    # what was live while it was down is lost: the stream resumes at the retry's time, 6 s in
    assert receiver.events()[0]["data"]["data"]["timestamp"]["relative"] == pytest.approx(6.0)


def test_a_dropped_connection_reconnects_and_goes_on(recall, ws):
    receiver = ws(drop_after=20)
    recall.create(recording_config={"realtime_endpoints": [endpoint(receiver.url(), "audio_mixed_raw.data")]})
    recall.emulator.advance(5 + 10)
    receiver.wait(lambda: receiver.closes == [1011])
    recall.emulator.advance(3)  # the retry, 3 s after where the stream had got to
    recall.emulator.advance(2)
    receiver.wait(lambda: len(receiver.paths) == 2 and audio_seconds(receiver.events()[20:]) >= 1.9)
    after = [m["data"]["data"]["timestamp"]["relative"] for m in receiver.events()[20:]]
    # it resumes 3 s after where it had got to when the line dropped (a whole second, 2 to 10 s in):
    # what was live meanwhile is lost, and from there the buffers follow without a gap
    assert 5 <= after[0] <= 13 and after[0] == round(after[0])
    assert after == pytest.approx([after[0] + 0.1 * i for i in range(len(after))])


def test_after_30_failed_retries_the_endpoint_fails_with_its_webhook(recall, ws, receiver):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    refusing = ws(refuse=10_000)
    recall.create(recording_config={"realtime_endpoints": [endpoint(refusing.url(), "audio_mixed_raw.data")]})
    recall.emulator.advance(5)
    refusing.wait(lambda: refusing.paths)
    for _ in range(30):
        recall.emulator.advance(3)
    refusing.wait(lambda: len(refusing.paths) == 31)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        recall.emulator.settle()
        failed = [b for b in receiver.bodies() if b["event"] == "realtime_endpoint.failed"]
        if failed:
            break
        time.sleep(0.05)
    assert failed and "30 retries" in failed[0]["data"]["data"]["error"]["message"] if "error" in failed[0]["data"]["data"] \
        else failed
    endpoint_id = failed[0]["data"]["realtime_endpoint"]["id"]
    assert recall.get(f"/realtime_endpoint/{endpoint_id}/").json()["status"]["code"] == "failed"
    recall.emulator.advance(30)
    time.sleep(0.2)
    assert len(refusing.paths) == 31  # no further tries


def test_a_websocket_endpoint_needs_a_ws_url(recall):
    answer = recall.post("/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij", "recording_config": {
        "realtime_endpoints": [endpoint("https://example.com/ws", "audio_mixed_raw.data")]}})
    assert answer.status_code == 400 and "ws://" in json.dumps(answer.json())
    webhook = recall.post("/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij", "recording_config": {
        "realtime_endpoints": [{"type": "webhook", "url": "https://example.com/h", "events": ["audio_mixed_raw.data"]}]}})
    assert webhook.status_code == 400 and "is not a valid choice" in json.dumps(webhook.json())


def test_wav_helper_reads_the_stream_as_audio(recall, ws, tmp_path):
    """The buffers concatenated are the PCM the docs' ffmpeg line reads: as a WAV it opens."""
    receiver = ws()
    recall.create(recording_config={"realtime_endpoints": [endpoint(receiver.url(), "audio_mixed_raw.data")]})
    recall.emulator.advance(5 + 3)
    receiver.wait(lambda: audio_seconds(receiver.events()) >= 2.9)
    pcm = b"".join(base64.b64decode(m["data"]["data"]["buffer"]) for m in receiver.events())
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(RATE), w.writeframes(pcm)
    with wave.open(io.BytesIO(out.getvalue())) as back:
        assert back.getnframes() == len(pcm) // 2 >= 3 * RATE - 1600


def test_the_streams_journal_lists_each_connection(recall, ws, emulator):
    receiver = ws(refuse=1)
    recall.create(recording_config={"realtime_endpoints": [endpoint(receiver.url("/a?k=1"), "audio_mixed_raw.data")]})
    recall.emulator.advance(5)
    receiver.wait(lambda: receiver.paths)
    recall.emulator.advance(3 + 2)
    receiver.wait(lambda: audio_seconds(receiver.events()) >= 1.9)
    listed = __import__("requests").get(emulator.control_url("streams"), params={"platform": "recall"}).json()
    assert_valid("emulator", "streams.response", listed)
    refused, current = listed["sessions"]
    assert "403" in refused["error"] and refused["sent_messages"] == 0
    assert current["closed_at"] is None and current["sent_messages"] == len(receiver.messages)
    assert current["url"].endswith("/a?k=1") and listed["live"][0]["connected"] is True
    assert __import__("requests").get(emulator.control_url("streams"), params={"platform": "hms"}).json()["count"] == 0


def test_fault_rules_refuse_drop_and_delay_stream_connections(recall, ws, emulator):
    receiver = ws()
    emulator.fault("recall", "refuse", on="streams", url="*/refused*", times=1)
    emulator.fault("recall", "drop", on="streams", url="*/dropped*", after_seconds=5, times=1)
    emulator.fault("recall", "delay", on="streams", url="*/late*", delay_seconds=10, times=1)
    for name in ("refused", "dropped", "late"):
        recall.create(recording_config={"realtime_endpoints": [endpoint(receiver.url(f"/{name}"), "audio_mixed_raw.data")]})
    recall.emulator.advance(5 + 8)
    receiver.wait(lambda: {"/refused", "/dropped"} <= set(receiver.paths))
    sessions = __import__("requests").get(emulator.control_url("streams")).json()["sessions"]
    by_url = lambda name: [s for s in sessions if s["url"].endswith(name)]  # noqa: E731
    assert "refused by fault rule" in by_url("/refused")[0]["error"] and len(by_url("/refused")) == 2
    assert by_url("/late") == []  # not yet: 10 s late
    receiver.wait(lambda: receiver.paths.count("/dropped") == 2)  # cut at 5 s, back 3 s later
    recall.emulator.advance(5)
    receiver.wait(lambda: "/late" in receiver.paths)
    sessions = __import__("requests").get(emulator.control_url("streams")).json()["sessions"]
    assert "dropped by fault rule" in by_url("/dropped")[0]["error"] and by_url("/dropped")[0]["sent_messages"] == 50
    def late_sent() -> int:
        listed = __import__("requests").get(emulator.control_url("streams")).json()["sessions"]
        return next(s["sent_messages"] for s in listed if s["url"].endswith("/late"))

    receiver.wait(lambda: late_sent() == 130)  # 10 s late, then everything from the start: 13 s of buffers


def test_a_streams_rule_is_checked(emulator):
    answer = __import__("requests").post(emulator.control_url("faults"), json={
        "platform": "recall", "on": "streams", "action": "error", "status": 500})
    assert answer.status_code == 400 and "refuse, drop or delay" in answer.text
    answer = __import__("requests").post(emulator.control_url("faults"), json={
        "platform": "100ms", "on": "streams", "action": "refuse"})
    assert answer.status_code == 400 and "Recall and MeetStream" in answer.text


def test_the_dashboard_lists_live_streams_and_their_connections(recall, ws, emulator):
    receiver = ws()
    recall.create(recording_config={"realtime_endpoints": [endpoint(receiver.url("/dash"), "audio_mixed_raw.data")]})
    recall.emulator.advance(5 + 2)
    receiver.wait(lambda: audio_seconds(receiver.events()) >= 1.9)
    key = receiver.events()[0]["data"]["realtime_endpoint"]["id"]
    text = __import__("requests").get(emulator.control_url("")).text
    section = text.split('<section id="streams"')[1].split("</section>")[0]
    assert f'data-stream="{key}"' in section and "/dash" in section and ">yes<" in section
    assert emulator.streams("recall")["live"][0]["key"] == key


def test_the_mixed_audio_file_is_the_speech_of_the_speaker_timeline(recall):
    """The downloadable raw audio (16 kHz S16LE, its first 30 s) carries the same speech as the live
    stream: loud during the speaker timeline's turns, silent between them."""
    bot = recall.create(recording_config={"audio_mixed_raw": {}})
    recall.emulator.advance(5 + 600 + 2 + 60 + 5)
    recording = recall.get(f"/recording/{recall.bot(bot['id'])['recordings'][0]['id']}/").json()
    shortcuts = recording["media_shortcuts"]
    pcm = __import__("requests").get(shortcuts["audio_mixed"]["data"]["download_url"]).content
    timeline = __import__("requests").get(
        shortcuts["participant_events"]["data"]["speaker_timeline_download_url"]).json()
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)
    assert len(samples) == 30 * RATE
    turns = [(t["start_timestamp"]["relative"], t["end_timestamp"]["relative"]) for t in timeline]
    for start, end in turns:
        if end < 29.5:
            assert max(abs(v) for v in samples[int((start + 0.05) * RATE): int((end - 0.05) * RATE)]) > 5000
    for (_, end), (start, _) in zip(turns, turns[1:]):
        if start < 29.5 and start - end > 0.05:
            assert max(abs(v) for v in samples[int((end + 0.01) * RATE): int((start - 0.01) * RATE)]) == 0
