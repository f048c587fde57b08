"""MeetStream transcripts: the speech of the simulated meeting with word timings, post-call runs
(the bot's own, and each ``POST /bots/{id}/transcribe``), their files and raw provider output.
A part of ``MeetStream`` (models.py). No HTTP."""
from __future__ import annotations

import json

from ...core.clock import iso
from ...core.content import Room, speech
from ...core.errors import Conflict, Invalid, NotFound
from ...core.model import due
from .constants import BOT, NAME, STREAMING, TRANSCRIPT

DEFAULT_PROVIDER = {"meetstream": {"language": "auto", "translate": False}}  # /transcribe with an empty body
RUN_STATUS = {"processing": "Processing", "completed": "Success", "failed": "Failed", "failing": "Processing"}


class Transcripts:
    def segments(self, bot: dict, duration: float, provider: str | None = None) -> list[dict]:
        """The meeting's speech, each segment with its words and relative and absolute times."""
        people = bot["participants"]
        speakers = tuple({"name": p["name"]} for p in people) or ({"name": "Speaker"},)
        index = {p["name"]: i for i, p in enumerate(people)}
        origin = bot["recording_from"] or bot["created_at"]
        said = speech(self.engine.config.seed, f"{NAME}:{bot['bot_id']}", [Room("main", 0, duration, speakers)],
                      wording=provider or "")
        out = []
        for s in said:
            texts = s.text.split()
            step = (s.end - s.start) / max(1, len(texts))
            words = [{"word": w.strip(".,!?;:").lower(), "punctuated_word": w, "start": round(s.start + i * step, 3),
                      "end": round(s.start + (i + 1) * step, 3), "confidence": 0.97,
                      "speaker": index.get(s.speaker["name"], 0), "speaker_confidence": 0.95}
                     for i, w in enumerate(texts)]
            out.append({"speaker": s.speaker["name"], "transcript": s.text, "start_time": s.start, "end_time": s.end,
                        "absolute_start_time": iso(origin + s.start), "absolute_end_time": iso(origin + s.end),
                        "words": words})
        return out

    def _new_run(self, bot: dict, transcript_id: str, provider: str, config: dict, callback_url: str | None,
                 rerun: bool = False) -> None:
        self.store.put(TRANSCRIPT, transcript_id, {
            "transcript_id": transcript_id, "bot_id": bot["bot_id"], "provider": provider, "config": config,
            "status": "processing", "created_at": iso(self.clock.now()), "key": None, "raw_key": None,
            "callback_url": callback_url, "error": None, "rerun": rerun}, bot["bot_id"])

    @due("transcribed")
    def _on_transcribed(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        record = self.store.get(TRANSCRIPT, payload["transcript"])
        if bot is None or record is None or bot["deleted"] or record["status"] not in ("processing", "failing"):
            return
        rerun = record["rerun"]

        def notify(event: str, fields: dict) -> None:  # a re-run reports to its own URL, without custom_attributes
            if not rerun:
                self._event(bot, event, fields)
            elif record["callback_url"]:
                self._event(bot, event, fields, url=record["callback_url"], attributes=False)
        if record["status"] == "failing":
            message = record["error"] or f"Transcript processing error: {record['provider']} API error: 401"
            record.update(status="failed", error=message)
            self.store.put(TRANSCRIPT, record["transcript_id"], record, bot["bot_id"])
            notify("transcription.failed", {"status": "error", "transcript_status": "Failed", "message": message,
                                            "status_code": 500})
            if not rerun:
                self._step_done(bot, failed=f"Transcript processing failed: {message}")
            return
        segments = self.segments(bot, self.recorded_seconds(bot), record["provider"])
        folder = f"{NAME}/{bot['bot_id']}/transcripts/{record['transcript_id']}"
        links = self.engine.links
        links.put(f"{folder}/processed.json", json.dumps(segments).encode(), "application/json", "processed.json")
        links.put(f"{folder}/raw.json", json.dumps(self.raw(record, segments)).encode(), "application/json", "raw.json")
        record.update(status="completed", key=f"{folder}/processed.json", raw_key=f"{folder}/raw.json")
        self.store.put(TRANSCRIPT, record["transcript_id"], record, bot["bot_id"])
        self._mark(bot, "TranscriptionReady")
        self._save(bot)
        notify("transcription.processed", {"status": "success", "transcript_status": "Success",
                                           "message": "Transcript processing completed successfully",
                                           "status_code": 200})
        if not rerun:
            self._step_done(bot)

    def _transcript_status(self, transcript_id: str, status: str, error: str | None = None) -> None:
        record = self.store.get(TRANSCRIPT, transcript_id)
        if record:
            record.update(status=status, error=error)
            self.store.put(TRANSCRIPT, transcript_id, record, record["bot_id"])

    def transcribe(self, api_key: str, bot_id: str, body: dict) -> dict:
        """Re-transcribe the stored audio: a new run that becomes the bot's transcript_id, with one
        transcription.processed (or .failed) to the body's callback_url and no bot.done."""
        with self.store.transaction():
            bot = self.bot(bot_id, api_key)
            provider_body = body.get("provider") or DEFAULT_PROVIDER
            provider = next(iter(provider_body))
            if provider in STREAMING or provider == "meeting_captions":
                raise Invalid(f"{provider} is a streaming provider; transcribe needs a post-call provider.")
            if bot["deleted"]:
                raise NotFound(f"The media of bot {bot_id} was deleted.")
            if not bot["media"]:
                raise Conflict(f"Bot {bot_id} has no processed audio yet.")
            transcript_id = self.engine.ids.uuid(f"{NAME}.transcript")
            self._new_run(bot, transcript_id, provider, provider_body[provider],
                          body.get("callback_url") or bot["callback_url"], rerun=True)
            if bot["transcript_id"] is None:
                bot["transcribe_only"] = True  # a streaming bot's later transcript: still no bot.done
            bot["transcript_id"] = transcript_id
            self._save(bot)
            self.after(self.setting("transcription_seconds"), "transcribed", {"bot": bot_id, "transcript": transcript_id})
            return {"bot_id": bot_id, "transcript_id": transcript_id, "provider": provider,
                    "message": "Transcription started"}

    def transcript(self, api_key: str, transcript_id: str) -> dict:
        record = self.require(TRANSCRIPT, transcript_id, f"Transcript {transcript_id} not found.",
                              where=lambda record: self.store.get(BOT, record["bot_id"])["api_key"] == api_key)
        return record

    def transcripts_of(self, bot_id: str) -> list[dict]:
        return self.store.find(TRANSCRIPT, bot_id)

    def transcript_file(self, record: dict, raw: bool) -> object | None:
        key = record["raw_key"] if raw else record["key"]
        blob = self.store.get_blob(key) if key else None
        return json.loads(blob[0]) if blob else None

    def summary(self, bot: dict) -> dict | None:
        """What a summary workflow makes once the call's speech is known (None: not yet)."""
        if "TranscriptionReady" not in bot["timeline"] and not (bot["transcript_id"] is None and
                                                                "AudioProcessing" in bot["timeline"]):
            return None
        said = self.segments(bot, self.recorded_seconds(bot), bot["provider"])
        return {"workflow_config_ids": bot["workflows"],
                "overview": " ".join(s["transcript"] for s in said[:2]),
                "key_points": [s["transcript"] for s in said[2:5]],
                "action_items": [f"{s['speaker']}: {s['transcript']}" for s in said[5:7]],
                "generated_at": iso(bot["timeline"].get("TranscriptionReady", bot["timeline"].get("AudioProcessing")))}

    @staticmethod
    def raw(record: dict, segments: list[dict]) -> dict:
        """``?raw=true``: the provider's own shape (Deepgram-style results with utterances)."""
        return {"id": record["transcript_id"], "provider": record["provider"],
                "results": {"utterances": [{"speaker": w_speaker(s), "transcript": s["transcript"],
                                            "start": s["start_time"], "end": s["end_time"], "confidence": 0.93,
                                            "words": s["words"]} for s in segments]}}


def w_speaker(segment: dict) -> int:
    return segment["words"][0]["speaker"] if segment["words"] else 0
