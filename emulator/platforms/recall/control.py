"""Recall simulation endpoints under ``/_emulator/recall/``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...control.routes import control_body, platform_control
from ...core.http import json_response
from ...core.operations import operation
from .constants import NAME, SETTINGS
from .models import Recall
from .views import bot_view

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "emulator/error"


def control_blueprint(engine: "Engine") -> Blueprint:
    model: Recall = engine.models[NAME]
    bp = platform_control(engine, NAME, SETTINGS, "Recall")

    @bp.post("/bots/<uuid:bot_id>/force")
    @operation("Force what the meeting does to a bot: admit, fatal, kicked, host_ends, everyone_leaves",
               {200: "bot", 400: ERR, 404: ERR, 409: ERR}, request="control.force.request")
    def force(bot_id: UUID) -> Response:
        options = control_body(engine, "control.force.request", NAME)
        return json_response(bot_view(model, model.force(str(bot_id), options["outcome"])))

    return bp
