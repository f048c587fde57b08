"""MeetStream's transcript routes: a bot's transcription runs, re-transcription, and a transcript
by transcript_id (``raw=true`` for the provider's own output)."""
from __future__ import annotations

from uuid import UUID

from flask import Response, g

from ...core.http import json_response
from ...core.operations import Param
from .http import BOOLEAN, ERR, NOT_READY, Http, flag, ms_error
from .views import runs_view


def add_transcript_routes(http: Http) -> None:
    model = http.model

    @http.bot_route("/transcriptions", "Every transcription run of the bot: Processing, Success or Failed, "
                    "with 1-hour download links", {200: "transcriptions.response"})
    def transcriptions(bot_id: UUID) -> Response:
        return json_response(runs_view(model, model.bot(str(bot_id), g.api_key)))

    @http.bot_route("/transcribe", "Transcribe the stored audio again (an empty body uses MeetStream's own "
                    "provider); the run becomes the bot's transcript_id", {200: "transcribe.response", 400: ERR,
                                                                           409: ERR},
                    method="POST", request="transcribe.request", optional_body=True)
    def transcribe(bot_id: UUID) -> Response:
        return json_response(model.transcribe(g.api_key, str(bot_id), http.body("transcribe.request",
                                                                                 allow_empty=True)))

    @http.route("/transcript/<uuid:transcript_id>/get_transcript", "A post-call transcript by transcript_id "
                "(a top-level array of segments; 202 until ready); raw=true gives the provider's own output",
                {200: "transcript.response", 202: NOT_READY, 404: ERR, 400: ERR},
                query=(Param("raw", BOOLEAN),))
    def get_transcript(transcript_id: UUID) -> Response:
        record = model.transcript(g.api_key, str(transcript_id))
        if record["status"] == "deleted":
            raise ms_error(404, f"Transcript {transcript_id} was deleted.")
        if record["status"] == "failed":
            raise ms_error(404, f"Transcript {transcript_id} failed: {record['error']}")
        content = model.transcript_file(record, raw=flag("raw"))
        if content is None:
            return json_response({"message": "processing"}, 202)
        return json_response(content)
