"""MeetStream's outgoing HTTP: lifecycle callbacks to ``callback_url`` (signed when a webhook secret
is set), ``participant_events.*`` to real-time endpoints and live transcript chunks to
``live_transcription_required.webhook_url``. A part of ``MeetStream`` (models.py). No HTTP server here."""
from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from ...core.clock import iso
from ...core.webhooks import RetryPolicy, hex_hmac
from .constants import NAME, meetstream_time

if TYPE_CHECKING:
    from ...core.engine import Engine

SIGNATURE, TIMESTAMP = "X-MeetStream-Signature", "X-MeetStream-Timestamp"
# Seed 003's status codes (the setting seed_status_codes); the vendor sends 200 on every one.
SEED_CODES = {"bot.joining": 102, "bot.stopped": 500}
LIFECYCLE = ("bot.joining", "bot.in_waiting_room", "bot.inmeeting", "bot.recording", "bot.leaving", "bot.stopped")


def sign(delivery: dict, sent: float) -> dict[str, str]:
    """``sha256=`` and the hex HMAC-SHA256 of the raw body, and the (wall-clock) time it was sent."""
    if not delivery.get("secret"):
        return {}
    return {SIGNATURE: "sha256=" + hex_hmac(delivery["secret"], delivery["body"]), TIMESTAMP: meetstream_time(sent)}


def verify(delivery: dict, headers: dict) -> str | None:
    """The receiver's check, as the official SDKs make it (a bare hex digest is accepted too)."""
    if not delivery.get("secret"):
        return "unsigned: no webhook secret is set"
    given = {k.lower(): v for k, v in headers.items()}.get(SIGNATURE.lower(), "")
    if not given:
        return f"no {SIGNATURE} header"
    if hmac.compare_digest(given.removeprefix("sha256="), hex_hmac(delivery["secret"], delivery["body"])):
        return None
    return f"{SIGNATURE} does not match the body signed with the secret"


RETRY_POLICY = RetryPolicy(delays=(), timeout=30, sign=sign, verify=verify)  # callbacks are never retried
REALTIME_POLICY = RetryPolicy(delays=(), timeout=30)  # real-time endpoints and live transcripts: unsigned


class Callbacks:
    engine: "Engine"

    def _event(self, bot: dict, event: str, fields: dict, *, url: str | None = None,
               attributes: bool = True) -> None:
        """A callback to the bot's ``callback_url`` (or ``url``). Lifecycle events carry no
        timestamp; post-call ones do, as the vendor sends them."""
        target = url or bot["callback_url"]
        if not target:
            return
        body = {"event": event, "bot_id": bot["bot_id"], **fields}
        if event not in LIFECYCLE and event != "bot.error":
            body["timestamp"] = meetstream_time(self.clock.now())
        if attributes and event != "bot.error":
            body["custom_attributes"] = bot["custom_attributes"]
        self.engine.webhooks.enqueue(NAME, event, target, body, secret=self.setting("webhook_secret") or None,
                                     order_key=bot["bot_id"])

    def _lifecycle(self, bot: dict, event: str, status: str, message: str) -> None:
        code = SEED_CODES.get(event, 200) if self.setting("seed_status_codes") else 200
        self._event(bot, event, {"bot_status": status, "message": message, "status_code": code})

    def _participant_event(self, bot: dict, action: str, person: dict) -> None:
        """``participant_events.join`` / ``.leave`` to every real-time endpoint that asked for it."""
        event = f"participant_events.{action}"
        now = self.clock.now()
        start = bot["timeline"].get("InMeeting", now)
        body = {"event": event, "timestamp": iso(now), "data": {
            "data": {"action": action,
                     "participant": {"id": person["device_id"], "name": person["name"], "full_name": person["name"],
                                     "platform": {"google_meet": "gmeet"}.get(bot["platform"], bot["platform"])},
                     "timestamp": {"relative": round(now - start, 3), "absolute": iso(now)}},
            "bot": {"id": bot["bot_id"], "metadata": {}}},
            "custom_attributes": bot["custom_attributes"]}
        for endpoint in bot["realtime"]:
            if event in (endpoint.get("events") or []):
                self.engine.webhooks.enqueue(NAME, event, endpoint["url"], body, policy=f"{NAME}.realtime",
                                             order_key=f"{bot['bot_id']}:{endpoint['url']}")

    def _live_chunk(self, bot: dict, segment: dict, final: bool) -> None:
        """A live transcript chunk: interim (the words so far) then final, flat as the vendor sends it."""
        words = segment["words"] if final else segment["words"][:max(1, len(segment["words"]) // 2)]
        start = bot["recording_from"] or self.clock.now()
        body = {"bot_id": bot["bot_id"], "speakerName": segment["speaker"],
                "timestamp": iso(start + (segment["end_time"] if final else segment["start_time"])),
                "transcript": " ".join(w["punctuated_word"] for w in words), "utterance": "",
                "words": [{"word": w["word"], "start": w["start"], "end": w["end"], "confidence": 0,
                           "speaker": segment["speaker"], "punctuated_word": w["punctuated_word"],
                           "speech_confidence": 0} for w in words],
                "is_final": final, "end_of_turn": final, "turn_is_formatted": final, "transcription_mode": "raw",
                "custom_attributes": bot["custom_attributes"]}
        self.engine.webhooks.enqueue(NAME, "transcript.live", bot["live_url"], body, policy=f"{NAME}.realtime",
                                     order_key=f"{bot['bot_id']}:live")
