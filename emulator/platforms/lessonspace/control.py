"""Lessonspace simulation endpoints under ``/_emulator/lessonspace/``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...control.routes import control_body, platform_control
from ...core.http import json_response
from ...core.operations import operation
from .models import NAME, SETTINGS, Lessonspace

if TYPE_CHECKING:
    from ...core.engine import Engine


def control_blueprint(engine: "Engine") -> Blueprint:
    model: Lessonspace = engine.models[NAME]
    bp = platform_control(engine, NAME, SETTINGS, "Lessonspace")

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

    return bp
