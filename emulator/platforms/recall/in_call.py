"""What an integrator makes a Recall.ai bot do in the call besides recording: chat messages, asking
the host for recording permission, audio, images and webpages on its camera and screenshare, and
the debug screenshots of what it saw. A part of ``Recall`` (models.py). No HTTP here."""
from __future__ import annotations

import base64
import binascii

from ...core.clock import iso
from ...core.errors import Invalid, NotFound
from ...core.ids import stable_int
from ...core.model import due
from .constants import BOT, screenshot_key

# What each output's bytes must start with: an MP3 (an ID3 tag or a frame sync) or a JPEG (SOI marker).
MAGIC = {"mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xe3"), "jpeg": (b"\xff\xd8\xff",)}
SCREENSHOT_STATUSES = ("joining_call", "in_waiting_room", "in_call_not_recording", "in_call_recording",
                       "recording_permission_allowed", "recording_permission_denied", "call_ended", "fatal")
PERMISSION_SECONDS = 5  # how long the host takes to answer a recording-permission request


class InCall:
    # -- chat ------------------------------------------------------------------------------
    def send_chat_message(self, bot_id: str, body: dict) -> dict:
        with self.store.transaction():
            bot = self.bot(bot_id)
            self._in_call(bot)
            to = body.get("to", "everyone")
            if to != "everyone":
                if bot["meeting_url"]["platform"] != "zoom":
                    raise Invalid("Only 'everyone' is supported on this platform.",
                                  {"to": ["Direct messages are supported on Zoom only; use 'everyone'."]})
                if to not in {str(p["id"]) for p in bot["participants"] if p["left"] is None}:
                    raise Invalid("No such participant.", {"to": [f"No participant with id {to} is in the call."]})
            bot["chat_messages"].append({"to": to, "message": body["message"], "pin": bool(body.get("pin")),
                                         "sent_at": iso(self.clock.now())})
            return self.store.put(BOT, bot_id, bot)

    # -- recording permission --------------------------------------------------------------
    def request_recording_permission(self, bot_id: str) -> dict:
        """Zoom asks the host; the answer comes a few seconds later (denied in the permission_denied scenario)."""
        with self.store.transaction():
            bot = self.bot(bot_id)
            status = self._in_call(bot)
            if bot["meeting_url"]["platform"] != "zoom":
                raise Invalid("Recording permission is requested on Zoom only.", {"code": "unsupported_platform"})
            if status in ("in_call_recording", "recording_permission_allowed"):
                raise Invalid("The bot already has permission to record.", {"code": "invalid_recording_state"})
            self.after(PERMISSION_SECONDS, "permission", {"bot": bot_id})
            return bot

    @due("permission")
    def _on_permission(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or self.status(bot) not in ("in_call_not_recording", "recording_permission_denied"):
            return
        if bot["scenario"] == "permission_denied":
            self._change(bot, "recording_permission_denied", "zoom_local_recording_request_denied_by_host")
            return
        self._change(bot, "recording_permission_allowed")
        if bot["recording_config"] is not None:
            self.start_recording(bot, bot["recording_config"])

    # -- output media ----------------------------------------------------------------------
    def output(self, bot_id: str, channel: str, body: dict) -> dict:
        """output_audio, output_video (camera) or output_screenshare: real MP3 or JPEG bytes."""
        with self.store.transaction():
            bot = self.bot(bot_id)
            self._in_call(bot)
            try:
                data = base64.b64decode(body["b64_data"], validate=True)
            except (binascii.Error, ValueError):
                raise Invalid("Invalid Base64.", {"b64_data": ["Enter valid Base64 data (the standard alphabet)."]}) \
                    from None
            if not data.startswith(MAGIC[body["kind"]]):
                raise Invalid("Not the declared format.", {"b64_data": [f"The data is not a {body['kind']} file."]})
            bot["output"][channel] = {"kind": body["kind"], "bytes": len(data), "started_at": iso(self.clock.now())}
            return self.store.put(BOT, bot_id, bot)

    def stop_output(self, bot_id: str, channels: list[str]) -> None:
        with self.store.transaction():
            bot = self.bot(bot_id)
            self._in_call(bot)
            for channel in channels:
                bot["output"].pop(channel, None)
                if channel.startswith("media_") and bot["output_media"]:
                    bot["output_media"] = {k: v for k, v in bot["output_media"].items()
                                           if k != channel[len("media_"):]} or None
            self.store.put(BOT, bot_id, bot)

    def output_media(self, bot_id: str, body: dict) -> dict:
        """A webpage streamed as the bot's camera and/or screenshare."""
        with self.store.transaction():
            bot = self.bot(bot_id)
            self._in_call(bot)
            bot["output_media"] = {**(bot["output_media"] or {}), **body}
            for channel in body:
                bot["output"][f"media_{channel}"] = {"kind": "webpage", "url": body[channel]["config"]["url"],
                                                     "started_at": iso(self.clock.now())}
            return self.store.put(BOT, bot_id, bot)

    # -- screenshots -----------------------------------------------------------------------
    def _screenshot(self, bot: dict, code: str, at: float) -> None:
        """What the bot sees at each status change inside the meeting client, kept as a PNG."""
        if code not in SCREENSHOT_STATUSES:
            return
        shot_id = self._uuid("screenshot")
        key = screenshot_key(bot["id"], shot_id)
        self.engine.links.put_media(key, "png", 0, stable_int(self.engine.config.seed, shot_id), f"{shot_id}.png")
        bot.setdefault("screenshots", []).append({"id": shot_id, "recorded_at": at})  # the key is derived

    def screenshots(self, bot_id: str) -> list[dict]:
        return [{**shot, "key": screenshot_key(bot_id, shot["id"])} for shot in self.bot(bot_id).get("screenshots", [])]

    def screenshot(self, bot_id: str, shot_id: str) -> dict:
        for shot in self.screenshots(bot_id):
            if shot["id"] == shot_id:
                return shot
        raise NotFound("Not found.")
