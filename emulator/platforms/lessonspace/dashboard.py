"""Lessonspace on the dashboard: spaces and their sessions, with transcription progress."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.objects import Family, Owner, Shown, moments
from .constants import NAME, SESSION, SPACE
from .views import session_view, space_view

if TYPE_CHECKING:
    from ...core.engine import Engine


def families(engine: "Engine") -> list[Family]:
    model = engine.models[NAME]
    store = engine.store

    def spaces() -> list[Shown]:
        return [Shown(s["room_id"], "in session" if s["active_session"] else "idle",
                      moments(("created", s["created"])), lambda s=s: space_view(s), s["name"], Owner("organisation", str(s["org_id"])))
                for s in store.find(SPACE)]

    def sessions() -> list[Shown]:
        shown = []
        for s in store.find(SESSION):
            transcription = s["transcription"]
            status = "in progress" if s["end"] is None else f"ended · transcription {transcription['status']}"
            history = moments(("started", s["start"]), ("ended", s["end"]),
                              (f"transcription {transcription['status']}", transcription.get("finished_at")))
            shown.append(Shown(s["uuid"], status, history, lambda s=s: session_view(model, s), s["name"],
                               Owner("organisation", str(s["org_id"]))))
        return shown

    return [Family("spaces", "Spaces", spaces), Family("sessions", "Sessions", sessions)]
