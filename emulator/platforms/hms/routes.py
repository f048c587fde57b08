"""100ms's HTTP surface under /100ms/v2: the blueprint, assembled from its families' routes
(rooms and sessions, recordings and assets, active rooms, live and external streams, room codes and
tokens, templates, analytics, polls)."""
from __future__ import annotations

from .access_routes import add_access_routes
from .active_room_routes import add_active_room_routes
from .analytics_routes import add_analytics_routes
from .http import Http, error_body  # noqa: F401 - error_body is the platform's
from .poll_routes import add_poll_routes
from .recording_routes import add_recording_routes
from .room_routes import add_room_routes
from .stream_routes import add_stream_routes
from .template_routes import add_template_routes


api_blueprint = Http.blueprint(add_room_routes, add_recording_routes, add_active_room_routes, add_stream_routes, add_access_routes, add_template_routes, add_analytics_routes, add_poll_routes)
