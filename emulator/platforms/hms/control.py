"""100ms simulation endpoints under ``/_emulator/100ms/``."""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import jwt
from flask import Blueprint, Response, request

from ...core.control import control_body, control_error, platform_control
from ...core.clock import transport_now
from ...core.http import json_response
from ...core.operations import Param, operation
from ...core.numbers import parse_int
from .constants import NAME, SETTINGS
from .models import Hms
from .views import recording_view, session_view
from .http import public
from .views import stream_view

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "emulator/error"


def management_token(access_key: str, secret: str, now: float, valid_for: int = 86400) -> str:
    """A management token made the way 100ms's own samples make one."""
    issued = int(now)
    claims = {"access_key": access_key, "type": "management", "version": 2, "iat": issued, "nbf": issued,
              "exp": issued + valid_for, "jti": str(uuid.uuid4())}
    return jwt.encode(claims, secret, algorithm="HS256")


def banner(engine: "Engine") -> list[str]:
    """What `serve` prints for this platform: the credentials and secrets to configure a client with."""
    model = engine.models[NAME]
    return [f"access key {model.setting('access_key')}, app secret {model.setting('app_secret')}"]


def control_blueprint(engine: "Engine") -> Blueprint:
    model: Hms = engine.models[NAME]
    bp = platform_control(engine, NAME, SETTINGS, "100ms")

    @bp.get("/token")
    @operation("A management token for the emulator's access key and secret (valid on the real clock, as the SDK's)",
               {200: "control.token.response", 400: ERR},
               query=(Param("valid_for", {"type": "integer", "minimum": 1, "maximum": 1209600}),))
    def token() -> Response:
        valid_for = parse_int(request.args.get("valid_for", "86400"))
        if valid_for is None or not 1 <= valid_for <= 1209600:
            raise control_error(400, "valid_for must be 1 to 1209600 seconds")
        return json_response({"token": management_token(model.setting("access_key"), model.setting("app_secret"),
                                                        transport_now(), valid_for)})

    @bp.post("/rooms/<room_id>/session")
    @operation("People join the room now and leave after duration (default 600 s)",
               {201: "session", 400: ERR, 404: ERR}, request="control.session.request")
    def session(room_id: str) -> Response:
        options = control_body(engine, "control.session.request", NAME)
        return json_response(session_view(model.start_session(room_id, options.get("peers"), options.get("duration"))),
                             201)

    @bp.post("/sessions/<session_id>/end")
    @operation("Everyone leaves the session now", {200: "session", 404: ERR})
    def end_session(session_id: str) -> Response:
        return json_response(session_view(model.end_session(session_id)))

    @bp.post("/sessions/<session_id>/peers/<peer_id>/leave")
    @operation("One peer leaves now (peer.leave.success, client request)", {200: "session", 404: ERR})
    def peer_leaves(session_id: str, peer_id: str) -> Response:
        return json_response(session_view(model.leave(session_id, peer_id)))

    @bp.post("/sessions/<session_id>/peers/<peer_id>/publish")
    @operation("A peer turns its audio or video on or off (the track's mute in the active-room API)",
               {200: "session", 400: ERR, 404: ERR}, request="control.publish.request")
    def publish(session_id: str, peer_id: str) -> Response:
        options = control_body(engine, "control.publish.request", NAME)
        return json_response(session_view(model.publish(session_id, peer_id, options["type"], options["on"])))

    @bp.post("/sessions/<session_id>/peers/<peer_id>/error")
    @operation("The peer's client SDK reports an error (an analytics error event: client.publish.failed, ...)",
               {201: "analytics.event", 400: ERR, 404: ERR}, request="control.client_error.request")
    def client_error(session_id: str, peer_id: str) -> Response:
        report = control_body(engine, "control.client_error.request", NAME)
        return json_response(model.client_error(session_id, peer_id, report), 201)

    @bp.post("/sessions/<session_id>/recording-failure")
    @operation("The session's SFU composite, track or stream recordings will fail (recording.failed, "
               "track.recording.failure, stream.recording.failure)",
               {200: "session", 400: ERR, 404: ERR, 409: ERR}, request="control.sfu_failure.request")
    def sfu_failure(session_id: str) -> Response:
        options = control_body(engine, "control.sfu_failure.request", NAME)
        return json_response(session_view(model.fail_sfu(session_id, options["kind"], options.get("error_type"),
                                                         options.get("error_message"))))

    @bp.post("/rooms/<room_id>/ingest/start")
    @operation("An encoder starts pushing RTMP to the room's stream key (ingest.start.success, or "
               "ingest.start.failure and 409)", {201: "control.ingest", 400: ERR, 404: ERR, 409: ERR},
               request="control.ingest.start.request")
    def start_ingest(room_id: str) -> Response:
        options = control_body(engine, "control.ingest.start.request", NAME)
        ingest, problem = model.start_ingest(room_id, options.get("key"))
        if problem:
            raise control_error(409, f"ingestion did not start: {problem}")
        return json_response(ingest, 201)

    @bp.post("/rooms/<room_id>/ingest/stop")
    @operation("The encoder stops (ingest.end.success with the reason), or the ingestion fails (ingest.failure)",
               {200: "control.ingest", 400: ERR, 404: ERR, 409: ERR}, request="control.ingest.stop.request")
    def stop_ingest(room_id: str) -> Response:
        options = control_body(engine, "control.ingest.stop.request", NAME)
        return json_response(model.end_ingest(room_id, options.get("reason"), options.get("error_message")))

    @bp.post("/sessions/<session_id>/polls/<poll_id>/start")
    @operation("A peer starts a poll in the session (as the client SDK does for start: manual)",
               {201: "poll.session", 404: ERR, 409: ERR})
    def start_poll(session_id: str, poll_id: str) -> Response:
        return json_response(model.start_poll(session_id, poll_id), 201)

    @bp.post("/sessions/<session_id>/polls/<poll_id>/stop")
    @operation("The poll stops in the session", {200: "poll.session", 404: ERR, 409: ERR})
    def stop_poll(session_id: str, poll_id: str) -> Response:
        return json_response(model.stop_poll(session_id, poll_id))

    @bp.post("/sessions/<session_id>/polls/<poll_id>/responses")
    @operation("A peer answers a question of the running poll (options for choices, text for answers)",
               {201: "poll.response", 400: ERR, 404: ERR, 409: ERR}, request="control.poll.answer.request")
    def answer_poll(session_id: str, poll_id: str) -> Response:
        answer = control_body(engine, "control.poll.answer.request", NAME)
        return json_response(public(model.answer_poll(session_id, poll_id, answer)), 201)

    def failure() -> tuple[str, str | None, bool]:
        """What a fail request asks for: the error type, its message, and whether only the transcription fails."""
        options = control_body(engine, "control.fail.request", NAME)
        return options.get("error_type", "INTERNAL_ERROR"), options.get("error_message"), options.get("transcription", False)

    @bp.post("/streams/<stream_id>/fail")
    @operation("Make a live or external stream fail (hls.failure or beam.failure), or its VOD's transcription",
               {200: "stream", 400: ERR, 404: ERR, 409: ERR}, request="control.fail.request")
    def fail_stream(stream_id: str) -> Response:
        return json_response(stream_view(model, model.fail_stream(stream_id, *failure())))

    @bp.post("/recordings/<recording_id>/fail")
    @operation("Make a recording fail (beam.failure), or its transcription (transcription.failure)",
               {200: "recording", 400: ERR, 404: ERR, 409: ERR}, request="control.fail.request")
    def fail(recording_id: str) -> Response:
        return json_response(recording_view(model, model.fail(recording_id, *failure())))

    return bp
