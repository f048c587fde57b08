"""100ms's analytics routes under /v2/analytics: events (track, recording and client error events),
peer quality stats, the webhook delivery history and its replay. HTTP only."""
from __future__ import annotations

import base64

from flask import Response, request

from ...core.http import json_response
from ...core.operations import Param
from .http import ERR, Http, hms_error

EVENT_TYPES = ["track.add.success", "track.update.success", "track.remove.success", "beam.recording.success",
               "client.publish.failed", "client.subscribe.failed", "client.join.failed", "client.disconnected",
               "client.connect.failed"]
ERRORS = frozenset(EVENT_TYPES[4:])
DATE_TIME = {"type": "string", "format": "date-time"}


def add_analytics_routes(http: Http) -> None:
    model = http.model

    @http.route("/v2/analytics/events", "Track, recording and client error events of a room (type repeated; limit 1-100; start from next)",
                {200: "analytics.events.response", 400: ERR, 404: ERR},
                query=(Param("type", {"type": "array", "items": {"enum": EVENT_TYPES}}),
                       Param("room_id", {"type": "string"}, required=True),
                       Param("session_id", {"type": "string"}), Param("peer_id", {"type": "string"}),
                       Param("user_id", {"type": "string"}), Param("beam_id", {"type": "string"}),
                       Param("error", {"type": "boolean"}), Param("limit", {"type": "integer", "minimum": 1, "maximum": 100}),
                       Param("start", {"type": "string"})))
    def list_analytics_events() -> Response:
        events = model.analytics_events(request.args["room_id"])
        types = request.args.getlist("type")
        if types:
            events = [e for e in events if e["type"] in types]
        if request.args.get("error") == "true":
            events = [e for e in events if e["type"] in ERRORS]
        for field in ("session_id", "peer_id", "user_id", "beam_id"):
            if request.args.get(field):
                events = [e for e in events if e["data"].get(field) == request.args[field]]
        limit = int(request.args.get("limit", 10))
        try:
            offset = int(base64.urlsafe_b64decode(request.args["start"]).decode()) if request.args.get("start") else 0
        except (ValueError, UnicodeDecodeError):
            raise hms_error(404, "start: not a value a previous response gave as next") from None  # as a stale start
        chunk = events[offset:offset + limit]
        more = offset + limit < len(events)
        return json_response({"limit": len(chunk), "total": len(events), "events": chunk,
                              "next": base64.urlsafe_b64encode(str(offset + limit).encode()).decode() if more else ""})

    @http.route("/v2/analytics/peer-stats", "A peer's quality time series (empty until its session has ended)",
                {200: "analytics.peer_stats.response", 400: ERR, 404: ERR},
                query=(Param("peer_id", {"type": "string"}, required=True),
                       Param("session_id", {"type": "string"}, required=True)))
    def peer_quality_stats() -> Response:
        return json_response(model.quality_stats(request.args["session_id"], request.args["peer_id"]))

    @http.route("/v2/analytics/webhooks", "The webhook delivery history (default: the last 24 hours)",
                {200: "analytics.webhooks.response", 400: ERR},
                query=(Param("start_time", DATE_TIME), Param("end_time", DATE_TIME), Param("room_id", {"type": "string"}),
                       Param("status", {"enum": ["all", "failed", "success"]}),
                       Param("event_names", {"type": "array", "items": {"type": "string"}}),
                       Param("limit", {"type": "integer", "minimum": 1, "maximum": 100}),
                       Param("page", {"type": "integer", "minimum": 1})))
    def list_webhook_events() -> Response:
        filters = {k: request.args.get(k) for k in ("start_time", "end_time", "room_id", "status")}
        filters["event_names"] = request.args.getlist("event_names")
        events = model.webhook_history(filters)
        size, number = int(request.args.get("limit", 50)), int(request.args.get("page", 1))
        pages = max(1, -(-len(events) // size))
        return json_response({"events": events[(number - 1) * size: number * size],
                              "pagination": {"current_page": number, "page_size": size, "total_pages": pages,
                                             "total_items": len(events), "has_next": number < pages,
                                             "has_prev": number > 1},
                              "summary": {"total_events": len(events)}})

    @http.route("/v2/analytics/webhooks/replay", "Replay webhooks (failed ones by default) with is_replay: true",
                {200: "analytics.replay.response", 400: ERR}, method="POST", request="analytics.replay.request")
    def replay_webhook_events() -> Response:
        return json_response(model.replay_webhooks(http.body("analytics.replay.request")))

    @http.route("/v2/analytics/webhooks/replay/<workflow_id>", "A replay's progress and result",
                {200: "analytics.replay.status.response", 404: ERR})
    def replay_status(workflow_id: str) -> Response:
        return json_response(model.replay_status(workflow_id))
