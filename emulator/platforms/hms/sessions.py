"""100ms sessions and their peers: simulated people joining and leaving, a session open while
anyone is in the room. A part of ``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

from typing import Any

from ...core.clock import iso
from ...core.content import person_name
from ...core.errors import NotFound
from .constants import ACTIVE, NAME, RECORDING, SESSION

class Sessions:
    def start_session(self, room_id: str, peers: Any = None, duration: float | None = None) -> dict:
        """People join the room now (a session starts if none is active) and leave after ``duration``."""
        with self.store.transaction():
            self.room(room_id)
            session = self.active_session(room_id) or self._new_session(room_id)
            count = peers if isinstance(peers, int) else self.setting("peers")
            names = peers if isinstance(peers, list) else [
                person_name(self.engine.config.seed, f"{session['id']}:{i}") for i in range(count)]
            stay = duration if duration is not None else self.setting("session_seconds")
            for i, name in enumerate(names):
                peer = self._join(session, name, "host" if i == 0 else "guest")
                self.engine.timeline.after(stay, f"{NAME}.peer_leave", {"session": session["id"], "peer": peer})
            return self.store.get(SESSION, session["id"])

    def _new_session(self, room_id: str) -> dict:
        now = iso(self.clock.now())
        session = {"id": self._oid(SESSION), "room_id": room_id, "customer_id": self.customer_id, "active": True,
                   "peers": {}, "created_at": now, "updated_at": now}
        return self.store.put(SESSION, session["id"], session, room_id)

    def _join(self, session: dict, name: str, role: str) -> str:
        session = self.store.get(SESSION, session["id"])
        peer_id = self._uuid()
        session["peers"][peer_id] = {"id": peer_id, "session_id": session["id"], "name": name, "role": role,
                                     "user_id": f"user-{peer_id[:8]}", "joined_at": iso(self.clock.now()),
                                     "left_at": None}
        session["active"] = True
        session["updated_at"] = iso(self.clock.now())
        self.store.put(SESSION, session["id"], session, session["room_id"])
        return peer_id

    def end_session(self, session_id: str) -> dict:
        with self.store.transaction():
            session = self.session(session_id)
            for peer_id, peer in session["peers"].items():
                if peer["left_at"] is None and peer["role"] != "__internal_recorder":
                    self._on_peer_leave({"session": session_id, "peer": peer_id})
            return self.store.get(SESSION, session_id)

    def _on_peer_leave(self, payload: dict) -> None:
        session = self.store.get(SESSION, payload["session"])
        if session is None or session["peers"].get(payload["peer"], {}).get("left_at", "gone") is not None:
            return
        session["peers"][payload["peer"]]["left_at"] = iso(self.clock.now())
        session["updated_at"] = iso(self.clock.now())
        self.store.put(SESSION, session["id"], session, session["room_id"])
        if not self._people_in(session):
            for recording in self.store.find(RECORDING, session["room_id"]):
                if recording["session_id"] == session["id"] and recording["status"] in ACTIVE:
                    self.engine.timeline.after(self.setting("last_peer_left_seconds"), f"{NAME}.auto_stop",
                                               {"recording": recording["id"], "reason": "last peer left"})
            self._close_if_empty(session)

    def _people_in(self, session: dict) -> list[dict]:
        return [p for p in session["peers"].values() if p["left_at"] is None and p["role"] != "__internal_recorder"]

    def _close_if_empty(self, session: dict) -> None:
        if not any(p["left_at"] is None for p in session["peers"].values()):
            session["active"] = False
            self.store.put(SESSION, session["id"], session, session["room_id"])

    def active_session(self, room_id: str) -> dict | None:
        return next((s for s in self.store.find(SESSION, room_id) if s["active"]), None)

    def session(self, session_id: str) -> dict:
        session = self.store.get(SESSION, session_id)
        if session is None:
            raise NotFound(f"session not found: {session_id}")
        return session

    def sessions(self) -> list[dict]:
        return self.store.find(SESSION)
