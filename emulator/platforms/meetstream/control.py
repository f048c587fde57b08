"""MeetStream simulation endpoints under ``/_emulator/meetstream/``: force what happens to a bot,
reject a Teams account's password, and add or move calendar events (what a calendar's owner would do)."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...core.control import control_body, platform_control
from ...core.http import json_response
from ...core.operations import operation
from .constants import NAME, SETTINGS
from .models import MeetStream
from .views import event_view, teams_login_view

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "emulator/error"


def banner(engine: "Engine") -> list[str]:
    """What `serve` prints for this platform: the credentials and secrets to configure a client with."""
    return [f"webhook secret {engine.models[NAME].setting('webhook_secret')}"]


def control_blueprint(engine: "Engine") -> Blueprint:
    model: MeetStream = engine.models[NAME]
    bp = platform_control(engine, NAME, SETTINGS, "MeetStream")

    @bp.post("/bots/<uuid:bot_id>/force")
    @operation("Force what happens to a bot: admit, deny, fail, kick, everyone_leaves, permission_denied, "
               "streaming_error (bot.error), transcription_fails", {200: "bot.status.response", 400: ERR, 404: ERR,
                                                                    409: ERR},
               request="control.force.request")
    def force(bot_id: UUID) -> Response:
        options = control_body(engine, "control.force.request", NAME)
        bot = model.force(str(bot_id), options["outcome"], options.get("message"))
        return json_response({"bot_id": bot["bot_id"], "status": bot["status"],
                              "custom_attributes": bot["custom_attributes"]})

    @bp.post("/teams-logins/<login_id>/reject-password")
    @operation("Microsoft rejects a Teams account's password: the account is deactivated (last_login_error) "
               "until PATCH /teams-logins/{login_id} sets a new one", {200: "teams_login", 404: ERR})
    def reject_password(login_id: str) -> Response:
        return json_response(teams_login_view(model, model.reject_teams_password(login_id)))

    @bp.post("/calendar/events")
    @operation("Add an event to an API key's connected calendar", {201: "event", 400: ERR, 409: ERR},
               request="control.event.request")
    def add_event() -> Response:
        body = control_body(engine, "control.event.request", NAME)
        return json_response(event_view(model, model.add_event(body.pop("api_key"), body)), 201)

    @bp.patch("/calendar/events/<event_id>")
    @operation("Move, relink, rename or cancel an event; its scheduled bots follow", {200: "event", 400: ERR,
                                                                                       404: ERR},
               request="control.event.update.request")
    def move_event(event_id: str) -> Response:
        return json_response(event_view(model, model.move_event(event_id, control_body(engine, "control.event.update.request", NAME))))

    return bp
