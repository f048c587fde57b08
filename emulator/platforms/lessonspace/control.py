"""Lessonspace simulation endpoints under ``/_emulator/lessonspace/``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...control.routes import control_body, control_error
from ...core.errors import DomainError
from ...core.http import json_response
from ...core.operations import operation
from .models import NAME, SETTINGS, Lessonspace

if TYPE_CHECKING:
    from ...core.engine import Engine


def control_blueprint(engine: "Engine") -> Blueprint:
    model: Lessonspace = engine.models[NAME]
    bp = Blueprint(f"{NAME}_control", __name__)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        error = control_error(exc.status, exc.message)
        return json_response(error.body, error.status)

    @bp.post("/spaces/<uuid:room_id>/sessions")
    @operation("Run a simulated session in a space, starting now",
               {201: "session", 400: "emulator/error", 404: "emulator/error", 409: "emulator/error"},
               request="control.session.request")
    def run_session(room_id: UUID) -> Response:
        """Run a session in a space now: users join, talk (in breakouts too) and leave after ``duration``."""
        options = control_body(engine, "control.session.request", NAME)
        return json_response(model.session_view(model.run_session(str(room_id), options)), 201)

    @bp.post("/sessions/<uuid:session_uuid>/end")
    @operation("End a running session now (everyone leaves)",
               {200: "session", 404: "emulator/error", 409: "emulator/error"})
    def end_session(session_uuid: UUID) -> Response:
        return json_response(model.session_view(model.end_session(str(session_uuid))))

    @bp.get("/settings")
    @operation("The Lessonspace settings in force", {200: "control.settings.response"})
    def settings() -> Response:
        return json_response({name: model.setting(name) for name in SETTINGS})

    @bp.patch("/settings")
    @operation("Change Lessonspace settings", {200: "control.settings.response", 400: "emulator/error"},
               request="control.settings.request")
    def update_settings() -> Response:
        engine.update_settings(NAME, control_body(engine, "control.settings.request", NAME))
        return settings()

    return bp
