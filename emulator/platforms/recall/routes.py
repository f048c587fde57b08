"""Recall.ai's HTTP surface under /recall: the blueprint, assembled from its families' routes
(bots, in-call commands, recordings and artifacts, real-time endpoints,
Calendar V2). Parse, authenticate, validate, call the model, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint

from .bot_routes import add_bot_routes
from .calendar_routes import add_calendar_routes
from .http import Http, error_body  # noqa: F401 - error_body is the platform's
from .in_call_routes import add_in_call_routes
from .media_routes import add_media_routes
from .realtime_routes import add_realtime_routes

if TYPE_CHECKING:
    from ...core.engine import Engine


def api_blueprint(engine: "Engine") -> Blueprint:
    http = Http(engine)
    add_bot_routes(http)
    add_in_call_routes(http)
    add_media_routes(http)
    add_realtime_routes(http)
    add_calendar_routes(http)
    return http.bp
