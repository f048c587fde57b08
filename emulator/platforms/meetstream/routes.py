"""MeetStream's HTTP surface under /meetstream/api/v1: the blueprint, assembled from its families'
routes (bots, media, transcripts, calendars, integrations)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint

from .bot_routes import add_bot_routes
from .calendar_routes import add_calendar_routes
from .http import Http, error_body  # noqa: F401 - error_body is the platform's
from .integrations_routes import add_integration_routes
from .media_routes import add_media_routes
from .transcripts_routes import add_transcript_routes

if TYPE_CHECKING:
    from ...core.engine import Engine


def api_blueprint(engine: "Engine") -> Blueprint:
    http = Http(engine)
    add_bot_routes(http)
    add_media_routes(http)
    add_transcript_routes(http)
    add_calendar_routes(http)
    add_integration_routes(http)
    return http.bp
