"""What every 100ms route shares: the `{code, message, details}` error body, management-token auth
(a JWT checked on the wall clock), body validation, filters and the `{limit, data, last}` page.
HTTP only."""
from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Callable

from flask import Blueprint, request

from ...core.clock import transport_now
from ...core.errors import ApiError
from ...core.http import read_json
from ...core.operations import Param, operation, query_errors
from ...core.schemas import json_path
from .auth import token_problem
from .constants import NAME

if TYPE_CHECKING:
    from ...core.engine import Engine

ERR = "error"
AUTH = {401: ERR}
PAGE = (Param("start", {"type": "string", "pattern": "^[0-9a-f]{24}$"}, "id of the last item of the previous page"),
        Param("limit", {"type": "integer", "minimum": 10, "maximum": 100}, "10 to 100, default 10"))


def error_body(status: int, message: str, details: list[str] | None = None) -> dict:
    return {"code": status, "message": message, "details": details or []}


def hms_error(status: int, message: str, details: list[str] | None = None) -> ApiError:
    return ApiError(status, error_body(status, message, details))


def page(items: list[dict], args, view: Callable[[dict], dict] = lambda x: x) -> dict:
    """The {limit, data, last} envelope: ``start`` is the id of the last item already seen."""
    raw = args.get("limit", "10")
    try:
        limit = int(raw)
    except ValueError:
        raise hms_error(400, f"limit: {raw!r} is not an integer", ["limit must be an integer from 10 to 100"])
    if not 10 <= limit <= 100:
        raise hms_error(400, f"limit: {limit} is out of range", ["limit must be an integer from 10 to 100"])
    start = args.get("start")
    if start:
        ids = [item["id"] for item in items]
        if start not in ids:  # an id of the right form that names nothing: nothing to page from
            raise hms_error(404, f"start: no such id {start!r}", ["start must be the last id of a previous page"])
        items = items[ids.index(start) + 1:]
    data = [view(item) for item in items[:limit]]
    return {"limit": limit, "data": data, "last": data[-1]["id"] if data else ""}


def public(doc: dict) -> dict:
    """A stored document as the API answers it: the ``_``-prefixed fields are the emulator's own."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def filtered(items: list[dict], *fields: str) -> list[dict]:
    for field in fields:
        if request.args.get(field):
            items = [i for i in items if str(i.get(field)) == request.args[field]]
    return items


class Http:
    def __init__(self, engine: "Engine", bp: Blueprint) -> None:
        self.engine = engine
        self.model = engine.models[NAME]
        self.bp = bp

    def route(self, path: str, summary: str, responses: dict, method: str = "GET", **marks) -> Callable:
        """An authenticated API route with its OpenAPI operation."""
        def register(view: Callable) -> Callable:
            marked = operation(summary, {**responses, **AUTH}, **marks)(self.authenticated(view))
            self.bp.route(path, methods=[method], endpoint=view.__name__)(marked)
            return marked

        return register

    def authenticated(self, view: Callable) -> Callable:
        model = self.model

        @wraps(view)
        def wrapper(*args, **kwargs):
            problem = token_problem(request.headers.get("Authorization", ""), model.setting("access_key"),
                                    model.setting("app_secret"), transport_now())
            if problem:
                raise hms_error(401, "Token validation error", [problem])
            problems = query_errors(wrapper, request.args)  # the marks are on the wrapper
            if problems:
                raise hms_error(400, problems[0], problems)
            return view(*args, **kwargs)

        return wrapper

    def body(self, schema: str) -> dict:
        data = read_json(lambda message: hms_error(400, message, [message]), allow_empty=True)
        errors = self.engine.schemas.errors(NAME, schema, data)
        if errors:
            details = [f"{json_path(e.absolute_path)[2:] or 'body'}: {e.message}" for e in errors]
            raise hms_error(400, details[0], details)
        return data
