"""100ms's state and rules, composed of its resource families: templates (templates.py), rooms (rooms.py), room codes (room_codes.py), stream keys (stream_keys.py), sessions and peers
(sessions.py), active rooms (active_rooms.py), polls (polls.py), the SFU's own recordings (sfu.py), recordings with transcription and summaries (recordings.py), live
and external streams (streams.py), analytics (analytics.py) and recording assets
(assets.py); here the shared plumbing and webhooks. No HTTP here."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.model import PlatformModel
from ...core.webhooks import RetryPolicy
from .active_rooms import ActiveRooms
from .analytics import RECORDED, Analytics
from .assets import Assets
from .constants import NAME, ROOM, SETTINGS, fixed_object_id, seconds_iso
from .polls import Polls
from .recordings import Recordings
from .room_codes import RoomCodes
from .rooms import Rooms
from .sessions import Sessions
from .sfu import Sfu
from .stream_keys import StreamKeys
from .streams import Streams
from .templates import Templates

if TYPE_CHECKING:
    from ...core.engine import Engine

# Three retries, 1 s, 3 s and 10 s apart, whenever the receiver does not answer 200.
RETRY_POLICY = RetryPolicy(delays=(1, 3, 10), timeout=30, accepted=lambda status: status == 200)


class Hms(Analytics, Templates, Rooms, RoomCodes, StreamKeys, Sessions, ActiveRooms, Polls, Recordings, Sfu,
          Streams, Assets, PlatformModel):
    NAME, SETTINGS = NAME, SETTINGS

    def __init__(self, engine: "Engine") -> None:
        super().__init__(engine)
        self.customer_id, self.app_id, self.template_id = (fixed_object_id(engine.config.seed, kind)
                                                           for kind in ("customer", "app", "template"))
        engine.webhooks.register_policy(NAME, RETRY_POLICY)

    def _uuid(self) -> str:
        return self.engine.ids.uuid(f"{NAME}.uuid")

    def _oid(self, kind: str) -> str:
        return self.engine.ids.object_id(kind, self.clock.now())

    # -- webhooks --------------------------------------------------------------------------
    def _notify(self, recording: dict, event: str, data: dict) -> None:
        self._notify_room(recording["room_id"], event, data)

    def _notify_room(self, room_id: str, event: str, data: dict, version: str = "2.0") -> None:
        """A webhook to the room's own endpoint, or the workspace's; in order per room."""
        if event in RECORDED:
            self._analytics(room_id, event, data)
        room = self.store.get(ROOM, room_id)
        hook = room.get("webhook") or ({"url": self.setting("webhook_url"), "headers": self.setting("webhook_headers")}
                                       if self.setting("webhook_url") else None)
        if not hook:
            return
        envelope = {"version": version, "id": self._uuid(),
                    "app_id": self.app_id, "account_id": self.customer_id, "template_id": self.template_id,
                    "timestamp": seconds_iso(self.clock.now()), "type": event, "data": data}
        self.engine.webhooks.enqueue(NAME, event, hook["url"], envelope, dict(hook.get("headers") or {}),
                                     order_key=room_id)
