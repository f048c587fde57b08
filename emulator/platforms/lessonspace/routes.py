"""Lessonspace's HTTP surface under /lessonspace: the blueprint, assembled from its families'
routes (organisations and spaces, sessions, the web pages its links open)."""
from __future__ import annotations

from .http import Http, error_body  # noqa: F401 - error_body is the platform's
from .page_routes import add_page_routes
from .session_routes import add_session_routes
from .space_routes import add_space_routes


api_blueprint = Http.blueprint(add_space_routes, add_session_routes, add_page_routes)
