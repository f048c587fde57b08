"""Lessonspace simulation endpoints under ``/_emulator/lessonspace/``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, Response

from ...control.routes import control_body, control_error
from ...core.errors import DomainError
from ...core.http import json_response
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

    @bp.post("/spaces/<room_id>/sessions")
    def run_session(room_id: str) -> Response:
        """Run a session in a space now: users join, talk (in breakouts too) and leave after ``duration``."""
        options = control_body(engine, "control.session.request", NAME)
        return json_response(model.session_view(model.run_session(room_id.lower(), options)), 201)

    @bp.post("/sessions/<uuid>/end")
    def end_session(uuid: str) -> Response:
        return json_response(model.session_view(model.end_session(uuid.lower())))

    @bp.get("/settings")
    def settings() -> Response:
        return json_response({name: model.setting(name) for name in SETTINGS})

    @bp.patch("/settings")
    def update_settings() -> Response:
        engine.update_settings(NAME, control_body(engine, "control.settings.request", NAME))
        return settings()

    return bp
