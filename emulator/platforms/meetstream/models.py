"""MeetStream's state and rules: meeting bots, their lifecycle, callbacks, media and transcripts.
No HTTP here."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ...core.clock import iso, parse_iso
from ...core.content import Room, person_name, speech
from ...core.errors import Conflict, Invalid, NotFound
from ...core.ids import stable_int
from ...core.webhooks import RetryPolicy, hex_hmac, hex_hmac_verifier

if TYPE_CHECKING:
    from ...core.engine import Engine

NAME = "meetstream"
BOT, IDEMPOTENCY, TRANSCRIPT = f"{NAME}.bot", f"{NAME}.idempotency", f"{NAME}.transcript"
AUDIO_LINK, VIDEO_LINK, STREAM_LINK, TRANSCRIPT_LINK = 3600, 600, 600, 3600  # link lifetimes (s)
STREAMING = {"deepgram_streaming", "assemblyai_streaming", "jigsawstack_streaming", "meetstream_streaming"}
ACTIVE = ("Scheduled", "Joining", "InWaitingRoom", "InMeeting", "Recording")
LEAVE_DEFAULTS = {"waiting_room_timeout": 600, "everyone_left_timeout": 600, "in_call_recording_timeout": 14400,
                  "recording_permission_denied_timeout": 60}
STOPS = {  # reason -> (bot_event, bot_status, status_code, message)
    "stopped": ("bot.stopped", "Stopped", 200, "Bot left the meeting"),
    "kicked": ("bot.kicked", "Stopped", 200, "Bot was removed from the meeting"),
    "not_allowed": ("bot.notallowed", "NotAllowed", 500, "Bot was not admitted before the waiting room timeout"),
    "denied": ("bot.denied", "Denied", 500, "A host refused the bot"),
    "failed": ("bot.failed", "Error", 500, "Bot session crashed"),
}
SETTINGS: dict[str, Any] = {
    "strict_keys": False,  # when on, only api_keys are accepted (others: 403)
    "api_keys": ["ms_emulator_key"],
    "webhook_secret": "ms_whsec_emulator_secret",
    "join_seconds": 5,  # joining to in the meeting
    "waiting_room_seconds": 0,  # time in the waiting room before a host admits the bot (0: none)
    "meeting_seconds": 600,  # how long the simulated people stay
    "participants": 2,
    "audio_processing_seconds": 30,
    "video_processing_seconds": 60,
    "transcription_seconds": 90,
}


def sign(delivery: dict, sent: float) -> dict[str, str]:
    """X-MeetStream-Signature: hex HMAC-SHA256 of the raw body with the webhook secret."""
    digest = hex_hmac(delivery["secret"], delivery["body"])
    return {"X-MeetStream-Signature": digest}


RETRY_POLICY = RetryPolicy(delays=(), timeout=30, sign=sign,
                           verify=hex_hmac_verifier("X-MeetStream-Signature"))  # callbacks are never retried


def meetstream_time(ts: float) -> str:
    """The vendor's timestamp style: 2026-02-27T07:11:51.863543+00:00."""
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="microseconds")


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


class MeetStream:
    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self.store = engine.store
        self.clock = engine.clock
        engine.webhooks.register_policy(NAME, RETRY_POLICY)
        for action in ("join", "admitted", "not_allowed", "recording", "participant_leave", "everyone_left",
                       "stopped", "audio", "video", "transcribed", "retention", "live_segment", "recording_timeout"):
            engine.timeline.register(f"{NAME}.{action}", getattr(self, f"_on_{action}"), self._recover)

    def setting(self, name: str) -> Any:
        return self.engine.setting(NAME, name, SETTINGS[name])

    def _after(self, seconds: float, action: str, payload: dict) -> None:
        self.engine.timeline.after(seconds, f"{NAME}.{action}", payload)

    # -- creating --------------------------------------------------------------------------
    def create(self, api_key: str, body: dict, idempotency_key: str | None) -> tuple[int, dict]:
        """(status, bot): 201 new, 507 idempotent replay, 200 the same deduplicated bot."""
        with self.store.transaction():
            if idempotency_key:
                seen = self.store.get(IDEMPOTENCY, f"{api_key}:{idempotency_key}")
                if seen:
                    return 507, self.view(self.bot(seen["bot_id"]))
            platform = platform_of(body["meeting_link"])
            provider = ((body.get("recording_config") or {}).get("transcript") or {}).get("provider")
            provider_name = next(iter(provider)) if provider else "meetstream"
            live = body.get("live_transcription_required")
            if live and provider_name not in STREAMING:
                raise Invalid("live_transcription_required needs a streaming transcription provider "
                              "(deepgram_streaming, assemblyai_streaming, ...) in recording_config.transcript.provider.")
            key = body.get("deduplication_key")
            if key:
                for other in self.store.find(BOT, api_key):
                    if other.get("deduplication_key") == key and other["status"] in ACTIVE:
                        if other["meeting_link"] != body["meeting_link"]:
                            raise Conflict(f"deduplication_key {key!r} is already used by bot {other['bot_id']} "
                                           "for another meeting.")
                        return 200, self.view(other)
            now = self.clock.now()
            join_at = parse_iso(body["join_at"]) if body.get("join_at") else None
            if join_at is not None and join_at < now:
                raise Invalid("join_at must be in the future.")
            streaming_only = provider_name in STREAMING or provider_name == "meeting_captions"
            bot_id = self.engine.ids.uuid(f"{NAME}.bot")
            config = body.get("recording_config") or {}
            bot = {
                "bot_id": bot_id, "api_key": api_key, "meeting_link": body["meeting_link"], "platform": platform,
                "bot_name": body.get("bot_name", "MeetStream Bot"), "status": "Scheduled" if join_at else "Joining",
                "created_at": now, "join_at": join_at, "custom_attributes": body.get("custom_attributes", {}),
                "request": body, "callback_url": body.get("callback_url"),
                "video_required": body.get("video_required", False),
                "audio_separate_streams": body.get("audio_separate_streams", config.get("audio_separate_streams", False)),
                "provider": provider_name, "provider_config": (provider or {}).get(provider_name, {}),
                "transcript_id": None if streaming_only else self.engine.ids.uuid(f"{NAME}.transcript"),
                "retention_hours": (config.get("retention") or {}).get("hours", 168),
                "leave": {**LEAVE_DEFAULTS, **(body.get("automatic_leave") or {})},
                "realtime": config.get("realtime_endpoints", []), "live_url": (live or {}).get("webhook_url"),
                "timeline": {}, "participants": [], "recording_from": None, "stopped_at": None, "stop": None,
                "media": None, "deleted": False, "pending": 0, "deduplication_key": key, "chats": [],
            }
            self.store.put(BOT, bot_id, bot, api_key)
            if bot["transcript_id"]:
                self.store.put(TRANSCRIPT, bot["transcript_id"], {"transcript_id": bot["transcript_id"],
                               "bot_id": bot_id, "provider": provider_name, "status": "pending",
                               "created_at": iso(now), "key": None}, bot_id)
            if idempotency_key:
                self.store.put(IDEMPOTENCY, f"{api_key}:{idempotency_key}", {"bot_id": bot_id})
            if join_at:
                self._event(bot, "bot.scheduled", "Scheduled", 200, f"Bot scheduled to join at {iso(join_at)}")
                self.engine.timeline.at(join_at, f"{NAME}.join", {"bot": bot_id})
            else:
                self._on_join({"bot": bot_id})
            return 201, self.view(self.bot(bot_id))

    def bot(self, bot_id: str, api_key: str | None = None) -> dict:
        bot = self.store.get(BOT, bot_id)
        if bot is None or (api_key is not None and bot["api_key"] != api_key):
            raise NotFound(f"Bot {bot_id} not found.")
        return bot

    def bots(self, api_key: str) -> list[dict]:
        return self.store.find(BOT, api_key)

    def view(self, bot: dict) -> dict:
        return {"bot_id": bot["bot_id"], "transcript_id": bot["transcript_id"], "meeting_link": bot["meeting_link"],
                "bot_name": bot["bot_name"], "status": bot["status"], "platform": bot["platform"],
                "created_at": iso(bot["created_at"]), "join_at": iso(bot["join_at"]) if bot["join_at"] else None,
                "custom_attributes": bot["custom_attributes"]}

    # -- the meeting -----------------------------------------------------------------------
    def _save(self, bot: dict) -> dict:
        return self.store.put(BOT, bot["bot_id"], bot, bot["api_key"])

    def _mark(self, bot: dict, step: str) -> None:
        bot["timeline"].setdefault(step, self.clock.now())

    def _on_join(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] not in ("Scheduled", "Joining"):
            return
        bot["status"] = "Joining"
        self._mark(bot, "Joining")
        self._save(bot)
        self._event(bot, "bot.joining", "Joining", 200, "Bot is joining the meeting")
        wait = self.setting("waiting_room_seconds")
        join = self.setting("join_seconds")
        if wait > 0:
            self._after(join, "not_allowed" if wait >= bot["leave"]["waiting_room_timeout"] else "admitted",
                        {"bot": bot["bot_id"], "waiting_room": True})
        else:
            self._after(join, "admitted", {"bot": bot["bot_id"]})

    def _on_admitted(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] not in ("Joining", "InWaitingRoom"):
            return
        if payload.get("waiting_room") and bot["status"] == "Joining":  # first it lands in the waiting room
            bot["status"] = "InWaitingRoom"
            self._save(bot)
            self._event(bot, "bot.in_waiting_room", "InWaitingRoom", 200, "Bot is waiting to be admitted")
            self._after(self.setting("waiting_room_seconds"), "admitted", {"bot": bot["bot_id"]})
            return
        bot["status"] = "InMeeting"
        self._mark(bot, "InMeeting")
        self._save(bot)
        self._event(bot, "bot.inmeeting", "InMeeting", 200, "Successfully joined the meeting")
        seed = self.engine.config.seed
        for i in range(self.setting("participants")):
            name = person_name(seed, f"{bot['bot_id']}:{i}")
            bot["participants"].append({"id": f"p{i + 1}", "name": name, "joined": self.clock.now(), "left": None})
            self._realtime(bot, "participant_events.join", {"participant": {"id": f"p{i + 1}", "name": name}})
            self._after(self.setting("meeting_seconds"), "participant_leave", {"bot": bot["bot_id"], "id": f"p{i + 1}"})
        self._save(bot)
        self._after(2, "recording", {"bot": bot["bot_id"]})

    def _on_not_allowed(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] not in ("Joining", "InWaitingRoom"):
            return
        if bot["status"] == "Joining":
            bot["status"] = "InWaitingRoom"
            self._save(bot)
            self._event(bot, "bot.in_waiting_room", "InWaitingRoom", 200, "Bot is waiting to be admitted")
            self._after(bot["leave"]["waiting_room_timeout"], "not_allowed", {"bot": bot["bot_id"]})
            return
        self._leave(bot, "not_allowed")

    def _on_recording(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] != "InMeeting":
            return
        bot["status"] = "Recording"
        bot["recording_from"] = self.clock.now()
        self._save(bot)
        self._event(bot, "bot.recording", "Recording", 200, "Bot started recording")
        self._after(bot["leave"]["in_call_recording_timeout"], "recording_timeout", {"bot": bot["bot_id"]})
        if bot["live_url"]:
            for i, segment in enumerate(self.segments(bot, self.setting("meeting_seconds"))):
                self._after(segment["end_time"], "live_segment", {"bot": bot["bot_id"], "index": i})

    def _on_live_segment(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] != "Recording":
            return
        segment = self.segments(bot, self.setting("meeting_seconds"))[payload["index"]]
        self._post(bot, bot["live_url"], "transcript.data", segment)

    def _on_recording_timeout(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is not None and bot["status"] == "Recording":
            self._leave(bot, "stopped")

    def _on_participant_leave(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["status"] not in ("InMeeting", "Recording"):
            return
        for p in bot["participants"]:
            if p["id"] == payload["id"] and p["left"] is None:
                p["left"] = self.clock.now()
                self._realtime(bot, "participant_events.leave", {"participant": {"id": p["id"], "name": p["name"]}})
        self._save(bot)
        if all(p["left"] is not None for p in bot["participants"]):
            self._after(bot["leave"]["everyone_left_timeout"], "everyone_left", {"bot": bot["bot_id"]})

    def _on_everyone_left(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is not None and bot["status"] in ("InMeeting", "Recording") and all(
                p["left"] is not None for p in bot["participants"]):
            self._leave(bot, "stopped")

    def remove(self, api_key: str, bot_id: str) -> dict:
        with self.store.transaction():
            bot = self.bot(bot_id, api_key)
            if bot["status"] not in ACTIVE:
                raise Conflict(f"Bot {bot_id} is not in a meeting (status {bot['status']}).")
            self._leave(bot, "stopped")
            return self.bot(bot_id)

    def force(self, bot_id: str, outcome: str) -> dict:
        """Simulation: what the meeting does to the bot."""
        with self.store.transaction():
            bot = self.bot(bot_id)
            status = bot["status"]
            if outcome == "admit" and status in ("Joining", "InWaitingRoom"):
                bot["status"] = "InWaitingRoom"
                self._save(bot)
                self._on_admitted({"bot": bot_id})
            elif outcome in ("deny", "fail", "permission_denied") and status in ACTIVE:
                self._leave(bot, {"deny": "denied", "fail": "failed", "permission_denied": "denied"}[outcome])
            elif outcome == "kick" and status in ("InMeeting", "Recording"):
                self._leave(bot, "kicked")
            elif outcome == "everyone_leaves" and status in ("InMeeting", "Recording"):
                for p in bot["participants"]:
                    if p["left"] is None:
                        self._on_participant_leave({"bot": bot_id, "id": p["id"]})
            else:
                raise Conflict(f"Cannot {outcome} a bot whose status is {status}.")
            return self.bot(bot_id)

    def _leave(self, bot: dict, reason: str) -> None:
        was = bot["status"]
        bot["stop"] = reason
        if was in ("InMeeting", "Recording"):
            bot["status"] = "Leaving"
            self._save(bot)
            self._event(bot, "bot.leaving", "Leaving", 200, "Bot is leaving the meeting")
            self._after(2, "stopped", {"bot": bot["bot_id"]})
        else:
            self._on_stopped({"bot": bot["bot_id"], "now": True}, bot)

    def _recover(self, payload: dict, error: str) -> None:
        """A step of a bot raised: a bot not yet stopped stops with the crash ending (``bot.failed``)."""
        bot = self.store.get(BOT, payload["bot"]) if "bot" in payload else None
        if bot is not None and bot["stopped_at"] is None:
            bot["stop"] = "failed"
            self._on_stopped({"bot": bot["bot_id"]}, bot)

    def _on_stopped(self, payload: dict, bot: dict | None = None) -> None:
        bot = bot or self.store.get(BOT, payload["bot"])
        if bot is None or bot["stopped_at"] is not None:
            return
        bot_event, status, code, message = STOPS[bot["stop"]]
        now = self.clock.now()
        bot.update(status=status, stopped_at=now)
        self._mark(bot, {"Stopped": "Stopped", "NotAllowed": "BotNotAllowed", "Denied": "BotRejected",
                         "Error": "Error"}[status])
        for p in bot["participants"]:
            p["left"] = p["left"] if p["left"] is not None else now
        recorded = bot["recording_from"] is not None
        bot["pending"] = (1 + int(bot["video_required"])) if recorded else 0
        self._save(bot)
        self._event(bot, "bot.stopped", status, code, message, bot_event=bot_event)
        if recorded:
            self._after(self.setting("audio_processing_seconds"), "audio", {"bot": bot["bot_id"]})
            if bot["video_required"]:
                self._after(self.setting("video_processing_seconds"), "video", {"bot": bot["bot_id"]})
            self._after(bot["retention_hours"] * 3600, "retention", {"bot": bot["bot_id"]})
        elif bot["transcript_id"]:
            self._transcript_status(bot["transcript_id"], "failed")

    # -- after the call --------------------------------------------------------------------
    def recorded_seconds(self, bot: dict) -> float:
        return max(1.0, bot["stopped_at"] - bot["recording_from"]) if bot["recording_from"] else 0.0

    def _on_audio(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["deleted"]:
            return
        duration = self.recorded_seconds(bot)
        seed = stable_int(self.engine.config.seed, bot["bot_id"])
        folder = f"{NAME}/{bot['bot_id']}"
        self.engine.links.put_media(f"{folder}/audio.wav", "wav", duration, seed, f"{bot['bot_id']}.wav")
        bot["media"] = {"audio": f"{folder}/audio.wav", "video": None, "streams": {}}
        if bot["audio_separate_streams"]:
            for p in bot["participants"]:
                key = f"{folder}/streams/{p['id']}.wav"
                self.engine.links.put_media(key, "wav", duration, seed + int(p["id"][1:]), f"{bot['bot_id']}-{p['id']}.wav")
                bot["media"]["streams"][p["name"]] = key
        self._mark(bot, "AudioProcessing")
        self._save(bot)
        self._event(bot, "audio.processed", None, 200, "Audio processing completed successfully",
                    extra={"audio_status": "Success"})
        if bot["transcript_id"]:
            self._after(self.setting("transcription_seconds"), "transcribed",
                        {"bot": bot["bot_id"], "transcript": bot["transcript_id"]})
            bot["pending"] += 1
            self._save(bot)
        self._post_call_done(bot)

    def _on_video(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["deleted"]:
            return
        key = f"{NAME}/{bot['bot_id']}/video.mp4"
        seed = stable_int(self.engine.config.seed, bot["bot_id"])
        self.engine.links.put_media(key, "mp4", self.recorded_seconds(bot), seed, f"{bot['bot_id']}.mp4")
        bot["media"] = bot["media"] or {"audio": None, "video": None, "streams": {}}
        bot["media"]["video"] = key
        self._mark(bot, "VideoProcessing")
        self._save(bot)
        self._event(bot, "video.processed", None, 200, "Video processing completed successfully",
                    extra={"video_status": "Success"})
        self._post_call_done(bot)

    def _on_transcribed(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        record = self.store.get(TRANSCRIPT, payload["transcript"])
        if bot is None or record is None or bot["deleted"] or record["status"] == "completed":
            return
        segments = self.segments(bot, self.recorded_seconds(bot), record["provider"])
        key = f"{NAME}/{bot['bot_id']}/transcripts/{record['transcript_id']}.json"
        self.engine.links.put(key, json.dumps(segments).encode(), "application/json", f"{record['transcript_id']}.json")
        record.update(status="completed", key=key)
        self.store.put(TRANSCRIPT, record["transcript_id"], record, bot["bot_id"])
        self._mark(bot, "TranscriptionReady")
        self._save(bot)
        self._event(bot, "transcription.processed", None, 200, "Transcript processing completed successfully",
                    extra={"transcript_status": "Success"}, url=payload.get("callback_url"))
        if payload["transcript"] == bot["transcript_id"]:
            self._post_call_done(bot)

    def _post_call_done(self, bot: dict) -> None:
        bot["pending"] -= 1
        if bot["pending"] == 0:
            bot["status"] = "Done"
        self._save(bot)
        if bot["pending"] == 0:
            self._event(bot, "bot.done", "Done", 200, "All post-call processing is complete")

    def _transcript_status(self, transcript_id: str, status: str) -> None:
        record = self.store.get(TRANSCRIPT, transcript_id)
        if record:
            record["status"] = status
            self.store.put(TRANSCRIPT, transcript_id, record, record["bot_id"])

    def transcribe(self, api_key: str, bot_id: str, body: dict) -> dict:
        """Re-transcribe the stored audio with another (post-call) provider."""
        with self.store.transaction():
            bot = self.bot(bot_id, api_key)
            provider = next(iter(body["provider"]))
            if provider in STREAMING:
                raise Invalid(f"{provider} is a streaming provider; transcribe needs a post-call provider.")
            if bot["deleted"]:
                raise NotFound(f"The media of bot {bot_id} was deleted.")
            if not bot["media"]:
                raise Conflict(f"Bot {bot_id} has no processed audio yet.")
            transcript_id = self.engine.ids.uuid(f"{NAME}.transcript")
            self.store.put(TRANSCRIPT, transcript_id, {"transcript_id": transcript_id, "bot_id": bot_id,
                           "provider": provider, "status": "processing", "created_at": iso(self.clock.now()),
                           "key": None}, bot_id)
            self._after(self.setting("transcription_seconds"), "transcribed",
                        {"bot": bot_id, "transcript": transcript_id, "callback_url": body.get("callback_url")})
            return {"bot_id": bot_id, "transcript_id": transcript_id, "status": "processing"}

    def delete(self, api_key: str, bot_id: str) -> dict:
        with self.store.transaction():
            bot = self.bot(bot_id, api_key)
            if bot["status"] in ACTIVE:
                raise Conflict(f"Bot {bot_id} is still in the meeting; remove it first.")
            return {"bot_id": bot_id, "message": "Bot data deleted permanently",
                    "deleted_objects": self._delete_media(bot, "manual")}

    def _on_retention(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is not None and not bot["deleted"]:
            self._delete_media(bot, "retention")

    def _delete_media(self, bot: dict, reason: str) -> int:
        keys = []
        if bot["media"]:
            keys = [k for k in (bot["media"]["audio"], bot["media"]["video"]) if k] + list(bot["media"]["streams"].values())
        for record in self.store.find(TRANSCRIPT, bot["bot_id"]):
            if record["key"]:
                keys.append(record["key"])
            record.update(status="deleted", key=None)
            self.store.put(TRANSCRIPT, record["transcript_id"], record, bot["bot_id"])
        for key in keys:
            self.engine.links.delete(key)
        bot.update(deleted=True, media=None)
        self._mark(bot, "MediaExpired")
        self._save(bot)
        self._event(bot, "data_deletion", None, 200, "Bot data was deleted",
                    extra={"status": "success", "deleted_objects": len(keys), "reason": reason})
        return len(keys)

    # -- reading ---------------------------------------------------------------------------
    def segments(self, bot: dict, duration: float, provider: str | None = None) -> list[dict]:
        speakers = tuple({"name": p["name"]} for p in bot["participants"]) or ({"name": "Speaker"},)
        said = speech(self.engine.config.seed, f"{NAME}:{bot['bot_id']}:{provider or ''}",
                      [Room("main", 0, duration, speakers)])
        return [{"speaker": s.speaker["name"], "transcript": s.text, "start_time": s.start, "end_time": s.end}
                for s in said]

    def transcript(self, api_key: str, transcript_id: str) -> dict:
        record = self.store.get(TRANSCRIPT, transcript_id)
        if record is None or self.store.get(BOT, record["bot_id"])["api_key"] != api_key:
            raise NotFound(f"Transcript {transcript_id} not found.")
        return record

    def transcripts_of(self, bot_id: str) -> list[dict]:
        return self.store.find(TRANSCRIPT, bot_id)

    def transcript_segments(self, record: dict) -> list[dict] | None:
        blob = self.store.get_blob(record["key"]) if record["key"] else None  # (content, type, name, recipe)
        return json.loads(blob[0]) if blob else None

    # -- callbacks -------------------------------------------------------------------------
    def _event(self, bot: dict, event: str, status: str | None, code: int, message: str, *,
               bot_event: str | None = None, extra: dict | None = None, url: str | None = None) -> None:
        target = url or bot["callback_url"]
        if not target:
            return
        body = {"event": event, "bot_event": bot_event or event, "bot_id": bot["bot_id"]}
        if status is not None:
            body["bot_status"] = status
        body.update(extra or {})
        body.update({"message": message, "status_code": code, "timestamp": meetstream_time(self.clock.now()),
                     "custom_attributes": bot["custom_attributes"]})
        self.engine.webhooks.enqueue(NAME, event, target, body, secret=self.setting("webhook_secret"),
                                     order_key=bot["bot_id"])

    def _realtime(self, bot: dict, event: str, data: dict) -> None:
        for endpoint in bot["realtime"]:
            if event in endpoint["events"]:
                self._post(bot, endpoint["url"], event, data)

    def _post(self, bot: dict, url: str, event: str, data: dict) -> None:
        body = {"event": event, "bot_id": bot["bot_id"], "data": data, "timestamp": meetstream_time(self.clock.now()),
                "custom_attributes": bot["custom_attributes"]}
        self.engine.webhooks.enqueue(NAME, event, url, body, secret=self.setting("webhook_secret"),
                                     order_key=f"{bot['bot_id']}:{url}")
