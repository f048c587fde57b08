"""100ms rooms: create-or-update by name, read, list. A part of ``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

from ...core.clock import iso
from ...core.errors import NotFound
from .constants import ROOM, ROOM_NAME

class Rooms:
    def create_room(self, body: dict) -> dict:
        """Create a room, or update the one with that name (100ms's create-or-update)."""
        with self.store.transaction():
            now = iso(self.clock.now())
            existing_id = self.store.get(ROOM_NAME, body["name"]) if "name" in body else None
            room = self.store.get(ROOM, existing_id["id"]) if existing_id else None
            if room is None:
                room_id = self._oid(ROOM)
                room = {"id": room_id, "name": body.get("name") or f"room-{room_id[-8:]}", "enabled": True,
                        "description": "", "customer_id": self.customer_id, "app_id": self.app_id,
                        "recording_info": {"enabled": True}, "template_id": self.template_id,
                        "template": "emulator-template", "region": "auto", "created_at": now, "webhook": None}
            for field in ("description", "template_id", "region", "large_room", "size", "max_duration_seconds",
                          "webhook"):
                if field in body:
                    room[field] = body[field]
            if "enabled" in body.get("recording_info", {}):
                room["recording_info"] = {"enabled": body["recording_info"]["enabled"]}
            room["updated_at"] = now
            self.store.put(ROOM, room["id"], room)
            self.store.put(ROOM_NAME, room["name"], {"id": room["id"]})
            return room

    def room(self, room_id: str) -> dict:
        room = self.store.get(ROOM, room_id)
        if room is None:
            raise NotFound(f"room not found: {room_id}")
        return room

    def rooms(self) -> list[dict]:
        return self.store.find(ROOM)
