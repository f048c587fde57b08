"""100ms's HTTP surface under /100ms/v2: parse, authenticate, validate, call the model, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, Response, request

from ...core.clock import parse_iso
from ...core.errors import DomainError
from ...core.http import json_response
from ...core.operations import Param, operation
from .access_routes import add_access_routes
from .active_room_routes import add_active_room_routes
from .analytics_routes import add_analytics_routes
from .constants import DEFAULT_PRESIGN, NAME
from .poll_routes import add_poll_routes
from .stream_routes import add_stream_routes
from .template_routes import add_template_routes
from .http import ERR, PAGE, Http, error_body, filtered, hms_error, page, public  # noqa: F401 - error_body is the platform's
from .models import Hms

if TYPE_CHECKING:
    from ...core.engine import Engine

DATE_TIME = {"type": "string", "format": "date-time"}
RECORDING_STATUSES = ["starting", "running", "stopping", "post_processing", "completed", "failed"]
ASSET_TYPES = ["room-composite", "room-composite-legacy", "room-vod", "chat", "transcript", "summary", "track", "stream"]


def api_blueprint(engine: "Engine") -> Blueprint:
    model: Hms = engine.models[NAME]
    bp = Blueprint(NAME, __name__)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        return json_response(error_body(exc.status, exc.message), exc.status)

    http = Http(engine, bp)
    authenticated, body = http.authenticated, http.body

    auth = {401: ERR}

    @bp.post("/v2/rooms")
    @operation("Create a room, or update the room with that name", {200: "room", 400: ERR, **auth},
               request="room.create.request")
    @authenticated
    def create_room() -> Response:
        return json_response(room_view(model.create_room(body("room.create.request"))))

    @bp.get("/v2/rooms")
    @operation("List rooms", {200: "rooms.list.response", 400: ERR, 404: ERR, **auth},
               query=(Param("name", {"type": "string"}), Param("enabled", {"type": "boolean"}), *PAGE))
    @authenticated
    def list_rooms() -> Response:
        rooms = model.rooms()
        if request.args.get("name"):  # names are case-insensitive, as when creating
            rooms = [r for r in rooms if r["name"].lower() == request.args["name"].lower()]
        if request.args.get("enabled") in ("true", "false"):
            rooms = [r for r in rooms if r["enabled"] == (request.args["enabled"] == "true")]
        return json_response(page(rooms, request.args, room_view))

    @bp.get("/v2/rooms/<room_id>")
    @operation("A room", {200: "room", 404: ERR, **auth})
    @authenticated
    def get_room(room_id: str) -> Response:
        return json_response(room_view(model.room(room_id)))

    @bp.post("/v2/rooms/<room_id>")
    @operation("Update a room (name, description, recording_info, region, polls, webhook ...); enabled false "
               "disables it", {200: "room", 400: ERR, 404: ERR, **auth}, request="room.update.request")
    @authenticated
    def update_room(room_id: str) -> Response:
        return json_response(room_view(model.update_room(room_id, body("room.update.request"))))

    @bp.get("/v2/sessions")
    @operation("List sessions (all, or active=true|false; after and before bound the start)",
               {200: "sessions.list.response", 400: ERR, 404: ERR, **auth},
               query=(Param("room_id", {"type": "string"}), Param("active", {"type": "boolean"}),
                      Param("after", DATE_TIME), Param("before", DATE_TIME), *PAGE))
    @authenticated
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

    @bp.get("/v2/sessions/<session_id>")
    @operation("A session with its peers", {200: "session", 404: ERR, **auth})
    @authenticated
    def get_session(session_id: str) -> Response:
        return json_response(session_view(model.session(session_id)))

    @bp.post("/v2/recordings/room/<room_id>/start")
    @operation("Start recording a room (with transcription and summary if asked)",
               {200: "recording", 400: ERR, 404: ERR, 409: ERR, **auth}, request="recording.start.request")
    @authenticated
    def start(room_id: str) -> Response:
        return json_response(recording_view(model, model.start_recording(room_id, body("recording.start.request"))))

    @bp.post("/v2/recordings/<recording_id>/stop")
    @operation("Stop a recording", {200: "recording", 400: ERR, 404: ERR, **auth})
    @authenticated
    def stop(recording_id: str) -> Response:
        return json_response(recording_view(model, model.stop(recording_id)))

    @bp.post("/v2/recordings/room/<room_id>/stop")
    @operation("Stop every recording running in a room", {200: "recordings.stop.response", 404: ERR, **auth})
    @authenticated
    def stop_room(room_id: str) -> Response:
        stopped = [recording_view(model, r) for r in model.stop_room(room_id)]
        return json_response({"limit": max(10, len(stopped)), "data": stopped,
                              "last": stopped[-1]["id"] if stopped else ""})

    @bp.post("/v2/recordings/room/<room_id>/pause")
    @operation("Pause the room's recording (its status stays running)", {200: "recording", 404: ERR, 409: ERR, **auth})
    @authenticated
    def pause(room_id: str) -> Response:
        return json_response(recording_view(model, model.pause(room_id, True), paused_view=True))

    @bp.post("/v2/recordings/room/<room_id>/resume")
    @operation("Resume the room's recording", {200: "recording", 404: ERR, 409: ERR, **auth})
    @authenticated
    def resume(room_id: str) -> Response:
        return json_response(recording_view(model, model.pause(room_id, False), paused_view=True))

    @bp.get("/v2/recordings/<recording_id>")
    @operation("A recording with its assets", {200: "recording", 404: ERR, **auth})
    @authenticated
    def get_recording(recording_id: str) -> Response:
        return json_response(recording_view(model, model.recording(recording_id)))

    @bp.get("/v2/recordings")
    @operation("List recordings (without their assets)", {200: "recordings.list.response", 400: ERR, 404: ERR, **auth},
               query=(Param("room_id", {"type": "string"}), Param("session_id", {"type": "string"}),
                      Param("status", {"enum": RECORDING_STATUSES}), *PAGE))
    @authenticated
    def list_recordings() -> Response:
        recordings = filtered(model.recordings(), "room_id", "session_id", "status")
        return json_response(page(recordings, request.args, lambda r: list_view(r)))

    @bp.get("/v2/recording-assets")
    @operation("List recording assets", {200: "assets.list.response", 400: ERR, 404: ERR, **auth},
               query=(Param("room_id", {"type": "string"}), Param("session_id", {"type": "string"}),
                      Param("status", {"enum": ["processing", "completed", "failed"]}),
                      Param("type", {"enum": ASSET_TYPES}), *PAGE))
    @authenticated
    def list_assets() -> Response:
        return json_response(page(filtered(model.assets(), "room_id", "session_id", "status", "type"), request.args))

    @bp.get("/v2/recording-assets/<asset_id>")
    @operation("A recording asset", {200: "asset", 404: ERR, **auth})
    @authenticated
    def get_asset(asset_id: str) -> Response:
        return json_response(model.asset(asset_id))

    @bp.get("/v2/recording-assets/<asset_id>/presigned-url")
    @operation("A pre-signed download URL for an asset (default 3 days)",
               {200: "presigned_url.response", 400: ERR, 404: ERR, **auth},
               query=(Param("presign_duration", {"type": "integer", "minimum": 1, "maximum": 604800},
                            "seconds the URL stays valid"),))
    @authenticated
    def presigned_url(asset_id: str) -> Response:
        raw = request.args.get("presign_duration", str(DEFAULT_PRESIGN))
        try:
            lifetime = int(raw)
        except ValueError:
            raise hms_error(400, f"presign_duration: {raw!r} is not an integer")
        if not 1 <= lifetime <= 604800:
            raise hms_error(400, f"presign_duration: {lifetime} must be between 1 and 604800 seconds")
        return json_response(model.presign(asset_id, lifetime))

    add_active_room_routes(http)
    add_stream_routes(http)
    add_access_routes(http)
    add_template_routes(http)
    add_analytics_routes(http)
    add_poll_routes(http)
    return bp


def session_view(session: dict) -> dict:
    """A session as 100ms answers it: its live state (peer metadata and tracks, messages) is kept apart."""
    return public(session)


def room_view(room: dict) -> dict:
    return {k: v for k, v in room.items() if k != "webhook"}


def list_view(recording: dict) -> dict:
    return {k: v for k, v in recording.items() if k not in ("_", "recording_assets")}


def recording_view(model: Hms, recording: dict, paused_view: bool = False) -> dict:
    view = {k: v for k, v in recording.items() if k != "_"}
    view["recording_assets"] = model.recording_assets(recording)
    if paused_view:  # as the vendor's pause and resume answers show
        view["asset_types"] = None
    return view
