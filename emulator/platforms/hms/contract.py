"""100ms's contract, written from the vendor's docs (notes-100ms.md), not from models.py."""
from __future__ import annotations

import json
import time
import uuid
from collections import Counter

import jwt
import requests
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from ...core.clock import parse_iso
from ...core.contract import Target, WebhookScenario, body_event, read_twice

DEFAULT_API_KEY = "6500000000000000000000aa:emulator-app-secret-change-me-0123456789"  # ACCESS_KEY:APP_SECRET
WEBHOOK_LINK_LIFETIME = 24 * 3600
DEFAULT_PRESIGN = 3 * 24 * 3600
PASSCODE = "contract-passcode"
NEXT = {  # where a recording may be found next (reads can skip steps)
    "starting": {"starting", "running", "stopping", "post_processing", "completed", "failed"},
    "running": {"running", "stopping", "post_processing", "completed", "failed"},
    "stopping": {"stopping", "post_processing", "completed", "failed"},
    "post_processing": {"post_processing", "completed", "failed"},
    "completed": {"completed"},
    "failed": {"failed"},
}
EVENTS = ("beam.started.success", "beam.stopped.success", "beam.recording.success", "transcription.started.success",
          "transcription.success")


def auth_headers(api_key: str) -> dict[str, str]:
    """A management token, made as 100ms's SDK makes it: on the real clock, iat 10 s back, valid 24 h.
    Token validity is transport time, so moving the emulator clock keeps it good."""
    access_key, _, secret = api_key.partition(":")
    now = int(time.time()) - 10
    claims = {"access_key": access_key, "type": "management", "version": 2, "iat": now,
              "nbf": now, "exp": now + 86400, "jti": str(uuid.uuid4())}
    return {"Authorization": f"Bearer {jwt.encode(claims, secret, algorithm='HS256')}"}


event_of = body_event("type")


def verify(message: dict, passcode: str) -> bool:
    """100ms signs nothing: the room's custom headers come back unchanged for the receiver to check."""
    headers = {k.lower(): v for k, v in message["headers"].items()}
    return headers.get("x-passcode") == passcode


def _room(target: Target, hook_url: str | None = None) -> dict:
    body = {"name": f"contract-{uuid.uuid4().hex[:12]}"}
    if hook_url:
        body["webhook"] = {"url": hook_url, "headers": {"X-Passcode": PASSCODE}}
    answer = target.http.post(f"{target.api_base}/rooms", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _start(target: Target, room_id: str, transcription: bool = True) -> requests.Response:
    body = {"transcription": {"enabled": True, "output_modes": ["txt", "srt", "json"],
                              "summary": {"enabled": True}}} if transcription else {}
    return target.http.post(f"{target.api_base}/recordings/room/{room_id}/start", json=body)


def webhook_scenario(target: Target, inbox: str) -> WebhookScenario:
    room = _room(target, target.control.inbox_url(inbox))
    recording = _start(target, room["id"]).json()
    target.control.advance(60)
    stop = target.http.post(f"{target.api_base}/recordings/{recording['id']}/stop")
    assert stop.status_code == 200, stop.text
    target.control.advance(60)
    target.control.advance(3600)  # transcription: at least 5 minutes, or 20 % of the duration
    people = target.control.call("GET", "100ms/settings")["peers"]
    # the session opens, its people join, leave after session_seconds (600 s), and it closes
    expected = Counter({event: 1 for event in EVENTS}) + Counter({
        "session.open.success": 1, "peer.join.success": people, "peer.leave.success": people,
        "session.close.success": 1})
    return WebhookScenario(expected, PASSCODE)  # the room is its own, and so is every event its webhook gets


def webhook_links(message: dict) -> list[tuple[str, float, int]]:
    body = json.loads(message["body"])
    minted = parse_iso(body["timestamp"])
    return [(value, minted, WEBHOOK_LINK_LIFETIME) for key, value in body["data"].items()
            if key.endswith("presigned_url")]


def api_links(target: Target) -> list[tuple[str, float, int]]:
    room = _room(target)
    recording = _start(target, room["id"], transcription=False).json()
    target.control.advance(30)
    target.http.post(f"{target.api_base}/recordings/{recording['id']}/stop")
    target.control.advance(60)
    assets = target.http.get(f"{target.api_base}/recording-assets", params={"room_id": room["id"]}).json()["data"]
    assert assets, "no asset after the recording completed"
    links = []
    for duration in (None, 600):
        params = {"presign_duration": duration} if duration else {}
        answer = target.http.get(f"{target.api_base}/recording-assets/{assets[0]['id']}/presigned-url", params=params)
        assert answer.status_code == 200, answer.text
        assert answer.json()["expiry"] == (duration or DEFAULT_PRESIGN)
        links.append((answer.json()["url"], target.control.now(), duration or DEFAULT_PRESIGN))
    return links




def _subject(data: dict) -> str | None:
    """What a webhook is about: its recording, else its peer, else its session."""
    return data.get("job_id") or data.get("recording_id") or data.get("peer_id") or data.get("session_id")


STREAMS = {"live-streams": {"recording": {"hls_vod": True}},
           "external-streams": {"rtmp_urls": ["rtmp://live.example.com/app/contract-key"]}}


def lifecycle(target: Target) -> type[RuleBasedStateMachine]:
    """Recordings, live and external streams started, paused, stopped and left to finish, and the
    active room ended, at random: statuses only move forward, reads change nothing, assets go
    processing -> completed, each event arrives at most once per subject."""

    class HmsLifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.inbox = f"lifecycle-{uuid.uuid4().hex[:10]}"
            self.room = _room(target, target.control.inbox_url(self.inbox))
            self.statuses: dict[str, str] = {}
            self.streams: dict[str, tuple[str, str]] = {}  # id -> (family, status)
            self.assets: dict[str, str] = {}

        @rule(transcription=st.booleans())
        def start(self, transcription: bool) -> None:
            answer = _start(target, self.room["id"], transcription)
            assert answer.status_code in (200, 409), answer.text
            if answer.status_code == 200:
                assert answer.json()["status"] == "starting"
                self.statuses[answer.json()["id"]] = "starting"

        @rule()
        def stop(self) -> None:
            for recording_id in list(self.statuses):
                answer = target.http.post(f"{target.api_base}/recordings/{recording_id}/stop")
                assert answer.status_code in (200, 400), answer.text

        @rule(pause=st.booleans())
        def pause(self, pause: bool) -> None:
            action = "pause" if pause else "resume"
            answer = target.http.post(f"{target.api_base}/recordings/room/{self.room['id']}/{action}")
            assert answer.status_code in (200, 404, 409), answer.text
            if answer.status_code == 200:
                assert answer.json()["status"] == "running"

        @rule(family=st.sampled_from(sorted(STREAMS)))
        def start_stream(self, family: str) -> None:
            answer = target.http.post(f"{target.api_base}/{family}/room/{self.room['id']}/start", json=STREAMS[family])
            assert answer.status_code in (200, 409), answer.text
            if answer.status_code == 200:
                assert answer.json()["status"] == "starting"
                self.streams[answer.json()["id"]] = (family, "starting")

        @rule(by_room=st.booleans())
        def stop_stream(self, by_room: bool) -> None:
            for stream_id, (family, _) in list(self.streams.items()):
                url = f"{target.api_base}/{family}/room/{self.room['id']}/stop" if by_room \
                    else f"{target.api_base}/{family}/{stream_id}/stop"
                answer = target.http.post(url)
                assert answer.status_code in (200, 400, 404), answer.text

        @rule()
        def end_room(self) -> None:
            answer = target.http.post(f"{target.api_base}/active-rooms/{self.room['id']}/end-room", json={})
            assert answer.status_code in (200, 404), answer.text  # 404: nobody is in the room

        @rule(seconds=st.sampled_from([1, 3, 10, 60, 300, 1200]))
        def advance(self, seconds: int) -> None:
            target.control.advance(seconds)

        @rule()
        def read(self) -> None:
            for recording_id, before in self.statuses.items():
                status = read_twice(target, f"{target.api_base}/recordings/{recording_id}", "recording")["status"]
                assert status in NEXT[before], f"recording went {before} -> {status}"
                self.statuses[recording_id] = status
            for stream_id, (family, before) in self.streams.items():
                status = read_twice(target, f"{target.api_base}/{family}/{stream_id}", "stream")["status"]
                assert status in NEXT[before], f"stream went {before} -> {status}"
                self.streams[stream_id] = (family, status)
            listing = target.http.get(f"{target.api_base}/recording-assets",
                                      params={"room_id": self.room["id"], "limit": 100}).json()
            for asset in listing["data"]:
                before = self.assets.get(asset["id"], "processing")
                assert asset["status"] in {"processing": {"processing", "completed", "failed"},
                                           "completed": {"completed"}, "failed": {"failed"}}[before]
                self.assets[asset["id"]] = asset["status"]

        def teardown(self) -> None:
            self.read()
            sent = Counter((event_of(m), _subject(json.loads(m["body"])["data"])) for m in target.control.inbox(self.inbox))
            assert all(count == 1 for count in sent.values()), f"an event arrived twice: {sent}"
            for recording_id, status in self.statuses.items():
                if status == "completed":
                    for event in EVENTS[:3]:
                        assert sent[(event, recording_id)] == 1, f"{event} missing for {recording_id}"

    return HmsLifecycle
