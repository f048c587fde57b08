"""MeetStream's HTTP surface under /meetstream/api/v1: the blueprint, assembled from its families'
routes (bots, media, transcripts, calendars, integrations, signed-in Teams accounts)."""
from __future__ import annotations

from .bot_routes import add_bot_routes
from .calendar_routes import add_calendar_routes
from .http import Http, error_body  # noqa: F401 - error_body is the platform's
from .integrations_routes import add_integration_routes
from .media_routes import add_media_routes
from .signin_routes import add_signin_routes
from .transcripts_routes import add_transcript_routes


api_blueprint = Http.blueprint(add_bot_routes, add_media_routes, add_transcript_routes, add_calendar_routes, add_integration_routes,
                                   add_signin_routes)
