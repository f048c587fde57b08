"""What every MeetStream route shares: the error body, ``Authorization: Token`` auth, body
validation with the vendor's wording, and booleans as clients spell them. HTTP only."""
from __future__ import annotations

from typing import Callable

from flask import g, request

from ...core.api import ApiKit
from ...core.errors import ApiError, DomainError
from ...core.schemas import json_path
from .constants import NAME

ERR = "error"
NOT_READY = "not_ready.response"
# Python clients send True/False (requests, urllib), JavaScript ones true/false.
BOOLEAN = {"enum": ["true", "false", "True", "False"], "x-error": "true or false"}


def error_body(status: int, message: str) -> dict:
    return {"message": message}


def ms_error(status: int, message: str) -> ApiError:
    return ApiError(status, {"message": message})


def flag(name: str) -> bool:
    return request.args.get(name, "false").lower() == "true"


class Http(ApiKit):
    """MeetStream's kit: ``Authorization: Token``, the key in ``g.api_key`` (objects are the key's
    own), ``{"message": ...}`` errors with the vendor's wording."""

    name = NAME
    prefix = "/api/v1"
    auth_responses = {401: ERR, 403: ERR}

    def error(self, status: int, message: str) -> ApiError:
        return ms_error(status, message)

    def authenticate(self) -> str:
        header = request.headers.get("Authorization", "")
        if not header:
            raise ms_error(401, "Authentication credentials were not provided.")
        scheme, _, key = header.partition(" ")
        if scheme != "Token" or not key.strip():
            raise ms_error(401, "Invalid Authorization header: use 'Authorization: Token <API key>'.")
        if self.model.setting("strict_keys") and key.strip() not in self.model.setting("api_keys"):
            raise ms_error(403, "Invalid API key.")
        g.api_key = key.strip()
        return g.api_key

    def domain_error(self, exc: DomainError) -> ApiError:
        return ApiError(exc.status, {"message": exc.message, **(exc.fields or {})})

    def body_error(self, errors: list) -> ApiError:
        first = errors[0]
        if first.validator == "required":
            missing = [f for f in first.validator_value if f not in first.instance][0]
            prefix = json_path(first.absolute_path)[2:]
            return ms_error(400, f"{prefix + '.' if prefix else ''}{missing} is required.")
        return ms_error(400, f"{json_path(first.absolute_path)[2:] or 'body'}: {first.message}")

    def bot_route(self, path: str, summary: str, responses: dict, method: str = "GET", **marks) -> Callable:
        """A route about one bot: ``/bots/<bot_id><path>``, 404 for another key's or an unknown bot."""
        return self.route(f"/bots/<uuid:bot_id>{path}", summary, {**responses, 404: ERR}, method, **marks)
