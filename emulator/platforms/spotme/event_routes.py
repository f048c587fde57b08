"""SpotMe's live session and video breakout routes: list, retrieve, trigger generation, the
transcript links, and the generation job. HTTP only."""
from __future__ import annotations

from uuid import UUID

from flask import Response

from ...core.http import json_response
from .constants import BREAKOUT, LIVE
from .http import ERR, Http
from .views import event_view, job_view

KINDS = {"live-sessions": LIVE, "breakouts": BREAKOUT}


def add_event_routes(http: Http) -> None:
    model = http.model

    for segment, kind in KINDS.items():
        single = "live_session" if kind == LIVE else "breakout"
        plural = "live_sessions" if kind == LIVE else "breakouts"
        label = "live session" if kind == LIVE else "video breakout"

        def make_views(kind: str = kind, segment: str = segment, single: str = single, plural: str = plural,
                       label: str = label) -> None:
            @http.route(f"/workspace/<workspace_id>/{segment}", f"The workspace's {label}s",
                        {200: f"{plural}.list.response", 404: ERR}, endpoint=f"list_{plural}")
            def listing(workspace_id: str) -> Response:
                events = model.events(kind, workspace_id)
                return json_response({"data": [event_view(model, kind, e) for e in events]})

            @http.route(f"/workspace/<workspace_id>/{segment}/<event_id>", f"A {label}", {200: single, 404: ERR},
                        endpoint=f"get_{single}")
            def detail(workspace_id: str, event_id: str) -> Response:
                return json_response(event_view(model, kind, model.event(kind, workspace_id, event_id)))

            @http.route(f"/workspace/<workspace_id>/{segment}/<event_id>/transcript",
                        f"Trigger recording, transcript and caption generation for a {label}",
                        {202: "generate.response", 400: ERR, 404: ERR, 409: ERR}, method="POST",
                        endpoint=f"generate_{single}", request="generate.request",
                        description="409 while the live session's VOD is not available or the breakout has not "
                                    "finished. A completed job replaces the previous transcript.")
            def generate(workspace_id: str, event_id: str) -> Response:
                job = model.trigger(kind, workspace_id, event_id, http.body("generate.request", allow_empty=True))
                return json_response({"job_id": job["job_id"], "status": job["status"]}, 202)

            @http.route(f"/workspace/<workspace_id>/{segment}/<event_id>/transcript",
                        f"Links to the {label}'s VTT captions, TXT transcript and mp4 recording (valid 6 hours)",
                        {200: "transcript.response", 404: ERR}, endpoint=f"transcript_{single}")
            def transcript(workspace_id: str, event_id: str) -> Response:
                return json_response(model.transcript(kind, workspace_id, event_id))

        make_views()

    @http.route("/workspace/<workspace_id>/transcript-jobs/<uuid:job_id>", "A generation job: pending, processing, completed or failed", {200: "job", 404: ERR})
    def job(workspace_id: str, job_id: UUID) -> Response:
        return json_response(job_view(model.job(workspace_id, str(job_id))))
