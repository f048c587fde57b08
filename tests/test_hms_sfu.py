"""The recordings 100ms's SFU makes by itself, as the room's template configures them: track and
stream recordings per peer, the SFU's composite when the session closes, Beam's recording started at
the first join, and their failures; each with its documented webhook and real files behind the
links."""
import json
import shutil
import subprocess

import pytest
import requests

from helpers import assert_valid

CONFIG = {"name": "default", "role": "host", "trackRecording": {"enabled": True},
          "streamRecording": {"enabled": True, "width": 1280, "height": 720},
          "compositeRecording": {"customComposite": {"enabled": True}}}


def template_with(hms, name: str, config: dict) -> dict:
    template = hms.post("/templates", json={"name": name, "roles": {"host": {}, "guest": {}}}).json()
    stored = hms.post(f"/templates/{template['id']}/recordings", json=[config])
    assert stored.status_code == 200, stored.text
    return template


def room_with(hms, receiver, name: str, config: dict) -> dict:
    template = template_with(hms, f"{name}-template", config)
    return hms.room(name=name, template_id=template["id"], webhook={"url": receiver.url, "headers": {}})


def session_in(hms, room_id: str, duration: int = 60) -> dict:
    made = hms.control("POST", f"rooms/{room_id}/session", json={"peers": ["Ana", "Ben"], "duration": duration})
    assert made.status_code == 201, made.text
    return made.json()


def events(hms, receiver, prefix: str = "") -> list[dict]:
    hms.emulator.settle()  # every webhook due has been answered
    return [b for b in receiver.bodies() if b["type"].startswith(prefix)]


def probe(content: bytes, tmp_path, name: str) -> list[dict]:
    path = tmp_path / name
    path.write_bytes(content)
    answer = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,codec_type", "-of", "json",
                             str(path)], capture_output=True, text=True, check=True)
    return json.loads(answer.stdout)["streams"]


def test_track_stream_and_composite_recordings_follow_the_template(hms, receiver, tmp_path):
    room = room_with(hms, receiver, "sfu", CONFIG)
    session = session_in(hms, room["id"])
    started = events(hms, receiver, "track.recording.started")
    assert len(started) == 4 and {e["data"]["track_type"] for e in started} == {"audio", "video"}
    for event in started:
        assert_valid("100ms", "webhook.track.recording.started.success", event)
    hms.post(f"/active-rooms/{room['id']}/send-message", json={"message": "hello all"})
    hms.emulator.advance(60)

    tracks = events(hms, receiver, "track.recording.success")
    assert len(tracks) == 4 and all(e["data"]["duration"] == 60 for e in tracks)
    streams = events(hms, receiver, "stream.recording.success")
    assert len(streams) == 2 and {e["data"]["user_id"] for e in streams} == {
        p["user_id"] for p in session["peers"].values()}
    types = [e["type"] for e in events(hms, receiver)]
    assert types.index("session.close.success") < types.index("recording.success")  # the composite comes last
    composite = events(hms, receiver, "recording.success")[0]
    for event in tracks + streams + [composite]:
        assert_valid("100ms", f"webhook.{event['type']}", event)
    assert composite["version"] == "1.0" and composite["data"]["duration"] == 60
    job = tracks[0]["data"]["recording_id"]
    assert {e["data"]["recording_id"] for e in tracks + streams} == {job}  # one SFU job per session

    video = next(e for e in tracks if e["data"]["track_type"] == "video")
    webm = requests.get(video["data"]["recording_presigned_url"], timeout=10)
    assert webm.status_code == 200 and webm.content[:4] == b"\x1a\x45\xdf\xa3"  # EBML: a webm file
    assert len(webm.content) == video["data"]["size"]
    mp4 = requests.get(composite["data"]["recording_presigned_url"], timeout=10)
    assert mp4.content[4:8] == b"ftyp" and len(mp4.content) == composite["data"]["size"]
    chat = requests.get(composite["data"]["chat_recording_presigned_url"], timeout=10).text
    assert "hello all" in chat.splitlines()[1]
    if shutil.which("ffprobe"):
        assert [s["codec_name"] for s in probe(webm.content, tmp_path, "track.webm")] == ["vp8"]

    assets = hms.get("/recording-assets", params={"room_id": room["id"], "limit": 100}).json()["data"]
    kinds = sorted(a["type"] for a in assets if a["job_id"] == job)
    assert kinds == ["chat", "room-composite"] + ["stream"] * 2 + ["track"] * 4
    assert hms.get("/recordings", params={"room_id": room["id"]}).json()["data"] == []  # no Beam recording


def test_recordings_can_be_made_to_fail(hms, receiver):
    room = room_with(hms, receiver, "sfu-fails", CONFIG)
    session = session_in(hms, room["id"])
    for kind, body in (("composite", {"error_type": "CLOUD_ACCESS_ERROR"}), ("track", {"error_message": "disk full"})):
        answer = hms.control("POST", f"sessions/{session['id']}/recording-failure", json={"kind": kind, **body})
        assert answer.status_code == 200, answer.text
    assert hms.control("POST", f"sessions/{session['id']}/recording-failure", json={"kind": "x"}).status_code == 400
    hms.emulator.advance(60)
    failed = events(hms, receiver, "recording.failed")[0]
    assert_valid("100ms", "webhook.recording.failed", failed)
    assert failed["data"]["error_type"] == "CLOUD_ACCESS_ERROR" and "cloud bucket" in failed["data"]["error"]
    track_failures = events(hms, receiver, "track.recording.failure")
    assert len(track_failures) == 4 and track_failures[0]["data"]["error_message"] == "disk full"
    for event in track_failures:
        assert_valid("100ms", "webhook.track.recording.failure", event)
    assert len(events(hms, receiver, "stream.recording.success")) == 2  # the streams were not told to fail
    ended = hms.control("POST", f"sessions/{session['id']}/recording-failure", json={"kind": "track"})
    assert ended.status_code == 409


@pytest.mark.parametrize("auto_start", [True, False])
def test_browser_composite_auto_start_records_from_the_first_join(hms, receiver, auto_start):
    config = {"name": "default", "role": "host",
              "compositeRecording": {"browserComposite": {"autoStart": auto_start}}}
    room = room_with(hms, receiver, f"auto-{auto_start}", config)
    session_in(hms, room["id"], duration=600)
    recordings = hms.get("/recordings", params={"room_id": room["id"]}).json()["data"]
    assert len(recordings) == (1 if auto_start else 0)
    assert not events(hms, receiver, "track.recording")  # no track recording configured
