"""Lessonspace's contract: what any target (the emulator or the real API) must do.

Written from the vendor's documentation, not from the emulator's code: the lifetimes, the events
and the signature check below are independent of ``models.py``, so a broken rule there shows here.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections import Counter

import requests
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, rule

from ...core.clock import parse_iso
from ...core.contract import Target, WebhookScenario, link_expiry_check, scheme_auth

DEFAULT_API_KEY = "6b1f2c3d-1111-4222-8333-944455566677"
API_LINK_LIFETIME = 12 * 3600
WEBHOOK_LINK_LIFETIME = 24 * 3600
NEXT = {  # where a session's transcription status may be found next (reads can skip a step)
    "pending": {"pending", "not_requested", "not_eligible", "processing", "ready"},
    "processing": {"processing", "ready"},
    "not_requested": {"not_requested"},
    "not_eligible": {"not_eligible"},
    "ready": {"ready"},
}
EVENTS = ["session.start", "session.end", "user.join", "user.leave", "transcription.finish"]


auth_headers = scheme_auth("Organisation")


def event_of(message: dict) -> str:
    return _header(message, "x-webhook-event")


def verify(message: dict, secret: str) -> bool:
    """x-webhook-signature is the hex HMAC-SHA256 of the raw body keyed with the space secret."""
    expected = hmac.new(secret.encode(), message["body"].encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, _header(message, "x-webhook-signature"))


def _header(message: dict, name: str) -> str:
    return next((v for k, v in message["headers"].items() if k.lower() == name), "")


def _launch(target: Target, body: dict) -> dict:
    answer = target.http.post(f"{target.api_base}/spaces/launch/", json=body)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def webhook_scenario(target: Target, inbox: str) -> WebhookScenario:
    """Run a transcribed two-person session with every webhook pointed at ``inbox``.

    Returns the events expected (each exactly this many times) and the secret that signs them.
    """
    url = target.control.inbox_url(inbox)
    hooks = {"session": {"start": url, "end": url, "idle": url}, "user": {"join": url, "leave": url, "idle": url},
             "transcription": {"finish": url}, "chat": {"message": url}, "cobrowser": {"start": url, "stop": url},
             "knock": {"request": url, "admit": url, "deny": url}}
    space = _launch(target, {"id": f"contract-{inbox}", "transcribe": True, "record_av": True, "webhooks": hooks})
    session = target.control.call("POST", f"lessonspace/spaces/{space['room_id']}/sessions",
                                  {"duration": 600, "users": 2})
    # What people do during the session, each once: idle (the session, then a user), a chat message,
    # co-browsing started and stopped, one knock let in and one turned away.
    on = f"lessonspace/sessions/{session['uuid']}"
    target.control.call("POST", f"{on}/idle", {})
    target.control.call("POST", f"{on}/idle", {"user_id": session["participants"][0]["user_id"]})
    target.control.call("POST", f"{on}/chat", {"text": "Hello"})
    target.control.call("POST", f"{on}/cobrowser", {"action": "start"})
    target.control.call("POST", f"{on}/cobrowser", {"action": "stop"})
    for answer in ("admit", "deny"):
        knock = target.control.call("POST", f"{on}/knock", {"name": f"Guest to {answer}"})
        target.control.call("POST", f"lessonspace/knocks/{knock['id']}/{answer}")
    delay = target.control.call("GET", "lessonspace/settings")["transcription_delay_seconds"]
    target.control.advance(600 + delay + 1)
    # The admitted guest joins (and leaves after their stay, within the session's 600 s).
    expected = Counter({"session.start": 1, "user.join": 3, "user.leave": 3, "session.end": 1,
                        "transcription.finish": 1, "session.idle": 1, "user.idle": 1, "chat.message": 1,
                        "cobrowser.start": 1, "cobrowser.stop": 1, "knock.request": 2, "knock.admit": 1,
                        "knock.deny": 1})
    return WebhookScenario(expected, space["secret"])  # the space is its own: its hooks hear only it


def api_links(target: Target) -> list[tuple[str, float, int]]:
    """A transcribed session's transcript link from the API: (url, minted at, documented lifetime)."""
    space = _launch(target, {"id": f"links-{uuid.uuid4().hex[:10]}", "transcribe": True})
    session = target.control.call("POST", f"lessonspace/spaces/{space['room_id']}/sessions",
                                  {"duration": 300, "users": 2})
    delay = target.control.call("GET", "lessonspace/settings")["transcription_delay_seconds"]
    target.control.advance(300 + delay)
    answer = target.http.get(f"{target.api_base}/organisations/sessions/{session['uuid']}/transcript/")
    assert answer.status_code == 200, answer.text
    return [(answer.json()["transcriptionUrl"], target.control.now(), API_LINK_LIFETIME)]




def lifecycle(target: Target) -> type[RuleBasedStateMachine]:
    """Sessions and transcripts driven at random: statuses only move forward, links live exactly
    their lifetime, reads change nothing, and each event's webhook arrives once."""

    class LessonspaceLifecycle(RuleBasedStateMachine):
        spaces = Bundle("spaces")

        def __init__(self) -> None:
            super().__init__()
            self.run = uuid.uuid4().hex[:10]
            self.inbox = f"lifecycle-{self.run}"
            self.rooms: dict[str, dict] = {}
            self.statuses: dict[str, str] = {}
            self.links: list[tuple[str, float, int]] = []

        @rule(target=spaces, name=st.sampled_from(["a", "b"]), transcribe=st.sampled_from([True, False, None]))
        def launch(self, name: str, transcribe: bool | None) -> str:
            url = target.control.inbox_url(self.inbox)
            body = {"id": f"lifecycle-{self.run}-{name}",
                    "webhooks": {"session": {"start": url, "end": url}, "transcription": {"finish": url}}}
            if transcribe is not None:
                body["transcribe"] = transcribe
            space = _launch(target, body)
            assert space["room_settings"]["transcribe"] is (transcribe is True)
            self.rooms[name] = space
            return name

        @rule(name=spaces, duration=st.sampled_from([60, 149, 150, 400]), users=st.integers(1, 3),
              breakouts=st.integers(0, 2))
        def run_session(self, name: str, duration: int, users: int, breakouts: int) -> None:
            answer = requests.post(
                target.control.url(f"lessonspace/spaces/{self.rooms[name]['room_id']}/sessions"),
                json={"duration": duration, "users": users, "breakouts": breakouts})
            assert answer.status_code in (201, 409), answer.text
            if answer.status_code == 201:
                self.statuses[answer.json()["uuid"]] = "pending"

        @rule(seconds=st.sampled_from([1, 59, 150, 600, 3600, 6 * 3600, API_LINK_LIFETIME]))
        def advance(self, seconds: int) -> None:
            target.control.advance(seconds)

        @rule()
        def read_sessions(self) -> None:
            for uuid_, before in self.statuses.items():
                first = target.http.get(f"{target.api_base}/organisations/sessions/{uuid_}/")
                second = target.http.get(f"{target.api_base}/organisations/sessions/{uuid_}/")
                assert first.status_code == 200 and first.json() == second.json(), "a read changed the session"
                status = first.json()["transcription"]["status"]
                assert status in NEXT[before], f"transcription went {before} -> {status}"
                self.statuses[uuid_] = status
                link = target.http.get(f"{target.api_base}/organisations/sessions/{uuid_}/transcript/")
                assert link.status_code == (200 if status == "ready" else 404), link.text
                if status == "ready":
                    self.links.append((link.json()["transcriptionUrl"], target.control.now(), API_LINK_LIFETIME))

        @rule()
        def check_links(self) -> None:
            for url, minted, lifetime in self.links:
                link_expiry_check(target, url, minted, lifetime)

        def teardown(self) -> None:
            self.read_sessions()
            events = Counter(event_of(m) for m in target.control.inbox(self.inbox))
            started = len(self.statuses)
            ended = sum(1 for s in self.statuses.values() if s != "pending")
            ready = sum(1 for s in self.statuses.values() if s == "ready")
            assert events["session.start"] == started, f"session.start {events['session.start']} x, {started} sessions"
            assert events["session.end"] == ended, f"session.end {events['session.end']} x, {ended} ended"
            assert events["transcription.finish"] == ready, (
                f"transcription.finish {events['transcription.finish']} x, {ready} transcripts")

    return LessonspaceLifecycle


def webhook_links(message: dict) -> list[tuple[str, float, int]]:
    """Links inside a webhook: (url, when it was minted, its documented lifetime)."""
    if event_of(message) != "transcription.finish":
        return []
    body = json.loads(message["body"])
    return [(body["transcriptionUrl"], parse_iso(_header(message, "x-webhook-timestamp")), WEBHOOK_LINK_LIFETIME)]
