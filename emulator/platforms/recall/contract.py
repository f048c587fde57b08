"""Recall.ai's contract, written from Recall's docs (notes part B) and Svix's spec, not from models.py."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections import Counter

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from ...core.contract import Target, WebhookScenario, body_event, scheme_auth

DEFAULT_API_KEY = "emulator-recall-key"
LINK_LIFETIME = 6 * 3600
SECRET = "whsec_" + base64.b64encode(b"contract-secret-for-the-recall-suite").decode()
CODES = ["joining_call", "in_waiting_room", "in_call_not_recording", "recording_permission_allowed",
         "recording_permission_denied", "in_call_recording", "call_ended", "done"]
FINAL = {"done", "fatal", "media_expired"}


auth_headers = scheme_auth("Token")


event_of = body_event("event")


def verify(message: dict, secret: str) -> bool:
    """Svix: base64 HMAC-SHA256 of "{svix-id}.{svix-timestamp}.{body}" keyed with the decoded secret."""
    headers = {k.lower(): v for k, v in message["headers"].items()}
    signed = f"{headers['svix-id']}.{headers['svix-timestamp']}.{message['body']}".encode()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, s.split(",", 1)[1]) for s in headers["svix-signature"].split())


def webhook_links(message: dict) -> list:
    return []


def _create(target: Target, url: str = "https://meet.google.com/abc-defg-hij", **body) -> dict:
    answer = target.http.post(f"{target.api_base}/bot/", json={"meeting_url": url, **body})
    assert answer.status_code == 201, answer.text
    return answer.json()


def _bot(target: Target, bot_id: str) -> dict:
    return target.http.get(f"{target.api_base}/bot/{bot_id}/").json()


def webhook_scenario(target: Target, inbox: str) -> WebhookScenario:
    """One bot through a call. The workspace's endpoints receive every bot's webhooks, so only
    those about this bot (``data.bot.id``) are counted."""
    before = target.control.call("GET", "recall/settings")
    target.control.call("PATCH", "recall/settings", {"webhook_endpoints": [target.control.inbox_url(inbox)],
                                                     "webhook_secret": SECRET})
    try:
        bot = _create(target, recording_config={"transcript": {"provider": {"recallai_streaming": {}}}})
        for _ in range(8):
            target.control.advance(300)
    finally:
        target.control.call("PATCH", "recall/settings", {"webhook_endpoints": before["webhook_endpoints"],
                                                         "webhook_secret": before["webhook_secret"]})
    expected = Counter(["bot.joining_call", "bot.in_call_not_recording", "bot.in_call_recording", "bot.call_ended",
                        "bot.done", "recording.processing", "recording.done"])
    for kind in ("video_mixed", "participant_events", "meeting_metadata", "transcript"):
        expected.update([f"{kind}.processing", f"{kind}.done"])
    return WebhookScenario(expected, SECRET, lambda message: _bot_of(message) == bot["id"])


def _bot_of(message: dict) -> str | None:
    bot = (json.loads(message["body"]).get("data") or {}).get("bot") or {}
    return bot.get("id")


def api_links(target: Target) -> list[tuple[str, float, int]]:
    bot = _create(target, recording_config={"transcript": {"provider": {"recallai_streaming": {}}}})
    for _ in range(8):
        target.control.advance(300)
    recording = target.http.get(f"{target.api_base}/recording/{_bot(target, bot['id'])['recordings'][0]['id']}/").json()
    now = target.control.now()
    shortcuts = recording["media_shortcuts"]
    urls = [shortcuts["video_mixed"]["data"]["download_url"], shortcuts["transcript"]["data"]["download_url"],
            shortcuts["participant_events"]["data"]["participants_download_url"]]
    assert all(urls), "download_url is still null after the recording is done"
    return [(url, now, LINK_LIFETIME) for url in urls]




def lifecycle(target: Target) -> type[RuleBasedStateMachine]:
    """Bots created, told to leave and pushed around at random: status codes only move forward, reads
    change nothing, download_url is null until done, then a fresh 6-hour link."""

    class RecallLifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.bots: dict[str, int] = {}  # bot id -> status changes seen

        @rule(scenario=st.sampled_from([None, "waiting_room", "meeting_not_found", "kicked", "permission_denied"]))
        def create(self, scenario: str | None) -> None:
            url = "https://zoom.us/j/1234567890" + (f"?emulator_scenario={scenario}" if scenario else "")
            bot = _create(target, url, recording_config={"transcript": {"provider": {"recallai_streaming": {}}}})
            self.bots[bot["id"]] = 0

        @rule()
        def leave(self) -> None:
            for bot_id in list(self.bots)[:1]:
                answer = target.http.post(f"{target.api_base}/bot/{bot_id}/leave_call/")
                assert answer.status_code in (200, 400), answer.text

        @rule(command=st.sampled_from(["start_recording", "pause_recording", "resume_recording"]))
        def record(self, command: str) -> None:
            """Recording control: a start while recording replaces the recording (its old one is deleted)."""
            for bot_id in list(self.bots)[-1:]:
                answer = target.http.post(f"{target.api_base}/bot/{bot_id}/{command}/", json={})
                assert answer.status_code in (200, 400), answer.text

        @rule()
        def chat(self) -> None:
            for bot_id in list(self.bots)[-1:]:
                answer = target.http.post(f"{target.api_base}/bot/{bot_id}/send_chat_message/", json={"message": "hi"})
                assert answer.status_code in (200, 400), answer.text
                if answer.status_code == 400:
                    assert answer.json()["code"] in ("cannot_command_unstarted_bot", "cannot_command_completed_bot")

        @rule(seconds=st.sampled_from([1, 5, 60, 600, 3600]))
        def advance(self, seconds: int) -> None:
            target.control.advance(seconds)

        @rule()
        def read(self) -> None:
            for bot_id, seen in self.bots.items():
                first, second = _bot(target, bot_id), _bot(target, bot_id)
                assert first == second, "a read changed the bot"
                changes = first["status_changes"]
                assert len(changes) >= seen, "status changes were lost"
                codes = [c["code"] for c in changes]
                ranked = [CODES.index(c) for c in codes if c in CODES]
                assert ranked == sorted(ranked), f"statuses went backwards: {codes}"
                assert all(c not in FINAL for c in codes[:-1] if c != "done"), f"a final status was left: {codes}"
                self.bots[bot_id] = len(changes)
                for recording in first["recordings"]:
                    for shortcut in recording["media_shortcuts"].values():
                        if shortcut is None or "download_url" not in shortcut["data"]:
                            continue
                        done = shortcut["status"]["code"] == "done"
                        assert (shortcut["data"]["download_url"] is not None) == done, "download_url vs status"

        def teardown(self) -> None:
            self.read()

    return RecallLifecycle
