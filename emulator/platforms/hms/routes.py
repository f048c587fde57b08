"""100ms's HTTP surface under /100ms/v2: parse, authenticate, validate, call the model, serialise."""
from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Callable

from flask import Blueprint, Response, request

from ...core.clock import transport_now
from ...core.errors import ApiError, DomainError
from ...core.http import json_response, read_json
from ...core.operations import Param, operation, query_errors
from ...core.schemas import json_path
from .auth import token_problem
from .constants import DEFAULT_PRESIGN, NAME
from .models import Hms

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "error"
RECORDING_STATUSES = ["starting", "running", "stopping", "post_processing", "completed", "failed"]
ASSET_TYPES = ["room-composite", "room-composite-legacy", "room-vod", "chat", "transcript", "summary", "track", "stream"]
PAGE = (Param("start", {"type": "string", "pattern": "^[0-9a-f]{24}$"}, "id of the last item of the previous page"),
        Param("limit", {"type": "integer", "minimum": 10, "maximum": 100}, "10 to 100, default 10"))


def error_body(status: int, message: str, details: list[str] | None = None) -> dict:
    return {"code": status, "message": message, "details": details or []}


def hms_error(status: int, message: str, details: list[str] | None = None) -> ApiError:
    return ApiError(status, error_body(status, message, details))


def page(items: list[dict], args, view: Callable[[dict], dict] = lambda x: x) -> dict:
    """The {limit, data, last} envelope: ``start`` is the id of the last item already seen."""
    raw = args.get("limit", "10")
    try:
        limit = int(raw)
    except ValueError:
        raise hms_error(400, f"limit: {raw!r} is not an integer", ["limit must be an integer from 10 to 100"])
    if not 10 <= limit <= 100:
        raise hms_error(400, f"limit: {limit} is out of range", ["limit must be an integer from 10 to 100"])
    start = args.get("start")
    if start:
        ids = [item["id"] for item in items]
        if start not in ids:  # an id of the right form that names nothing: nothing to page from
            raise hms_error(404, f"start: no such id {start!r}", ["start must be the last id of a previous page"])
        items = items[ids.index(start) + 1:]
    data = [view(item) for item in items[:limit]]
    return {"limit": limit, "data": data, "last": data[-1]["id"] if data else ""}


def api_blueprint(engine: "Engine") -> Blueprint:
    model: Hms = engine.models[NAME]
    bp = Blueprint(NAME, __name__)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        return json_response(error_body(exc.status, exc.message), exc.status)

    def authenticated(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            problem = token_problem(request.headers.get("Authorization", ""), model.setting("access_key"),
                                    model.setting("app_secret"), transport_now())
            if problem:
                raise hms_error(401, "Token validation error", [problem])
            problems = query_errors(wrapper, request.args)  # the marks are on the wrapper
            if problems:
                raise hms_error(400, problems[0], problems)
            return view(*args, **kwargs)

        return wrapper

    def body(schema: str) -> dict:
        data = read_json(lambda message: hms_error(400, message, [message]), allow_empty=True)
        errors = engine.schemas.errors(NAME, schema, data)
        if errors:
            details = [f"{json_path(e.absolute_path)[2:] or 'body'}: {e.message}" for e in errors]
            raise hms_error(400, details[0], details)
        return data

    def filtered(items: list[dict], *fields: str) -> list[dict]:
        for field in fields:
            if request.args.get(field):
                items = [i for i in items if str(i.get(field)) == request.args[field]]
        return items

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
        rooms = filtered(model.rooms(), "name")
        if request.args.get("enabled") in ("true", "false"):
            rooms = [r for r in rooms if r["enabled"] == (request.args["enabled"] == "true")]
        return json_response(page(rooms, request.args, room_view))

    @bp.get("/v2/rooms/<room_id>")
    @operation("A room", {200: "room", 404: ERR, **auth})
    @authenticated
    def get_room(room_id: str) -> Response:
        return json_response(room_view(model.room(room_id)))

    @bp.get("/v2/sessions")
    @operation("List sessions", {200: "sessions.list.response", 400: ERR, 404: ERR, **auth},
               query=(Param("room_id", {"type": "string"}), Param("active", {"type": "boolean"}), *PAGE))
    @authenticated
    def list_sessions() -> Response:
        sessions = filtered(model.sessions(), "room_id")
        if request.args.get("active") in ("true", "false"):
            sessions = [s for s in sessions if s["active"] == (request.args["active"] == "true")]
        return json_response(page(sessions, request.args))

    @bp.get("/v2/sessions/<session_id>")
    @operation("A session with its peers", {200: "session", 404: ERR, **auth})
    @authenticated
    def get_session(session_id: str) -> Response:
        return json_response(model.session(session_id))

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

    return bp


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
