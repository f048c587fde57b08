"""Route annotations from which each platform's OpenAPI document is generated.

A route says, next to its code, what it takes and what it answers (by schema name); the OpenAPI
builder reads these marks from the Flask app, so the document cannot drift from the routes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Operation:
    summary: str
    responses: dict[int, str | None]  # status -> schema name (None: no JSON body described)
    request: str | None = None  # schema name of the JSON body
    query: tuple[Param, ...] = ()
    auth: bool = True
    description: str = ""
    media: dict[int, str] = field(default_factory=dict)  # status -> media type when not JSON


def operation(summary: str, responses: dict[int, str | None], *, request: str | None = None,
              query: tuple[Param, ...] = (), auth: bool = True, description: str = "",
              media: dict[int, str] | None = None) -> Callable[[F], F]:
    """Mark a view with what the OpenAPI document should say about it."""

    def mark(view: F) -> F:
        view.__openapi__ = Operation(summary, responses, request, tuple(query), auth, description, media or {})
        return view

    return mark
