"""SpotMe's response shapes: a workspace, a live session or breakout, and a job as the API answers
them. The models never build JSON; routes, the control API and the dashboard answer through these."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.clock import iso, parse_iso
from .constants import BREAKOUT, LIVE, NAME, TRANSCRIPT

if TYPE_CHECKING:
    from .models import SpotMe


def workspace_view(model: "SpotMe", workspace: dict) -> dict:
    """The stored workspace with what public client code reads: its dates, whether it is live,
    and where its CMS is. ``start`` / ``end`` span its sessions and breakouts."""
    events = model.store.find(LIVE, workspace["id"]) + model.store.find(BREAKOUT, workspace["id"])
    created = parse_iso(workspace["created_at"])
    start = min((e["start"] for e in events), default=created)
    end = max((e["end"] for e in events), default=created)
    now = model.clock.now()
    return {**workspace, "org_id": model.org_id, "start": iso(start), "end": iso(end), "is_active": True,
            "is_live": start <= now < end,
            "cms_url": f"{model.engine.config.public_url}/{NAME}/cms/{workspace['id']}"}


def event_view(model: "SpotMe", kind: str, event: dict) -> dict:
    now = model.clock.now()
    view = {"id": event["id"], "workspace_id": event["workspace_id"], "title": event["title"],
            "start": iso(event["start"]), "end": iso(event["end"]),
            "duration": round(event["end"] - event["start"]), "speakers": model.speakers(event)}
    if kind == LIVE:
        available_at = event["end"] + event["vod_delay"]
        view["status"] = "scheduled" if now < event["start"] else "live" if now < event["end"] else "past"
        view["vod"] = {
            "status": "none" if now < event["end"] else "processing" if now < available_at else "available",
            "available_at": iso(available_at),
        }
    else:
        view["status"] = "scheduled" if now < event["start"] else "live" if now < event["end"] else "finished"
        view["participants"] = view.pop("speakers")
    current = model.store.get(TRANSCRIPT, f"{kind}:{event['id']}")
    view["transcript_generated_at"] = current["generated_at"] if current else None
    return view


def job_view(job: dict) -> dict:
    return {k: v for k, v in job.items() if k != "glossary"}
