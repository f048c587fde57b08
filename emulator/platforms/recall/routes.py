"""Recall.ai's HTTP surface under /recall/api/v1: parse, authenticate, validate, call the model, serialise."""
from __future__ import annotations

import base64
from functools import wraps
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlencode
from uuid import UUID

from flask import Blueprint, Response, request

from ...core.clock import iso, parse_iso
from ...core.errors import ApiError, DomainError
from ...core.http import json_response, read_json
from ...core.intercept import throttle
from ...core.tenancy import acting_as, tenant_of
from ...core.operations import Param, operation, query_errors
from ...core import drf
from .constants import ARTIFACT, ASYNC_PROVIDERS, BOT, NAME, RECORDING, SHORTCUTS
from .models import Recall

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "error"
BAD = "error.request"
PAGE_SIZE = 20
BOT_STATUSES = ["analysis_done", "analysis_failed", "call_ended", "done", "fatal", "in_call_not_recording",
                "in_call_recording", "in_waiting_room", "joining_call", "media_expired", "ready", "recording_done",
                "recording_permission_allowed", "recording_permission_denied"]
PLATFORMS = ["chime_sdk", "google_meet", "google_meet_media_api", "goto_meeting", "microsoft_teams",
             "microsoft_teams_live", "slack_authenticator", "slack_huddle_observer", "webex", "zoom", "zoom_rtms"]


def error_body(status: int, message: str) -> dict:
    if status == 404 and message.startswith("no such endpoint"):
        return {"detail": "Not found."}
    return {"detail": message}


def as_api_error(exc: DomainError) -> ApiError:
    if exc.fields and isinstance(exc.fields.get("code"), str):
        return ApiError(exc.status, {"code": exc.fields["code"], "detail": exc.message})
    if exc.fields:
        return ApiError(exc.status, exc.fields)
    return ApiError(exc.status, {"detail": exc.message})


def api_blueprint(engine: "Engine") -> Blueprint:
    model: Recall = engine.models[NAME]
    bp = Blueprint(NAME, __name__)
    v1 = "/api/v1"

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        error = as_api_error(exc)
        return json_response(error.body, error.status)

    def authenticated(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "").strip()
            if not header:
                raise drf.detail(401, "Authentication credentials were not provided.")
            scheme, _, rest = header.partition(" ")
            key = rest.strip() if scheme == "Token" else (header if " " not in header else "")
            if not key or (model.setting("api_keys") and key not in model.setting("api_keys")):
                raise drf.detail(401, "Invalid token.")
            throttle(engine, NAME, key)
            problems = query_errors(wrapper, request.args)
            if problems:
                name, _, message = problems[0].partition(": ")
                raise drf.field_errors({name: [message]})
            with acting_as(tenant_of(key)):  # each key is its own workspace: another's objects are 404s
                return view(*args, **kwargs)

        return wrapper

    def body(schema: str, allow_empty: bool = False) -> dict:
        data = read_json(lambda message: drf.detail(400, message), allow_empty=allow_empty)
        errors = engine.schemas.errors(NAME, schema, data)
        if errors:
            raise drf.field_errors(drf.schema_errors_to_fields(errors))
        return data

    def cursor_page(items: list[dict], view: Callable[[dict], dict]) -> dict:
        raw = request.args.get("cursor")
        start = 0
        if raw:
            try:
                start = int(base64.urlsafe_b64decode(raw.encode()).decode())
            except (ValueError, UnicodeDecodeError):
                raise drf.detail(404, "Invalid cursor") from None
        page = items[start:start + PAGE_SIZE]

        def link(offset: int) -> str:
            args = request.args.to_dict(flat=False)
            args["cursor"] = [base64.urlsafe_b64encode(str(offset).encode()).decode()]
            return f"{request.base_url}?{urlencode(args, doseq=True)}"

        return {"next": link(start + PAGE_SIZE) if start + PAGE_SIZE < len(items) else None,
                "previous": link(max(0, start - PAGE_SIZE)) if start > 0 else None,
                "results": [view(item) for item in page]}

    def metadata_filter(items: list[dict]) -> list[dict]:
        for key, value in request.args.items():
            if key.startswith("metadata__"):
                items = [i for i in items if i.get("metadata", {}).get(key[len("metadata__"):]) == value]
        return items

    def created_filter(items: list[dict], field: str = "created_at") -> list[dict]:
        after, before = request.args.get("created_at_after"), request.args.get("created_at_before")
        stamp = lambda i: parse_iso(i[field]) if isinstance(i[field], str) else i[field]  # noqa: E731
        if after:
            items = [i for i in items if stamp(i) >= parse_iso(after)]
        if before:
            items = [i for i in items if stamp(i) <= parse_iso(before)]
        return items

    auth = {401: ERR}
    dt = {"type": "string", "format": "date-time"}

    @bp.post(f"{v1}/bot/")
    @operation("Create a bot (it joins now, or at join_at)", {201: "bot", 400: BAD, 507: ERR, **auth},
               request="bot.create.request")
    @authenticated
    def create_bot() -> Response:
        key = request.headers.get("Idempotency-Key")
        status, bot = model.create(body("bot.create.request"), (request.headers.get("Authorization", ""), key)
                                   if key else None)
        return json_response(bot_view(model, bot), status)

    @bp.get(f"{v1}/bot/")
    @operation("List bots (page pagination)", {200: "bots.list.response", 400: BAD, 404: ERR, **auth}, query=(
        Param("page", {"type": "integer", "minimum": 1}), Param("join_at_after", dt), Param("join_at_before", dt),
        Param("meeting_url", {"type": "string"}),
        Param("platform", {"type": "array", "items": {"enum": PLATFORMS}}),
        Param("status", {"type": "array", "items": {"enum": BOT_STATUSES}})))
    @authenticated
    def list_bots() -> Response:
        bots = metadata_filter(model.bots())
        if request.args.getlist("platform"):  # repeated values are alternatives: ?status=done&status=fatal
            bots = [b for b in bots if b["meeting_url"]["platform"] in request.args.getlist("platform")]
        if request.args.getlist("status"):
            bots = [b for b in bots if model.status(b) in request.args.getlist("status")]
        if request.args.get("meeting_url"):
            bots = [b for b in bots if b["meeting_url_raw"] == request.args["meeting_url"]]
        for name, keep in (("join_at_after", lambda b, t: b["join_at"] and b["join_at"] >= t),
                           ("join_at_before", lambda b, t: b["join_at"] and b["join_at"] <= t)):
            if request.args.get(name):
                bots = [b for b in bots if keep(b, parse_iso(request.args[name]))]
        page = int(request.args.get("page", 1))
        last = max(1, -(-len(bots) // PAGE_SIZE))
        if page > last:
            raise drf.detail(404, "Invalid page.")

        def link(number: int) -> str:
            args = request.args.to_dict(flat=False)
            args["page"] = [str(number)]
            return f"{request.base_url}?{urlencode(args, doseq=True)}"

        chunk = bots[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        return json_response({"count": len(bots), "next": link(page + 1) if page < last else None,
                              "previous": link(page - 1) if page > 1 else None,
                              "results": [bot_view(model, b) for b in chunk]})

    @bp.get(f"{v1}/bot/<uuid:bot_id>/")
    @operation("A bot", {200: "bot", 404: ERR, **auth})
    @authenticated
    def get_bot(bot_id: UUID) -> Response:
        return json_response(bot_view(model, model.bot(str(bot_id))))

    @bp.patch(f"{v1}/bot/<uuid:bot_id>/")
    @operation("Change a scheduled bot that has not been dispatched",
               {200: "bot", 400: BAD, 404: ERR, **auth}, request="bot.update.request")
    @authenticated
    def update_bot(bot_id: UUID) -> Response:
        return json_response(bot_view(model, model.update(str(bot_id), body("bot.update.request"))))

    @bp.delete(f"{v1}/bot/<uuid:bot_id>/")
    @operation("Delete a scheduled bot that has not been dispatched", {204: None, 404: ERR, 405: ERR, **auth})
    @authenticated
    def delete_bot(bot_id: UUID) -> Response:
        model.destroy(str(bot_id))
        return Response(status=204)

    def bot_command(name: str, summary: str, method: Callable[[str], dict]) -> None:
        @bp.post(f"{v1}/bot/<uuid:bot_id>/{name}/", endpoint=name)
        @operation(summary, {200: "bot", 400: BAD, 404: ERR, **auth})
        @authenticated
        def command(bot_id: UUID) -> Response:
            return json_response(bot_view(model, method(str(bot_id))))

    bot_command("leave_call", "Make the bot leave the call", model.leave_call)
    bot_command("delete_media", "Delete every recording and media file of the bot", model.delete_media)
    for command_name in ("start_recording", "stop_recording", "pause_recording", "resume_recording"):
        bot_command(command_name, command_name.replace("_", " ").capitalize(),
                    lambda bot_id, c=command_name: model.recording_command(bot_id, c))

    @bp.get(f"{v1}/recording/")
    @operation("List recordings (cursor pagination)", {200: "recordings.list.response", 400: BAD, 404: ERR, **auth},
               query=(Param("cursor", {"type": "string"}), Param("bot_id", {"type": "string", "format": "uuid"}),
                      Param("created_at_after", dt), Param("created_at_before", dt),
                      Param("status_code", {"enum": ["done", "failed", "paused", "processing"]})))
    @authenticated
    def list_recordings() -> Response:
        items = created_filter(metadata_filter(model.recordings()))
        if request.args.get("bot_id"):
            items = [r for r in items if r["bot_id"] == request.args["bot_id"]]
        if request.args.get("status_code"):
            items = [r for r in items if r["status"]["code"] == request.args["status_code"]]
        return json_response(cursor_page(items, lambda r: recording_view(model, r)))

    @bp.get(f"{v1}/recording/<uuid:recording_id>/")
    @operation("A recording with its media shortcuts (download links valid 6 hours, fresh on every read)",
               {200: "recording", 404: ERR, **auth})
    @authenticated
    def get_recording(recording_id: UUID) -> Response:
        return json_response(recording_view(model, model.recording(str(recording_id))))

    @bp.delete(f"{v1}/recording/<uuid:recording_id>/")
    @operation("Delete a recording and its media for good", {204: None, 404: ERR, **auth})
    @authenticated
    def delete_recording(recording_id: UUID) -> Response:
        model.delete_recording(str(recording_id))
        return Response(status=204)

    @bp.post(f"{v1}/recording/<uuid:recording_id>/create_transcript/")
    @operation("Transcribe a recording with an async provider (at most 10 per recording)",
               {200: "artifact.transcript", 400: BAD, 404: ERR, **auth}, request="create_transcript.request")
    @authenticated
    def create_transcript(recording_id: UUID) -> Response:
        artifact = model.create_transcript(str(recording_id), body("create_transcript.request"))
        return json_response(artifact_view(model, artifact, standalone=True))

    for kind in ("transcript", "audio_mixed", "audio_separate", "video_mixed", "video_separate"):
        def register(kind: str = kind) -> None:
            @bp.get(f"{v1}/{kind}/", endpoint=f"list_{kind}")
            @operation(f"List {kind} artifacts", {200: f"{kind}.list.response", 400: BAD, 404: ERR, **auth},
                       query=(Param("cursor", {"type": "string"}), Param("recording_id", {"type": "string", "format": "uuid"}),
                              Param("created_at_after", dt), Param("created_at_before", dt),
                              Param("status_code", {"enum": ["done", "failed", "processing"]})))
            @authenticated
            def listing() -> Response:
                items = created_filter(model.artifacts(kind))
                if request.args.get("recording_id"):
                    items = [a for a in items if a["recording_id"] == request.args["recording_id"]]
                if request.args.get("status_code"):
                    items = [a for a in items if a["status"]["code"] == request.args["status_code"]]
                return json_response(cursor_page(items, lambda a: artifact_view(model, a, standalone=True)))

            @bp.get(f"{v1}/{kind}/<uuid:artifact_id>/", endpoint=f"get_{kind}")
            @operation(f"A {kind} artifact", {200: f"artifact.{kind}", 404: ERR, **auth})
            @authenticated
            def detail(artifact_id: UUID) -> Response:
                return json_response(artifact_view(model, model.artifact(str(artifact_id), kind), standalone=True))

            @bp.delete(f"{v1}/{kind}/<uuid:artifact_id>/", endpoint=f"delete_{kind}")
            @operation(f"Delete a {kind} artifact and its files", {204: None, 404: ERR, **auth})
            @authenticated
            def delete(artifact_id: UUID) -> Response:
                model.delete_artifact(str(artifact_id), kind)
                return Response(status=204)

        register()

    return bp


def bot_view(model: Recall, bot: dict) -> dict:
    return {
        "id": bot["id"], "meeting_url": bot["meeting_url"], "bot_name": bot["bot_name"],
        "join_at": iso(bot["join_at"]) if bot["join_at"] else None, "recording_config": recording_config_view(bot),
        "status_changes": bot["status_changes"],
        "recordings": [recording_view(model, model.store.get(RECORDING, r), embed=True) for r in bot["recordings"]],
        "output_media": bot["output_media"], "automatic_video_output": None, "automatic_audio_output": None,
        "chat": bot["chat"], "automatic_leave": bot["automatic_leave"], "variant": bot["variant"],
        "calendar_meetings": [], "zoom": bot["zoom"], "google_meet": bot["google_meet"], "slack_team": None,
        "breakout_room": bot["breakout_room"], "metadata": bot["metadata"],
    }


def recording_config_view(bot: dict) -> dict:
    config = dict(bot["recording_config"])
    config["realtime_endpoints"] = [{k: v for k, v in e.items() if k != "id"} for e in config["realtime_endpoints"]]
    return config


def recording_view(model: Recall, recording: dict, embed: bool = False) -> dict:
    shortcuts = {}
    for kind in SHORTCUTS:
        ids = recording["artifacts"].get(kind) or []
        shortcuts[kind] = artifact_view(model, model.store.get(ARTIFACT, ids[0])) if ids else None
    retention = model.store.get(BOT, recording["bot_id"])["recording_config"].get("retention") or {}
    expires = recording["expires_at"] or (recording["created_at"] + retention["hours"] * 3600
                                          if retention.get("type") == "timed" else None)
    view = {"id": recording["id"], "created_at": iso(recording["created_at"]),
            "started_at": iso(recording["started_at"]) if recording["started_at"] else None,
            "completed_at": iso(recording["completed_at"]) if recording["completed_at"] and
            recording["status"]["code"] in ("done", "deleted") else None,
            "expires_at": iso(expires) if expires else None, "status": recording["status"],
            "media_shortcuts": shortcuts, "metadata": recording["metadata"]}
    if embed:
        return view
    bot = model.store.get(BOT, recording["bot_id"])
    endpoints = {e["id"]: e for e in bot["recording_config"]["realtime_endpoints"]}
    view["realtime_endpoints"] = [{"id": e, "metadata": endpoints[e].get("metadata", {})} for e in recording["realtime_endpoints"]]
    view["bot"] = {"id": bot["id"], "metadata": bot["metadata"]}
    view["desktop_sdk_upload"] = None
    return view


def artifact_view(model: Recall, artifact: dict, standalone: bool = False) -> dict:
    done = artifact["status"]["code"] == "done"
    link = lambda name: model.link(artifact["keys"].get(name)) if done else None  # noqa: E731
    kind = artifact["kind"]
    view = {"id": artifact["id"], "created_at": artifact["created_at"], "status": artifact["status"],
            "metadata": artifact["metadata"]}
    if kind in ("video_mixed", "audio_mixed"):
        view["data"] = {"download_url": link("video.mp4" if kind == "video_mixed" else f"audio.{artifact['format']}")}
        view["format"] = artifact["format"]
    elif kind in ("video_separate", "audio_separate"):
        view["data"] = {"download_url": model.parts_link(artifact)}
        view["format"] = artifact["format"]
    elif kind == "transcript":
        view["data"] = {"download_url": link("transcript.json"), "provider_data_download_url": link("provider_data.json")}
        view["diarization"] = artifact["diarization"]
        # Recall's published schema lists every async provider key; the one used comes first.
        view["provider"] = {**artifact["provider"], **{p: {} for p in ASYNC_PROVIDERS if p not in artifact["provider"]}}
    elif kind == "participant_events":
        view["data"] = {"participant_events_download_url": link("participant_events.json"),
                        "speaker_timeline_download_url": link("speaker_timeline.json"),
                        "participants_download_url": link("participants.json")}
    elif kind == "meeting_metadata":
        view["data"] = {"title": "Emulated meeting" if done else None, "zoom": None}
    if standalone:
        recording = model.store.get(RECORDING, artifact["recording_id"])
        view["recording"] = {"id": recording["id"], "metadata": recording["metadata"]}
    return view
