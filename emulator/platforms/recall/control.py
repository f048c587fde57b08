"""Recall simulation endpoints under ``/_emulator/recall/``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...control.routes import control_body, control_error
from ...core.errors import DomainError
from ...core.http import json_response
from ...core.operations import operation
from .models import NAME, SETTINGS, Recall
from .routes import bot_view

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "emulator/error"


def control_blueprint(engine: "Engine") -> Blueprint:
    model: Recall = engine.models[NAME]
    bp = Blueprint(f"{NAME}_control", __name__)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        error = control_error(exc.status if exc.status != 400 else 409, exc.message)
        return json_response(error.body, error.status)

    @bp.post("/bots/<uuid:bot_id>/force")
    @operation("Force what the meeting does to a bot: admit, fatal, kicked, host_ends, everyone_leaves",
               {200: "bot", 400: ERR, 404: ERR, 409: ERR}, request="control.force.request")
    def force(bot_id: UUID) -> Response:
        options = control_body(engine, "control.force.request", NAME)
        return json_response(bot_view(model, model.force(str(bot_id), options["outcome"])))

    @bp.get("/settings")
    @operation("The Recall settings in force (webhook endpoints and secret, timings)", {200: "control.settings.response"})
    def settings() -> Response:
        return json_response({name: model.setting(name) for name in SETTINGS})

    @bp.patch("/settings")
    @operation("Change Recall settings", {200: "control.settings.response", 400: ERR},
               request="control.settings.request")
    def update_settings() -> Response:
        engine.update_settings(NAME, control_body(engine, "control.settings.request", NAME))
        return settings()

    return bp
