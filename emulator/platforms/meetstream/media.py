"""MeetStream's post-call media: the manifest, mixed audio and video, per-participant audio (WebM
Opus) and video (WebM VP8, with screenshares), screenshots, and what is read from them (speaker
timeline with byte offsets into the served audio, participants, chats). A part of ``MeetStream``
(models.py). No HTTP."""
from __future__ import annotations

import json

from ...core import media
from ...core.clock import iso
from ...core.ids import stable_int
from ...core.model import due
from .constants import AUDIO_LINK, BOT, NAME, STREAM_LINK, VIDEO_LINK

SCREENSHOT_EVERY = 300  # seconds of recording between screenshots


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

    def _video_ready(self, bot: dict) -> bool:
        """Whether what video processing makes can be read (at once when the bot records no video)."""
        if bot["media"] is None:
            return False
        return "VideoProcessing" in bot["timeline"] or not self._has_video(bot)

    def _folder(self, bot: dict) -> str:
        return f"{NAME}/{bot['bot_id']}"

    def _seed(self, bot: dict) -> int:
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
        seconds, seed, folder = self.recorded_seconds(bot), self._seed(bot), self._folder(bot)
        links = self.engine.links
        links.put_media(f"{folder}/audio.wav", "full_wav", seconds, seed, f"{bot['bot_id']}.wav")
        bot["media"] = {"audio": f"{folder}/audio.wav", "video": None, "audio_streams": {}, "video_streams": {},
                        "screenshots": []}
        if bot["audio_separate_streams"] and bot["platform"] != "teams":  # not on Teams, as documented
            for person in bot["participants"]:
                key = f"{folder}/audio_streams/{person['id']}_0.webm"
                links.put_media(key, "webm_opus", self._talk_time(bot, person), seed + int(person["id"][1:]),
                                self._stream_file(person, 0))
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
        seconds, seed, folder = self.recorded_seconds(bot), self._seed(bot), self._folder(bot)
        links = self.engine.links
        if bot["video_required"]:
            links.put_media(f"{folder}/video.mp4", "mp4", seconds, seed, f"{bot['bot_id']}.mp4")
            bot["media"]["video"] = f"{folder}/video.mp4"
        if bot["video_separate_streams"]:
            for index, person in enumerate(bot["participants"]):
                key = f"{folder}/video_streams/{person['id']}_0.webm"
                links.put_media(key, "webm_vp8", self._talk_time(bot, person), seed + 100 + index,
                                self._stream_file(person, 0))
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
    def _talk_time(self, bot: dict, person: dict) -> float:
        return max(1.0, min(person["left"] or bot["stopped_at"], bot["stopped_at"]) -
                   max(person["joined"], bot["recording_from"]))

    @staticmethod
    def _stream_file(person: dict, index: int) -> str:
        return f"{person['name'].replace(' ', '_')}_{person['id']}_{index}.webm"

    def audio_view(self, bot: dict) -> dict | None:
        key = (bot["media"] or {}).get("audio")
        return {"audio_url": self.engine.links.mint(key, AUDIO_LINK)} if key else None

    def video_view(self, bot: dict) -> dict | None:
        key = (bot["media"] or {}).get("video")
        if not key:
            return None
        seconds = media.media_seconds(self.recorded_seconds(bot))
        size = len(media.render("mp4", self.recorded_seconds(bot), self._seed(bot)))
        width, height = media.VIDEO_SIZE
        return {"video_url": self.engine.links.mint(key, VIDEO_LINK),
                "video_info": {"duration": float(seconds), "size_mb": round(size / 1024 / 1024, 3),
                               "resolution": f"{width}x{height}", "fps": 1, "frames_processed": seconds,
                               "corrupted_frames": 0}}

    def audio_streams_view(self, bot: dict) -> dict | None:
        if bot["media"] is None:
            return None
        people = [p for p in bot["participants"] if p["id"] in bot["media"]["audio_streams"]]
        return {"bot_id": bot["bot_id"], "audio_status": "Success", "audio_streams_available": bool(people),
                "participants": [{"participant_name": p["name"], "streams": [{
                    "stream_id": f"{p['name'].replace(' ', '')}_{p['id']}", "segments": [{
                        "segment_index": 0, "url": self.engine.links.mint(bot["media"]["audio_streams"][p["id"]],
                                                                          STREAM_LINK),
                        "filename": self._stream_file(p, 0), "duration_seconds": round(self._talk_time(bot, p), 3),
                        "sample_rate": 48000, "channels": 1, "codec": "opus"}]}]} for p in people],
                "summary": {"total_participants": len(people), "total_segments": len(people)}}

    def recording_streams_view(self, bot: dict) -> dict | None:
        if not self._video_ready(bot):
            return None
        streams = bot["media"]["video_streams"]

        def entry(name: str, stream_id: str, key: str, seconds: float, filename: str) -> dict:
            return {"participant_name": name, "streams": [{"stream_id": stream_id, "segments": [{
                "segment_index": 0, "url": self.engine.links.mint(key, STREAM_LINK), "filename": filename,
                "duration_seconds": round(seconds, 3), "width": 640, "height": 360, "codec": "vp8"}]}]}

        people = [entry(p["name"], p["device_id"], streams[p["id"]], self._talk_time(bot, p), self._stream_file(p, 0))
                  for p in bot["participants"] if p["id"] in streams]
        shares = []
        if "screenshare" in streams and bot["participants"]:
            sharer = bot["participants"][0]
            shares.append(entry(sharer["name"], f"{sharer['device_id']}/screenshare", streams["screenshare"],
                                self.recorded_seconds(bot) / 2, "screenshare_0.webm"))
        return {"bot_id": bot["bot_id"], "video_status": "Success", "recording_streams_available": bool(people),
                "participants": people, "screenshares": shares,
                "summary": {"total_participants": len(people), "total_screenshares": len(shares),
                            "total_segments": len(people) + len(shares)}}

    def screenshots_view(self, bot: dict) -> dict | None:
        if not self._video_ready(bot):
            return None
        return {"bot_id": bot["bot_id"], "screenshots": [
            {"screenshot_index": i, "timestamp": iso(s["at"]), "url": self.engine.links.mint(s["key"], VIDEO_LINK)}
            for i, s in enumerate(bot["media"]["screenshots"])]}

    def speaker_timeline(self, bot: dict) -> dict | None:
        """Who spoke when, as byte ranges of the served WAV (8 kHz, 16-bit mono after a 44-byte header)."""
        if bot["media"] is None:
            return None
        seconds = self.recorded_seconds(bot)
        rate, total = media.FULL_WAV_RATE, media.full_wav_size(seconds)
        people = {p["name"]: p for p in bot["participants"]}
        chunks = []
        for segment in self.segments(bot, seconds, bot["provider"]):
            start, end = (media.FULL_WAV_HEADER + 2 * int(round(t * rate))
                          for t in (segment["start_time"], segment["end_time"]))
            if end > total:
                break
            person = people.get(segment["speaker"])
            chunks.append({"chunkIndex": len(chunks), "timestamp": iso(bot["recording_from"] + segment["start_time"]),
                           "sampleRate": rate, "speakerId": person["device_id"] if person else "NoSpeaker",
                           "speakerName": segment["speaker"], "startByte": start, "endByte": end})
        return {"chunks": chunks, "lastUpdated": iso(bot["timeline"].get("AudioProcessing", bot["stopped_at"])),
                "audioFilePath": f"{self._folder(bot)}/audio.wav", "totalFileSize": total}

    def participants_view(self, bot: dict) -> list[dict]:
        """The documented top-level array; status 1 while in the meeting, 2 once left."""
        out = []
        for p in bot["participants"]:
            left = p["left"] is not None
            out.append({"deviceId": p["device_id"], "displayName": p["name"], "fullName": p["name"],
                        "profilePicture": "", "status": 2 if left else 1,
                        "humanized_status": "left" if left else "in_meeting",
                        "streamIds": [f"{p['device_id']}/audio", f"{p['device_id']}/video"],
                        "lastUpdated": iso(p["left"] if left else p["joined"]), "parentDeviceId": None})
        return out

    def chats_view(self, bot: dict) -> dict:
        """What the people said in the chat (from the simulated speech) and what the bot sent."""
        said = self.segments(bot, self.recorded_seconds(bot) or 60, bot["provider"]) if bot["recording_from"] else []
        start = bot["recording_from"] or bot["created_at"]
        chats = [{"sender": s["speaker"], "message": s["transcript"], "timestamp": start + s["start_time"],
                  "metadata": {"message_type": "text"}}
                 for i, s in enumerate(said) if i % 7 == 3 and (bot["stopped_at"] or start + s["start_time"]
                                                                 <= self.clock.now())]
        chats = sorted(chats + bot["chats"], key=lambda c: c["timestamp"])
        return {"bot_id": bot["bot_id"], "chats": [{**c, "timestamp": iso(c["timestamp"])} for c in chats]}

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
