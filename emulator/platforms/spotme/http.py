"""What every SpotMe route shares: ``Authorization: Bearer <token>``, the help centre's rate limit
per token, and the ``{error, message, details}`` error body. HTTP only."""
from __future__ import annotations

import re

from flask import g, request

from ...core.api import ApiKit
from ...core.errors import ApiError
from ...core.schemas import json_path
from .constants import NAME

TOKEN = re.compile(r"^[A-Za-z0-9._~+/=-]{8,512}$")
CODES = {400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limited"}
ERR = "error"
BEARER = {"WWW-Authenticate": "Bearer"}


def error_body(status: int, message: str, details: list | None = None) -> dict:
    body = {"error": CODES.get(status, "invalid_request"), "message": message}
    if details:
        body["details"] = details
    return body


def fault_message(status: int, wait: int | None) -> str | None:
    if status == 429:
        return "Too many requests: at most 3 per second, in bursts of 5, per token."
    return None


def spotme_error(status: int, message: str, details: list | None = None,
                 headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(status, error_body(status, message, details), headers)


class Http(ApiKit):
    """SpotMe's kit: a bearer token in ``g.token`` (any well-formed one, or those the
    ``api_tokens`` setting lists), throttled per token."""

    name = NAME
    prefix = "/api/v2"
    auth_responses = {401: ERR, 429: ERR}
    throttled = True
    checks_query = False  # SpotMe's endpoints take no query parameters

    def error(self, status: int, message: str) -> ApiError:
        return spotme_error(status, message)

    def authenticate(self) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if not header:
            raise spotme_error(401, "Missing Authorization header: send 'Authorization: Bearer <token>'.",
                               headers=BEARER)
        if scheme != "Bearer" or not TOKEN.match(token):
            raise spotme_error(401, "Malformed Authorization header: expected 'Bearer <token>'.", headers=BEARER)
        allowed = self.model.setting("api_tokens")
        if allowed and token not in allowed:
            raise spotme_error(401, "Invalid token.", headers=BEARER)
        g.token = token
        return token

    def body_error(self, errors: list) -> ApiError:
        details = [{"path": json_path(e.absolute_path), "message": e.message} for e in errors]
        return spotme_error(400, f"Invalid body: {details[0]['path']}: {details[0]['message']}", details)
