"""SpotMe's workspaces (with the organisation every token acts in), live sessions and video
breakouts. No HTTP here."""
from __future__ import annotations

import hashlib

from ...core.clock import iso
from ...core.content import person_name
from ...core.errors import NotFound
from .constants import (BREAKOUT, LIVE, NAME, ORG_NAME, WORKSPACE)


class Workspaces:
    """Mixed into the SpotMe model (models.py)."""

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
        return self.require(WORKSPACE, workspace_id, f"Workspace {workspace_id} does not exist.")

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
