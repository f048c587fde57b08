"""MeetStream's post-call media: the manifest, mixed audio and video, per-participant audio (WebM
Opus) and video (WebM VP8, with screenshares), screenshots, and what is read from them (speaker
timeline with byte offsets into the served audio, participants, chats). A part of ``MeetStream``
(models.py). No HTTP."""
from __future__ import annotations

import json

from ...core.clock import iso
from ...core.ids import stable_int
from ...core.model import due
from .constants import AUDIO_LINK, BOT, NAME

SCREENSHOT_EVERY = 300  # seconds of recording between screenshots


def stream_file(person: dict, index: int) -> str:
    return f"{person['name'].replace(' ', '_')}_{person['id']}_{index}.webm"


class Media:
    def _after_call(self, bot: dict) -> None:
        """What the vendor does once a bot that recorded has stopped, in its documented order:
        manifest.completed, audio.processed, transcription.*, video.processed, bot.done."""
        bot["pending"] = 1 + int(self._has_video(bot)) + int(bool(bot["transcript_id"]))
        self._save(bot)
        self.after(self.setting("manifest_seconds"), "manifest", {"bot": bot["bot_id"]})
        self.after(self.setting("audio_processing_seconds"), "audio", {"bot": bot["bot_id"]})
        if self._has_video(bot):
            self.after(self.setting("video_processing_seconds"), "video", {"bot": bot["bot_id"]})
        self.after(bot["retention_hours"] * 3600, "retention", {"bot": bot["bot_id"]})

    @staticmethod
    def _has_video(bot: dict) -> bool:
        return bool(bot["video_required"] or bot["video_separate_streams"])

    def video_ready(self, bot: dict) -> bool:
        """Whether what video processing makes can be read (at once when the bot records no video)."""
        if bot["media"] is None:
            return False
        return "VideoProcessing" in bot["timeline"] or not self._has_video(bot)

    def folder(self, bot: dict) -> str:
        return f"{NAME}/{bot['bot_id']}"

    def media_seed(self, bot: dict) -> int:
        return stable_int(self.engine.config.seed, bot["bot_id"])

    @due("manifest")
    def _on_manifest(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["deleted"]:
            return
        self._event(bot, "manifest.completed", {"status": "success", "manifest_status": "Success",
                                                "message": "Manifest uploaded", "status_code": 200})

    @due("audio")
    def _on_audio(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["deleted"]:
            return
        seconds, seed, folder = self.recorded_seconds(bot), self.media_seed(bot), self.folder(bot)
        links = self.engine.links
        if bot.get("spoken"):  # the bot played audio (sendaudio): the file carries it
            links.put_rendered(f"{folder}/audio.wav", f"{NAME}.audio", {"bot": bot["bot_id"]}, "audio/wav",
                               f"{bot['bot_id']}.wav")
        else:
            links.put_media(f"{folder}/audio.wav", "full_wav", seconds, seed, f"{bot['bot_id']}.wav")
        bot["media"] = {"audio": f"{folder}/audio.wav", "video": None, "audio_streams": {}, "video_streams": {},
                        "screenshots": []}
        if bot["audio_separate_streams"] and bot["platform"] != "teams":  # not on Teams, as documented
            for person in bot["participants"]:
                key = f"{folder}/audio_streams/{person['id']}_0.webm"
                links.put_media(key, "webm_opus", self.talk_time(bot, person), seed + int(person["id"][1:]),
                                stream_file(person, 0))
                bot["media"]["audio_streams"][person["id"]] = key
        if bot["provider"] == "meeting_captions":
            captions = [{"speaker": s["speaker"], "text": s["transcript"], "start_time": s["start_time"],
                         "end_time": s["end_time"]} for s in self.segments(bot, seconds, bot["provider"])]
            links.put(f"{folder}/captions.json", json.dumps(captions).encode(), "application/json", "captions.json")
            bot["media"]["captions"] = f"{folder}/captions.json"
        self._mark(bot, "AudioProcessing")
        self._save(bot)
        self._event(bot, "audio.processed", {"status": "success", "audio_status": "Success",
                                             "message": "Audio processing completed successfully", "status_code": 200})
        if bot["transcript_id"]:
            self.after(self.setting("transcription_seconds"), "transcribed",
                        {"bot": bot["bot_id"], "transcript": bot["transcript_id"]})
        self._step_done(bot)

    @due("video")
    def _on_video(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["deleted"] or bot["media"] is None:
            return
        seconds, seed, folder = self.recorded_seconds(bot), self.media_seed(bot), self.folder(bot)
        links = self.engine.links
        if bot["video_required"]:
            links.put_media(f"{folder}/video.mp4", "mp4", seconds, seed, f"{bot['bot_id']}.mp4")
            bot["media"]["video"] = f"{folder}/video.mp4"
        if bot["video_separate_streams"]:
            for index, person in enumerate(bot["participants"]):
                key = f"{folder}/video_streams/{person['id']}_0.webm"
                links.put_media(key, "webm_vp8", self.talk_time(bot, person), seed + 100 + index,
                                stream_file(person, 0))
                bot["media"]["video_streams"][person["id"]] = key
            if self.setting("screenshare") and bot["participants"]:
                key = f"{folder}/screenshares/{bot['participants'][0]['id']}_0.webm"
                links.put_media(key, "webm_vp8", seconds / 2, seed + 99, "screenshare_0.webm")
                bot["media"]["video_streams"]["screenshare"] = key
        for index in range(max(1, int(seconds // SCREENSHOT_EVERY))):
            key = f"{folder}/screenshots/{index}.png"
            links.put_media(key, "png", 0, seed + index, f"screenshot_{index}.png")
            bot["media"]["screenshots"].append({"key": key, "at": bot["recording_from"] + index * SCREENSHOT_EVERY})
        self._mark(bot, "VideoProcessing")
        self._save(bot)
        self._event(bot, "video.processed", {"status": "success", "video_status": "Success",
                                             "message": "Video processing completed successfully", "status_code": 200})
        self._step_done(bot)

    def _step_done(self, bot: dict, failed: str | None = None) -> None:
        """One post-call step finished; after the last, ``bot.done`` (post-call providers only:
        a streaming-only bot's lifecycle ends at audio.processed)."""
        bot["pending"] -= 1
        bot["failure"] = bot.get("failure") or failed
        if bot["pending"] > 0:
            self._save(bot)
            return
        if bot["provider"] is None or bot["transcript_id"] is None or bot.get("transcribe_only"):
            self._save(bot)
            return
        bot["status"] = "Done"
        self._mark(bot, "Done")
        self._save(bot)
        failure = bot.get("failure")
        self._event(bot, "bot.done", {"bot_status": "Done", "message": f"Error: {failure}" if failure else
                                      "All post-call processing is complete", "status_code": 500 if failure else 200})

    def _media_keys(self, bot: dict) -> list[str]:
        found = bot["media"] or {}
        return ([k for k in (found.get("audio"), found.get("video"), found.get("captions")) if k] + list(found.get("audio_streams", {}).values())
                + list(found.get("video_streams", {}).values()) + [s["key"] for s in found.get("screenshots", [])])

    # -- reading ---------------------------------------------------------------------------
    def talk_time(self, bot: dict, person: dict) -> float:
        return max(1.0, min(person["left"] or bot["stopped_at"], bot["stopped_at"]) -
                   max(person["joined"], bot["recording_from"]))

    def participant_events(self, bot: dict) -> list[dict]:
        """Joins and leaves as bot_details lists them, oldest first."""
        events = []
        for person in bot["participants"]:
            for action, at in (("join", person["joined"]), ("leave", person["left"])):
                if at is not None:
                    events.append({"action": action, "participant": {"id": person["device_id"], "name": person["name"]},
                                   "timestamp": iso(at)})
        return sorted(events, key=lambda e: e["timestamp"])

    def caption_link(self, bot: dict) -> str | None:
        """``caption_file``: the platform's own captions (provider meeting_captions), once audio is processed."""
        key = (bot["media"] or {}).get("captions")
        return self.engine.links.mint(key, AUDIO_LINK) if key else None
