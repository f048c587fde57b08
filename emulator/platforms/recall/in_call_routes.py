"""Recall.ai's in-call bot routes under /api/v1/bot/{id}/: start_recording with its own config,
chat, recording permission, output audio, video, screenshare and media, and debug screenshots.
HTTP only."""
from __future__ import annotations

import base64
from urllib.parse import urlencode
from uuid import UUID

from flask import Response, request

from ...core import drf
from ...core.clock import parse_iso
from ...core.http import json_response
from ...core.operations import Param
from .http import BAD, DATE_TIME, ERR, PAGE_SIZE, Http
from .views import bot_view, screenshot_view

OUTPUTS = {"output_audio": ("audio", "Play an MP3 through the bot's microphone"),
           "output_video": ("video", "Show a JPEG on the bot's camera"),
           "output_screenshare": ("screenshare", "Share a JPEG as the bot's screen")}


def add_in_call_routes(http: Http) -> None:
    model = http.model
    bot_path = "/api/v1/bot/<uuid:bot_id>"

    @http.route(f"{bot_path}/start_recording/", "Start a new recording with this config (defaults are the endpoint's, "
                "not the bot's); while recording, the new recording replaces the current one",
                {200: "bot", 400: BAD, 404: ERR}, method="POST", request="start_recording.request", optional_body=True)
    def start_recording(bot_id: UUID) -> Response:
        body = http.body("start_recording.request", allow_empty=True)
        return json_response(bot_view(model, model.recording_command(str(bot_id), "start_recording", body)))

    @http.route(f"{bot_path}/send_chat_message/", "Send a chat message to everyone (or, on Zoom, to one participant)",
                {200: "bot", 400: BAD, 404: ERR}, method="POST", request="send_chat_message.request")
    def send_chat_message(bot_id: UUID) -> Response:
        return json_response(bot_view(model, model.send_chat_message(str(bot_id), http.body("send_chat_message.request"))))

    @http.route(f"{bot_path}/request_recording_permission/", "Ask the host for permission to record (Zoom)",
                {200: "bot", 400: BAD, 404: ERR}, method="POST")
    def request_recording_permission(bot_id: UUID) -> Response:
        return json_response(bot_view(model, model.request_recording_permission(str(bot_id))))

    for name, (channel, summary) in OUTPUTS.items():
        _output_routes(http, name, channel, summary)

    @http.route(f"{bot_path}/output_media/", "Stream a webpage as the bot's camera and/or screenshare",
                {200: "bot", 400: BAD, 404: ERR}, method="POST", request="output_media.request")
    def output_media(bot_id: UUID) -> Response:
        return json_response(bot_view(model, model.output_media(str(bot_id), http.body("output_media.request"))))

    @http.route(f"{bot_path}/output_media/", "Stop the webpage on the camera and/or screenshare named true",
                {204: None, 400: BAD, 404: ERR}, method="DELETE", request="output_media.stop.request",
                optional_body=True)
    def stop_output_media(bot_id: UUID) -> Response:
        body = http.body("output_media.stop.request", allow_empty=True)
        model.stop_output(str(bot_id), [f"media_{c}" for c in ("camera", "screenshare") if body.get(c)])
        return Response(status=204)

    @http.route(f"{bot_path}/screenshots/", "The bot's debug screenshots (no participant video), oldest first",
                {200: "screenshots.list.response", 400: BAD, 404: ERR},
                query=(Param("recorded_at_after", DATE_TIME), Param("recorded_at_before", DATE_TIME),
                       Param("continuation_token", {"type": "string"}), Param("action", {"enum": ["next", "prev"]}),
                       Param("meta", {"type": "string"})))
    def list_screenshots(bot_id: UUID) -> Response:
        shots = model.screenshots(str(bot_id))
        after, before = request.args.get("recorded_at_after"), request.args.get("recorded_at_before")
        if after:
            shots = [s for s in shots if s["recorded_at"] >= parse_iso(after)]
        if before:
            shots = [s for s in shots if s["recorded_at"] <= parse_iso(before)]
        return json_response(_token_page(shots, lambda s: screenshot_view(model, s)))

    @http.route(f"{bot_path}/screenshots/<uuid:screenshot_id>/", "A debug screenshot", {200: "screenshot", 404: ERR})
    def get_screenshot(bot_id: UUID, screenshot_id: UUID) -> Response:
        return json_response(screenshot_view(model, model.screenshot(str(bot_id), str(screenshot_id))))


def _output_routes(http: Http, name: str, channel: str, summary: str) -> None:
    model = http.model

    def start(bot_id: UUID) -> Response:
        return json_response(bot_view(model, model.output(str(bot_id), channel, http.body(f"{name}.request"))))

    def stop(bot_id: UUID) -> Response:
        model.stop_output(str(bot_id), [channel])
        return Response(status=204)

    start.__name__, stop.__name__ = name, f"stop_{name}"
    path = f"/api/v1/bot/<uuid:bot_id>/{name}/"
    http.route(path, summary, {200: "bot", 400: BAD, 404: ERR}, method="POST", request=f"{name}.request")(start)
    http.route(path, f"Stop: {summary[0].lower()}{summary[1:]}", {204: None, 400: BAD, 404: ERR},
               method="DELETE")(stop)


def _token_page(items: list[dict], view) -> dict:
    """The screenshot list pages with an opaque continuation_token in its next and previous links."""
    raw = request.args.get("continuation_token")
    try:
        start = int(base64.urlsafe_b64decode(raw.encode()).decode()) if raw else 0
    except (ValueError, UnicodeDecodeError):
        raise drf.detail(404, "Invalid continuation_token.") from None  # as DRF answers a bad cursor

    def link(offset: int, action: str) -> str:
        args = {k: v for k, v in request.args.items() if k not in ("continuation_token", "action")}
        token = base64.urlsafe_b64encode(str(offset).encode()).decode()
        return f"{request.base_url}?{urlencode({**args, 'continuation_token': token, 'action': action})}"

    return {"next": link(start + PAGE_SIZE, "next") if start + PAGE_SIZE < len(items) else None,
            "previous": link(max(0, start - PAGE_SIZE), "prev") if start > 0 else None,
            "results": [view(i) for i in items[start:start + PAGE_SIZE]]}
