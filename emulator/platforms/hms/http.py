"""What every 100ms route shares: the `{code, message, details}` error body, management-token auth
(a JWT checked on the wall clock), body validation, filters and the `{limit, data, last}` page.
HTTP only."""
from __future__ import annotations

from typing import Callable

from flask import request

from ...core.clock import transport_now
from ...core.api import ApiKit
from ...core.errors import ApiError
from ...core.operations import Param
from ...core.schemas import json_path
from .auth import token_problem
from .constants import NAME

ERR = "error"
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


class Http(ApiKit):
    """100ms's kit: a management token checked on the wall clock, errors with their details."""

    name = NAME

    def error(self, status: int, message: str) -> ApiError:
        return hms_error(status, message)

    def authenticate(self) -> str:
        header = request.headers.get("Authorization", "")
        problem = token_problem(header, self.model.setting("access_key"), self.model.setting("app_secret"),
                                transport_now())
        if problem:
            raise hms_error(401, "Token validation error", [problem])
        return header

    def query_error(self, problems: list[str]) -> ApiError:
        return hms_error(400, problems[0], problems)

    def body_error(self, errors: list) -> ApiError:
        details = [f"{json_path(e.absolute_path)[2:] or 'body'}: {e.message}" for e in errors]
        return hms_error(400, details[0], details)

    def body(self, schema: str, allow_empty: bool = True, defaults: dict | None = None) -> dict:
        return super().body(schema, allow_empty, defaults)
