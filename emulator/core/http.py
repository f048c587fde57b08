"""Small helpers the platforms' routes share: reading a JSON body, answering JSON."""
from __future__ import annotations

import json
import math
import re
from typing import Any, Callable

from flask import Response, request

from .errors import ApiError

NOT_JSON = object()
MAX_DEPTH = 64  # deeper JSON is refused: no vendor payload nests this far, and a very deep one cannot be served
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # how a lone surrogate can reach json.loads


def read_json(on_error: Callable[[str], ApiError], *, allow_empty: bool = False) -> Any:
    """The request body parsed as JSON, or the platform's error for a body that is not JSON."""
    raw = request.get_data(cache=True)
    if not raw:
        if allow_empty:
            return {}
        raise on_error("the request body is empty; a JSON object is required")
    if not raw.strip():  # something was sent, and it is not JSON (a parser refuses it, as the vendors' do)
        raise on_error("the request body is only whitespace; send a JSON object, or no body at all")
    mimetype = request.mimetype
    if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise on_error(f'unsupported media type "{request.content_type}": send application/json')
    try:
        body = json.loads(raw, parse_constant=_reject_constant, parse_float=_number)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise on_error(f"JSON parse error - {exc}") from None
    problem = unservable(raw, body)
    if problem:
        raise on_error(problem)
    return body


def unservable(raw: bytes, body: Any) -> str | None:
    """Why a parsed body could not be stored and served back, or None. Checked before anything is
    stored, so no request can leave state that a later response cannot encode."""
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and depth(body) > MAX_DEPTH:
        return f"JSON nested deeper than {MAX_DEPTH} levels"
    if SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(body, ensure_ascii=False).encode()
        except UnicodeEncodeError:
            return "the text holds a lone UTF-16 surrogate escape (such as \\ud800): it is not valid Unicode"
    return None


def depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def _number(text: str) -> float | int:
    """A JSON number with a fraction or exponent. A whole one (``3.0``) is read as an int, as JSON
    Schema's "integer" (and DRF's IntegerField) take it, so a count is never stored as a float."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is out of range")
    return int(value) if value.is_integer() and abs(value) < 2**63 else value


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate stored as received (the inbox keeps what came): escape it
        data = json.dumps(body, separators=(",", ":")).encode()
    return Response(
        data,
        status=status,
        headers=headers,
        mimetype="application/json",
    )
