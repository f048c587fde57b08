"""100ms on the dashboard: rooms, sessions, recordings, live and external streams, and assets."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.objects import Family, Owner, Shown, moments
from .constants import ASSET, NAME, RECORDING, ROOM, SESSION, STREAM
from .views import recording_view, room_view, session_view

if TYPE_CHECKING:
    from ...core.engine import Engine


def families(engine: "Engine") -> list[Family]:
    model = engine.models[NAME]
    store = engine.store
    app = Owner("app", model.setting("access_key"))  # one app: the access key its management tokens name

    def rooms() -> list[Shown]:
        return [Shown(r["id"], "enabled" if r["enabled"] else "disabled", moments(("created", r["created_at"])),
                      lambda r=r: room_view(r), r["name"], app) for r in store.find(ROOM)]

    def sessions() -> list[Shown]:
        return [Shown(s["id"], "active" if s["active"] else "ended",
                      moments(("active", s["created_at"]), ("ended", None if s["active"] else s["updated_at"])),
                      lambda s=s: session_view(s), f"room {s['room_id']} · {len(s['peers'])} peers", app) for s in store.find(SESSION)]

    def recordings() -> list[Shown]:
        return [Shown(r["id"], r["status"], moments(("starting", r["created_at"]), ("running", r["started_at"]),
                                                   ("stopped", r["stopped_at"]), (r["status"], r["updated_at"])),
                      lambda r=r: recording_view(model, r), f"room {r['_']['room_name']}", app)
                for r in store.find(RECORDING)]

    def assets() -> list[Shown]:
        return [Shown(a["id"], a["status"], moments(("created", a.get("created_at")), (a["status"], a.get("updated_at"))),
                      lambda a=a: a, f"{a.get('type')} of {a.get('job_id')}", app) for a in store.find(ASSET)]

    def streams() -> list[Shown]:
        from .views import stream_view

        return [Shown(x["id"], x["status"], moments(("starting", x["created_at"]), ("running", x["started_at"]),
                                                   ("stopped", x["stopped_at"]), (x["status"], x["updated_at"])),
                      lambda x=x: stream_view(model, x), f"{x['kind'].replace('_', ' ')} · room {x['_']['room_name']}", app)
                for x in store.find(STREAM)]

    return [Family("rooms", "Rooms", rooms), Family("sessions", "Sessions", sessions),
            Family("recordings", "Recordings", recordings), Family("streams", "Live and external streams", streams),
            Family("assets", "Recording assets", assets)]
