"""100ms sessions and their peers: simulated people joining and leaving, a session open while
anyone is in the room. A part of ``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

from typing import Any

from ...core.clock import iso, parse_iso
from ...core.content import person_name
from ...core.errors import Conflict, NotFound
from ...core.model import due
from .constants import ACTIVE, RECORDER, RECORDING, ROOM, SESSION, STREAM


class Sessions:
    def start_session(self, room_id: str, peers: Any = None, duration: float | None = None) -> dict:
        """People join the room now (a session starts if none is active) and leave after ``duration``."""
        with self.store.transaction():
            self.room(room_id)
            session = self.active_session(room_id) or self._new_session(room_id)
            count = peers if isinstance(peers, int) else self.setting("peers")
            people = peers if isinstance(peers, list) else [
                person_name(self.engine.config.seed, f"{session['id']}:{i}") for i in range(count)]
            stay = duration if duration is not None else self.setting("session_seconds")
            for i, person in enumerate(people):  # a name, or {name, role?, user_id?}
                spec = person if isinstance(person, dict) else {"name": person}
                peer = self._join(session, spec["name"], spec.get("role") or ("host" if i == 0 else "guest"),
                                  spec.get("user_id"))
                self.after(stay, "peer_leave", {"session": session["id"], "peer": peer})
            return self.store.get(SESSION, session["id"])

    def _new_session(self, room_id: str) -> dict:
        room = self.room(room_id)
        if not room["enabled"]:  # a disabled room takes no new session (the one under way may go on)
            raise Conflict(f"room {room_id} is disabled: enable it to let peers join")
        now = iso(self.clock.now())
        session = {"id": self._oid(SESSION), "room_id": room_id, "customer_id": self.customer_id,
                   "app_id": self.app_id, "active": True,
                   "peers": {}, "created_at": now, "updated_at": now, "_live": {}}
        self.store.put(SESSION, session["id"], session, room_id)
        self._notify_room(room_id, "session.open.success", {
            **self._room_fields(room), "session_id": session["id"], "session_started_at": now})
        self._start_auto_polls(room, session["id"])
        return session

    def _join(self, session: dict, name: str, role: str, user_id: str | None = None) -> str:
        session = self.store.get(SESSION, session["id"])
        peer_id = self._uuid()
        now = iso(self.clock.now())
        session["peers"][peer_id] = {"id": peer_id, "session_id": session["id"], "name": name, "role": role,
                                     "user_id": user_id or f"user-{peer_id[:8]}", "joined_at": now, "left_at": None}
        stream = self._uuid()
        tracks = {track: {"id": track, "stream_id": stream, "mute": kind == "audio", "type": kind, "source": "regular",
                          "started_at": now, "description": ""} for kind, track in (("audio", self._uuid()),
                                                                                    ("video", self._uuid()))}
        # each track's mute changes on the clock, for the quality stats (quality.py)
        mutes = {t["id"]: [[self.clock.now(), t["mute"]]] for t in tracks.values()}
        session.setdefault("_live", {})[peer_id] = {"metadata": "", "tracks": tracks, "mutes": mutes}
        session["active"] = True
        session["updated_at"] = now
        self.store.put(SESSION, session["id"], session, session["room_id"])
        if role != RECORDER:  # the recorder's own joins are not announced
            self._track_events(session, peer_id, "track.add.success")
            self._notify_room(session["room_id"], "peer.join.success", {
                **self._peer_fields(session, peer_id), "type": "regular"})
            self._sfu_joined(session, peer_id)
        return peer_id

    def end_session(self, session_id: str) -> dict:
        with self.store.transaction():
            session = self.session(session_id)
            for peer_id, peer in session["peers"].items():
                if peer["left_at"] is None and peer["role"] != RECORDER:
                    self._on_peer_leave({"session": session_id, "peer": peer_id})
            return self.store.get(SESSION, session_id)

    def leave(self, session_id: str, peer_id: str) -> dict:
        """One peer leaves now (control API), as if it clicked Leave."""
        with self.store.transaction():
            session = self.session(session_id)
            if session["peers"].get(peer_id, {}).get("left_at", "gone") is not None:
                raise NotFound(f"peer not in the session: {peer_id}")
            self._on_peer_leave({"session": session_id, "peer": peer_id})
            return self.store.get(SESSION, session_id)

    def publish(self, session_id: str, peer_id: str, kind: str, on: bool) -> dict:
        """A peer turns its microphone or camera on or off (control API): its track's ``mute``."""
        with self.store.transaction():
            session = self.session(session_id)
            if session["peers"].get(peer_id, {}).get("left_at", "gone") is not None:
                raise NotFound(f"peer not in the session: {peer_id}")
            live = session["_live"][peer_id]
            for track in live["tracks"].values():
                if track["type"] == kind:
                    track["mute"] = not on
                    live.setdefault("mutes", {}).setdefault(track["id"], []).append([self.clock.now(), not on])
            self._track_events(session, peer_id, "track.update.success", (kind,))
            return self.store.put(SESSION, session_id, session, session["room_id"])

    @due("peer_leave")
    def _on_peer_leave(self, payload: dict) -> None:
        session = self.store.get(SESSION, payload["session"])
        if session is None or session["peers"].get(payload["peer"], {}).get("left_at", "gone") is not None:
            return
        now = self.clock.now()
        peer = session["peers"][payload["peer"]]
        peer["left_at"] = iso(now)
        session["updated_at"] = iso(now)
        self.store.put(SESSION, session["id"], session, session["room_id"])
        if peer["role"] != RECORDER:
            self._track_events(session, peer["id"], "track.remove.success")
            self._notify_room(session["room_id"], "peer.leave.success", {
                **self._peer_fields(session, peer["id"]), "left_at": iso(now), "type": "regular",
                "duration": int(now - parse_iso(peer["joined_at"])),
                "reason": payload.get("reason", "client request"), "message": payload.get("message", "")})
            self._sfu_left(session, peer["id"])
            session = self.store.get(SESSION, session["id"])
        if not self._people_in(session):
            wait = self.setting("last_peer_left_seconds")
            for recording in self.store.find(RECORDING, session["room_id"]):
                if recording["session_id"] == session["id"] and recording["status"] in ACTIVE:
                    self.after(wait, "auto_stop",
                                               {"recording": recording["id"], "reason": "last peer left"})
            for stream in self.store.find(STREAM, session["room_id"]):
                if stream["session_id"] == session["id"] and stream["status"] in ACTIVE:
                    self.after(wait, "stream_auto_stop",
                                               {"stream": stream["id"], "reason": "last peer left"})
            self._close_if_empty(session)

    def _people_in(self, session: dict) -> list[dict]:
        return [p for p in session["peers"].values() if p["left_at"] is None and p["role"] != RECORDER]

    def _close_if_empty(self, session: dict) -> None:
        if session["active"] and not any(p["left_at"] is None for p in session["peers"].values()):
            session["active"] = False
            self.store.put(SESSION, session["id"], session, session["room_id"])
            self._stop_polls(session["id"])
            now = self.clock.now()
            self._notify_room(session["room_id"], "session.close.success", {
                **self._room_fields(self.store.get(ROOM, session["room_id"])), "session_id": session["id"],
                "session_duration": int(now - parse_iso(session["created_at"])),
                "session_started_at": session["created_at"], "session_stopped_at": iso(now)})
            self._sfu_closed(self.store.get(SESSION, session["id"]))

    def _room_fields(self, room: dict) -> dict:
        return {"room_id": room["id"], "room_name": room["name"], "template_id": room["template_id"]}

    def _peer_fields(self, session: dict, peer_id: str) -> dict:
        """What every peer webhook says about the peer, its room and its session."""
        peer = session["peers"][peer_id]
        live = session.get("_live", {}).get(peer_id, {})
        return {**self._room_fields(self.store.get(ROOM, session["room_id"])), "session_id": session["id"],
                "peer_id": peer_id, "user_id": peer["user_id"], "user_name": peer["name"],
                "user_data": live.get("metadata", ""), "role": peer["role"], "joined_at": peer["joined_at"],
                "session_started_at": session["created_at"]}

    def active_session(self, room_id: str) -> dict | None:
        return next((s for s in self.store.find(SESSION, room_id) if s["active"] and not s.get("ended")), None)

    def session(self, session_id: str) -> dict:
        return self.require(SESSION, session_id, f"session not found: {session_id}")

    def sessions(self) -> list[dict]:
        return self.store.find(SESSION)
