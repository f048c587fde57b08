"""100ms on the dashboard: rooms, sessions, recordings and their assets."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.objects import Family, Shown, moments
from .constants import ASSET, NAME, RECORDING, ROOM, SESSION
from .routes import recording_view, room_view, session_view

if TYPE_CHECKING:
    from ...core.engine import Engine


def families(engine: "Engine") -> list[Family]:
    model = engine.models[NAME]
    store = engine.store

    def rooms() -> list[Shown]:
        return [Shown(r["id"], "enabled" if r["enabled"] else "disabled", moments(("created", r["created_at"])),
                      lambda r=r: room_view(r), r["name"]) for r in store.find(ROOM)]

    def sessions() -> list[Shown]:
        return [Shown(s["id"], "active" if s["active"] else "ended",
                      moments(("active", s["created_at"]), ("ended", None if s["active"] else s["updated_at"])),
                      lambda s=s: session_view(s), f"room {s['room_id']} · {len(s['peers'])} peers") for s in store.find(SESSION)]

    def recordings() -> list[Shown]:
        return [Shown(r["id"], r["status"], moments(("starting", r["created_at"]), ("running", r["started_at"]),
                                                   ("stopped", r["stopped_at"]), (r["status"], r["updated_at"])),
                      lambda r=r: recording_view(model, r), f"room {r['_']['room_name']}")
                for r in store.find(RECORDING)]

    def assets() -> list[Shown]:
        return [Shown(a["id"], a["status"], moments(("created", a.get("created_at")), (a["status"], a.get("updated_at"))),
                      lambda a=a: a, f"{a.get('type')} of {a.get('job_id')}") for a in store.find(ASSET)]

    return [Family("rooms", "Rooms", rooms), Family("sessions", "Sessions", sessions),
            Family("recordings", "Recordings", recordings), Family("assets", "Recording assets", assets)]
