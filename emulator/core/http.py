"""Small helpers the platforms' routes share: reading a JSON body, answering JSON."""
from __future__ import annotations

import json
from typing import Any, Callable

from flask import Response, request

from .errors import ApiError

NOT_JSON = object()


def read_json(on_error: Callable[[str], ApiError], *, allow_empty: bool = False) -> Any:
    """The request body parsed as JSON, or the platform's error for a body that is not JSON."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if allow_empty:
            return {}
        raise on_error("the request body is empty; a JSON object is required")
    mimetype = request.mimetype
    if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise on_error(f'unsupported media type "{request.content_type}": send application/json')
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise on_error(f"JSON parse error - {exc}") from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        headers=headers,
        mimetype="application/json",
    )
