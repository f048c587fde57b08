"""100ms's routes for getting into a room: room codes under /v2/room-codes (create for every role or
one, list, enable or disable) and RTMP stream keys under /v2/stream-keys (create, get, disable).
HTTP only."""
from __future__ import annotations

from flask import Response, request

from ...core.http import json_response
from ...core.operations import Param
from .http import ERR, PAGE, Http, page


def add_access_routes(http: Http) -> None:
    model = http.model

    @http.route("/v2/room-codes/room/<room_id>", "Create a room code for every role of the room (a role that has one "
                "keeps it)", {200: "room_codes.create.response", 403: ERR, 404: ERR}, method="POST")
    def create_room_codes(room_id: str) -> Response:
        return json_response({"data": model.create_room_codes(room_id)})

    @http.route("/v2/room-codes/room/<room_id>/role/<role>", "Create the room code of one role",
                {200: "room_code", 403: ERR, 404: ERR}, method="POST")
    def create_role_room_code(room_id: str, role: str) -> Response:
        return json_response(model.create_room_codes(room_id, role)[0])

    @http.route("/v2/room-codes/room/<room_id>", "The room's codes (filters role, enabled)",
                {200: "room_codes.list.response", 400: ERR, 403: ERR, 404: ERR},
                query=(Param("role", {"type": "string"}), Param("enabled", {"type": "boolean"}),
                       Param("start", {"type": "string"}), PAGE[1]))
    def list_room_codes(room_id: str) -> Response:
        codes = model.room_codes(room_id)
        if request.args.get("role"):
            codes = [c for c in codes if c["role"] == request.args["role"]]
        if request.args.get("enabled"):
            codes = [c for c in codes if c["enabled"] == (request.args["enabled"] == "true")]
        listed = page([{**c, "id": c["code"]} for c in codes], request.args)  # a code pages like an id
        listed["data"] = [{k: v for k, v in c.items() if k != "id"} for c in listed["data"]]
        return json_response(listed)

    @http.route("/v2/room-codes/code", "Enable or disable a room code", {200: "room_code", 400: ERR, 403: ERR, 404: ERR},
                method="POST", request="room_code.update.request")
    def update_room_code() -> Response:
        body = http.body("room_code.update.request")
        return json_response(model.set_room_code(body["code"], body["enabled"]))

    @http.route("/v2/stream-keys/room/<room_id>", "Create the room's RTMP stream key and ingest URL (one active)",
                {200: "stream_key", 400: ERR, 403: ERR, 404: ERR}, method="POST")
    def create_stream_key(room_id: str) -> Response:
        return json_response(model.create_stream_key(room_id))

    @http.route("/v2/stream-keys/room/<room_id>", "The room's active stream key",
                {200: "stream_keys.response", 403: ERR, 404: ERR})
    def get_stream_keys(room_id: str) -> Response:
        keys = model.stream_keys(room_id)
        return json_response({"data": keys, "last": keys[-1]["id"]})

    @http.route("/v2/stream-keys/room/<room_id>/disable", "Disable the room's stream key",
                {201: "message.response", 403: ERR, 404: ERR}, method="POST")
    def disable_stream_key(room_id: str) -> Response:
        model.disable_stream_key(room_id)
        return json_response({"message": "key disabled successfully"}, 201)  # the reference's status
