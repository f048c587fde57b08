"""SpotMe on the dashboard: workspaces, live sessions, breakouts and generation jobs."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.objects import Family, Owner, Shown, moments
from .constants import BREAKOUT, JOB, LIVE, NAME, WORKSPACE
from .views import event_view, job_view, workspace_view

if TYPE_CHECKING:
    from ...core.engine import Engine


def families(engine: "Engine") -> list[Family]:
    model = engine.models[NAME]
    store = engine.store

    def workspaces() -> list[Shown]:
        return [Shown(w["id"], "active", moments(("created", w["created_at"])),
                      lambda w=w: workspace_view(model, w), w["name"],
                      Owner("organisation", model.org_id)) for w in store.find(WORKSPACE)]

    def events(kind: str) -> list[Shown]:
        now = engine.clock.now()
        shown = []
        for event in store.find(kind):
            view = event_view(model, kind, event)
            reached = [(status, at) for status, at in (("live", event["start"]), (view["status"], event["end"]))
                       if at <= now]
            shown.append(Shown(event["id"], view["status"], moments(*reached),
                               lambda e=event: event_view(model, kind, e), event["title"],
                               Owner("workspace", event["workspace_id"])))
        return shown

    def jobs() -> list[Shown]:
        return [Shown(j["job_id"], j["status"], moments(("pending", j["created_at"]), ("processing", j["started_at"]),
                                                       ("completed", j["completed_at"]), ("failed", j["failed_at"])),
                      lambda j=j: job_view(j), f"{j['target']['type']} {j['target']['id']}",
                      Owner("workspace", j["workspace_id"]))
                for j in store.find(JOB)]

    return [Family("workspaces", "Workspaces", workspaces),
            Family("live-sessions", "Live sessions", lambda: events(LIVE)),
            Family("breakouts", "Breakouts", lambda: events(BREAKOUT)),
            Family("jobs", "Generation jobs", jobs)]
