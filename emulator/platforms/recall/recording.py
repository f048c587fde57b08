"""Recall.ai recordings while the bot is in the call: the recording config and its defaults, the
automatic start, start_recording with a config of its own (replacing a recording under way), stop,
pause and resume, and the artifacts a recording brings into being. A part of ``Recall``
(models.py). No HTTP here."""
from __future__ import annotations

from ...core.clock import iso
from ...core.errors import Invalid
from ...core.model import due
from .constants import ARTIFACT, BOT, ENDED, RECORDING


class Recording:
    def _recording_config(self, given: dict | None) -> dict:
        """A recording config with Recall's defaults for what was left out (start_recording applies
        these too, not the bot's own config)."""
        config = {"transcript": None, "realtime_endpoints": [], "retention": self.setting("default_retention"),
                  "video_mixed_layout": "speaker_view", "video_mixed_mp4": {}, "participant_events": {},
                  "meeting_metadata": {}, "video_mixed_participant_video_when_screenshare": "overlap",
                  "start_recording_on": "participant_join", "include_bot_in_recording": {"audio": False},
                  "metadata": {}, "audio_mixed_raw": None, "audio_mixed_mp3": None, "video_separate_mp4": None,
                  "audio_separate_raw": None, "audio_separate_mp3": None, "video_mixed_flv": None,
                  "video_separate_png": None, "video_separate_h264": None}
        config.update(given or {})
        config["realtime_endpoints"] = [dict(endpoint) for endpoint in config["realtime_endpoints"] or []]
        return config

    @due("recording")
    def _on_recording(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["recording_config"] is None or \
                self.status(bot) not in ("in_call_not_recording", "recording_permission_allowed"):
            return  # recording_config null: nothing is recorded until start_recording
        self.start_recording(bot, bot["recording_config"])

    def start_recording(self, bot: dict, config: dict) -> dict:
        """The bot starts recording with ``config``: a recording, its real-time endpoints and its
        artifacts come into being, processing."""
        now = self.clock.now()
        recording_id = self._uuid("recording")
        recording = {"id": recording_id, "bot_id": bot["id"], "created_at": now, "started_at": now,
                     "completed_at": None, "expires_at": None, "metadata": dict(config.get("metadata") or {}),
                     "status": {"code": "processing", "sub_code": None, "updated_at": iso(now)},
                     "config": config, "realtime_endpoints": [], "artifacts": {}}
        retention = config.get("retention") or {"type": "forever"}
        if retention["type"] == "timed":  # "the recording will expire after the specified hours from creation"
            recording["expires_at"] = now + retention["hours"] * 3600
            self.after(retention["hours"] * 3600, "expire", {"recording": recording_id})
        self.store.put(RECORDING, recording_id, recording, bot["id"])
        recording["realtime_endpoints"] = self._open_endpoints(bot, recording, config)
        bot["recordings"].append(recording_id)
        bot["recording_on"] = True
        self._change(bot, "in_call_recording")
        self._recording_webhook(recording, "recording.processing")
        for kind, on in _wanted(config).items():
            if on:
                recording["artifacts"].setdefault(kind, []).append(self._artifact(recording, kind, config))
        self.store.put(RECORDING, recording_id, recording, bot["id"])
        timeout = bot["automatic_leave"].get("in_call_recording_timeout")
        if timeout:
            self.after(timeout, "timeout", {"bot": bot["id"], "why": "in_call_recording"})
        self._plan_realtime(bot, recording)
        self._open_streams(bot, recording)
        return recording

    def _artifact(self, recording: dict, kind: str, config: dict, provider: dict | None = None) -> str:
        artifact_id = self._uuid(kind)
        now = self.clock.now()
        fmt = {"video_mixed": "mp4", "video_separate": "mp4",
               "audio_mixed": "mp3" if config.get("audio_mixed_mp3") is not None else "raw",
               # Recall's schema knows raw and ogg for separate audio: the parts are raw PCM.
               "audio_separate": "raw"}.get(kind)
        artifact = {"id": artifact_id, "kind": kind, "recording_id": recording["id"], "created_at": iso(now),
                    "status": {"code": "processing", "sub_code": None, "updated_at": iso(now)},
                    "metadata": {}, "format": fmt, "keys": {}, "parts": []}
        if kind == "transcript":
            chosen = provider or (config.get("transcript") or {}).get("provider") or {"recallai_streaming": {}}
            artifact["provider"] = chosen
            artifact["diarization"] = (config.get("transcript") or {}).get("diarization") or {
                "use_separate_streams_when_available": False}
        self.store.put(ARTIFACT, artifact_id, artifact, recording["id"])
        self._artifact_webhook(artifact, recording, "processing")
        return artifact_id

    def recording_command(self, bot_id: str, command: str, body: dict | None = None) -> dict:
        """start_recording (with its body as the new recording's config), stop_recording,
        pause_recording, resume_recording."""
        with self.store.transaction():
            bot = self.bot(bot_id)
            status = self._in_call(bot)
            live = self._live_recording(bot)
            if command == "start_recording" and status in ("in_call_not_recording", "in_call_recording",
                                                           "recording_permission_allowed"):
                if live is not None:  # "a new recording will begin, overwriting the old recording"
                    self._discard(bot, live)
                self.start_recording(bot, self._recording_config(body))
            elif command == "stop_recording" and status == "in_call_recording" and live:
                self._finish(live)
                self._change(bot, "in_call_not_recording")
            elif command in ("pause_recording", "resume_recording") and live:
                paused = live["status"]["code"] == "paused"
                if paused == (command == "pause_recording"):
                    raise Invalid(f"The recording is already {'paused' if paused else 'running'}.",
                                  {"code": "invalid_recording_state"})
                live["status"] = {"code": "paused" if not paused else "processing", "sub_code": None,
                                  "updated_at": iso(self.clock.now())}
                self.store.put(RECORDING, live["id"], live, bot["id"])
                self._pause_streams(live, paused=not paused)  # "real-time transcription will also be halted"
                self._recording_webhook(live, f"recording.{live['status']['code']}")
            else:
                raise Invalid(f"Cannot {command.replace('_', ' ')} while the bot is {status}.",
                              {"code": "invalid_recording_state"})
            return self.bot(bot_id)

    def _in_call(self, bot: dict) -> str:
        """The bot's status, when it is in the call; otherwise the error Recall answers a command with."""
        status = self.status(bot)
        if status in (None, "joining_call", "in_waiting_room"):
            raise Invalid("Cannot send a command to a bot which has not been started.",
                          {"code": "cannot_command_unstarted_bot"})
        if status in ENDED:
            raise Invalid("Cannot send a command to a bot which has completed(is shutting/has shut down/has errored).",
                          {"code": "cannot_command_completed_bot"})
        return status

    def _live_recording(self, bot: dict) -> dict | None:
        current = self.store.get(RECORDING, bot["recordings"][-1]) if bot["recordings"] else None
        if current and current["completed_at"] is None and current["status"]["code"] in ("processing", "paused"):
            return current
        return None

    def _finish(self, recording: dict) -> None:
        """The recording stops: its endpoints close and its media is processed."""
        recording["completed_at"] = self.clock.now()
        self.store.put(RECORDING, recording["id"], recording, recording["bot_id"])
        self._close_endpoints(recording, "done")
        self.after(self.setting("processing_seconds"), "processed", {"recording": recording["id"]})

    def _discard(self, bot: dict, recording: dict) -> None:
        """A recording overwritten by start_recording: it ends deleted, without media."""
        recording["completed_at"] = self.clock.now()
        self._close_endpoints(recording, "done")
        self._delete_recording(recording)
        bot["recordings"] = [r for r in bot["recordings"] if r != recording["id"]]
        self.store.put(BOT, bot["id"], bot)


def _wanted(config: dict) -> dict[str, bool]:
    """The artifacts a recording has: those its config asks for, and those a websocket endpoint
    streams (its messages name the artifact their media belongs to)."""
    streamed = {e for endpoint in config.get("realtime_endpoints") or [] if endpoint.get("type") == "websocket"
                for e in endpoint.get("events") or []}
    return {"video_mixed": config.get("video_mixed_mp4") is not None,
            "participant_events": config.get("participant_events") is not None,
            "meeting_metadata": config.get("meeting_metadata") is not None,
            "transcript": bool(config.get("transcript")),
            "audio_mixed": config.get("audio_mixed_mp3") is not None or config.get("audio_mixed_raw") is not None
                           or "audio_mixed_raw.data" in streamed,
            "video_separate": config.get("video_separate_mp4") is not None or config.get("video_separate_png") is not None
                              or "video_separate_png.data" in streamed,
            "audio_separate": config.get("audio_separate_mp3") is not None or config.get("audio_separate_raw") is not None
                              or "audio_separate_raw.data" in streamed}


