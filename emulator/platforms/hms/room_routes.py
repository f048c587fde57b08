"""100ms's room and session routes under /v2/rooms and /v2/sessions: create, list, retrieve,
update; sessions with their peers. HTTP only."""
from __future__ import annotations

from flask import Response, request

from ...core.clock import parse_iso
from ...core.http import json_response
from ...core.operations import Param
from .http import ERR, PAGE, Http, filtered, page
from .views import room_view, session_view

DATE_TIME = {"type": "string", "format": "date-time"}


def add_room_routes(http: Http) -> None:
    model, body = http.model, http.body

    @http.route("/v2/rooms", "Create a room, or update the room with that name", {200: "room", 400: ERR},
               request="room.create.request", method="POST")
    def create_room() -> Response:
        return json_response(room_view(model.create_room(body("room.create.request"))))

    @http.route("/v2/rooms", "List rooms", {200: "rooms.list.response", 400: ERR, 404: ERR},
               query=(Param("name", {"type": "string"}), Param("enabled", {"type": "boolean"}), *PAGE))
    def list_rooms() -> Response:
        rooms = model.rooms()
        if request.args.get("name"):  # names are case-insensitive, as when creating
            rooms = [r for r in rooms if r["name"].lower() == request.args["name"].lower()]
        if request.args.get("enabled") in ("true", "false"):
            rooms = [r for r in rooms if r["enabled"] == (request.args["enabled"] == "true")]
        return json_response(page(rooms, request.args, room_view))

    @http.route("/v2/rooms/<room_id>", "A room", {200: "room", 404: ERR})
    def get_room(room_id: str) -> Response:
        return json_response(room_view(model.room(room_id)))

    @http.route("/v2/rooms/<room_id>", "Update a room (name, description, recording_info, region, polls, webhook ...); enabled false "
               "disables it", {200: "room", 400: ERR, 404: ERR}, request="room.update.request", method="POST")
    def update_room(room_id: str) -> Response:
        return json_response(room_view(model.update_room(room_id, body("room.update.request")), updated=True))

    @http.route("/v2/sessions", "List sessions (all, or active=true|false; after and before bound the start)",
               {200: "sessions.list.response", 400: ERR, 404: ERR},
               query=(Param("room_id", {"type": "string"}), Param("active", {"type": "boolean"}),
                      Param("after", DATE_TIME), Param("before", DATE_TIME), *PAGE))
    def list_sessions() -> Response:
        sessions = filtered(model.sessions(), "room_id")
        # The reference's table says active defaults to true; its example (no filter, ended sessions)
        # and the SDK (which asks for active=true itself) say all: examples and SDK win.
        if request.args.get("active") in ("true", "false"):
            sessions = [s for s in sessions if s["active"] == (request.args["active"] == "true")]
        if request.args.get("after"):
            sessions = [s for s in sessions if parse_iso(s["created_at"]) >= parse_iso(request.args["after"])]
        if request.args.get("before"):
            sessions = [s for s in sessions if parse_iso(s["created_at"]) <= parse_iso(request.args["before"])]
        return json_response(page(sessions, request.args, session_view))

    @http.route("/v2/sessions/<session_id>", "A session with its peers", {200: "session", 404: ERR})
    def get_session(session_id: str) -> Response:
        return json_response(session_view(model.session(session_id)))
