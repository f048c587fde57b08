"""100ms room codes: one short code per role of a room's template (the join link's
``<subdomain>.app.100ms.live/meeting/<code>``), created at once or per role, enabled and disabled.
A part of ``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

import string

from ...core.clock import iso
from ...core.errors import Forbidden, NotFound
from .constants import NAME, ROOM_CODE


class RoomCodes:
    def create_room_codes(self, room_id: str, role: str | None = None) -> list[dict]:
        """Codes for every role (or one); a role that has a code keeps it."""
        with self.store.transaction():
            room = self._code_room(room_id)
            roles = self.room_roles(room)
            if role is not None and role not in roles:
                raise NotFound(f"role not found: {role}")
            existing = {c["role"]: c for c in self.store.find(ROOM_CODE, room_id)}
            codes = []
            for name in [role] if role else roles:
                if name not in existing:
                    now = iso(self.clock.now())
                    code = {"code": self._new_code(), "room_id": room["id"], "role": name, "enabled": True,
                            "created_at": now, "updated_at": now}
                    existing[name] = self.store.put(ROOM_CODE, code["code"], code, room_id)
                codes.append(existing[name])
            return codes

    def room_codes(self, room_id: str) -> list[dict]:
        self._code_room(room_id)
        return self.store.find(ROOM_CODE, room_id)

    def set_room_code(self, code: str, enabled: bool) -> dict:
        with self.store.transaction():
            found = self.require(ROOM_CODE, code, f"code not found: {code}")
            if enabled and not self.room(found["room_id"])["enabled"]:
                raise Forbidden("code can not be enabled: the room is disabled")
            found.update(enabled=enabled, updated_at=iso(self.clock.now()))
            return self.store.put(ROOM_CODE, code, found, found["room_id"])

    def _code_room(self, room_id: str) -> dict:
        room = self.room(room_id)
        if not room["enabled"]:
            raise Forbidden(f"room is disabled: {room_id}")
        return room

    def _new_code(self) -> str:
        """xxx-xxxx-xxx in lowercase letters, as the dashboard's links show them."""
        digest = self.engine.ids.digest(f"{NAME}.room_code")
        letters = "".join(string.ascii_lowercase[b % 26] for b in digest[:10])
        return f"{letters[:3]}-{letters[3:7]}-{letters[7:10]}"
