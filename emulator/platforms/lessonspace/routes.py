"""Lessonspace's HTTP surface under /lessonspace: the blueprint, assembled from its families'
routes (organisations and spaces, sessions, the web pages its links open)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint

from .http import Http, error_body  # noqa: F401 - error_body is the platform's
from .page_routes import add_page_routes
from .session_routes import add_session_routes
from .space_routes import add_space_routes

if TYPE_CHECKING:
    from ...core.engine import Engine


def api_blueprint(engine: "Engine") -> Blueprint:
    http = Http(engine)
    add_space_routes(http)
    add_session_routes(http)
    add_page_routes(http.bp, http.model)
    return http.bp
