"""What every Recall.ai route shares: DRF's error bodies, ``Authorization: Token`` auth (each key its
own workspace), body validation in DRF's field-error shape, cursor and page pagination, and the
metadata and date filters. HTTP only."""
from __future__ import annotations

import base64
from typing import Callable
from urllib.parse import urlencode

from flask import request

from ...core import drf
from ...core.api import ApiKit
from ...core.clock import parse_iso
from ...core.errors import ApiError, DomainError
from ...core.operations import Param
from .constants import NAME

ERR = "error"
BAD = "error.request"
PAGE_SIZE = 20
DATE_TIME = {"type": "string", "format": "date-time"}
UUID = {"type": "string", "format": "uuid"}
CURSOR = Param("cursor", {"type": "string"})


def error_body(status: int, message: str) -> dict:
    if status == 404 and message.startswith("no such endpoint"):
        return {"detail": "Not found."}
    return {"detail": message}


def as_api_error(exc: DomainError) -> ApiError:
    if exc.fields and isinstance(exc.fields.get("code"), str):
        return ApiError(exc.status, {"code": exc.fields["code"], "detail": exc.message})
    if exc.fields:
        return ApiError(exc.status, exc.fields)
    return ApiError(exc.status, {"detail": exc.message})


class Http(ApiKit):
    """Recall's kit: ``Authorization: Token``, each key its own workspace, Recall's throttles, DRF's
    error shapes."""

    name = NAME
    throttled = True
    tenants = True  # each key is its own workspace: another's objects are 404s

    def error(self, status: int, message: str) -> ApiError:
        return drf.detail(status, message)

    def authenticate(self) -> str:
        header = request.headers.get("Authorization", "").strip()
        if not header:
            raise drf.detail(401, "Authentication credentials were not provided.")
        scheme, _, rest = header.partition(" ")
        key = rest.strip() if scheme == "Token" else (header if " " not in header else "")
        if not key or (self.model.setting("api_keys") and key not in self.model.setting("api_keys")):
            raise drf.detail(401, "Invalid token.")
        return key

    def domain_error(self, exc: DomainError) -> ApiError:
        return as_api_error(exc)

    def query_error(self, problems: list[str]) -> ApiError:
        name, _, message = problems[0].partition(": ")
        return drf.field_errors({name: [message]})

    def body_error(self, errors: list) -> ApiError:
        return drf.field_errors(drf.schema_errors_to_fields(errors))


def cursor_page(items: list[dict], view: Callable[[dict], dict]) -> dict:
    raw = request.args.get("cursor")
    start = 0
    if raw:
        try:
            start = int(base64.urlsafe_b64decode(raw.encode()).decode())
        except (ValueError, UnicodeDecodeError):
            raise drf.detail(404, "Invalid cursor") from None
    page = items[start:start + PAGE_SIZE]

    def link(offset: int) -> str:
        args = request.args.to_dict(flat=False)
        args["cursor"] = [base64.urlsafe_b64encode(str(offset).encode()).decode()]
        return f"{request.base_url}?{urlencode(args, doseq=True)}"

    return {"next": link(start + PAGE_SIZE) if start + PAGE_SIZE < len(items) else None,
            "previous": link(max(0, start - PAGE_SIZE)) if start > 0 else None,
            "results": [view(item) for item in page]}


def numbered_page(items: list[dict], view: Callable[[dict], dict]) -> dict:
    """DRF's page-number pagination (the bot list): count, next, previous, results."""
    page = int(request.args.get("page", 1))
    last = max(1, -(-len(items) // PAGE_SIZE))
    if page > last:
        raise drf.detail(404, "Invalid page.")

    def link(number: int) -> str:
        args = request.args.to_dict(flat=False)
        args["page"] = [str(number)]
        return f"{request.base_url}?{urlencode(args, doseq=True)}"

    chunk = items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return {"count": len(items), "next": link(page + 1) if page < last else None,
            "previous": link(page - 1) if page > 1 else None, "results": [view(i) for i in chunk]}


def metadata_filter(items: list[dict]) -> list[dict]:
    for key, value in request.args.items():
        if key.startswith("metadata__"):
            items = [i for i in items if i.get("metadata", {}).get(key[len("metadata__"):]) == value]
    return items


def created_filter(items: list[dict], field: str = "created_at") -> list[dict]:
    after, before = request.args.get("created_at_after"), request.args.get("created_at_before")
    stamp = lambda i: parse_iso(i[field]) if isinstance(i[field], str) else i[field]  # noqa: E731
    if after:
        items = [i for i in items if stamp(i) >= parse_iso(after)]
    if before:
        items = [i for i in items if stamp(i) <= parse_iso(before)]
    return items


def equal_filter(items: list[dict], name: str, value_of: Callable[[dict], object]) -> list[dict]:
    """Keep the items whose value equals the query parameter ``name``, when it is given."""
    wanted = request.args.get(name)
    return [i for i in items if value_of(i) == wanted] if wanted else items
