"""MeetStream simulation endpoints under ``/_emulator/meetstream/``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...control.routes import control_body, control_error
from ...core.errors import DomainError
from ...core.http import json_response
from ...core.operations import operation
from .models import NAME, SETTINGS, MeetStream

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "emulator/error"


def control_blueprint(engine: "Engine") -> Blueprint:
    model: MeetStream = engine.models[NAME]
    bp = Blueprint(f"{NAME}_control", __name__)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        error = control_error(exc.status, exc.message)
        return json_response(error.body, error.status)

    @bp.post("/bots/<uuid:bot_id>/force")
    @operation("Force what happens to a bot: admit, deny, fail, kick, everyone_leaves, permission_denied",
               {200: "bot", 400: ERR, 404: ERR, 409: ERR}, request="control.force.request")
    def force(bot_id: UUID) -> Response:
        options = control_body(engine, "control.force.request", NAME)
        return json_response(model.view(model.force(str(bot_id), options["outcome"])))

    @bp.get("/settings")
    @operation("The MeetStream settings in force", {200: "control.settings.response"})
    def settings() -> Response:
        return json_response({name: model.setting(name) for name in SETTINGS})

    @bp.patch("/settings")
    @operation("Change MeetStream settings (strict keys, webhook secret, timings)",
               {200: "control.settings.response", 400: ERR}, request="control.settings.request")
    def update_settings() -> Response:
        engine.update_settings(NAME, control_body(engine, "control.settings.request", NAME))
        return settings()

    return bp
