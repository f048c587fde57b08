"""The request middleware: every platform request is journaled, and fault rules act on it.

Written once for every platform: a platform supplies only its error body (``Platform.error_body``)
and, optionally, its wording for a status (``Platform.fault_message``). A fault answers before the
view runs (so the state is untouched: the vendor failed before doing anything), or, with
``when: after``, lets the view run and then loses or garbles its answer (the vendor did the work but
the client never heard, the case idempotency keys exist for).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Callable, Iterable

from flask import Flask, Response, request

from .errors import ApiError
from .http import json_response
from .journal import Entry, near_misses
from .links import s3_error
from .pathmap import ORIGINAL_PATH

if TYPE_CHECKING:
    from .engine import Engine

DOWNLOADS = "s3"  # the pre-signed download links: journaled and faulted as a platform of their own
DROP = "emulator.drop_connection"
VISIT = "emulator.visit"


def install(app: Flask, engine: "Engine") -> None:
    index: dict[str, Any] = {}

    def operations() -> tuple[dict, dict]:
        if not index:  # built on first use: every blueprint is registered by then
            from .openapi import operation_index

            index["ops"], index["routes"] = operation_index(app, engine)
        return index["ops"], index["routes"]

    def platform_of(path: str, endpoint: str | None) -> str | None:
        first = path.split("/", 2)[1] if path.count("/") else ""
        if first in engine.platforms:
            return None if endpoint == f"openapi_{first}" else first
        return DOWNLOADS if first == DOWNLOADS else None

    @app.before_request
    def intercept() -> Response | None:
        req = request._get_current_object()  # type: ignore[attr-defined]  # one proxy look-up, not ten
        platform = platform_of(req.path, req.endpoint)
        if platform is None:
            return None
        if req.url_rule is None:
            operation = None
        elif platform == DOWNLOADS:
            operation = "s3.download"
        else:
            # A page without an OpenAPI operation (a join link, a playback page) goes by its endpoint.
            operation = operations()[0].get((req.endpoint, req.method), req.endpoint)
        visit = req.environ[VISIT] = Visit(platform, operation, time.perf_counter(), engine.clock.now(), time.time())
        fault = visit.fault = engine.faults.for_request(platform, operation, req.method, req.path)
        if fault is None:
            return None
        if fault.get("delay_ms"):
            time.sleep(fault["delay_ms"] / 1000)  # real time: this is what a client's timeout sees
        action = fault["action"]
        if action == "error":
            return fault_response(engine, platform, fault)
        if action == "drop" and fault.get("when", "before") == "before":
            req.environ[DROP] = True
            return Response(b"", 500)  # never sent: the WSGI wrapper closes the connection instead
        return None

    @app.after_request
    def journal(response: Response) -> Response:
        environ = request.environ
        visit: Visit | None = environ.get(VISIT)
        if visit is None:
            return response
        fault = visit.fault
        if fault is not None and fault["action"] == "drop" and fault.get("when") == "after":
            environ[DROP] = True
        elif fault is not None and fault["action"] == "malformed" and not response.is_streamed:
            response.set_data(garbled(response.get_data()))
        if engine.journal.enabled:
            record(engine, visit, request._get_current_object(), response,  # type: ignore[attr-defined]
                   operations()[1].get(visit.platform, ()) if visit.operation is None else ())
        return response

    app.wsgi_app = DropConnections(app.wsgi_app)  # type: ignore[method-assign]


@dataclass(slots=True)
class Visit:
    """What the middleware knows of a platform request, kept in its WSGI environ."""

    platform: str
    operation: str | None
    started: float  # perf_counter
    at: float  # emulator time
    wall: float
    fault: dict | None = None


def record(engine: "Engine", visit: Visit, req: Any, response: Response, routes: Iterable) -> None:
    environ = req.environ
    dropped = DROP in environ
    # The raw pieces only (the environ's header pairs, the body bytes): made readable when read.
    headers = [(k, v) for k, v in environ.items() if k[:5] == "HTTP_"]
    if "CONTENT_TYPE" in environ:
        headers.append(("CONTENT_TYPE", environ["CONTENT_TYPE"]))
    engine.journal.record(Entry(
        0, visit.at, visit.wall, visit.platform, visit.operation, req.method, environ.get(ORIGINAL_PATH, req.path),
        environ.get("QUERY_STRING", ""), headers, request_body(req), 0 if dropped else response.status_code,
        [] if dropped else response.headers.to_wsgi_list(),
        b"" if dropped or response.is_streamed else response.get_data(),
        (time.perf_counter() - visit.started) * 1000, None if visit.fault is None else visit.fault["id"],
        [] if visit.operation is not None else near_misses(req.method, req.path, routes),
    ))


def throttle(engine: "Engine", platform: str, credential: str) -> None:
    """Count an authenticated request against the platform's documented limits (when its
    ``rate_limit`` setting is on); over a limit, the vendor's 429 with Retry-After. Platforms call
    it after authenticating, as the vendors do: a request without valid credentials gets its 401."""
    spec = engine.platforms[platform]
    if not spec.rate_limits or not engine.setting(platform, "rate_limit", False):
        return
    visit = request.environ.get(VISIT)
    operation = visit.operation if visit is not None else None
    wait = engine.throttles.wait(platform, spec.rate_limits, operation, credential, request.view_args or {})
    if wait is None:
        return
    message = (spec.fault_message(429, wait) if spec.fault_message else None) or default_message(429, wait)
    raise ApiError(429, spec.error_body(429, message), {"Retry-After": str(wait)})


def request_body(req: Any) -> bytes:
    environ = req.environ
    if not environ.get("CONTENT_LENGTH") and "HTTP_TRANSFER_ENCODING" not in environ:
        return b""
    try:
        return req.get_data(cache=True)
    except Exception:  # a body over the limit (its 413 is the answer): journal the request without it
        return b""


def fault_response(engine: "Engine", platform: str, fault: dict) -> Response:
    """The error a fault answers with, in the platform's own shape (S3's XML on download links)."""
    status = fault["status"]
    retry_after = fault.get("retry_after")
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    if platform == DOWNLOADS:
        download = s3_error(status)
        return Response(download.body, status, {**download.headers, **headers})
    spec = engine.platforms[platform]
    message = fault.get("message") or (spec.fault_message(status, retry_after) if spec.fault_message else None) \
        or default_message(status, retry_after)
    return json_response(spec.error_body(status, message), status, headers)


def default_message(status: int, retry_after: int | None) -> str:
    if status == 429:
        return "Too many requests" + (f"; retry after {retry_after} seconds." if retry_after is not None else ".")
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def garbled(body: bytes) -> bytes:
    """The answer cut short, as a proxy that lost the connection half-way leaves it."""
    return body[: len(body) // 2] if len(body) >= 2 else b'{"'


class DropConnections:
    """Closes the connection, writing nothing, for a request a fault marked to drop.

    Waitress closes a connection without an answer when the application raises its
    ``ClientDisconnected``; under another server the request ends in that server's own error.
    """

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        answer = self.app(environ, start_response)
        if not environ.get(DROP):
            return answer
        if hasattr(answer, "close"):
            answer.close()
        try:
            from waitress.channel import ClientDisconnected
        except ImportError:  # pragma: no cover - waitress is a dependency
            raise ConnectionAbortedError("connection dropped by a fault") from None
        raise ClientDisconnected("connection dropped by a fault")
