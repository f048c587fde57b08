"""100ms active rooms: the session under way in a room and its connected peers, which the server
API can read, rename, re-role and give metadata, message, remove, or end the room for all (and lock
it). A part of ``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

from ...core.clock import iso
from ...core.errors import Invalid, NotFound
from .constants import ACTIVE, RECORDER, RECORDING, ROOM, SESSION, STREAM


class ActiveRooms:
    def active_room(self, room_id: str) -> tuple[dict, dict]:
        """The room and its session with someone in it; 404 when nobody is in the room."""
        room = self.room(room_id)
        session = self.active_session(room_id)
        if session is None or not self._people_in(session):
            raise NotFound(f"room not active: {room_id}")
        return room, session

    def connected_peers(self, room_id: str) -> list[dict]:
        _, session = self.active_room(room_id)
        return [self.peer_view(session, p["id"]) for p in self._people_in(session)]

    def connected_peer(self, room_id: str, peer_id: str) -> dict:
        _, session = self.active_room(room_id)
        peer = session["peers"].get(peer_id)
        if peer is None or peer["left_at"] is not None or peer["role"] == RECORDER:
            raise NotFound(f"peer not found: {peer_id}")
        return self.peer_view(session, peer_id, tracks=True)

    def peer_view(self, session: dict, peer_id: str, tracks: bool = False) -> dict:
        peer = session["peers"][peer_id]
        live = session.get("_live", {}).get(peer_id, {})
        view = {"id": peer_id, "name": peer["name"], "user_id": peer["user_id"], "metadata": live.get("metadata", ""),
                "role": peer["role"], "joined_at": peer["joined_at"]}
        if tracks:
            view["tracks"] = live.get("tracks", {})
        return view

    def update_peer(self, room_id: str, peer_id: str, body: dict) -> dict:
        """Name, role (role.change.success) and metadata of a connected peer."""
        with self.store.transaction():
            self.connected_peer(room_id, peer_id)
            session = self.active_session(room_id)
            peer = session["peers"][peer_id]
            previous = peer["role"]
            if "name" in body:
                peer["name"] = body["name"]
            if "metadata" in body:
                session["_live"][peer_id]["metadata"] = body["metadata"]
            if "role" in body:
                peer["role"] = body["role"]
            session["updated_at"] = iso(self.clock.now())
            self.store.put(SESSION, session["id"], session, room_id)
            if body.get("role") and body["role"] != previous:
                self._notify_room(room_id, "role.change.success", {
                    **self._peer_fields(session, peer_id), "previous_role": previous,
                    "role_changed_at": iso(self.clock.now())})
            return self.peer_view(session, peer_id, tracks=True)

    def send_message(self, room_id: str, body: dict) -> list[str]:
        """To one peer (peer_id wins), to a role, or to everyone; kept on the session for the chat."""
        with self.store.transaction():
            _, session = self.active_room(room_id)
            people = self._people_in(session)
            if body.get("peer_id"):
                recipients = [p["id"] for p in people if p["id"] == body["peer_id"]]
                if not recipients:
                    raise NotFound(f"peer not found: {body['peer_id']}")
            elif body.get("role"):
                recipients = [p["id"] for p in people if p["role"] == body["role"]]
            else:
                recipients = [p["id"] for p in people]
            session.setdefault("_messages", []).append({
                "message": body["message"], "type": body.get("type") or "chat", "to": recipients,
                "sent_at": iso(self.clock.now())})
            self.store.put(SESSION, session["id"], session, room_id)
            return recipients

    def remove_peers(self, room_id: str, body: dict) -> list[str]:
        """Disconnect one peer (peer_id wins) or every peer of a role; each leaves with ``peer kicked``."""
        if not body.get("peer_id") and not body.get("role"):
            raise Invalid("peer_id or role is required")
        with self.store.transaction():
            _, session = self.active_room(room_id)
            people = self._people_in(session)
            if body.get("peer_id"):
                chosen = [p["id"] for p in people if p["id"] == body["peer_id"]]
                if not chosen:
                    raise NotFound(f"peer not found: {body['peer_id']}")
            else:
                chosen = [p["id"] for p in people if p["role"] == body["role"]]
                if not chosen:
                    raise NotFound(f"no peer with role {body['role']!r} in room {room_id}")
            for peer_id in chosen:
                self._on_peer_leave({"session": session["id"], "peer": peer_id, "reason": "peer kicked",
                                     "message": body.get("reason") or ""})
            return chosen

    def end_room(self, room_id: str, body: dict) -> None:
        """Everyone is disconnected, the room's recordings stop, the session closes (room.end.success);
        with ``lock`` the room is disabled too."""
        with self.store.transaction():
            room, session = self.active_room(room_id)
            lock = bool(body.get("lock"))
            self._notify_room(room_id, "room.end.success", {
                **self._room_fields(room), "session_id": session["id"], "peer_id": "", "user_id": "",
                "user_name": "", "role": "", "lock_room": lock, "reason": body.get("reason") or "",
                "source": "api", "session_started_at": session["created_at"]})
            # An ended session takes no one new: whoever joins next (a stream's Beam, say) opens a new
            # session, as in 100ms, so a second end-room ends that one, not this one again.
            session["ended"] = True
            self.store.put(SESSION, session["id"], session, room_id)
            # the internal stop request end-room sends: the docs' "client request"
            for recording in self.store.find(RECORDING, room_id):
                if recording["status"] in ACTIVE:
                    self._stop(recording, "client request")
            for stream in self.store.find(STREAM, room_id):
                if stream["status"] in ACTIVE:
                    self._stop_stream(stream, "client request")
            for peer in self._people_in(session):
                self._on_peer_leave({"session": session["id"], "peer": peer["id"], "reason": "peer kicked",
                                     "message": body.get("reason") or ""})
            if lock:
                room["enabled"] = False
                room["updated_at"] = iso(self.clock.now())
                self.store.put(ROOM, room_id, room)
