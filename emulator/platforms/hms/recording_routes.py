"""100ms's recording routes under /v2/recordings and /v2/recording-assets: start, stop, pause,
resume, retrieve and list; assets and their pre-signed URLs. HTTP only."""
from __future__ import annotations

from flask import Response, request

from ...core.http import json_response
from ...core.operations import Param
from .constants import DEFAULT_PRESIGN
from .http import ERR, PAGE, Http, filtered, hms_error, page
from .views import list_view, recording_view

RECORDING_STATUSES = ["starting", "running", "stopping", "post_processing", "completed", "failed"]
ASSET_TYPES = ["room-composite", "room-composite-legacy", "room-vod", "chat", "transcript", "summary", "track", "stream"]


def add_recording_routes(http: Http) -> None:
    model, body = http.model, http.body

    @http.route("/v2/recordings/room/<room_id>/start", "Start recording a room (with transcription and summary if asked)",
               {200: "recording", 400: ERR, 404: ERR, 409: ERR}, request="recording.start.request", method="POST")
    def start(room_id: str) -> Response:
        return json_response(recording_view(model, model.start_recording(room_id, body("recording.start.request"))))

    @http.route("/v2/recordings/<recording_id>/stop", "Stop a recording", {200: "recording", 400: ERR, 404: ERR}, method="POST")
    def stop(recording_id: str) -> Response:
        return json_response(recording_view(model, model.stop(recording_id)))

    @http.route("/v2/recordings/room/<room_id>/stop", "Stop every recording running in a room", {200: "recordings.stop.response", 404: ERR}, method="POST")
    def stop_room(room_id: str) -> Response:
        stopped = [recording_view(model, r) for r in model.stop_room(room_id)]
        return json_response({"limit": max(10, len(stopped)), "data": stopped,
                              "last": stopped[-1]["id"] if stopped else ""})

    @http.route("/v2/recordings/room/<room_id>/pause", "Pause the room's recording (its status stays running)", {200: "recording", 404: ERR, 409: ERR}, method="POST")
    def pause(room_id: str) -> Response:
        return json_response(recording_view(model, model.pause(room_id, True), paused_view=True))

    @http.route("/v2/recordings/room/<room_id>/resume", "Resume the room's recording", {200: "recording", 404: ERR, 409: ERR}, method="POST")
    def resume(room_id: str) -> Response:
        return json_response(recording_view(model, model.pause(room_id, False), paused_view=True))

    @http.route("/v2/recordings/<recording_id>", "A recording with its assets", {200: "recording", 404: ERR})
    def get_recording(recording_id: str) -> Response:
        return json_response(recording_view(model, model.recording(recording_id)))

    @http.route("/v2/recordings", "List recordings (without their assets)", {200: "recordings.list.response", 400: ERR, 404: ERR},
               query=(Param("room_id", {"type": "string"}), Param("session_id", {"type": "string"}),
                      Param("status", {"enum": RECORDING_STATUSES}), *PAGE))
    def list_recordings() -> Response:
        recordings = filtered(model.recordings(), "room_id", "session_id", "status")
        return json_response(page(recordings, request.args, lambda r: list_view(r)))

    @http.route("/v2/recording-assets", "List recording assets", {200: "assets.list.response", 400: ERR, 404: ERR},
               query=(Param("room_id", {"type": "string"}), Param("session_id", {"type": "string"}),
                      Param("status", {"enum": ["processing", "completed", "failed"]}),
                      Param("type", {"enum": ASSET_TYPES}), *PAGE))
    def list_assets() -> Response:
        return json_response(page(filtered(model.assets(), "room_id", "session_id", "status", "type"), request.args))

    @http.route("/v2/recording-assets/<asset_id>", "A recording asset", {200: "asset", 404: ERR})
    def get_asset(asset_id: str) -> Response:
        return json_response(model.asset(asset_id))

    @http.route("/v2/recording-assets/<asset_id>/presigned-url", "A pre-signed download URL for an asset (default 3 days)",
               {200: "presigned_url.response", 400: ERR, 404: ERR},
               query=(Param("presign_duration", {"type": "integer", "minimum": 1, "maximum": 604800},
                            "seconds the URL stays valid"),))
    def presigned_url(asset_id: str) -> Response:
        raw = request.args.get("presign_duration", str(DEFAULT_PRESIGN))
        try:
            lifetime = int(raw)
        except ValueError:
            raise hms_error(400, f"presign_duration: {raw!r} is not an integer")
        if not 1 <= lifetime <= 604800:
            raise hms_error(400, f"presign_duration: {lifetime} must be between 1 and 604800 seconds")
        return json_response(model.presign(asset_id, lifetime))
