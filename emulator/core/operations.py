"""Route annotations from which each platform's OpenAPI document is generated.

A route says, next to its code, what it takes and what it answers (by schema name); the OpenAPI
builder reads these marks from the Flask app, so the document cannot drift from the routes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from .numbers import parse_int

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
    optional_body: bool = False  # the body may be left out (the vendor then applies defaults)


def operation(summary: str, responses: dict[int, str | None], *, request: str | None = None,
              query: tuple[Param, ...] = (), auth: bool = True, description: str = "",
              media: dict[int, str] | None = None, optional_body: bool = False) -> Callable[[F], F]:
    """Mark a view with what the OpenAPI document should say about it."""

    def mark(view: F) -> F:
        view.__openapi__ = Operation(summary, responses, request, tuple(query), auth, description, media or {},
                                     optional_body)
        return view

    return mark


_VALIDATORS: dict[int, Any] = {}  # id of a Param (they live as long as the routes) -> validator


def query_errors(view: Callable[..., Any], args: Any) -> list[str]:
    """Problems with the query string against the view's declared parameters, each naming its parameter."""
    op: Operation | None = getattr(view, "__openapi__", None)
    problems = []
    for param in op.query if op else ():
        values = args.getlist(param.name)
        if not values:
            if param.required:
                problems.append(f"{param.name}: is required")
            continue
        schema = param.schema
        if schema.get("type") == "array":  # repeated values (?status=a&status=b), each checked on its own
            schema = schema.get("items", {})
        elif len(values) > 1:
            problems.append(f"{param.name}: given {len(values)} times, expected once")
            continue
        for raw in values:
            problems += _value_errors(param, schema, raw)
    return problems


def _value_errors(param: Param, schema: dict, raw: str) -> list[str]:
    from jsonschema import Draft202012Validator

    from .schemas import FORMATS

    value: Any = raw
    kind = schema.get("type")
    try:
        if kind == "integer":
            value = parse_int(value)
            if value is None:
                raise ValueError
        elif kind == "number":
            value = float(value)
        elif kind == "boolean":
            if value not in ("true", "false"):
                raise ValueError
            value = value == "true"
    except ValueError:
        return [f"{param.name}: {raw!r} is not a valid {kind}"]
    validator = _VALIDATORS.get(id(param))
    if validator is None:  # compiled once per declared parameter, not per request
        validator = _VALIDATORS[id(param)] = Draft202012Validator(schema, format_checker=FORMATS)
    return [f"{param.name}: {error.message}" for error in validator.iter_errors(value)]
