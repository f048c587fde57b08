"""100ms's response shapes: what the API answers for a stored room, session or recording. The
models never build JSON; the routes, the control API and the dashboard all answer through these."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .http import public

if TYPE_CHECKING:
    from .models import Hms


def session_view(session: dict) -> dict:
    """A session as 100ms answers it: its live state (peer metadata and tracks, messages) is kept apart."""
    return public(session)


def room_view(room: dict, updated: bool = False) -> dict:
    """A room as 100ms answers it; only the update's answer echoes the webhook, as the reference's
    update example does (polls show whenever the room has them)."""
    view = {"recording_source_template": False, "customer": room["customer_id"],
            **{k: v for k, v in room.items() if k != "webhook"}}
    if updated and room.get("webhook"):
        view["webhook"] = room["webhook"]
    return view


def list_view(recording: dict) -> dict:
    return {k: v for k, v in recording.items() if k not in ("_", "recording_assets")}


def recording_view(model: Hms, recording: dict, paused_view: bool = False) -> dict:
    view = {k: v for k, v in recording.items() if k != "_"}
    view["recording_assets"] = model.recording_assets(recording)
    if paused_view:  # as the vendor's pause and resume answers show
        view["asset_types"] = None
    return view


def stream_view(model: "Hms", stream: dict) -> dict:
    view = {k: v for k, v in stream.items() if k not in ("_", "kind")}
    view["recording_assets"] = model.recording_assets(stream)
    return view
