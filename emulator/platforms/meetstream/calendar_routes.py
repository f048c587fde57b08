"""MeetStream's calendar routes under /calendar: connect (Google, Outlook), list, events, scheduling
bots for events, scheduled bots, auto-scheduling, recurrence and disconnect."""
from __future__ import annotations

from flask import Response, g, request, url_for

from ...core.http import json_response
from ...core.operations import Param
from .http import ERR, Http
from .views import event_view

PAGE = (Param("page", {"type": "integer", "minimum": 1}), Param("page_size", {"type": "integer", "minimum": 1,
                                                                               "maximum": 100}))


def add_calendar_routes(http: Http) -> None:
    model = http.model

    @http.route("/calendar/create_calendar", "Connect a Google calendar with OAuth credentials (google_ fields)",
                {200: "calendar.connected", 400: ERR}, method="POST", request="calendar.google.request")
    def create_calendar() -> Response:
        return json_response(model.connect(g.api_key, "google", http.body("calendar.google.request")))

    @http.route("/calendar/create_outlook_calendar", "Connect an Outlook calendar with OAuth credentials",
                {200: "calendar.connected", 400: ERR}, method="POST", request="calendar.outlook.request")
    def create_outlook_calendar() -> Response:
        return json_response(model.connect(g.api_key, "outlook", http.body("calendar.outlook.request")))

    @http.route("/calendar", "The connected calendars (the older path)", {200: "calendars.response"})
    def calendars() -> Response:
        return json_response(model.calendars(g.api_key))

    @http.route("/calendar/calendars", "The connected calendars", {200: "calendars.response"})
    def list_calendars() -> Response:
        return json_response(model.calendars(g.api_key))

    def event_page(endpoint: str) -> Response:
        events = model.events(g.api_key)
        page, size = int(request.args.get("page", 1)), int(request.args.get("page_size", 20))
        chunk = events[(page - 1) * size:page * size]
        more = len(events) > page * size

        def link(number: int) -> str:
            return url_for(f"{http.bp.name}.{endpoint}", page=number, page_size=size, _external=True)

        return json_response({"next": link(page + 1) if more else None,
                              "previous": link(page - 1) if page > 1 else None, "has_more": more,
                              "results": [event_view(model, e) for e in chunk]})

    @http.route("/calendar/events", "Sync and list upcoming events (paginated)", {200: "events.response",
                                                                                    400: ERR}, query=PAGE)
    def events() -> Response:
        return event_page("events")

    @http.route("/calendar/get_events", "Upcoming events from MeetStream's own copy (no sync)",
                {200: "events.response", 400: ERR}, query=PAGE)
    def get_events() -> Response:
        return event_page("get_events")

    @http.route("/calendar/schedule/<event_id>", "Schedule a bot for an event (one occurrence, all of them, or "
                "each next one); 409 with the bot already scheduled", {200: "schedule.response", 400: ERR, 404: ERR,
                                                                       409: ERR},
                method="POST", request="schedule.request", optional_body=True)
    def schedule(event_id: str) -> Response:
        return json_response(model.schedule(g.api_key, event_id, http.body("schedule.request", allow_empty=True)))

    @http.route("/calendar/schedule/<event_id>", "Unschedule the event's bot (the next one, all, or from a date)",
                {200: "unschedule.response", 400: ERR, 404: ERR}, method="DELETE", request="unschedule.request",
                optional_body=True)
    def unschedule(event_id: str) -> Response:
        return json_response(model.unschedule(g.api_key, event_id, http.body("unschedule.request", allow_empty=True)))

    @http.route("/calendar/scheduled_bots", "Bots scheduled from calendars that have not joined yet",
                {200: "scheduled_bots.response"})
    def scheduled_bots() -> Response:
        return json_response(model.scheduled_bots(g.api_key))

    @http.route("/calendar/scheduled_bots/<uuid:bot_id>", "Move a scheduled bot, rename it or change its "
                "custom_attributes", {200: "scheduled_bot.updated", 400: ERR, 404: ERR, 409: ERR}, method="PATCH",
                request="scheduled_bot.update.request")
    def update_scheduled_bot(bot_id) -> Response:
        return json_response(model.update_scheduled(g.api_key, str(bot_id), http.body("scheduled_bot.update.request")))

    @http.route("/calendar/scheduled_bots/<uuid:bot_id>", "Delete a scheduled bot that has not joined",
                {200: "message.response", 404: ERR, 409: ERR}, method="DELETE")
    def delete_scheduled_bot(bot_id) -> Response:
        return json_response(model.delete_scheduled(g.api_key, str(bot_id)))

    @http.route("/calendar/auto-schedule/enable", "Schedule a bot for every event, each midnight UTC for the "
                "next 24 hours", {200: "auto_schedule.response", 400: ERR}, method="POST",
                request="auto_schedule.request", optional_body=True)
    def enable_auto_schedule() -> Response:
        body = http.body("auto_schedule.request", allow_empty=True)
        return json_response(model.auto_schedule(g.api_key, True, body.get("default_bot_config")))

    @http.route("/calendar/auto-schedule/disable", "Stop auto-scheduling",
                {200: "auto_schedule.response", 400: ERR}, method="POST", request="empty.request", optional_body=True)
    def disable_auto_schedule() -> Response:
        http.body("empty.request", allow_empty=True)
        return json_response(model.auto_schedule(g.api_key, False, None))

    @http.route("/calendar/auto-schedule/settings", "The auto-scheduling settings", {200: "auto_schedule.settings"})
    def auto_schedule_settings() -> Response:
        return json_response(model.auto_settings(g.api_key))

    @http.route("/calendar/auto-reschedule", "Schedule the next occurrence of recurring events",
                {200: "auto_reschedule.response", 400: ERR, 404: ERR}, method="POST",
                request="auto_reschedule.request", optional_body=True)
    def auto_reschedule() -> Response:
        return json_response(model.auto_reschedule(g.api_key, http.body("auto_reschedule.request", allow_empty=True)))

    @http.route("/calendar/toggle-recurrence", "Turn automatic rescheduling of a recurring event on or off",
                {200: "toggle_recurrence.response", 400: ERR, 404: ERR}, method="POST",
                request="toggle_recurrence.request")
    def toggle_recurrence() -> Response:
        return json_response(model.toggle_recurrence(g.api_key, http.body("toggle_recurrence.request")))

    for method in ("DELETE", "POST"):  # the guide's DELETE; the OpenAPI document's (and the SDKs') POST
        def disconnect() -> Response:
            http.body("empty.request", allow_empty=True) if request.method == "POST" else None
            return json_response(model.disconnect(g.api_key))

        disconnect.__name__ = f"disconnect_calendar_{method.lower()}"
        http.route("/calendar/disconnect", "Disconnect every calendar: events deleted, scheduled bots cancelled",
                   {200: "calendar.disconnected", 400: ERR, 404: ERR}, method=method,
                   **({"request": "empty.request", "optional_body": True} if method == "POST" else {}))(disconnect)
