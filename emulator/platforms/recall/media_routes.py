"""Recall.ai's recording and artifact routes under /api/v1: list, retrieve, delete, async
transcripts. HTTP only."""
from __future__ import annotations

from uuid import UUID

from flask import Response

from ...core.http import json_response
from ...core.operations import Param
from .http import BAD, CURSOR, DATE_TIME, ERR, UUID as UUID_PARAM, Http, created_filter, cursor_page, equal_filter, \
    metadata_filter
from .views import artifact_view, recording_view

ARTIFACT_ROUTES = ("transcript", "audio_mixed", "audio_separate", "video_mixed", "video_separate", "participant_events",
                   "meeting_metadata")


def add_media_routes(http: Http) -> None:
    model = http.model

    @http.route("/api/v1/recording/", "List recordings (cursor pagination)",
                {200: "recordings.list.response", 400: BAD, 404: ERR},
                query=(CURSOR, Param("bot_id", UUID_PARAM), Param("created_at_after", DATE_TIME),
                       Param("created_at_before", DATE_TIME),
                       Param("status_code", {"enum": ["done", "failed", "paused", "processing"]})))
    def list_recordings() -> Response:
        items = created_filter(metadata_filter(model.recordings()))
        items = equal_filter(items, "bot_id", lambda r: r["bot_id"])
        items = equal_filter(items, "status_code", lambda r: r["status"]["code"])
        return json_response(cursor_page(items, lambda r: recording_view(model, r)))

    @http.route("/api/v1/recording/<uuid:recording_id>/",
                "A recording with its media shortcuts (download links valid 6 hours, fresh on every read)",
                {200: "recording", 404: ERR})
    def get_recording(recording_id: UUID) -> Response:
        return json_response(recording_view(model, model.recording(str(recording_id))))

    @http.route("/api/v1/recording/<uuid:recording_id>/", "Change a recording's metadata (merged; null removes a key)",
                {200: "recording", 400: BAD, 404: ERR}, method="PATCH", request="metadata.update.request")
    def update_recording(recording_id: UUID) -> Response:
        recording = model.update_recording(str(recording_id), http.body("metadata.update.request"))
        return json_response(recording_view(model, recording))

    @http.route("/api/v1/recording/<uuid:recording_id>/", "Delete a recording and its media for good",
                {204: None, 404: ERR}, method="DELETE")
    def delete_recording(recording_id: UUID) -> Response:
        model.delete_recording(str(recording_id))
        return Response(status=204)

    @http.route("/api/v1/recording/<uuid:recording_id>/create_transcript/",
                "Transcribe a recording with an async provider (at most 10 per recording)",
                {200: "artifact.transcript", 400: BAD, 404: ERR}, method="POST", request="create_transcript.request")
    def create_transcript(recording_id: UUID) -> Response:
        artifact = model.create_transcript(str(recording_id), http.body("create_transcript.request"))
        return json_response(artifact_view(model, artifact, standalone=True))

    for kind in ARTIFACT_ROUTES:
        _artifact_routes(http, kind)


def _artifact_routes(http: Http, kind: str) -> None:
    model = http.model

    def listing() -> Response:
        items = created_filter(model.artifacts(kind))
        items = equal_filter(items, "recording_id", lambda a: a["recording_id"])
        items = equal_filter(items, "status_code", lambda a: a["status"]["code"])
        return json_response(cursor_page(items, lambda a: artifact_view(model, a, standalone=True)))

    def detail(artifact_id: UUID) -> Response:
        return json_response(artifact_view(model, model.artifact(str(artifact_id), kind), standalone=True))

    def update(artifact_id: UUID) -> Response:
        artifact = model.update_artifact(str(artifact_id), kind, http.body("metadata.update.request"))
        return json_response(artifact_view(model, artifact, standalone=True))

    def delete(artifact_id: UUID) -> Response:
        model.delete_artifact(str(artifact_id), kind)
        return Response(status=204)

    listing.__name__, detail.__name__, delete.__name__ = f"list_{kind}", f"get_{kind}", f"delete_{kind}"
    update.__name__ = f"update_{kind}"
    http.route(f"/api/v1/{kind}/", f"List {kind} artifacts", {200: f"{kind}.list.response", 400: BAD, 404: ERR},
               query=(CURSOR, Param("recording_id", UUID_PARAM), Param("created_at_after", DATE_TIME),
                      Param("created_at_before", DATE_TIME),
                      Param("status_code", {"enum": ["done", "failed", "processing"]})))(listing)
    http.route(f"/api/v1/{kind}/<uuid:artifact_id>/", f"A {kind} artifact", {200: f"artifact.{kind}", 404: ERR})(detail)
    http.route(f"/api/v1/{kind}/<uuid:artifact_id>/", f"Change a {kind} artifact's metadata (merged; null removes a key)",
               {200: f"artifact.{kind}", 400: BAD, 404: ERR}, method="PATCH", request="metadata.update.request")(update)
    http.route(f"/api/v1/{kind}/<uuid:artifact_id>/", f"Delete a {kind} artifact and its files",
               {204: None, 404: ERR}, method="DELETE")(delete)
