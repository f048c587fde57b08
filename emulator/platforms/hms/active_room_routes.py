"""100ms's active-room routes under /v2/active-rooms/{room_id}: the room's live session, its peers
(list, retrieve, update), messages, removing peers and ending the room. HTTP only."""
from __future__ import annotations

from flask import Response, request

from ...core.http import json_response
from ...core.operations import Param
from .http import ERR, Http


def add_active_room_routes(http: Http) -> None:
    model = http.model
    base = "/v2/active-rooms/<room_id>"

    @http.route(base, "The room's active session and its connected peers (404 when nobody is in)",
                {200: "active_room", 404: ERR})
    def get_active_room(room_id: str) -> Response:
        room, session = model.active_room(room_id)
        return json_response({"id": room["id"], "name": room["name"], "customer_id": room["customer_id"],
                              "session": {"id": session["id"], "created_at": session["created_at"],
                                          "peers": [p["id"] for p in model._people_in(session)]}})

    @http.route(f"{base}/peers", "The connected peers, by id (filters user_id, role)",
                {200: "active_room.peers.response", 400: ERR, 404: ERR},
                query=(Param("user_id", {"type": "string"}), Param("role", {"type": "string"})))
    def list_active_peers(room_id: str) -> Response:
        peers = model.connected_peers(room_id)
        for field in ("user_id", "role"):
            if request.args.get(field):
                peers = [p for p in peers if p[field] == request.args[field]]
        return json_response({"peers": {p["id"]: p for p in peers}})

    @http.route(f"{base}/peers/<peer_id>", "A connected peer with its tracks", {200: "active_room.peer", 404: ERR})
    def get_active_peer(room_id: str, peer_id: str) -> Response:
        return json_response(model.connected_peer(room_id, peer_id))

    @http.route(f"{base}/peers/<peer_id>", "Change a connected peer's name, role (role.change.success) or metadata",
                {200: "active_room.peer", 400: ERR, 404: ERR}, method="POST", request="active_room.peer.update.request")
    def update_active_peer(room_id: str, peer_id: str) -> Response:
        return json_response(model.update_peer(room_id, peer_id, http.body("active_room.peer.update.request")))

    @http.route(f"{base}/send-message", "Send a message to a peer, a role or everyone connected",
                {200: "message.response", 400: ERR, 404: ERR}, method="POST", request="active_room.message.request")
    def send_message(room_id: str) -> Response:
        model.send_message(room_id, http.body("active_room.message.request"))
        return json_response({"message": "message sent"})

    @http.route(f"{base}/remove-peers", "Disconnect a peer, or every peer of a role (peer.leave.success: peer kicked)",
                {200: "message.response", 400: ERR, 404: ERR}, method="POST", request="active_room.remove.request")
    def remove_peers(room_id: str) -> Response:
        model.remove_peers(room_id, http.body("active_room.remove.request"))
        return json_response({"message": "peer remove request submitted"})

    @http.route(f"{base}/end-room", "End the session for everyone and stop its recordings; lock disables the room",
                {200: "message.response", 400: ERR, 404: ERR}, method="POST", request="active_room.end.request")
    def end_room(room_id: str) -> Response:
        model.end_room(room_id, http.body("active_room.end.request"))
        return json_response({"message": "session is ending"})
