"""Recall.ai's bot routes under /api/v1/bot/: create, list, retrieve, update, delete, and the
commands a bot takes in the call (leave, delete media, recording control). HTTP only."""
from __future__ import annotations

from typing import Callable
from uuid import UUID

from flask import Response, request

from ...core.clock import parse_iso
from ...core.http import json_response
from ...core.operations import Param
from .http import BAD, DATE_TIME, ERR, Http, metadata_filter, numbered_page
from .views import bot_view

BOT_STATUSES = ["analysis_done", "analysis_failed", "call_ended", "done", "fatal", "in_call_not_recording",
                "in_call_recording", "in_waiting_room", "joining_call", "media_expired", "ready", "recording_done",
                "recording_permission_allowed", "recording_permission_denied"]
PLATFORMS = ["chime_sdk", "google_meet", "google_meet_media_api", "goto_meeting", "microsoft_teams",
             "microsoft_teams_live", "slack_authenticator", "slack_huddle_observer", "webex", "zoom", "zoom_rtms"]


def add_bot_routes(http: Http) -> None:
    model = http.model

    @http.route("/api/v1/bot/", "Create a bot (it joins now, or at join_at)", {201: "bot", 400: BAD, 507: ERR},
                method="POST", request="bot.create.request")
    def create_bot() -> Response:
        key = request.headers.get("Idempotency-Key")
        status, bot = model.create(http.body("bot.create.request"),
                                   (request.headers.get("Authorization", ""), key) if key else None)
        return json_response(bot_view(model, bot), status)

    @http.route("/api/v1/bot/", "List bots (page pagination)", {200: "bots.list.response", 400: BAD, 404: ERR},
                query=(Param("page", {"type": "integer", "minimum": 1}), Param("join_at_after", DATE_TIME),
                       Param("join_at_before", DATE_TIME), Param("meeting_url", {"type": "string"}),
                       Param("platform", {"type": "array", "items": {"enum": PLATFORMS}}),
                       Param("status", {"type": "array", "items": {"enum": BOT_STATUSES}})))
    def list_bots() -> Response:
        bots = metadata_filter(model.bots())
        if request.args.getlist("platform"):  # repeated values are alternatives: ?status=done&status=fatal
            bots = [b for b in bots if b["meeting_url"]["platform"] in request.args.getlist("platform")]
        if request.args.getlist("status"):
            bots = [b for b in bots if model.status(b) in request.args.getlist("status")]
        if request.args.get("meeting_url"):
            bots = [b for b in bots if b["meeting_url_raw"] == request.args["meeting_url"]]
        for name, keep in (("join_at_after", lambda b, t: b["join_at"] and b["join_at"] >= t),
                           ("join_at_before", lambda b, t: b["join_at"] and b["join_at"] <= t)):
            if request.args.get(name):
                bots = [b for b in bots if keep(b, parse_iso(request.args[name]))]
        return json_response(numbered_page(bots, lambda b: bot_view(model, b)))

    @http.route("/api/v1/bot/<uuid:bot_id>/", "A bot", {200: "bot", 404: ERR})
    def get_bot(bot_id: UUID) -> Response:
        return json_response(bot_view(model, model.bot(str(bot_id))))

    @http.route("/api/v1/bot/<uuid:bot_id>/", "Change a scheduled bot that has not been dispatched",
                {200: "bot", 400: BAD, 404: ERR}, method="PATCH", request="bot.update.request")
    def update_bot(bot_id: UUID) -> Response:
        return json_response(bot_view(model, model.update(str(bot_id), http.body("bot.update.request"))))

    @http.route("/api/v1/bot/<uuid:bot_id>/", "Delete a scheduled bot that has not been dispatched",
                {204: None, 404: ERR, 405: ERR}, method="DELETE")
    def delete_bot(bot_id: UUID) -> Response:
        model.destroy(str(bot_id))
        return Response(status=204)

    def bot_command(name: str, summary: str, method: Callable[[str], dict]) -> None:
        def command(bot_id: UUID) -> Response:
            return json_response(bot_view(model, method(str(bot_id))))

        command.__name__ = name
        http.route(f"/api/v1/bot/<uuid:bot_id>/{name}/", summary, {200: "bot", 400: BAD, 404: ERR},
                   method="POST")(command)

    bot_command("leave_call", "Make the bot leave the call", model.leave_call)
    bot_command("delete_media", "Delete every recording and media file of the bot", model.delete_media)
    for command_name in ("stop_recording", "pause_recording", "resume_recording"):
        bot_command(command_name, command_name.replace("_", " ").capitalize(),
                    lambda bot_id, c=command_name: model.recording_command(bot_id, c))
