"""100ms's stream routes: HLS live streams under /v2/live-streams (start, stop by id or room,
retrieve, list, pause and resume the recording, timed metadata) and RTMP external streams under
/v2/external-streams (start, stop by id or room, retrieve, list). HTTP only."""
from __future__ import annotations

from flask import Response, request

from ...core.http import json_response
from ...core.operations import Param
from .http import ERR, PAGE, Http, filtered, page
from .streams import EXTERNAL, LIVE
from .views import stream_view

STATUSES = ["starting", "running", "stopping", "post_processing", "completed", "failed"]


def add_stream_routes(http: Http) -> None:
    for kind, path in ((LIVE, "/v2/live-streams"), (EXTERNAL, "/v2/external-streams")):
        _family(http, kind, path)
    model = http.model

    @http.route("/v2/live-streams/<stream_id>/pause-recording", "Pause the live stream's recording (it streams on)",
                {200: "live_stream", 400: ERR, 404: ERR, 409: ERR}, method="POST")
    def pause_live_stream_recording(stream_id: str) -> Response:
        return json_response(stream_view(model, model.pause_stream_recording(stream_id, True)))

    @http.route("/v2/live-streams/<stream_id>/resume-recording", "Resume the live stream's recording",
                {200: "live_stream", 400: ERR, 404: ERR, 409: ERR}, method="POST")
    def resume_live_stream_recording(stream_id: str) -> Response:
        return json_response(stream_view(model, model.pause_stream_recording(stream_id, False)))

    @http.route("/v2/live-streams/<stream_id>/timed-metadata", "Send timed metadata to the players of a running stream",
                {200: "live_stream", 400: ERR, 404: ERR}, method="POST", request="live_stream.timed_metadata.request")
    def send_timed_metadata(stream_id: str) -> Response:
        body = http.body("live_stream.timed_metadata.request")
        return json_response(stream_view(model, model.timed_metadata(stream_id, body)))


def _family(http: Http, kind: str, path: str) -> None:
    model = http.model
    name = "live_stream" if kind == LIVE else "external_stream"

    def start(room_id: str) -> Response:
        return json_response(stream_view(model, model.start_stream(kind, room_id, http.body(f"{name}.start.request"))))

    def stop(stream_id: str) -> Response:
        return json_response(stream_view(model, model.stop_stream(kind, stream_id)))

    def stop_room(room_id: str) -> Response:
        stopped = [stream_view(model, s) for s in model.stop_room_streams(kind, room_id)]
        answer = {"data": stopped, "limit": max(10, len(stopped)), "last": stopped[-1]["id"] if stopped else ""}
        if kind == EXTERNAL:  # the reference's example carries a top-level error: "" when every stream stopped
            answer = {"error": "", **answer}
        return json_response(answer)

    def detail(stream_id: str) -> Response:
        return json_response(stream_view(model, model.stream(kind, stream_id)))

    def listing() -> Response:
        items = filtered(model.streams(kind), "room_id", "session_id", "status")
        return json_response(page(items, request.args, lambda s: stream_view(model, s)))

    for view, suffix in ((start, "start"), (stop, "stop"), (stop_room, "stop_room"), (detail, "get"), (listing, "list")):
        view.__name__ = f"{suffix}_{name}" if suffix != "list" else f"list_{name}s"
    what = "live stream" if kind == LIVE else "external (RTMP) stream"
    http.route(f"{path}/room/<room_id>/start", f"Start a {what} for the room", {200: name, 400: ERR, 404: ERR, 409: ERR},
               method="POST", request=f"{name}.start.request")(start)
    http.route(f"{path}/<stream_id>/stop", f"Stop a {what}", {200: name, 400: ERR, 404: ERR}, method="POST")(stop)
    http.route(f"{path}/room/<room_id>/stop", f"Stop every {what} of the room", {200: f"{name}s.stop.response", 404: ERR},
               method="POST")(stop_room)
    http.route(f"{path}/<stream_id>", f"A {what} with its recording assets", {200: name, 404: ERR})(detail)
    http.route(path, f"List {what}s", {200: f"{name}s.list.response", 400: ERR, 404: ERR},
               query=(Param("room_id", {"type": "string"}), Param("session_id", {"type": "string"}),
                      Param("status", {"enum": STATUSES}), *PAGE))(listing)
