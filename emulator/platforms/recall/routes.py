"""Recall.ai's HTTP surface under /recall: the blueprint, assembled from its families' routes
(bots, in-call commands, recordings and artifacts, real-time endpoints,
Calendar V2). Parse, authenticate, validate, call the model, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, Response

from ...core.errors import DomainError
from ...core.http import json_response
from .bot_routes import add_bot_routes
from .calendar_routes import add_calendar_routes
from .constants import NAME
from .http import Http, as_api_error, error_body  # noqa: F401 - error_body is the platform's
from .in_call_routes import add_in_call_routes
from .media_routes import add_media_routes
from .realtime_routes import add_realtime_routes

if TYPE_CHECKING:
    from ...core.engine import Engine


def api_blueprint(engine: "Engine") -> Blueprint:
    bp = Blueprint(NAME, __name__)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        error = as_api_error(exc)
        return json_response(error.body, error.status)

    http = Http(engine, bp)
    add_bot_routes(http)
    add_in_call_routes(http)
    add_media_routes(http)
    add_realtime_routes(http)
    add_calendar_routes(http)
    return bp
