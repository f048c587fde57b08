"""Recall.ai's Calendar V2 routes under /api/v2: calendars (create, list, retrieve, update, delete,
access token), calendar events (list, retrieve) and scheduling a bot to an event. HTTP only."""
from __future__ import annotations

from uuid import UUID

from flask import Response, request

from ...core.clock import parse_iso
from ...core.errors import DomainError
from ...core.http import json_response
from ...core.operations import Param
from .http import BAD, CURSOR, DATE_TIME, ERR, UUID as UUID_PARAM, Http, cursor_page, equal_filter
from .views import calendar_event_view, calendar_view

PLATFORMS = {"enum": ["google_calendar", "microsoft_outlook"]}


def add_calendar_routes(http: Http) -> None:
    model = http.model

    @http.route("/api/v2/calendars/", "List calendars (cursor pagination)",
                {200: "calendars.list.response", 400: BAD, 404: ERR},
                query=(CURSOR, Param("created_at__gte", DATE_TIME), Param("email", {"type": "string"}),
                       Param("platform", PLATFORMS),
                       Param("status", {"enum": ["connected", "connecting", "disconnected"]})))
    def list_calendars() -> Response:
        items = model.calendars()
        if request.args.get("created_at__gte"):
            items = [c for c in items if c["created_at"] >= parse_iso(request.args["created_at__gte"])]
        if request.args.get("email"):
            items = [c for c in items if request.args["email"] in (c["platform_email"], c["oauth_email"])]
        items = equal_filter(items, "platform", lambda c: c["platform"])
        items = equal_filter(items, "status", lambda c: c["status"])
        return json_response(cursor_page(items, calendar_view))

    @http.route("/api/v2/calendars/", "Connect a calendar with an OAuth refresh token (connecting, then connected "
                "and its events synced)", {201: "calendar", 400: BAD}, method="POST", request="calendar.create.request")
    def create_calendar() -> Response:
        return json_response(calendar_view(model.create_calendar(http.body("calendar.create.request"))), 201)

    @http.route("/api/v2/calendars/<uuid:calendar_id>/", "A calendar", {200: "calendar", 404: ERR})
    def get_calendar(calendar_id: UUID) -> Response:
        return json_response(calendar_view(model.calendar(str(calendar_id))))

    @http.route("/api/v2/calendars/<uuid:calendar_id>/", "Update a calendar (any update reconnects a disconnected one)",
                {200: "calendar", 400: BAD, 404: ERR}, method="PATCH", request="calendar.update.request",
                optional_body=True)
    def update_calendar(calendar_id: UUID) -> Response:
        body = http.body("calendar.update.request", allow_empty=True)
        return json_response(calendar_view(model.update_calendar(str(calendar_id), body)))

    @http.route("/api/v2/calendars/<uuid:calendar_id>/", "Delete a calendar and unschedule its bots",
                {204: None, 404: ERR}, method="DELETE")
    def delete_calendar(calendar_id: UUID) -> Response:
        model.delete_calendar(str(calendar_id))
        return Response(status=204)

    @http.route("/api/v2/calendars/<uuid:calendar_id>/access-token/", "A provider access token for the calendar",
                {200: "calendar.access_token", 400: "calendar.access_token.error", 404: ERR}, method="POST")
    def calendar_access_token(calendar_id: UUID) -> Response:
        try:
            return json_response(model.calendar_access_token(str(calendar_id)))
        except DomainError as exc:
            if exc.status != 400:
                raise
            return json_response({"code": exc.fields["code"], "message": exc.message}, 400)

    @http.route("/api/v2/calendar-events/", "List calendar events (a day back to 28 days ahead; cursor pagination)",
                {200: "calendar_events.list.response", 400: BAD, 404: ERR},
                query=(CURSOR, Param("calendar_id", UUID_PARAM), Param("ical_uid", {"type": "string"}),
                       Param("is_deleted", {"type": "boolean"}), Param("start_time", DATE_TIME),
                       Param("start_time__gte", DATE_TIME), Param("start_time__lte", DATE_TIME),
                       Param("updated_at__gte", DATE_TIME)))
    def list_calendar_events() -> Response:
        items = sorted(model.calendar_events(), key=lambda e: e["start_time"])
        items = equal_filter(items, "calendar_id", lambda e: e["calendar_id"])
        items = equal_filter(items, "ical_uid", lambda e: e["ical_uid"])
        if request.args.get("is_deleted"):
            items = [e for e in items if e["is_deleted"] == (request.args["is_deleted"] == "true")]
        for name, field, keep in (("start_time", "start_time", lambda v, t: v == t),
                                  ("start_time__gte", "start_time", lambda v, t: v >= t),
                                  ("start_time__lte", "start_time", lambda v, t: v <= t),
                                  ("updated_at__gte", "updated_at", lambda v, t: v >= t)):
            if request.args.get(name):
                items = [e for e in items if keep(e[field], parse_iso(request.args[name]))]
        return json_response(cursor_page(items, lambda e: calendar_event_view(model, e)))

    @http.route("/api/v2/calendar-events/<uuid:event_id>/", "A calendar event", {200: "calendar_event", 404: ERR})
    def get_calendar_event(event_id: UUID) -> Response:
        return json_response(calendar_event_view(model, model.calendar_event(str(event_id))))

    @http.route("/api/v2/calendar-events/<uuid:event_id>/bot/", "Schedule a bot for the event (one per "
                "deduplication key; the latest bot_config wins)", {200: "calendar_event", 400: BAD, 404: ERR, 507: ERR},
                method="POST", request="calendar_event.bot.request")
    def schedule_calendar_event_bot(event_id: UUID) -> Response:
        event = model.schedule_event_bot(str(event_id), http.body("calendar_event.bot.request"))
        return json_response(calendar_event_view(model, event))

    @http.route("/api/v2/calendar-events/<uuid:event_id>/bot/", "Remove the event's bot (unless another event "
                "shares it); idempotent", {200: "calendar_event", 404: ERR}, method="DELETE")
    def unschedule_calendar_event_bot(event_id: UUID) -> Response:
        return json_response(calendar_event_view(model, model.unschedule_event_bot(str(event_id))))
