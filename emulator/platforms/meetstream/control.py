"""MeetStream simulation endpoints under ``/_emulator/meetstream/``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...control.routes import control_body, platform_control
from ...core.http import json_response
from ...core.operations import operation
from .models import NAME, SETTINGS, MeetStream

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "emulator/error"


def control_blueprint(engine: "Engine") -> Blueprint:
    model: MeetStream = engine.models[NAME]
    bp = platform_control(engine, NAME, SETTINGS, "MeetStream")

    @bp.post("/bots/<uuid:bot_id>/force")
    @operation("Force what happens to a bot: admit, deny, fail, kick, everyone_leaves, permission_denied",
               {200: "bot", 400: ERR, 404: ERR, 409: ERR}, request="control.force.request")
    def force(bot_id: UUID) -> Response:
        options = control_body(engine, "control.force.request", NAME)
        return json_response(model.view(model.force(str(bot_id), options["outcome"])))

    return bp
