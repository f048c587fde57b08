"""MeetStream's HTTP surface under /meetstream/api/v1: parse, authenticate, validate, call the model, serialise."""
from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Callable
from uuid import UUID

from flask import Blueprint, Response, g, request

from ...core.clock import iso
from ...core.errors import ApiError, DomainError
from ...core.http import json_response, read_json
from ...core.operations import Param, operation, query_errors
from ...core.schemas import json_path
from .models import AUDIO_LINK, NAME, STREAM_LINK, TRANSCRIPT_LINK, VIDEO_LINK, MeetStream

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "error"
NOT_READY = "not_ready.response"


def error_body(status: int, message: str) -> dict:
    return {"message": message}


def ms_error(status: int, message: str) -> ApiError:
    return ApiError(status, {"message": message})


def api_blueprint(engine: "Engine") -> Blueprint:
    model: MeetStream = engine.models[NAME]
    bp = Blueprint(NAME, __name__)
    api = "/api/v1"

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        return json_response({"message": exc.message}, exc.status)

    def authenticated(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            if not header:
                raise ms_error(401, "Authentication credentials were not provided.")
            scheme, _, key = header.partition(" ")
            if scheme != "Token" or not key.strip():
                raise ms_error(401, "Invalid Authorization header: use 'Authorization: Token <API key>'.")
            if model.setting("strict_keys") and key.strip() not in model.setting("api_keys"):
                raise ms_error(403, "Invalid API key.")
            g.api_key = key.strip()
            problems = query_errors(wrapper, request.args)
            if problems:
                raise ms_error(400, problems[0])
            return view(*args, **kwargs)

        return wrapper

    def body(schema: str) -> dict:
        data = read_json(lambda message: ms_error(400, message))
        errors = engine.schemas.errors(NAME, schema, data)
        if errors:
            first = errors[0]
            if first.validator == "required":
                missing = [f for f in first.validator_value if f not in first.instance][0]
                prefix = json_path(first.absolute_path)[2:]
                raise ms_error(400, f"{prefix + '.' if prefix else ''}{missing} is required.")
            raise ms_error(400, f"{json_path(first.absolute_path)[2:] or 'body'}: {first.message}")
        return data

    def ready(bot: dict, what: str) -> None:
        if bot["deleted"]:
            raise ms_error(404, f"The {what} of bot {bot['bot_id']} was deleted.")

    auth = {401: ERR, 403: ERR}
    bot_errors = {404: ERR, **auth}

    @bp.post(f"{api}/bots/create_bot")
    @operation("Send a bot into a meeting (201; an Idempotency-Key replay answers 507 with the original bot)",
               {200: "bot", 201: "bot", 400: ERR, 409: ERR, 507: "bot", **auth}, request="bot.create.request")
    @authenticated
    def create_bot() -> Response:
        status, bot = model.create(g.api_key, body("bot.create.request"), request.headers.get("Idempotency-Key"))
        return json_response(bot, status)

    @bp.get(f"{api}/bots")
    @operation("List bots (newest first)", {200: "bots.list.response", 400: ERR, 404: ERR, **auth},
               query=(Param("cursor", {"type": "string"}), Param("limit", {"type": "integer", "minimum": 1, "maximum": 100})))
    @authenticated
    def list_bots() -> Response:
        bots = list(reversed(model.bots(g.api_key)))
        cursor, limit = request.args.get("cursor"), int(request.args.get("limit", 20))
        if cursor:
            ids = [b["bot_id"] for b in bots]
            if cursor not in ids:  # as Django REST framework answers a cursor it did not issue
                raise ms_error(404, f"Invalid cursor {cursor!r}")
            bots = bots[ids.index(cursor) + 1:]
        page = bots[:limit]
        more = len(bots) > limit
        return json_response({"bots": [model.view(b) for b in page], "hasNextPage": more,
                              "nextCursor": page[-1]["bot_id"] if more else None})

    def bot_route(path: str, summary: str, responses: dict, method: str = "GET", **marks) -> Callable:
        def register(view: Callable) -> Callable:
            route = bp.route(f"{api}/bots/<uuid:bot_id>{path}", methods=[method], endpoint=view.__name__)
            return route(operation(summary, {**responses, **bot_errors}, **marks)(authenticated(view)))
        return register

    @bot_route("/status", "The bot's current status", {200: "bot.status.response"})
    def status(bot_id: UUID) -> Response:
        bot = model.bot(str(bot_id), g.api_key)
        return json_response({"bot_id": bot["bot_id"], "status": bot["status"], "message": f"Bot is {bot['status']}"})

    @bot_route("/detail", "The bot's full record, with its StatusTimeline and transcript_id", {200: "bot.detail.response"})
    def detail(bot_id: UUID) -> Response:
        return json_response({"bot_details": details(model, model.bot(str(bot_id), g.api_key))})

    @bot_route("/remove_bot", "Make the bot leave (data is kept)", {200: "bot.remove.response", 409: ERR})
    def remove_bot(bot_id: UUID) -> Response:
        bot = model.remove(g.api_key, str(bot_id))
        return json_response({"bot_id": bot["bot_id"], "message": "Bot is leaving the meeting"})

    @bot_route("/delete", "Permanently delete the bot's audio, video and transcripts", {200: "bot.delete.response", 409: ERR},
               method="DELETE")
    def delete_bot(bot_id: UUID) -> Response:
        return json_response(model.delete(g.api_key, str(bot_id)))

    @bot_route("/get_participants", "The meeting's participants", {200: "participants.response"})
    def participants(bot_id: UUID) -> Response:
        bot = model.bot(str(bot_id), g.api_key)
        return json_response({"bot_id": bot["bot_id"], "participants": [
            {"id": p["id"], "displayName": p["name"], "fullName": p["name"],
             "status": "left" if p["left"] is not None else "joined", "joined_at": iso(p["joined"]),
             "left_at": iso(p["left"]) if p["left"] is not None else None} for p in bot["participants"]]})

    @bot_route("/get_chats", "Chat messages from the meeting", {200: "chats.response", 202: NOT_READY})
    def chats(bot_id: UUID) -> Response:
        bot = model.bot(str(bot_id), g.api_key)
        if bot["recording_from"] is None:
            return json_response({"message": "processing"}, 202)
        said = model.segments(bot, model.recorded_seconds(bot) if bot["stopped_at"] else 60)
        chats = [{"sender": s["speaker"], "message": s["transcript"], "timestamp": iso(bot["recording_from"] + s["start_time"])}
                 for i, s in enumerate(said) if i % 7 == 3]
        return json_response({"bot_id": bot["bot_id"], "chats": chats})

    @bot_route("/get_speaker_timeline", "Who spoke when (202 until the bot has left)",
               {200: "speaker_timeline.response", 202: NOT_READY})
    def speaker_timeline(bot_id: UUID) -> Response:
        bot = model.bot(str(bot_id), g.api_key)
        if bot["stopped_at"] is None or bot["recording_from"] is None:
            return json_response({"message": "processing"}, 202)
        said = model.segments(bot, model.recorded_seconds(bot))
        return json_response({"bot_id": bot["bot_id"], "speaker_timeline": [
            {"speaker": s["speaker"], "start_time": s["start_time"], "end_time": s["end_time"]} for s in said]})

    def media_link(bot: dict, what: str, lifetime: int, fmt: str) -> Response:
        """202 until the file is processed, then a link to it valid ``lifetime`` seconds."""
        ready(bot, what)
        key = (bot["media"] or {}).get(what)
        if not key:
            return json_response({"message": "processing"}, 202)
        return json_response({"bot_id": bot["bot_id"], "url": engine.links.mint(key, lifetime),
                              "expires_in": lifetime, "format": fmt})

    @bot_route("/get_audio", "A link to the mixed audio (WAV, valid 1 hour); 202 until processed",
               {200: "media.response", 202: NOT_READY})
    def get_audio(bot_id: UUID) -> Response:
        return media_link(model.bot(str(bot_id), g.api_key), "audio", AUDIO_LINK, "wav")

    @bot_route("/get_video", "A link to the mixed video (mp4, valid 10 minutes); 202 until processed",
               {200: "media.response", 202: NOT_READY, 400: ERR})
    def get_video(bot_id: UUID) -> Response:
        bot = model.bot(str(bot_id), g.api_key)
        if not bot["video_required"]:
            raise ms_error(400, "This bot was created without video_required: it has no video.")
        return media_link(bot, "video", VIDEO_LINK, "mp4")

    @bot_route("/get_audio_streams", "Per-participant audio (links valid 10 minutes); 202 until processed",
               {200: "audio_streams.response", 202: NOT_READY, 400: ERR})
    def get_audio_streams(bot_id: UUID) -> Response:
        bot = model.bot(str(bot_id), g.api_key)
        if not bot["audio_separate_streams"]:
            raise ms_error(400, "This bot was created without audio_separate_streams.")
        ready(bot, "audio streams")
        if not bot["media"]:
            return json_response({"message": "processing"}, 202)
        seconds = model.recorded_seconds(bot)
        return json_response({"bot_id": bot["bot_id"], "streams": [
            {"participant": name, "segments": [{"url": engine.links.mint(key, STREAM_LINK), "segment_index": 0,
                                                "duration_seconds": round(seconds, 3), "format": "wav"}]}
            for name, key in bot["media"]["streams"].items()]})

    @bot_route("/transcriptions", "The bot's transcription runs, with 1-hour download links",
               {200: "transcriptions.response"})
    def transcriptions(bot_id: UUID) -> Response:
        bot = model.bot(str(bot_id), g.api_key)
        runs = [{"transcript_id": r["transcript_id"], "provider": r["provider"],
                 "status": {"pending": "processing"}.get(r["status"], r["status"]), "created_at": r["created_at"],
                 "download_urls": {"json": engine.links.mint(r["key"], TRANSCRIPT_LINK)} if r["key"] else None}
                for r in model.transcripts_of(bot["bot_id"])]
        if bot["transcript_id"] is None and bot["live_url"]:
            runs.insert(0, {"transcript_id": bot["bot_id"], "provider": bot["provider"], "status": "streaming",
                            "created_at": runs[0]["created_at"] if runs else model.view(bot)["created_at"],
                            "download_urls": None})
        return json_response({"bot_id": bot["bot_id"], "transcriptions": runs})

    @bot_route("/transcribe", "Re-transcribe the stored audio with another provider",
               {202: "transcribe.response", 400: ERR, 409: ERR}, method="POST", request="transcribe.request")
    def transcribe(bot_id: UUID) -> Response:
        return json_response(model.transcribe(g.api_key, str(bot_id), body("transcribe.request")), 202)

    @bp.get(f"{api}/transcript/<uuid:transcript_id>/get_transcript")
    @operation("A post-call transcript by transcript_id (202 until ready); raw=true gives the provider's own format",
               {200: "file.transcript", 202: NOT_READY, 404: ERR, 400: ERR, **auth},
               query=(Param("raw", {"type": "boolean"}),))
    @authenticated
    def get_transcript(transcript_id: UUID) -> Response:
        record = model.transcript(g.api_key, str(transcript_id))
        if record["status"] == "deleted":
            raise ms_error(404, f"Transcript {transcript_id} was deleted.")
        if record["status"] == "failed":
            raise ms_error(404, f"Transcript {transcript_id} failed: the bot never recorded.")
        segments = model.transcript_segments(record)
        if segments is None:
            return json_response({"message": "processing"}, 202)
        if request.args.get("raw") == "true":
            return json_response({"provider": record["provider"], "results": {"utterances": [
                {"speaker": s["speaker"], "transcript": s["transcript"], "start": s["start_time"], "end": s["end_time"],
                 "confidence": 0.93} for s in segments]}})
        return json_response(segments)

    return bp


def details(model: MeetStream, bot: dict) -> dict:

    steps = ["Joining", "InMeeting", "Stopped", "BotRejected", "BotNotAllowed", "Error", "AudioProcessing",
             "VideoProcessing", "TranscriptionReady", "MediaExpired"]
    timeline = {s: {"status": s in bot["timeline"], "timestamp": iso(bot["timeline"][s]) if s in bot["timeline"] else None}
                for s in steps}
    request_body = bot["request"]
    return {
        "StatusTimeline": timeline, "Message": f"Bot is {bot['status']}", "MeetingLink": bot["meeting_link"],
        "BotImageURL": request_body.get("bot_image_url"), "Platform": bot["platform"], "BotID": bot["bot_id"],
        "BotMessage": request_body.get("bot_message"), "Status": bot["status"], "BotProfile": None,
        "LastUpdatedAt": int(max([bot["created_at"], *bot["timeline"].values()])),
        "MetaData": {"callback_url": bot["callback_url"], "audio_required": request_body.get("audio_required", True),
                     "live_transcription_required": request_body.get("live_transcription_required"),
                     "live_audio_required": request_body.get("live_audio_required"),
                     "video_required": bot["video_required"]},
        "UserID": f"user-{bot['api_key'][-6:]}", "BotUsername": bot["bot_name"], "RequestPayload": request_body,
        "CreatedAt": iso(bot["created_at"]),
        "StartTime": iso(bot["recording_from"]) if bot["recording_from"] else None,
        "transcript_id": bot["transcript_id"], "custom_attributes": bot["custom_attributes"],
    }
