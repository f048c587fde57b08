"""SpotMe's generation jobs (pending, processing, completed or failed on the emulator clock) and
the transcripts, captions and recordings they make. No HTTP here."""
from __future__ import annotations

import math

from ...core import formats
from ...core.clock import iso
from ...core.content import Room, speech
from ...core.errors import Conflict, Invalid, NotFound
from ...core.ids import stable_int
from ...core.model import due
from . import glossary as glossaries
from .constants import (BREAKOUT, JOB, LINK_LIFETIME, LIVE, NAME, TARGETS, TRANSCRIPT,
                        VOCABULARY)


class Jobs:
    """Mixed into the SpotMe model (models.py)."""

    # -- generation jobs -------------------------------------------------------------------
    def trigger(self, kind: str, workspace_id: str, event_id: str, body: dict) -> dict:
        with self.store.transaction():
            event = self.event(kind, workspace_id, event_id)
            now = self.clock.now()
            if kind == LIVE and now < event["end"] + event["vod_delay"]:
                raise Conflict(f"The VOD of live session {event_id} is not available yet "
                               f"(expected at {iso(event['end'] + event['vod_delay'])}); "
                               "generation can be triggered once it is.")
            if kind == BREAKOUT and now < event["end"]:
                raise Conflict(f"Video breakout {event_id} has not finished yet (it ends at {iso(event['end'])}); "
                               "generation can be triggered once it has.")
            rules = None
            language = body.get("languageCode")
            if body.get("glossaryId"):
                rules = self.glossary(workspace_id, body["glossaryId"])
                if language and language != rules["language"]:
                    raise Invalid(f"languageCode {language} does not match the language of glossary "
                                  f"{rules['id']} ({rules['language']}).")
                language = language or rules["language"]
            job_id = self.engine.ids.uuid(f"{NAME}.job")
            job = {"job_id": job_id, "status": "pending", "workspace_id": workspace_id,
                   "target": {"type": "live_session" if kind == LIVE else "breakout", "id": event_id},
                   "glossary_id": rules["id"] if rules else None, "language_code": language or "en",
                   "created_at": iso(now), "started_at": None, "completed_at": None, "failed_at": None,
                   "error": None, "glossary": rules}
            self.store.put(JOB, job_id, job, workspace_id)
            self.after(self.setting("pending_seconds"), "job_processing", {"job": job_id})
        return job

    def job(self, workspace_id: str, job_id: str) -> dict:
        self.workspace(workspace_id)
        job = self.require(JOB, job_id, f"Job {job_id} does not exist in workspace {workspace_id}.",
                           where=lambda job: job["workspace_id"] == workspace_id)
        return job

    def fail_job(self, job_id: str, message: str | None) -> dict:
        with self.store.transaction():
            job = self.require(JOB, job_id, f"Job {job_id} does not exist.")
            if job["status"] in ("completed", "failed"):
                raise Conflict(f"Job {job_id} has already {job['status']}.")
            job.update(status="failed", failed_at=iso(self.clock.now()),
                       error={"code": "generation_failed", "message": message or "Generation failed."})
            return self.store.put(JOB, job_id, job, job["workspace_id"])

    def _recover_job(self, payload: dict, error: str) -> None:
        """A step of the job raised: the job fails, as a generation failure does."""
        job = self.store.get(JOB, payload["job"])
        if job is None or job["status"] in ("completed", "failed"):
            return
        job.update(status="failed", failed_at=iso(self.clock.now()),
                   error={"code": "generation_failed", "message": f"The emulator failed to generate this output ({error})."})
        self.store.put(JOB, job["job_id"], job, job["workspace_id"])

    @due("job_processing", recover="_recover_job")
    def _on_processing(self, payload: dict) -> None:
        job = self.store.get(JOB, payload["job"])
        if job is None or job["status"] != "pending":
            return
        event = self.store.get(TARGETS[job["target"]["type"]], job["target"]["id"])
        minutes = (event["end"] - event["start"]) / 60
        seconds = max(self.setting("min_processing_seconds"), minutes * self.setting("processing_seconds_per_minute"))
        job.update(status="processing", started_at=iso(self.clock.now()))
        self.store.put(JOB, job["job_id"], job, job["workspace_id"])
        self.after(seconds, "job_done", {"job": job["job_id"]})

    @due("job_done", recover="_recover_job")
    def _on_done(self, payload: dict) -> None:
        job = self.store.get(JOB, payload["job"])
        if job is None or job["status"] != "processing":
            return
        kind = TARGETS[job["target"]["type"]]
        event = self.store.get(kind, job["target"]["id"])
        folder = f"{NAME}/{job['workspace_id']}/{job['target']['type']}/{event['id']}/{job['job_id']}"
        segments = self.segments(kind, event, job["glossary"])
        duration = event["end"] - event["start"]
        seed = stable_int(self.engine.config.seed, event["id"])
        files = {
            "vtt": (formats.vtt(segments).encode(), "text/vtt; charset=utf-8", "captions.vtt"),
            "txt": (formats.txt(segments).encode(), "text/plain; charset=utf-8", "transcript.txt"),
        }
        keys = {}
        for name, (content, content_type, filename) in files.items():
            keys[name] = f"{folder}/{filename}"
            self.engine.links.put(keys[name], content, content_type, f"{event['id']}-{filename}")
        keys["mp4"] = f"{folder}/recording.mp4"
        self.engine.links.put_media(keys["mp4"], "mp4", duration, seed, f"{event['id']}-recording.mp4")
        previous = self.store.get(TRANSCRIPT, f"{kind}:{event['id']}")
        if previous:  # the new transcript replaces the old one: its files are gone
            for key in previous["keys"].values():
                self.engine.links.delete(key)
        now = self.clock.now()
        self.store.put(TRANSCRIPT, f"{kind}:{event['id']}", {
            "job_id": job["job_id"], "glossary_id": job["glossary_id"], "language_code": job["language_code"],
            "generated_at": iso(now), "keys": keys}, job["workspace_id"])
        job.update(status="completed", completed_at=iso(now))
        self.store.put(JOB, job["job_id"], job, job["workspace_id"])

    def segments(self, kind: str, event: dict, rules: dict | None) -> list:
        """What was said, with the glossary applied: its terms are spoken on purpose so it shows."""
        speakers = tuple({"id": i + 1, "name": name} for i, name in enumerate(self.speakers(event)))
        duration = event["end"] - event["start"]
        terms = tuple(glossaries.misheard(t) for t in VOCABULARY) + tuple(glossaries.terms(rules))
        said = speech(self.engine.config.seed, f"{NAME}:{event['id']}", [Room("main", 0, duration, speakers)],
                      extra_terms=terms)
        return [type(s)(s.start, s.end, s.speaker, s.room, glossaries.apply(s.text, rules)) for s in said]

    def transcript(self, kind: str, workspace_id: str, event_id: str) -> dict:
        event = self.event(kind, workspace_id, event_id)
        current = self.store.get(TRANSCRIPT, f"{kind}:{event['id']}")
        if current is None:
            label = "live session" if kind == LIVE else "breakout"
            raise NotFound(f"No transcript has been generated for {label} {event_id} yet: trigger generation "
                           "and wait for the job to complete.")
        now = self.clock.now()
        return {
            ("live_session_id" if kind == LIVE else "breakout_id"): event_id,
            "job_id": current["job_id"],
            "files": {name: self.engine.links.mint(key, LINK_LIFETIME, now) for name, key in current["keys"].items()},
            "expires_at": iso(math.floor(now) + LINK_LIFETIME),
            "glossary_id": current["glossary_id"],
            "language_code": current["language_code"],
            "generated_at": current["generated_at"],
        }
