"""What keeps a web page from driving a developer's emulator through their browser: every
``/_emulator/`` request must name a host this emulator answers to (against DNS rebinding), and every
state-changing one must come from the emulator's own pages or from a non-browser client (no
cross-site ``Origin`` or ``Sec-Fetch-Site``, and no form or text body outside the dashboard's forms,
since a browser sends those cross-site without asking). The dashboard's pages also carry a
Content-Security-Policy and may not be framed."""
from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, Response, request

from ..core.control import control_error
from ..core.http import json_response

if TYPE_CHECKING:
    from ..core.engine import Engine

PREFIX = "/_emulator"
CHANGING = ("POST", "PUT", "PATCH", "DELETE")
# Bodies a cross-site page can send without a CORS preflight.
SIMPLE_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
DASHBOARD_FORMS = ("/_emulator/ui/",)  # the dashboard's own forms post form bodies here
INBOX = "/_emulator/inbox/"  # a webhook receiver: it takes what a sender sends
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def known_host(host: str, engine: "Engine") -> bool:
    """An IP address, localhost, or the host of the emulator's public URL: the names a browser on
    this machine uses for it. A rebinding attacker's domain is none of them."""
    name = urlsplit(f"//{host}").hostname or ""
    if name in ("localhost", urlsplit(engine.config.public_url or "").hostname or "localhost") \
            or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _refuse(message: str) -> Response:
    if request.blueprint == "dashboard":
        return Response(f"<!doctype html><title>Refused</title><p>{message}</p>", 403,
                        content_type="text/html; charset=utf-8")
    error = control_error(403, message)
    return json_response(error.body, error.status)


def install(app: Flask, engine: "Engine") -> None:
    @app.before_request
    def guard() -> Response | None:
        path = request.path
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            return None
        if not known_host(request.host, engine):
            return _refuse(f"Host {request.host!r} is not an address this emulator serves "
                           "(use 127.0.0.1, localhost or its --public-url)")
        if request.method not in CHANGING:
            return None
        origin = request.headers.get("Origin")
        if request.headers.get("Sec-Fetch-Site") == "cross-site" or (
                origin and origin.rstrip("/") != request.host_url.rstrip("/")):
            return _refuse("cross-site requests may not change this emulator: send it from the dashboard "
                           "itself or from a program (no browser Origin)")
        kind = (request.mimetype or "").lower()
        if kind in SIMPLE_TYPES and not path.startswith(DASHBOARD_FORMS + (INBOX,)):
            return _refuse(f"a {kind} body is refused here (a browser sends one cross-site unasked); "
                           "send JSON (Content-Type: application/json)")
        return None

    @app.after_request
    def dashboard_headers(response: Response) -> Response:
        if request.path.startswith(PREFIX) and response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
