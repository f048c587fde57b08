"""MeetStream's contract, written from the vendor's docs and SDK (notes part A), not from models.py."""
from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter

import requests
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from ...core.contract import Target, WebhookScenario, body_event, read_twice, scheme_auth

DEFAULT_API_KEY = "ms_emulator_key"
WEBHOOK_SECRET = "ms_whsec_emulator_secret"
AUDIO_LINK, VIDEO_LINK, TRANSCRIPT_LINK = 3600, 600, 3600
ORDER = ["Scheduled", "Joining", "InWaitingRoom", "InMeeting", "Recording", "Leaving"]
TERMINAL = {"Stopped", "NotAllowed", "Denied", "Error", "Done"}
EVENTS = ["bot.joining", "bot.inmeeting", "bot.recording", "bot.leaving", "bot.stopped", "manifest.completed",
          "audio.processed", "transcription.processed", "video.processed", "bot.done"]


auth_headers = scheme_auth("Token")


event_of = body_event("event")


def verify(message: dict, secret: str) -> bool:
    """X-MeetStream-Signature: "sha256=" and the hex HMAC-SHA256 of the raw body (the SDKs accept it bare too)."""
    given = next((v for k, v in message["headers"].items() if k.lower() == "x-meetstream-signature"), "")
    expected = hmac.new(secret.encode(), message["body"].encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.removeprefix("sha256="))


def webhook_links(message: dict) -> list:
    return []


def _create(target: Target, **body) -> dict:
    answer = target.http.post(f"{target.api_base}/bots/create_bot",
                              json={"meeting_link": "https://meet.google.com/abc-defg-hij", "bot_name": "Contract", **body})
    assert answer.status_code == 201, answer.text
    return answer.json()


def _through_the_call(target: Target) -> None:
    for _ in range(12):  # the meeting, everyone leaving, the bot leaving, post-call processing
        target.control.advance(300)


def webhook_scenario(target: Target, inbox: str) -> WebhookScenario:
    _create(target, video_required=True, callback_url=target.control.inbox_url(inbox),
            custom_attributes={"run": inbox}, recording_config={"transcript": {"provider": {"deepgram": {}}}})
    _through_the_call(target)
    return WebhookScenario(Counter({event: 1 for event in EVENTS}), WEBHOOK_SECRET)  # its own callback_url


def api_links(target: Target) -> list[tuple[str, float, int]]:
    bot = _create(target, video_required=True, recording_config={"transcript": {"provider": {"deepgram": {}}}})
    _through_the_call(target)
    now = target.control.now()
    links = []
    for path, field, lifetime in (("get_audio", "audio_url", AUDIO_LINK), ("get_video", "video_url", VIDEO_LINK)):
        answer = target.http.get(f"{target.api_base}/bots/{bot['bot_id']}/{path}")
        assert answer.status_code == 200, answer.text
        links.append((answer.json()[field], now, lifetime))
    runs = target.http.get(f"{target.api_base}/bots/{bot['bot_id']}/transcriptions").json()["transcriptions"]
    links += [(run["download_urls"][kind], now, TRANSCRIPT_LINK) for run in runs if run["download_urls"]
              for kind in ("raw_transcript", "processed_transcript")]
    return links




def lifecycle(target: Target) -> type[RuleBasedStateMachine]:
    """Bots created, removed and pushed around at random: statuses only move forward, reads change
    nothing, and bot.stopped arrives exactly once per bot that stopped."""

    class MeetStreamLifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            import uuid

            self.inbox = f"lifecycle-{uuid.uuid4().hex[:10]}"
            self.statuses: dict[str, str] = {}

        @rule(video=st.booleans())
        def create(self, video: bool) -> None:
            bot = _create(target, video_required=video, callback_url=target.control.inbox_url(self.inbox))
            assert bot["status"] == "Active"  # create_bot's BotResponse; the status endpoint has the real one
            self.statuses[bot["bot_id"]] = "Scheduled"

        @rule(outcome=st.sampled_from(["deny", "fail", "kick", "everyone_leaves", "admit"]))
        def force(self, outcome: str) -> None:
            for bot_id in list(self.statuses)[-1:]:
                answer = requests.post(target.control.url(f"meetstream/bots/{bot_id}/force"), json={"outcome": outcome})
                assert answer.status_code in (200, 409), answer.text

        @rule()
        def remove(self) -> None:
            for bot_id in list(self.statuses)[:1]:
                answer = target.http.get(f"{target.api_base}/bots/{bot_id}/remove_bot")
                assert answer.status_code in (200, 409), answer.text

        @rule(seconds=st.sampled_from([1, 5, 60, 600, 1800]))
        def advance(self, seconds: int) -> None:
            target.control.advance(seconds)

        @rule()
        def read(self) -> None:
            for bot_id, before in self.statuses.items():
                status = read_twice(target, f"{target.api_base}/bots/{bot_id}/status", "bot")["status"]
                if before in TERMINAL:
                    assert status == before or (before != "Done" and status == "Done"), f"{before} -> {status}"
                elif status not in TERMINAL:
                    assert ORDER.index(status) >= ORDER.index(before), f"bot went {before} -> {status}"
                self.statuses[bot_id] = status

        def teardown(self) -> None:
            self.read()
            stopped = Counter(json.loads(m["body"])["bot_id"] for m in target.control.inbox(self.inbox)
                              if event_of(m) == "bot.stopped")
            for bot_id, status in self.statuses.items():
                assert stopped[bot_id] == (1 if status in TERMINAL else 0), f"bot.stopped x{stopped[bot_id]} for {status}"

    return MeetStreamLifecycle
