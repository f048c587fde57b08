"""What every Lessonspace route shares: DRF's error bodies, ``Authorization: Organisation <key>``
(each key its own organisation), body validation in DRF's field-error shape, and page-number
pages of 20. HTTP only."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Response, g, request

from ...core import drf
from ...core.api import ApiKit
from ...core.errors import ApiError, DomainError
from ...core.http import json_response
from .constants import NAME

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PAGE_SIZE = 20
AUTHENTICATE = {"WWW-Authenticate": "Organisation"}


def error_body(status: int, message: str) -> dict:
    if status == 404 and message.startswith("no such endpoint"):
        return {"detail": "Not found."}
    return {"detail": message}


def as_api_error(exc: DomainError) -> ApiError:
    if exc.fields:
        return drf.field_errors(exc.fields)
    return drf.detail(exc.status, exc.message)


class Http(ApiKit):
    """Lessonspace's kit: the organisation of the key in ``g.org``, DRF's error shapes."""

    name = NAME
    auth_responses = {401: "error.detail"}
    checks_query = False  # the session filters answer DRF's field errors themselves (session_routes.py)

    def error(self, status: int, message: str) -> ApiError:
        return drf.detail(status, message)

    def authenticate(self) -> str:
        header = request.headers.get("Authorization", "")
        if not header:
            raise drf.detail(401, "Authentication credentials were not provided.", AUTHENTICATE)
        scheme, _, key = header.partition(" ")
        if scheme != "Organisation" or not UUID_RE.match(key.strip()):
            raise drf.detail(401, "Invalid token.", AUTHENTICATE)
        g.org = self.model.organisation(key.strip())
        return key.strip()

    def domain_error(self, exc: DomainError) -> ApiError:
        return as_api_error(exc)

    def body_error(self, errors: list) -> ApiError:
        return drf.field_errors(drf.schema_errors_to_fields(errors))


def own_org(org_id: int) -> None:
    if org_id != g.org["id"]:
        raise drf.detail(403, "You do not have permission to perform this action.")


def paged(items: list[dict]) -> Response:
    page = parse_page(request.args.get("page", "1"), len(items))
    start = (page - 1) * PAGE_SIZE
    return json_response({
        "count": len(items),
        "next": page_url(page + 1) if start + PAGE_SIZE < len(items) else None,
        "previous": page_url(page - 1) if page > 1 else None,
        "results": items[start:start + PAGE_SIZE],
    })


def page_url(page: int) -> str:
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return f"{request.base_url}?{urlencode(args, doseq=True)}"


def parse_page(raw: str, count: int) -> int:
    try:
        page = int(raw)
    except ValueError:
        page = 0
    last = max(1, -(-count // PAGE_SIZE))
    if page < 1 or page > last:
        raise drf.detail(404, "Invalid page.")
    return page
