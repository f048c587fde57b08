"""Recall.ai's real-time endpoint routes under /api/v1/realtime_endpoint/: list, retrieve, and
change metadata. HTTP only."""
from __future__ import annotations

from uuid import UUID

from flask import Response

from ...core.http import json_response
from ...core.operations import Param
from .http import BAD, CURSOR, DATE_TIME, ERR, UUID as UUID_PARAM, Http, created_filter, cursor_page, equal_filter
from .views import realtime_endpoint_view


def add_realtime_routes(http: Http) -> None:
    model = http.model

    @http.route("/api/v1/realtime_endpoint/", "List the real-time endpoints of the workspace's recordings",
                {200: "realtime_endpoint.list.response", 400: BAD, 404: ERR},
                query=(CURSOR, Param("recording_id", UUID_PARAM), Param("created_at_after", DATE_TIME),
                       Param("created_at_before", DATE_TIME),
                       Param("status_code", {"enum": ["done", "failed", "running"]}),
                       Param("type", {"enum": ["desktop_sdk_callback", "rtmp", "webhook", "websocket"]})))
    def list_realtime_endpoints() -> Response:
        items = created_filter(model.realtime_endpoints())
        items = equal_filter(items, "recording_id", lambda e: e["recording_id"])
        items = equal_filter(items, "status_code", lambda e: e["status"]["code"])
        items = equal_filter(items, "type", lambda e: e["type"])
        return json_response(cursor_page(items, lambda e: realtime_endpoint_view(model, e)))

    @http.route("/api/v1/realtime_endpoint/<uuid:endpoint_id>/", "A real-time endpoint",
                {200: "realtime_endpoint", 404: ERR})
    def get_realtime_endpoint(endpoint_id: UUID) -> Response:
        return json_response(realtime_endpoint_view(model, model.realtime_endpoint(str(endpoint_id))))

    @http.route("/api/v1/realtime_endpoint/<uuid:endpoint_id>/", "Change a real-time endpoint's metadata",
                {200: "realtime_endpoint", 400: BAD, 404: ERR}, method="PATCH", request="metadata.update.request")
    def update_realtime_endpoint(endpoint_id: UUID) -> Response:
        endpoint = model.update_realtime_endpoint(str(endpoint_id), http.body("metadata.update.request"))
        return json_response(realtime_endpoint_view(model, endpoint))
