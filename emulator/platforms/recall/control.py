"""Recall simulation endpoints under ``/_emulator/recall/``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from flask import Blueprint, Response

from ...core.control import control_body, platform_control
from ...core.http import json_response
from ...core.operations import operation
from .constants import NAME, SETTINGS
from .models import Recall
from .views import artifact_view, bot_view, calendar_event_view, calendar_view, recording_view

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "emulator/error"


def banner(engine: "Engine") -> list[str]:
    """What `serve` prints for this platform: the credentials and secrets to configure a client with."""
    model = engine.models[NAME]
    endpoints = ", ".join(model.setting("webhook_endpoints")) or "none (set recall.webhook_endpoints)"
    return [f"webhook secret {model.setting('webhook_secret')}; webhook endpoints: {endpoints}"]


def control_blueprint(engine: "Engine") -> Blueprint:
    model: Recall = engine.models[NAME]
    bp = platform_control(engine, NAME, SETTINGS, "Recall")

    @bp.post("/bots/<uuid:bot_id>/force")
    @operation("Force what the meeting does to a bot: admit, fatal (before or in the call), kicked, host_ends, "
               "everyone_leaves",
               {200: "bot", 400: ERR, 404: ERR, 409: ERR}, request="control.force.request")
    def force(bot_id: UUID) -> Response:
        options = control_body(engine, "control.force.request", NAME)
        return json_response(bot_view(model, model.force(str(bot_id), options["outcome"])))

    @bp.post("/recordings/<uuid:recording_id>/fail")
    @operation("Make a recording in progress fail: it and its unfinished artifacts fail (recording.failed, "
               "<artifact>.failed)", {200: "recording", 404: ERR, 409: ERR}, request="control.fail.request")
    def fail_recording(recording_id: UUID) -> Response:
        options = control_body(engine, "control.fail.request", NAME)
        recording = model.fail_recording(str(recording_id), options.get("sub_code") or "internal_error")
        return json_response(recording_view(model, recording))

    @bp.post("/artifacts/<uuid:artifact_id>/fail")
    @operation("Make a processing artifact fail (transcript.failed with provider_connection_failed, say)",
               {200: "artifact", 404: ERR, 409: ERR}, request="control.fail.request")
    def fail_artifact(artifact_id: UUID) -> Response:
        options = control_body(engine, "control.fail.request", NAME)
        artifact = model.fail_artifact(str(artifact_id), options.get("sub_code"))
        return json_response(artifact_view(model, artifact, standalone=True))

    @bp.post("/calendars/<uuid:calendar_id>/events")
    @operation("An event appears on the calendar (synced, with calendar.sync_events)",
               {201: "calendar_event", 400: ERR, 404: ERR}, request="control.calendar_event.request")
    def add_calendar_event(calendar_id: UUID) -> Response:
        event = model.add_event(str(calendar_id), control_body(engine, "control.calendar_event.request", NAME))
        return json_response(calendar_event_view(model, event), 201)

    @bp.patch("/calendar-events/<uuid:event_id>")
    @operation("The user moves, edits or deletes an event (calendar.sync_events; a deleted event loses its bots)",
               {200: "calendar_event", 400: ERR, 404: ERR}, request="control.calendar_event.update.request")
    def change_calendar_event(event_id: UUID) -> Response:
        event = model.change_event(str(event_id), control_body(engine, "control.calendar_event.update.request", NAME))
        return json_response(calendar_event_view(model, event))

    @bp.post("/calendars/<uuid:calendar_id>/disconnect")
    @operation("The user revokes the app: the calendar disconnects (calendar.update) and its future bots go",
               {200: "calendar", 404: ERR, 409: ERR})
    def disconnect_calendar(calendar_id: UUID) -> Response:
        return json_response(calendar_view(model.disconnect_calendar(str(calendar_id))))

    return bp
