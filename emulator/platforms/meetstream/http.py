"""What every MeetStream route shares: the error body, ``Authorization: Token`` auth, body
validation with the vendor's wording, and booleans as clients spell them. HTTP only."""
from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Callable

from flask import g, request

from ...core.errors import ApiError
from ...core.http import read_json
from ...core.operations import operation, query_errors
from ...core.schemas import json_path
from .constants import NAME

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "error"
NOT_READY = "not_ready.response"
AUTH = {401: ERR, 403: ERR}
# Python clients send True/False (requests, urllib), JavaScript ones true/false.
BOOLEAN = {"enum": ["true", "false", "True", "False"], "x-error": "true or false"}


def error_body(status: int, message: str) -> dict:
    return {"message": message}


def ms_error(status: int, message: str) -> ApiError:
    return ApiError(status, {"message": message})


def flag(name: str) -> bool:
    return request.args.get(name, "false").lower() == "true"


class Http:
    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self.model = engine.models[NAME]

    def authenticated(self, view: Callable) -> Callable:
        model = self.model

        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            if not header:
                raise ms_error(401, "Authentication credentials were not provided.")
            scheme, _, key = header.partition(" ")
            if scheme != "Token" or not key.strip():
                raise ms_error(401, "Invalid Authorization header: use 'Authorization: Token <API key>'.")
            if model.setting("strict_keys") and key.strip() not in model.setting("api_keys"):
                raise ms_error(403, "Invalid API key.")
            g.api_key = key.strip()
            problems = query_errors(wrapper, request.args)
            if problems:
                raise ms_error(400, problems[0])
            return view(*args, **kwargs)

        return wrapper

    def body(self, schema: str, allow_empty: bool = False, defaults: dict | None = None) -> dict:
        data = read_json(lambda message: ms_error(400, message), allow_empty=allow_empty)
        if defaults and isinstance(data, dict):
            data = {**defaults, **data}
        errors = self.engine.schemas.errors(NAME, schema, data)
        if errors:
            first = errors[0]
            if first.validator == "required":
                missing = [f for f in first.validator_value if f not in first.instance][0]
                prefix = json_path(first.absolute_path)[2:]
                raise ms_error(400, f"{prefix + '.' if prefix else ''}{missing} is required.")
            raise ms_error(400, f"{json_path(first.absolute_path)[2:] or 'body'}: {first.message}")
        return data

    def route(self, bp, path: str, summary: str, responses: dict, method: str = "GET", **marks) -> Callable:
        """An authenticated API route under /api/v1 with its OpenAPI operation."""
        def register(view: Callable) -> Callable:
            rule = bp.route(f"/api/v1{path}", methods=[method], endpoint=view.__name__)
            return rule(operation(summary, {**responses, **AUTH}, **marks)(self.authenticated(view)))
        return register

    def bot_route(self, bp, path: str, summary: str, responses: dict, method: str = "GET", **marks) -> Callable:
        """A route about one bot: ``/bots/<bot_id><path>``, 404 for another key's or an unknown bot."""
        return self.route(bp, f"/bots/<uuid:bot_id>{path}", summary, {**responses, 404: ERR}, method, **marks)
