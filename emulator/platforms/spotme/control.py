"""SpotMe simulation endpoints under ``/_emulator/spotme/``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...core.control import control_body, platform_control
from ...core import pathmap
from ...core.http import json_response
from ...core.operations import operation
from .constants import BREAKOUT, LIVE, NAME, SETTINGS
from .models import SpotMe
from .views import event_view, job_view, workspace_view

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "emulator/error"


def control_blueprint(engine: "Engine") -> Blueprint:
    model: SpotMe = engine.models[NAME]
    bp = platform_control(engine, NAME, SETTINGS, "SpotMe",
                          check=lambda values: pathmap.problems(values.get("path_map") or {}))

    @bp.post("/workspaces")
    @operation("Create a workspace", {201: "workspace", 400: ERR}, request="control.workspace.request")
    def create_workspace() -> Response:
        options = control_body(engine, "control.workspace.request", NAME)
        return json_response(workspace_view(model, model.create_workspace(options.get("name"))), 201)

    @bp.post("/workspaces/<workspace_id>/live-sessions")
    @operation("Add a live session (it starts after starts_in seconds, lasts duration; the VOD follows "
               "vod_delay seconds after its end)", {201: "live_session", 400: ERR, 404: ERR},
               request="control.live_session.request")
    def create_live_session(workspace_id: str) -> Response:
        options = control_body(engine, "control.live_session.request", NAME)
        return json_response(event_view(model, LIVE, model.create_live_session(workspace_id, options)), 201)

    @bp.post("/workspaces/<workspace_id>/breakouts")
    @operation("Add a video breakout (finished once its duration has passed)", {201: "breakout", 400: ERR, 404: ERR},
               request="control.breakout.request")
    def create_breakout(workspace_id: str) -> Response:
        options = control_body(engine, "control.breakout.request", NAME)
        return json_response(event_view(model, BREAKOUT, model.create_breakout(workspace_id, options)), 201)

    @bp.post("/jobs/<uuid:job_id>/fail")
    @operation("Make a pending or processing job fail", {200: "job", 400: ERR, 404: ERR, 409: ERR},
               request="control.job.fail.request")
    def fail_job(job_id: UUID) -> Response:
        options = control_body(engine, "control.job.fail.request", NAME)
        return json_response(job_view(model.fail_job(str(job_id), options.get("message"))))

    return bp
