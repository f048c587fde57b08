"""MeetStream's bot routes: create, list, status, detail, summary, remove, delete, chat, images,
pause and resume."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Response, g, request

from ...core.http import json_response
from ...core.operations import Param
from .http import ERR, NOT_READY, Http, error_body, ms_error  # noqa: F401 - error_body is the platform's
from .models import MeetStream
from .views import bot_details, bot_view, created_view

if TYPE_CHECKING:
    pass


def add_bot_routes(http: Http) -> None:
    model: MeetStream = http.model

    @http.route("/bots/create_bot", "Send a bot into a meeting (201; an Idempotency-Key replay answers 507 with "
                "the original bot; a deduplication_key still in use answers 200 with its bot)",
                {200: "bot", 201: "bot", 400: ERR, 409: ERR, 507: "bot"}, method="POST", request="bot.create.request")
    def create_bot() -> Response:
        # bot_name is required (the reference); the require_bot_name setting off gives the older default
        defaults = {} if model.setting("require_bot_name") else {"bot_name": "MeetStream Bot"}
        body = http.body("bot.create.request", defaults=defaults)
        status, bot = model.create(g.api_key, body, request.headers.get("Idempotency-Key"))
        return json_response(created_view(bot), status)

    @http.route("/bots", "List bots (newest first)", {200: "bots.list.response", 400: ERR, 404: ERR},
                query=(Param("cursor", {"type": "string"}),
                       Param("limit", {"type": "integer", "minimum": 1, "maximum": 100})))
    def list_bots() -> Response:
        bots = list(reversed(model.bots(g.api_key)))
        cursor, limit = request.args.get("cursor"), int(request.args.get("limit", 20))
        if cursor:
            ids = [b["bot_id"] for b in bots]
            if cursor not in ids:  # as Django REST framework answers a cursor it did not issue
                raise ms_error(404, f"Invalid cursor {cursor!r}")
            bots = bots[ids.index(cursor) + 1:]
        page = bots[:limit]
        more = len(bots) > limit
        return json_response({"bots": [bot_view(b) for b in page], "hasNextPage": more,
                              "nextCursor": page[-1]["bot_id"] if more else None})

    @http.bot_route("/status", "The bot's current status", {200: "bot.status.response"})
    def status(bot_id: UUID) -> Response:
        bot = model.bot(str(bot_id), g.api_key)
        return json_response({"bot_id": bot["bot_id"], "status": bot["status"],
                              "custom_attributes": bot["custom_attributes"]})

    @http.bot_route("/detail", "The bot's full record: StatusTimeline, RequestPayload, transcript_id, ...",
                    {200: "bot.detail.response"})
    def detail(bot_id: UUID) -> Response:
        return json_response({"bot_details": bot_details(model, model.bot(str(bot_id), g.api_key))})

    @http.bot_route("/summary", "The meeting summary a workflow made (the detail shape with a summary); "
                    "202 until ready, 404 without a workflow", {200: "bot.summary.response", 202: NOT_READY})
    def summary(bot_id: UUID) -> Response:
        bot = model.bot(str(bot_id), g.api_key)
        if not bot["workflows"]:
            raise ms_error(404, f"Bot {bot_id} has no summary workflow (workflow_config_ids).")
        made = model.summary(bot)
        if made is None:
            return json_response({"message": "processing"}, 202)
        return json_response({"bot_details": {**bot_details(model, bot), "summary": made}})

    @http.bot_route("/remove_bot", "Make the bot leave (a GET; the data is kept)",
                    {200: "bot.remove.response", 409: ERR})
    def remove_bot(bot_id: UUID) -> Response:
        bot = model.remove(g.api_key, str(bot_id))
        return json_response({"bot_id": bot["bot_id"], "message": "Bot is leaving the meeting"})

    @http.bot_route("/delete", "Permanently delete the bot's audio, video and transcripts (then data_deletion)",
                    {200: "bot.delete.response", 409: ERR}, method="DELETE")
    def delete_bot(bot_id: UUID) -> Response:
        return json_response(model.delete(g.api_key, str(bot_id)))

    @http.bot_route("/send_message", "Post a chat message in the meeting as the bot",
                    {200: "command.response", 400: ERR, 409: ERR}, method="POST", request="send_message.request")
    def send_message(bot_id: UUID) -> Response:
        body = http.body("send_message.request")
        return json_response(model.say(g.api_key, str(bot_id), body["message"], body.get("metadata")))

    @http.bot_route("/send_image", "Post an image (a public img_url) in the meeting chat",
                    {200: "command.response", 400: ERR, 409: ERR}, method="POST", request="send_image.request")
    def send_image(bot_id: UUID) -> Response:
        return json_response(model.show_image(g.api_key, str(bot_id), http.body("send_image.request")))

    for paused in (True, False):
        name = "pause_recording" if paused else "resume_recording"

        def command(bot_id: UUID, paused: bool = paused) -> Response:
            http.body("empty.request", allow_empty=True)
            return json_response(model.pause(g.api_key, str(bot_id), paused))

        command.__name__ = name
        http.bot_route(f"/{name}", "Stop recording without leaving (paused time is left out of the media)"
                       if paused else "Start recording again after a pause", {200: "command.response", 400: ERR, 409: ERR},
                       method="POST", request="empty.request", optional_body=True)(command)
