"""The one exception routes raise to answer a client error in the platform's own shape."""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


class DomainError(Exception):
    """A rule of the platform was broken; routes turn it into the platform's own error shape."""

    status = 400

    def __init__(self, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


class Invalid(DomainError):
    status = 400


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class TooBusy(DomainError):
    """Every resource that could serve the request is in use right now (429)."""

    status = 429
