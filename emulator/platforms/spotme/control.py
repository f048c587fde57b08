"""SpotMe simulation endpoints under ``/_emulator/spotme/``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...control.routes import control_body, control_error
from ...core.errors import DomainError
from ...core.http import json_response
from ...core.operations import operation
from .models import BREAKOUT, LIVE, NAME, SETTINGS, SpotMe
from .routes import job_view

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "emulator/error"


def control_blueprint(engine: "Engine") -> Blueprint:
    model: SpotMe = engine.models[NAME]
    bp = Blueprint(f"{NAME}_control", __name__)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        error = control_error(exc.status, exc.message)
        return json_response(error.body, error.status)

    @bp.post("/workspaces")
    @operation("Create a workspace", {201: "workspace", 400: ERR}, request="control.workspace.request")
    def create_workspace() -> Response:
        options = control_body(engine, "control.workspace.request", NAME)
        return json_response(model.create_workspace(options.get("name")), 201)

    @bp.post("/workspaces/<workspace_id>/live-sessions")
    @operation("Add a live session (it starts after starts_in seconds, lasts duration; the VOD follows "
               "vod_delay seconds after its end)", {201: "live_session", 400: ERR, 404: ERR},
               request="control.live_session.request")
    def create_live_session(workspace_id: str) -> Response:
        options = control_body(engine, "control.live_session.request", NAME)
        return json_response(model.event_view(LIVE, model.create_live_session(workspace_id, options)), 201)

    @bp.post("/workspaces/<workspace_id>/breakouts")
    @operation("Add a video breakout (finished once its duration has passed)", {201: "breakout", 400: ERR, 404: ERR},
               request="control.breakout.request")
    def create_breakout(workspace_id: str) -> Response:
        options = control_body(engine, "control.breakout.request", NAME)
        return json_response(model.event_view(BREAKOUT, model.create_breakout(workspace_id, options)), 201)

    @bp.post("/jobs/<uuid:job_id>/fail")
    @operation("Make a pending or processing job fail", {200: "job", 400: ERR, 404: ERR, 409: ERR},
               request="control.job.fail.request")
    def fail_job(job_id: UUID) -> Response:
        options = control_body(engine, "control.job.fail.request", NAME)
        return json_response(job_view(model.fail_job(str(job_id), options.get("message"))))

    @bp.get("/settings")
    @operation("The SpotMe settings in force", {200: "control.settings.response"})
    def settings() -> Response:
        return json_response({name: model.setting(name) for name in SETTINGS})

    @bp.patch("/settings")
    @operation("Change SpotMe settings (rate_limit switches the 3/s limit on)",
               {200: "control.settings.response", 400: ERR}, request="control.settings.request")
    def update_settings() -> Response:
        engine.update_settings(NAME, control_body(engine, "control.settings.request", NAME))
        return settings()

    return bp
