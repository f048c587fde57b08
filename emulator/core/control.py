"""What every ``/_emulator/`` blueprint shares, the platforms' own included: the control plane's
error body, validated control bodies, query checks, and a platform's simulation blueprint with its
``settings`` endpoints. In core so that platforms never import the control plane above them."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from flask import Blueprint, Response, current_app, request

from .errors import ApiError, DomainError
from .http import json_response, read_json
from .operations import operation, query_errors
from .schemas import json_path

if TYPE_CHECKING:
    from .engine import Engine

SCHEMA_FOLDER = "emulator"


def control_error(status: int, message: str, errors: list[dict] | None = None) -> ApiError:
    body: dict = {"error": {400: "bad_request", 403: "forbidden", 404: "not_found", 409: "conflict"}.get(status, "error"),
                  "message": message}
    if errors:
        body["errors"] = errors
    return ApiError(status, body)


def control_body(engine: "Engine", schema: str, platform: str = SCHEMA_FOLDER) -> dict:
    """A control request body, validated against its schema (errors listed with their JSON path)."""
    body = read_json(lambda m: control_error(400, m), allow_empty=True)
    errors = engine.schemas.errors(platform, schema, body)
    if errors:
        listed = [{"path": json_path(e.absolute_path), "message": e.message} for e in errors]
        raise control_error(400, f"invalid body: {listed[0]['path']}: {listed[0]['message']}", listed)
    return body


def check_query() -> None:
    """The query string against the view's declared parameters: an unknown filter value is a 400."""
    view = current_app.view_functions.get(request.endpoint or "")
    problems = query_errors(view, request.args) if view else []
    if problems:
        raise control_error(400, f"invalid query: {problems[0]}", [{"path": p.split(':')[0], "message": p}
                                                                    for p in problems])


def platform_control(engine: "Engine", name: str, settings: dict, title: str,
                     check: Callable[[dict], list[str]] | None = None) -> Blueprint:
    """A platform's simulation blueprint with what every platform has: its error shape and the
    ``settings`` endpoints (GET the settings in force, PATCH to change them)."""
    bp = Blueprint(f"{name}_control", __name__)
    bp.before_request(check_query)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        error = control_error(exc.status, exc.message)
        return json_response(error.body, error.status)

    def current() -> Response:
        return json_response({key: engine.setting(name, key, default) for key, default in settings.items()})

    @bp.get("/settings", endpoint="settings")
    @operation(f"The {title} settings in force", {200: "control.settings.response"})
    def read_settings() -> Response:
        return current()

    @bp.patch("/settings", endpoint="update_settings")
    @operation(f"Change {title} settings", {200: "control.settings.response", 400: "emulator/error"},
               request="control.settings.request")
    def update_settings() -> Response:
        values = control_body(engine, "control.settings.request", name)
        wrong = check(values) if check else []  # rules across fields that a schema cannot state
        if wrong:
            raise control_error(400, f"invalid body: {wrong[0]}", [{"path": "$", "message": w} for w in wrong])
        engine.update_settings(name, values)
        return current()

    return bp
