"""MeetStream bots: creation, the status machine on the emulator clock, removal, forced outcomes,
pause and resume, and what a bot says in the meeting. A part of ``MeetStream`` (models.py). No HTTP."""
from __future__ import annotations

from urllib.parse import urlsplit

from ...core.clock import parse_iso
from ...core.content import person_name
from ...core.errors import Conflict, Invalid
from ...core.model import due
from .constants import (ACTIVE, BOT, IDEMPOTENCY, IN_CALL, LEAVE_DEFAULTS, LEAVING_SECONDS, LIVE_ONLY, NAME,
                        RECORDING_START_SECONDS, STOPS, STREAMING, TRANSCRIPT)


def platform_of(link: str) -> str:
    try:
        host = (urlsplit(link).hostname or "").lower()
    except ValueError:
        host = ""
    if host == "zoom.us" or host.endswith(".zoom.us"):
        return "zoom"
    if host == "meet.google.com":
        return "google_meet"
    if host in ("teams.microsoft.com", "teams.live.com") or host.endswith(".teams.microsoft.com"):
        return "teams"
    raise Invalid("meeting_link must be a Zoom, Google Meet or Microsoft Teams meeting URL.")


class Bots:
    # -- creating --------------------------------------------------------------------------
    def create(self, api_key: str, body: dict, idempotency_key: str | None) -> tuple[int, dict]:
        """(status, bot): 201 new, 507 an idempotent replay (the original bot), 200 the same
        deduplicated bot. The route answers with created_view (views.py)."""
        with self.store.transaction():
            if idempotency_key:
                seen = self.store.get(IDEMPOTENCY, f"{api_key}:{idempotency_key}")
                if seen:
                    return 507, self.bot(seen["bot_id"])
            bot = self._new_bot(api_key, body)
            if isinstance(bot, tuple):  # a deduplicated bot
                return bot
            if idempotency_key:
                self.store.put(IDEMPOTENCY, f"{api_key}:{idempotency_key}", {"bot_id": bot["bot_id"]})
            self._start(bot)
            return 201, self.bot(bot["bot_id"])

    def _new_bot(self, api_key: str, body: dict, join_at: float | None = None) -> dict | tuple[int, dict]:
        platform = platform_of(body["meeting_link"])
        config = body.get("recording_config") or {}
        provider = (config.get("transcript") or {}).get("provider")
        provider_name = next(iter(provider)) if provider else None
        live = body.get("live_transcription_required")
        if live and provider_name not in STREAMING:
            raise Invalid("live_transcription_required needs a streaming transcription provider "
                          "(deepgram_streaming, assemblyai_streaming, ...) in recording_config.transcript.provider.")
        self._agent_for(api_key, body)
        sign_in = self._sign_in_request(api_key, body, platform)
        key = body.get("deduplication_key")
        if key:
            for other in self.store.find(BOT, api_key):
                if other.get("deduplication_key") == key and other["status"] in ACTIVE:
                    if other["meeting_link"] != body["meeting_link"]:
                        raise Conflict(f"deduplication_key {key!r} is already used by bot {other['bot_id']} "
                                       "for another meeting.")
                    return 200, other
        now = self.clock.now()
        if join_at is None and body.get("join_at"):
            join_at = parse_iso(body["join_at"])
            if join_at < now:
                raise Invalid("join_at must be in the future.")
        bot_id = self.engine.ids.uuid(f"{NAME}.bot")
        post_call = provider_name is not None and provider_name not in LIVE_ONLY
        bot = {
            "bot_id": bot_id, "api_key": api_key, "meeting_link": body["meeting_link"], "platform": platform,
            "bot_name": body.get("bot_name", "MeetStream Bot"), "status": "Scheduled" if join_at else "Joining",
            "created_at": now, "join_at": join_at, "custom_attributes": body.get("custom_attributes", {}),
            "request": body, "callback_url": body.get("callback_url"),
            "video_required": body.get("video_required", self.setting("video_required_default")),
            "audio_separate_streams": body.get("audio_separate_streams", config.get("audio_separate_streams", False)),
            "video_separate_streams": body.get("video_separate_streams", config.get("video_separate_streams", False)),
            "provider": provider_name, "provider_config": (provider or {}).get(provider_name, {}) if provider else {},
            "transcript_id": self.engine.ids.uuid(f"{NAME}.transcript") if post_call else None,
            "retention_hours": (config.get("retention") or {}).get("hours", self.setting("retention_hours")),
            "leave": {**LEAVE_DEFAULTS, **(body.get("automatic_leave") or {})},
            "realtime": config.get("realtime_endpoints", []), "live_url": (live or {}).get("webhook_url"),
            "timeline": {"Scheduled": now} if join_at else {}, "participants": [], "recording_from": None,
            "stopped_at": None, "stop": None, "media": None, "deleted": False, "pending": 0, "deduplication_key": key,
            "chats": [], "paused_at": None, "paused_total": 0.0, "workflows": body.get("workflow_config_ids") or [],
            "calendar_event": None, "sign_in": sign_in,
        }
        if join_at is None:
            self._lease(bot)  # a scheduled bot takes its account when it joins
        self.store.put(BOT, bot_id, bot, api_key)
        if bot["transcript_id"]:
            self._new_run(bot, bot["transcript_id"], provider_name, bot["provider_config"], None)
        return bot

    def _start(self, bot: dict) -> None:
        if bot["join_at"]:
            self.at(bot["join_at"], "join", {"bot": bot["bot_id"], "at": bot["join_at"]})
        else:
            self._on_join({"bot": bot["bot_id"]})

    def bot(self, bot_id: str, api_key: str | None = None) -> dict:
        bot = self.require(BOT, bot_id, f"Bot {bot_id} not found.",
                           where=lambda bot: api_key is None or bot["api_key"] == api_key)
        return bot

    def bots(self, api_key: str) -> list[dict]:
        return self.store.find(BOT, api_key)

    # -- the meeting -----------------------------------------------------------------------
    def _save(self, bot: dict) -> dict:
        return self.store.put(BOT, bot["bot_id"], bot, bot["api_key"])

    def _mark(self, bot: dict, step: str) -> None:
        bot["timeline"].setdefault(step, self.clock.now())

    @due("join")
    def _on_join(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] not in ("Scheduled", "Joining"):
            return
        if "at" in payload and payload["at"] != bot["join_at"]:
            return  # a join time the bot was rescheduled away from
        if not self._lease_at_join(bot):
            return
        bot["status"] = "Joining"
        self._mark(bot, "Joining")
        self._save(bot)
        self._lifecycle(bot, "bot.joining", "Joining", "Bot is joining the meeting")
        wait = self.setting("waiting_room_seconds")
        join = self.setting("join_seconds")
        if wait > 0:
            self.after(join, "not_allowed" if wait >= bot["leave"]["waiting_room_timeout"] else "admitted",
                        {"bot": bot["bot_id"], "waiting_room": True})
        else:
            self.after(join, "admitted", {"bot": bot["bot_id"]})

    def _waiting_room(self, bot: dict) -> None:
        bot["status"] = "InWaitingRoom"
        self._mark(bot, "WaitingRoom")
        self._save(bot)
        self._lifecycle(bot, "bot.in_waiting_room", "InWaitingRoom", "Bot is waiting to be admitted")

    @due("admitted")
    def _on_admitted(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] not in ("Joining", "InWaitingRoom"):
            return
        if payload.get("waiting_room") and bot["status"] == "Joining":  # first it lands in the waiting room
            self._waiting_room(bot)
            self.after(self.setting("waiting_room_seconds"), "admitted", {"bot": bot["bot_id"]})
            return
        bot["status"] = "InMeeting"
        self._mark(bot, "InMeeting")
        self._save(bot)
        self._lifecycle(bot, "bot.inmeeting", "InMeeting", "Bot joined the meeting")
        self._open_control(bot)
        self._agent_joins(bot)
        seed = self.engine.config.seed
        for i in range(self.setting("participants")):
            name = person_name(seed, f"{bot['bot_id']}:{i}")
            person = {"id": f"p{i + 1}", "device_id": f"spaces/{bot['bot_id'][:8]}/devices/{101 + i}", "name": name,
                      "joined": self.clock.now(), "left": None}
            bot["participants"].append(person)
            self._participant_event(bot, "join", person)
            self.after(self.setting("meeting_seconds"), "participant_leave", {"bot": bot["bot_id"], "id": person["id"]})
        self._save(bot)
        self.after(RECORDING_START_SECONDS, "recording", {"bot": bot["bot_id"]})

    @due("not_allowed")
    def _on_not_allowed(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] not in ("Joining", "InWaitingRoom"):
            return
        if bot["status"] == "Joining":
            self._waiting_room(bot)
            self.after(bot["leave"]["waiting_room_timeout"], "not_allowed", {"bot": bot["bot_id"]})
            return
        self._leave(bot, "not_allowed")

    @due("recording")
    def _on_recording(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] != "InMeeting":
            return
        bot["status"] = "Recording"
        bot["recording_from"] = self.clock.now()
        self._mark(bot, "Recording")
        self._save(bot)
        self._lifecycle(bot, "bot.recording", "Recording", "Bot started recording")
        self._agent_records(bot)
        self._open_live_audio(bot)
        self._open_live_video(bot)
        self.after(bot["leave"]["in_call_recording_timeout"], "recording_timeout", {"bot": bot["bot_id"]})
        if bot["live_url"]:
            for i, segment in enumerate(self.segments(bot, self.setting("meeting_seconds"))):
                self.after(segment["start_time"] + 0.5, "live_segment", {"bot": bot["bot_id"], "index": i})
                self.after(segment["end_time"], "live_segment", {"bot": bot["bot_id"], "index": i, "final": True})

    @due("live_segment")
    def _on_live_segment(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] != "Recording" or bot["paused_at"] is not None:
            return
        segment = self.segments(bot, self.setting("meeting_seconds"))[payload["index"]]
        self._live_chunk(bot, segment, bool(payload.get("final")))

    @due("recording_timeout")
    def _on_recording_timeout(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is not None and bot["status"] == "Recording":
            self._leave(bot, "stopped")

    @due("participant_leave")
    def _on_participant_leave(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] not in IN_CALL:
            return
        for person in bot["participants"]:
            if person["id"] == payload["id"] and person["left"] is None:
                person["left"] = self.clock.now()
                self._participant_event(bot, "leave", person)
        self._save(bot)
        if all(p["left"] is not None for p in bot["participants"]):
            self.after(bot["leave"]["everyone_left_timeout"], "everyone_left", {"bot": bot["bot_id"]})

    @due("everyone_left")
    def _on_everyone_left(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is not None and bot["status"] in IN_CALL and all(p["left"] is not None for p in bot["participants"]):
            self._leave(bot, "stopped")

    def remove(self, api_key: str, bot_id: str) -> dict:
        with self.store.transaction():
            bot = self.bot(bot_id, api_key)
            if bot["status"] not in ACTIVE:
                raise Conflict(f"Bot {bot_id} is not in a meeting (status {bot['status']}).")
            self._leave(bot, "stopped")
            return self.bot(bot_id)

    def force(self, bot_id: str, outcome: str, message: str | None = None) -> dict:
        """Simulation: what the meeting (or a streaming provider) does to the bot."""
        with self.store.transaction():
            bot = self.bot(bot_id)
            status = bot["status"]
            if outcome == "admit" and status in ("Joining", "InWaitingRoom"):
                bot["status"] = "InWaitingRoom"
                self._save(bot)
                self._on_admitted({"bot": bot_id})
            elif outcome in ("deny", "fail", "permission_denied") and status in ACTIVE:
                self._leave(bot, {"deny": "denied", "fail": "failed", "permission_denied": "denied"}[outcome])
            elif outcome == "kick" and status in IN_CALL:
                self._leave(bot, "kicked")
            elif outcome == "everyone_leaves" and status in IN_CALL:
                for person in bot["participants"]:
                    if person["left"] is None:
                        self._on_participant_leave({"bot": bot_id, "id": person["id"]})
            elif outcome == "streaming_error" and status in IN_CALL:
                # not terminal: the bot stays, only live transcription is hit (bot.error has no status_code)
                self._event(bot, "bot.error", {"bot_status": "InMeeting", "message": message or
                            "Streaming transcription error: upstream provider refused the connection"})
            elif outcome == "transcription_fails" and self._run_pending(bot):
                self._transcript_status(bot["transcript_id"], "failing", message)
            else:
                raise Conflict(f"Cannot {outcome} a bot whose status is {status}.")
            return self.bot(bot_id)

    def _run_pending(self, bot: dict) -> bool:
        """Whether the bot's transcription run has yet to finish (so it can still be made to fail)."""
        record = self.store.get(TRANSCRIPT, bot["transcript_id"]) if bot["transcript_id"] else None
        return record is not None and record["status"] == "processing"

    def _leave(self, bot: dict, reason: str) -> None:
        bot["stop"] = reason
        if bot["status"] in IN_CALL:
            bot["status"] = "Leaving"
            self._mark(bot, "Leaving")
            self._save(bot)
            self._lifecycle(bot, "bot.leaving", "Leaving", "Bot is leaving the meeting")
            self.after(LEAVING_SECONDS, "stopped", {"bot": bot["bot_id"]})
        else:
            self._on_stopped({"bot": bot["bot_id"]}, bot)

    def _recover(self, payload: dict, error: str) -> None:
        """A step of a bot raised: a bot not yet stopped stops as a crashed session (``Error``)."""
        bot = self.store.get(BOT, payload["bot"]) if "bot" in payload else None
        if bot is not None and bot["stopped_at"] is None:
            bot["stop"] = "failed"
            self._on_stopped({"bot": bot["bot_id"]}, bot)

    @due("stopped")
    def _on_stopped(self, payload: dict, bot: dict | None = None) -> None:
        bot = bot or self.store.get(BOT, payload["bot"])
        if bot is None or bot["stopped_at"] is not None:
            return
        status, message = STOPS[bot["stop"]]
        now = self.clock.now()
        if bot["paused_at"] is not None:
            bot["paused_total"] += now - bot["paused_at"]
            bot["paused_at"] = None
        bot.update(status=status, stopped_at=now)
        self._mark(bot, {"Stopped": "Stopped", "NotAllowed": "BotNotAllowed", "Denied": "BotRejected",
                         "Error": "Error"}[status])
        for person in bot["participants"]:
            person["left"] = person["left"] if person["left"] is not None else now
        self._save(bot)
        self._release_login(bot)
        self._close_live(bot)  # the bot's websockets close with 1000 as it leaves
        self._lifecycle(bot, "bot.stopped", status, message)
        if bot["recording_from"] is not None:
            self._after_call(bot)
        elif bot["transcript_id"]:
            self._transcript_status(bot["transcript_id"], "failed", "The bot never recorded.")
        self._next_occurrence(bot)

    # -- in the meeting --------------------------------------------------------------------
    def _in_call(self, api_key: str, bot_id: str) -> dict:
        bot = self.bot(bot_id, api_key)
        if bot["status"] not in IN_CALL:
            raise Conflict(f"Bot {bot_id} is not in the meeting (status {bot['status']}).")
        return bot

    def say(self, api_key: str, bot_id: str, message: str, metadata: dict | None) -> dict:
        """send_message: the bot posts in the meeting chat (then get_chats has it)."""
        with self.store.transaction():
            bot = self._in_call(api_key, bot_id)
            bot["chats"].append({"sender": bot["bot_name"], "message": message, "timestamp": self.clock.now(),
                                 "metadata": metadata or {"message_type": "text"}})
            self._save(bot)
            return {"status": "success", "bot_id": bot_id, "command": "sendmsg"}

    def show_image(self, api_key: str, bot_id: str, body: dict) -> dict:
        """send_image: an image in the meeting chat, shown for ``display_duration`` seconds."""
        with self.store.transaction():
            bot = self._in_call(api_key, bot_id)
            bot["chats"].append({"sender": bot["bot_name"], "message": body["img_url"], "timestamp": self.clock.now(),
                                 "metadata": body.get("metadata") or {"message_type": "image"}})
            self._save(bot)
            return {"status": "success", "bot_id": bot_id, "command": "sendimg_url"}

    def pause(self, api_key: str, bot_id: str, paused: bool) -> dict:
        """pause_recording / resume_recording: the bot stays; paused time is left out of the media."""
        with self.store.transaction():
            bot = self._in_call(api_key, bot_id)
            if bot["status"] != "Recording":
                raise Conflict(f"Bot {bot_id} is not recording yet.")
            if paused == (bot["paused_at"] is not None):
                raise Conflict(f"Recording of bot {bot_id} is already {'paused' if paused else 'running'}.")
            now = self.clock.now()
            if paused:
                bot["paused_at"] = now
            else:
                bot["paused_total"] += now - bot["paused_at"]
                bot["paused_at"] = None
            self._save(bot)
            self._pause_live(bot, paused)
            return {"status": "success", "bot_id": bot_id,
                    "command": "pause_recording" if paused else "resume_recording"}

    def recorded_seconds(self, bot: dict) -> float:
        if not bot["recording_from"] or not bot["stopped_at"]:
            return 0.0
        return max(1.0, bot["stopped_at"] - bot["recording_from"] - bot["paused_total"])

    @due("retention")
    def _on_retention(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is not None and not bot["deleted"]:
            self._delete_media(bot)

    def delete(self, api_key: str, bot_id: str) -> dict:
        with self.store.transaction():
            bot = self.bot(bot_id, api_key)
            if bot["status"] in ACTIVE:
                raise Conflict(f"Bot {bot_id} is still in the meeting; remove it first.")
            count = self._delete_media(bot)
            return {"message": f"Successfully deleted {count} objects for bot {bot_id}", "bot_id": bot_id,
                    "deleted_objects": count}

    def _delete_media(self, bot: dict) -> int:
        keys = self._media_keys(bot)
        for record in self.store.find(TRANSCRIPT, bot["bot_id"]):
            keys += [k for k in (record["key"], record.get("raw_key")) if k]
            record.update(status="deleted", key=None, raw_key=None)
            self.store.put(TRANSCRIPT, record["transcript_id"], record, bot["bot_id"])
        for key in keys:
            self.engine.links.delete(key)
        bot.update(deleted=True, media=None)
        self._mark(bot, "MediaExpired")
        self._save(bot)
        self._event(bot, "data_deletion", {"status": "success", "message": f"Successfully deleted {len(keys)} objects "
                    f"for bot {bot['bot_id']}", "deleted_objects": len(keys), "status_code": 200}, attributes=False)
        return len(keys)
