"""Lessonspace's response shapes: an organisation, a space and a session as the API answers them.
The models never build JSON; routes, the control API and the dashboard answer through these."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.clock import iso
from .constants import SESSION, SPACE
from .sessions import _billable_seconds, _duration

if TYPE_CHECKING:
    from .models import Lessonspace


def organisation_view(model: "Lessonspace", org: dict) -> dict:
    sessions = model.store.find(SESSION, str(org["id"]))
    return {
        "id": org["id"], "name": org["name"], "created": org["created"], "plan": "emulator",
        "usage": {
            "spaces": len(model.store.find(SPACE, str(org["id"]))),
            "sessions": len(sessions),
            "transcribed_participant_minutes": round(sum(s["ptpm"] for s in sessions), 2),
        },
    }


def space_view(space: dict) -> dict:
    return {"uuid": space["room_id"], "name": space["name"], "launch_id": space["launch_id"],
            "created_at": space["created"], "record_av": space["record_av"],
            "transcribe": space["transcribe"], "active_session": space["active_session"],
            "members": len(space["members"])}


def session_view(model: "Lessonspace", session: dict) -> dict:
    space = model.space_of(session)
    now = model.clock.now()
    return {
        "uuid": session["uuid"], "name": session["name"],
        "space": {"uuid": space["room_id"], "name": space["name"], "launch_id": space["launch_id"]},
        "start_time": iso(session["start"]),
        "end_time": iso(session["end"]) if session["end"] is not None else None,
        "in_progress": session["end"] is None,
        "duration": _duration(session, now),
        "billable_seconds": _billable_seconds(session, now),
        "participants": [
            {"user_id": p["user_id"], "name": p["name"], "email": p["email"], "role": p["role"],
             "joined_at": iso(p["joined"]), "left_at": iso(p["left"]) if p["left"] is not None else None,
             "duration": round((p["left"] if p["left"] is not None else now) - p["joined"], 3)}
            for p in session["participants"]
        ],
        "unique_users": len({p["user_id"] for p in session["participants"]}),
        "breakouts": session["breakouts"],
        "transcription": session["transcription"],
        "transcribed_participant_minutes": session["ptpm"],
        "tags": session["tags"],
        "recording_access_policy": session.get("recording_access_policy", []),
    }
