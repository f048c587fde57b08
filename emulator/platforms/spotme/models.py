"""SpotMe Backstage's state and rules: workspaces, live sessions, video breakouts, generation jobs,
transcripts and glossaries. No HTTP here."""
from __future__ import annotations

import hashlib

import math

from ...core import formats
from ...core.clock import iso, parse_iso
from ...core.content import Room, person_name, speech
from ...core.errors import Conflict, Invalid, NotFound
from ...core.ids import stable_int
from ...core.model import PlatformModel, due
from . import glossary as glossaries

NAME = "spotme"
WORKSPACE, LIVE, BREAKOUT, JOB, GLOSSARY, TRANSCRIPT = (
    f"{NAME}.{k}" for k in ("workspace", "live_session", "breakout", "job", "glossary", "transcript"))
LINK_LIFETIME = 6 * 3600  # VTT, TXT and mp4 links from the retrieve endpoint
TARGETS = {"live_session": LIVE, "breakout": BREAKOUT}
SETTINGS = {
    "rate_limit": False,  # 3 requests/s with bursts of 5 per token when on
    "api_tokens": [],  # when given, only these tokens are valid (others: 401); empty: any well-formed token
    "pending_seconds": 5,  # trigger to processing
    "processing_seconds_per_minute": 6,  # processing time per minute of session
    "min_processing_seconds": 30,
    "vod_delay_seconds": 600,  # live session end to VOD available
    # The emulator's paths (under /spotme/api/v2) served at other paths too (under /spotme):
    # {"/workspace/{workspace_id}/transcript-jobs/{job_id}": "/v1/eid/{workspace_id}/jobs/{job_id}"}.
    "path_map": {},
}
ORG_NAME = "Emulator Events"
VOCABULARY = ("SpotMe", "Backstage", "Kubernetes", "GDPR", "OKRs")  # spoken in every session, misheard


class SpotMe(PlatformModel):
    NAME, SETTINGS = NAME, SETTINGS

    # -- workspaces, sessions, breakouts ---------------------------------------------------
    def create_workspace(self, name: str | None = None) -> dict:
        workspace_id = self.engine.ids.hex(f"{NAME}.workspace", 24)
        now = self.clock.now()
        workspace = {"id": workspace_id, "name": name or "Emulator Summit", "timezone": "UTC",
                     "format": "virtual", "is_test": False, "created_at": iso(now)}
        return self.store.put(WORKSPACE, workspace_id, workspace)

    def create_live_session(self, workspace_id: str, options: dict) -> dict:
        self.workspace(workspace_id)
        return self._create_event(LIVE, workspace_id, options, "Live session")

    def create_breakout(self, workspace_id: str, options: dict) -> dict:
        self.workspace(workspace_id)
        return self._create_event(BREAKOUT, workspace_id, options, "Video breakout")

    def _create_event(self, kind: str, workspace_id: str, options: dict, default_title: str) -> dict:
        event_id = self.engine.ids.hex(kind, 32)
        start = self.clock.now() + options.get("starts_in", 0)
        # A count stays a count: the names are made when first read (Faker is slow to load at start-up).
        people = options.get("speakers", options.get("participants", 3))
        event = {
            "id": event_id, "workspace_id": workspace_id, "title": options.get("title", default_title),
            "start": start, "end": start + options.get("duration", 1800), "speakers": people,
        }
        if kind == LIVE:
            event["vod_delay"] = options.get("vod_delay", self.setting("vod_delay_seconds"))
        return self.store.put(kind, event_id, event, workspace_id)

    def populate(self) -> None:
        """The default workspace: sessions and breakouts in every state, relative to now."""
        workspace = self.create_workspace("Emulator Summit 2026")
        ws = workspace["id"]
        hour = 3600
        self.create_live_session(ws, {"title": "Opening keynote", "starts_in": -3 * hour, "duration": hour,
                                      "speakers": 2, "vod_delay": 600})
        self.create_live_session(ws, {"title": "Product deep dive", "starts_in": -40 * 60, "duration": 35 * 60,
                                      "speakers": 3, "vod_delay": 30 * 60})
        self.create_live_session(ws, {"title": "Closing panel", "starts_in": hour, "duration": hour, "speakers": 4})
        self.create_breakout(ws, {"title": "Partner roundtable", "starts_in": -2 * hour, "duration": 30 * 60,
                                  "participants": 4})
        self.create_breakout(ws, {"title": "Ask the speakers", "starts_in": -10 * 60, "duration": 30 * 60,
                                  "participants": 5})

    def workspace(self, workspace_id: str) -> dict:
        workspace = self.store.get(WORKSPACE, workspace_id)
        if workspace is None:
            raise NotFound(f"Workspace {workspace_id} does not exist.")
        return workspace

    def workspaces(self) -> list[dict]:
        return self.store.find(WORKSPACE)

    @property
    def org_id(self) -> str:
        """The one organisation every token belongs to (SpotMe tokens act within one organisation)."""
        return hashlib.sha256(f"{self.engine.config.seed}:{NAME}:org".encode()).hexdigest()[:24]

    def me(self, token: str) -> dict:
        user_id = hashlib.sha256(f"{NAME}:user:{token}".encode()).hexdigest()[:24]
        return {"id": user_id, "name": "API token", "email": f"token-{user_id[:8]}@backstage.invalid",
                "orgs": [{"id": self.org_id, "name": ORG_NAME}]}

    def workspace_view(self, workspace: dict) -> dict:
        """The stored workspace with what public client code reads: its dates, whether it is live,
        and where its CMS is. ``start`` / ``end`` span its sessions and breakouts."""
        events = self.store.find(LIVE, workspace["id"]) + self.store.find(BREAKOUT, workspace["id"])
        created = parse_iso(workspace["created_at"])
        start = min((e["start"] for e in events), default=created)
        end = max((e["end"] for e in events), default=created)
        now = self.clock.now()
        return {**workspace, "org_id": self.org_id, "start": iso(start), "end": iso(end), "is_active": True,
                "is_live": start <= now < end,
                "cms_url": f"{self.engine.config.public_url}/{NAME}/cms/{workspace['id']}"}

    def event(self, kind: str, workspace_id: str, event_id: str) -> dict:
        self.workspace(workspace_id)
        event = self.store.get(kind, event_id)
        if event is None or event["workspace_id"] != workspace_id:
            label = "Live session" if kind == LIVE else "Breakout"
            raise NotFound(f"{label} {event_id} does not exist in workspace {workspace_id}.")
        return event

    def events(self, kind: str, workspace_id: str) -> list[dict]:
        self.workspace(workspace_id)
        return self.store.find(kind, workspace_id)

    def speakers(self, event: dict) -> list[str]:
        people = event["speakers"]
        if isinstance(people, int):
            return [person_name(self.engine.config.seed, f"{event['id']}:{i}") for i in range(people)]
        return people

    def event_view(self, kind: str, event: dict) -> dict:
        now = self.clock.now()
        view = {"id": event["id"], "workspace_id": event["workspace_id"], "title": event["title"],
                "start": iso(event["start"]), "end": iso(event["end"]),
                "duration": round(event["end"] - event["start"]), "speakers": self.speakers(event)}
        if kind == LIVE:
            available_at = event["end"] + event["vod_delay"]
            view["status"] = "scheduled" if now < event["start"] else "live" if now < event["end"] else "past"
            view["vod"] = {
                "status": "none" if now < event["end"] else "processing" if now < available_at else "available",
                "available_at": iso(available_at),
            }
        else:
            view["status"] = "scheduled" if now < event["start"] else "live" if now < event["end"] else "finished"
            view["participants"] = view.pop("speakers")
        current = self.store.get(TRANSCRIPT, f"{kind}:{event['id']}")
        view["transcript_generated_at"] = current["generated_at"] if current else None
        return view

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
        job = self.store.get(JOB, job_id)
        if job is None or job["workspace_id"] != workspace_id:
            raise NotFound(f"Job {job_id} does not exist in workspace {workspace_id}.")
        return job

    def fail_job(self, job_id: str, message: str | None) -> dict:
        with self.store.transaction():
            job = self.store.get(JOB, job_id)
            if job is None:
                raise NotFound(f"Job {job_id} does not exist.")
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

    # -- glossaries ------------------------------------------------------------------------
    def create_glossary(self, workspace_id: str, body: dict) -> dict:
        self.workspace(workspace_id)
        now = iso(self.clock.now())
        rules = {"id": self.engine.ids.uuid(f"{NAME}.glossary"), "workspace_id": workspace_id,
                 "title": body["title"], "language": body["language"], "recognize": body.get("recognize", []),
                 "replace": body.get("replace", []), "block": body.get("block", []),
                 "created_at": now, "updated_at": now}
        rules["word_count"] = glossaries.word_count(rules)
        return self.store.put(GLOSSARY, rules["id"], rules, workspace_id)

    def glossary(self, workspace_id: str, glossary_id: str) -> dict:
        self.workspace(workspace_id)
        rules = self.store.get(GLOSSARY, glossary_id)
        if rules is None or rules["workspace_id"] != workspace_id:
            raise NotFound(f"Glossary {glossary_id} does not exist in workspace {workspace_id}.")
        return rules

    def update_glossary(self, workspace_id: str, glossary_id: str, body: dict) -> dict:
        with self.store.transaction():
            rules = self.glossary(workspace_id, glossary_id)
            rules.update({k: v for k, v in body.items() if k in ("title", "language", "recognize", "replace", "block")})
            rules["word_count"] = glossaries.word_count(rules)
            rules["updated_at"] = iso(self.clock.now())
            return self.store.put(GLOSSARY, glossary_id, rules, workspace_id)

    def delete_glossary(self, workspace_id: str, glossary_id: str) -> None:
        self.glossary(workspace_id, glossary_id)
        self.store.delete(GLOSSARY, glossary_id)

    def glossaries(self, workspace_id: str) -> list[dict]:
        self.workspace(workspace_id)
        return self.store.find(GLOSSARY, workspace_id)
