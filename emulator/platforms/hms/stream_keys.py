"""100ms RTMP stream keys: one active key and ingest URL per room for an external broadcaster;
created, read, disabled (a new one is then made to reset it). A part of ``Hms`` (models.py). No HTTP
here."""
from __future__ import annotations

from ...core.clock import iso
from ...core.errors import Invalid, NotFound
from .constants import NAME, STREAM_KEY


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
