"""Lessonspace simulation endpoints under ``/_emulator/lessonspace/``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...core.control import control_body, platform_control
from ...core.http import json_response
from ...core.operations import operation
from .activity import Activity
from .constants import NAME, SETTINGS
from .models import Lessonspace
from .views import session_view

if TYPE_CHECKING:
    from ...core.engine import Engine


def control_blueprint(engine: "Engine") -> Blueprint:
    model: Lessonspace = engine.models[NAME]
    activity = Activity(model)
    bp = platform_control(engine, NAME, SETTINGS, "Lessonspace")
    session_errors = {400: "emulator/error", 404: "emulator/error", 409: "emulator/error"}

    @bp.post("/spaces/<uuid:room_id>/sessions")
    @operation("Run a simulated session in a space, starting now",
               {201: "session", 400: "emulator/error", 404: "emulator/error", 409: "emulator/error"},
               request="control.session.request")
    def run_session(room_id: UUID) -> Response:
        """Run a session in a space now: users join, talk (in breakouts too) and leave after ``duration``."""
        options = control_body(engine, "control.session.request", NAME)
        return json_response(session_view(model, model.run_session(str(room_id), options)), 201)

    @bp.post("/sessions/<uuid:session_uuid>/end")
    @operation("End a running session now (everyone leaves)",
               {200: "session", 404: "emulator/error", 409: "emulator/error"})
    def end_session(session_uuid: UUID) -> Response:
        return json_response(session_view(model, model.end_session(str(session_uuid))))

    @bp.post("/sessions/<uuid:session_uuid>/idle")
    @operation("A participant goes idle (user.idle), or with no user_id the whole session (session.idle)",
               {200: "control.activity.response", **session_errors}, request="control.idle.request")
    def idle(session_uuid: UUID) -> Response:
        body = control_body(engine, "control.idle.request", NAME)
        return json_response(activity.idle(str(session_uuid), body.get("user_id")))

    @bp.post("/sessions/<uuid:session_uuid>/chat")
    @operation("A participant sends a chat message (chat.message)", {200: "control.activity.response",
                                                                      **session_errors},
               request="control.chat.request")
    def chat(session_uuid: UUID) -> Response:
        body = control_body(engine, "control.chat.request", NAME)
        return json_response(activity.chat(str(session_uuid), body.get("user_id"), body.get("text", "Hello!")))

    @bp.post("/sessions/<uuid:session_uuid>/cobrowser")
    @operation("A participant starts or stops co-browsing (cobrowser.start / cobrowser.stop)",
               {200: "control.activity.response", **session_errors}, request="control.cobrowser.request")
    def cobrowser(session_uuid: UUID) -> Response:
        body = control_body(engine, "control.cobrowser.request", NAME)
        return json_response(activity.cobrowse(str(session_uuid), body.get("action", "start"),
                                               body.get("user_id"), body.get("url")))

    @bp.post("/sessions/<uuid:session_uuid>/knock")
    @operation("Someone outside knocks (knock.request); admit or deny the knock next",
               {201: "knock", **session_errors}, request="control.knock.request")
    def knock(session_uuid: UUID) -> Response:
        body = control_body(engine, "control.knock.request", NAME)
        return json_response(activity.knock(str(session_uuid), body.get("name", "Guest")), 201)

    @bp.post("/knocks/<uuid:knock_id>/admit")
    @operation("Let the knocking person in (knock.admit; they join the session)",
               {200: "knock", 404: "emulator/error", 409: "emulator/error"})
    def admit(knock_id: UUID) -> Response:
        return json_response(activity.answer(str(knock_id), admit=True))

    @bp.post("/knocks/<uuid:knock_id>/deny")
    @operation("Turn the knocking person away (knock.deny)", {200: "knock", 404: "emulator/error",
                                                              409: "emulator/error"})
    def deny(knock_id: UUID) -> Response:
        return json_response(activity.answer(str(knock_id), admit=False))

    return bp
