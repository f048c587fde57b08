"""Recall.ai's HTTP surface under /recall: the blueprint, assembled from its families' routes
(bots, in-call commands, recordings and artifacts, real-time endpoints,
Calendar V2). Parse, authenticate, validate, call the model, serialise."""
from __future__ import annotations

from .bot_routes import add_bot_routes
from .calendar_routes import add_calendar_routes
from .http import Http, error_body  # noqa: F401 - error_body is the platform's
from .in_call_routes import add_in_call_routes
from .media_routes import add_media_routes
from .realtime_routes import add_realtime_routes


api_blueprint = Http.blueprint(add_bot_routes, add_in_call_routes, add_media_routes, add_realtime_routes, add_calendar_routes)
