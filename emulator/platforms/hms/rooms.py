"""100ms rooms: create-or-update by name (names are case-insensitive), update by id, enable and
disable (a disabled room takes no new session and no recording), read, list. A part of ``Hms``
(models.py). No HTTP here."""
from __future__ import annotations

from ...core.clock import iso
from ...core.errors import Invalid
from .constants import ROOM, ROOM_NAME, TEMPLATE

FIELDS = ("description", "template_id", "region", "large_room", "size", "max_duration_seconds", "webhook", "polls",
          "enabled")


class Rooms:
    def create_room(self, body: dict) -> dict:
        """Create a room, or update the one with that name (100ms's create-or-update)."""
        with self.store.transaction():
            existing = self.store.get(ROOM_NAME, body["name"].lower()) if "name" in body else None
            room = self.store.get(ROOM, existing["id"]) if existing else None
            if room is None:
                room_id = self._oid(ROOM)
                room = {"id": room_id, "name": body.get("name") or f"room-{room_id[-8:]}", "enabled": True,
                        "description": "", "customer_id": self.customer_id, "app_id": self.app_id,
                        "recording_info": {"enabled": True}, "template_id": self.template_id,
                        "template": "emulator-template", "region": "auto", "recording_source_template": False,
                        "customer": self.customer_id, "created_at": iso(self.clock.now()), "webhook": None}
            return self._apply(room, body)

    def update_room(self, room_id: str, body: dict) -> dict:
        """POST /v2/rooms/{id}: change any field, rename, or enable and disable the room."""
        with self.store.transaction():
            room = self.room(room_id)
            if "name" in body and body["name"].lower() != room["name"].lower():
                taken = self.store.get(ROOM_NAME, body["name"].lower())
                if taken and taken["id"] != room_id:
                    raise Invalid(f"room name already exists: {body['name']}")
                self.store.delete(ROOM_NAME, room["name"].lower())
                room["name"] = body["name"]
            return self._apply(room, body)

    def _apply(self, room: dict, body: dict) -> dict:
        self.check_polls(body.get("polls") or [])
        if "template_id" in body:
            self._default_template()
            template = self.store.get(TEMPLATE, body["template_id"])
            if template is None:
                raise Invalid("template not found")
            room["template"] = template["name"]
        for field in FIELDS:
            if field in body:
                room[field] = body[field]
        if "recording_info" in body:
            info = dict(room.get("recording_info") or {})
            info.update(body["recording_info"])
            room["recording_info"] = info
        room["updated_at"] = iso(self.clock.now())
        self.store.put(ROOM, room["id"], room)
        self.store.put(ROOM_NAME, room["name"].lower(), {"id": room["id"]})
        return room

    def room(self, room_id: str) -> dict:
        return self.require(ROOM, room_id, f"room not found: {room_id}")

    def rooms(self) -> list[dict]:
        return self.store.find(ROOM)
