"""100ms's HTTP surface under /100ms/v2: the blueprint, assembled from its families' routes
(rooms and sessions, recordings and assets, active rooms, live and external streams, room codes and
tokens, templates, analytics, polls)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint

from .access_routes import add_access_routes
from .active_room_routes import add_active_room_routes
from .analytics_routes import add_analytics_routes
from .http import Http, error_body  # noqa: F401 - error_body is the platform's
from .poll_routes import add_poll_routes
from .recording_routes import add_recording_routes
from .room_routes import add_room_routes
from .stream_routes import add_stream_routes
from .template_routes import add_template_routes

if TYPE_CHECKING:
    from ...core.engine import Engine


def api_blueprint(engine: "Engine") -> Blueprint:
    http = Http(engine)
    add_room_routes(http)
    add_recording_routes(http)
    add_active_room_routes(http)
    add_stream_routes(http)
    add_access_routes(http)
    add_template_routes(http)
    add_analytics_routes(http)
    add_poll_routes(http)
    return http.bp
