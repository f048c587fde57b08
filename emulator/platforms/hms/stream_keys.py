"""100ms RTMP stream keys: one active key and ingest URL per room for an external broadcaster;
created, read, disabled (a new one is then made to reset it); and the ingestion an encoder pushing
to a key makes (the control API plays the encoder), with its ``ingest.*`` webhooks. A part of
``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

from ...core.clock import iso, parse_iso
from ...core.errors import Conflict, Invalid, NotFound
from .constants import INGEST, NAME, STREAM_KEY


class StreamKeys:
    def create_stream_key(self, room_id: str) -> dict:
        with self.store.transaction():
            room = self._code_room(room_id)  # 404 unknown, 403 disabled
            if self._active_key(room_id):
                raise Invalid("active key already exists")
            now = iso(self.clock.now())
            key = {"id": self._oid(STREAM_KEY), "url": "rtmp://ingest.emulator.100ms.live:1935/live",
                   "key": self.engine.ids.hex(f"{NAME}.stream_key", 32), "room_id": room["id"],
                   "customer_id": self.customer_id, "app_id": self.app_id, "enabled": True,
                   "created_at": now, "updated_at": now}
            return self.store.put(STREAM_KEY, key["id"], key, room_id)

    def stream_keys(self, room_id: str) -> list[dict]:
        self._code_room(room_id)
        active = self._active_key(room_id)
        if active is None:
            raise NotFound("no active key found")
        return [active]

    def disable_stream_key(self, room_id: str) -> None:
        with self.store.transaction():
            self._code_room(room_id)
            active = self._active_key(room_id)
            if active is None:
                raise NotFound("key not found")
            active.update(enabled=False, updated_at=iso(self.clock.now()))
            self.store.put(STREAM_KEY, active["id"], active, room_id)

    def _active_key(self, room_id: str) -> dict | None:
        return next((k for k in self.store.find(STREAM_KEY, room_id) if k["enabled"]), None)

    # -- ingestion ------------------------------------------------------------------------
    def start_ingest(self, room_id: str, key: str | None) -> tuple[dict | None, str | None]:
        """An encoder connects with ``key`` (default: the room's active key): the ingestion, or the
        reason it failed to start (``ingest.start.failure`` is sent either way it fails)."""
        with self.store.transaction():
            room = self.room(room_id)
            keys = self.store.find(STREAM_KEY, room_id)
            chosen = next((k for k in keys if k["key"] == key), None) if key else self._active_key(room_id)
            problem = None
            if chosen is None or not chosen["enabled"] or not room["enabled"]:
                problem = "stream key disabled"
            elif self._ingesting(room_id):
                problem = "already connected"
            if problem:
                self._notify_room(room_id, "ingest.start.failure", {
                    **self._ingest_fields(room), "error_message": problem})
                return None, problem
            now = iso(self.clock.now())
            ingest = {"ingest_id": self._oid(INGEST), "stream_id": self._oid(f"{NAME}.ingest_stream"),
                      "room_id": room_id, "stream_key_id": chosen["id"], "started_at": now, "completed_at": None}
            self.store.put(INGEST, ingest["ingest_id"], ingest, room_id)
            self._notify_room(room_id, "ingest.start.success", {
                **self._ingest_fields(room), "ingest_id": ingest["ingest_id"], "stream_id": ingest["stream_id"],
                "started_at": now})
            return ingest, None

    def end_ingest(self, room_id: str, reason: str | None, error: str | None) -> dict:
        """The encoder stops (``ingest.end.success`` with ``reason``), or the ingestion fails (``error``)."""
        with self.store.transaction():
            room = self.room(room_id)
            ingest = self._ingesting(room_id)
            if ingest is None:
                raise Conflict(f"nothing is being ingested in room {room_id}")
            now = self.clock.now()
            ingest["completed_at"] = iso(now)
            self.store.put(INGEST, ingest["ingest_id"], ingest, room_id)
            if error:
                self._notify_room(room_id, "ingest.failure", {
                    **self._ingest_fields(room), "ingest_id": ingest["ingest_id"], "error_message": error})
                return ingest
            self._notify_room(room_id, "ingest.end.success", {
                **self._ingest_fields(room), "ingest_id": ingest["ingest_id"], "stream_id": ingest["stream_id"],
                "started_at": ingest["started_at"], "completed_at": iso(now), "last_disconnected_at": iso(now),
                "duration": int(now - parse_iso(ingest["started_at"])), "reason": reason or "stream closed"})
            return ingest

    def _ingesting(self, room_id: str) -> dict | None:
        return next((i for i in self.store.find(INGEST, room_id) if i["completed_at"] is None), None)

    def _ingest_fields(self, room: dict) -> dict:
        return {"account_id": self.customer_id, "app_id": self.app_id, "room_id": room["id"],
                "template_id": room["template_id"]}
