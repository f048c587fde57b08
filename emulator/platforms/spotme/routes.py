"""SpotMe's HTTP surface under /spotme/api/v2: the blueprint, assembled from its families' routes
(account and workspaces, live sessions and breakouts with their jobs, glossaries)."""
from __future__ import annotations

from .event_routes import add_event_routes
from .glossary_routes import add_glossary_routes
from .http import Http, error_body, fault_message  # noqa: F401 - the platform's error body and fault wording
from .workspace_routes import add_workspace_routes


api_blueprint = Http.blueprint(add_workspace_routes, add_event_routes, add_glossary_routes)
