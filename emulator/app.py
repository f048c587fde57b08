"""The Flask application: every platform's blueprint, the control plane and the file server."""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit
import time

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect, Rule

from .control import guard
from .control.routes import control_blueprint, health_body
from .core import intercept, openapi
from .core.engine import Config, Engine
from .core.errors import ApiError
from .core.http import json_response
from .core.pathmap import PathMap
from .core.vendorhost import VendorHosts
from .dashboard.routes import dashboard_blueprint
from .platforms import registered

log = logging.getLogger(__name__)
QUIET_PATHS = ("/_emulator/inbox/",)  # receiving a webhook must not wait on a catch-up


class MissingSlash(Exception):
    """The path exists with a trailing slash (Flask would answer its own 308 HTML page)."""


class LazyBuildRule(Rule):
    """A URL rule whose two URL builders (Python source Werkzeug generates and compiles per rule, used
    only by ``url_for``) are compiled on first use: for the emulator's 300-odd rules that compilation
    was a fifth of start-up, and most rules are never built."""

    def _compile_builder(self, append_unknown: bool = True):  # type: ignore[override]
        compiled = None

        def build(rule: Rule, *args, **kwargs):
            nonlocal compiled
            if compiled is None:
                compiled = Rule._compile_builder(rule, append_unknown)
            return compiled(rule, *args, **kwargs)

        return build


class EmulatorFlask(Flask):
    url_rule_class = LazyBuildRule

    def raise_routing_exception(self, request) -> None:  # type: ignore[override]
        if isinstance(request.routing_exception, RequestRedirect):
            raise MissingSlash(request.routing_exception.new_url)
        super().raise_routing_exception(request)


def new_engine(config: Config | None = None) -> Engine:
    """An engine serving every registered platform, or those ``config.platforms`` names (unknown
    names raise ValueError). The composition root: core never imports the platforms itself."""
    config = config or Config()
    return Engine(config, registered(config.platforms))


def create_app(engine: Engine) -> Flask:
    app = EmulatorFlask("meeting-emulator")
    app.config["ENGINE"] = engine
    app.config["MAX_CONTENT_LENGTH"] = engine.config.max_body_bytes  # larger bodies: 413 in the platform's shape

    access_log = engine.config.access_log

    @app.before_request
    def catch_up() -> None:
        if access_log:
            g.started = time.perf_counter()
        if not request.path.startswith(QUIET_PATHS):
            engine.catch_up()
        engine.store.watch_schedules()

    @app.after_request
    def kick(response: Response) -> Response:
        # Wake the background worker only when this request queued something already due (a
        # webhook, say): waking it on every request would double the work of a read.
        if engine.store.earliest_scheduled() <= engine.clock.now():
            engine.kick()
        if access_log:
            took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
            sys.stdout.write(f"{request.method} {request.full_path.rstrip('?')} {response.status_code} {took:.1f} ms\n")
            sys.stdout.flush()
        return response

    guard.install(app, engine)  # the control plane and dashboard refuse what a foreign web page sends
    intercept.install(app, engine)  # after the catch-up above: journal and faults see the state as of now

    @app.get("/")
    def index() -> Response:
        return json_response({
            "name": "meeting-emulator",
            "platforms": {name: engine.config.public_url + p.api_prefix for name, p in engine.platforms.items()},
            **({"control": engine.config.public_url + "/_emulator",
                "dashboard": engine.config.public_url + "/_emulator/"} if engine.config.control else {}),
        })

    icon = (Path(__file__).parent / "dashboard" / "static" / "favicon.svg").read_bytes()

    @app.get("/favicon.ico")
    def favicon() -> Response:
        """What a browser asks every host for (the dashboard's pages link the same picture)."""
        return Response(icon, content_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    @app.route("/s3/<path:key>", methods=["GET", "HEAD"])
    def download(key: str) -> Response:
        result = engine.links.download(key, request.args)
        body = b"" if request.method == "HEAD" else result.body
        response = Response(body, status=result.status, headers=result.headers)
        if request.method == "HEAD":
            response.headers["Content-Length"] = result.headers.get("Content-Length", str(len(result.body)))
        return response

    documents: dict[str | None, dict] = {}

    def openapi_document(platform: str | None) -> Response:
        if platform not in documents:
            documents[platform] = openapi.build(app, engine, platform)
        return json_response(documents[platform])

    for name in engine.platforms:
        app.add_url_rule(f"/{name}/openapi.json", f"openapi_{name}", lambda name=name: openapi_document(name))

    control = engine.config.control
    if control:
        app.add_url_rule("/_emulator/openapi.json", "control_openapi", lambda: openapi_document(None))
        app.register_blueprint(control_blueprint(engine), url_prefix="/_emulator")
        app.register_blueprint(dashboard_blueprint(engine), url_prefix="/_emulator")
    else:  # serve --no-control: the vendors' APIs only, and a health check for whoever waits on it
        app.add_url_rule("/_emulator/health", "health", lambda: json_response(health_body(engine)))
    for platform in engine.platforms.values():
        app.register_blueprint(platform.api(engine), url_prefix=f"/{platform.name}")
        if platform.control and control:
            app.register_blueprint(platform.control(engine), url_prefix=f"/_emulator/{platform.name}")

    def error_body(status: int, message: str) -> object:
        first = request.path.strip("/").split("/", 1)[0]
        platform = engine.platforms.get(first)
        if platform is not None:
            return platform.error_body(status, message)
        return {"error": _reason(status), "message": message}

    @app.errorhandler(MissingSlash)
    def missing_slash(exc: MissingSlash) -> Response:
        """Django's CommonMiddleware answers a 301 with an empty body to the path with its slash (for
        every method: a client that follows it with POST turns it into a GET, as with the vendor).
        Other vendors have no such rule: there it is the platform's own 404."""
        first = request.path.strip("/").split("/", 1)[0]
        platform = engine.platforms.get(first)
        target = urlsplit(str(exc))  # werkzeug's URL, quoted: the path with its slash and the query
        location = target.path + (f"?{target.query}" if target.query else "")
        if platform is not None and platform.append_slash:
            return Response(b"", 301, headers={"Location": location}, content_type="text/html; charset=utf-8")
        message = f"no such endpoint: {request.method} {request.path} (the path ends with a slash: {request.path}/)"
        return json_response(error_body(404, message), 404)

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return json_response(exc.body, exc.status, exc.headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 400
        message = {
            404: f"no such endpoint: {request.method} {request.path}",
            405: f"method {request.method} is not allowed on {request.path}",
            413: f"the request body is larger than the limit of {engine.config.max_body_bytes} bytes "
                 "(serve --max-body-mb)",
        }.get(status, exc.description or _reason(status))
        headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(exc, "valid_methods", None) else None
        return json_response(error_body(status, message), status, headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:  # a bug: logged loudly, still answered as JSON
        log.exception("unhandled error on %s %s", request.method, request.path)
        return json_response(error_body(500, f"internal emulator error: {type(exc).__name__}"), 500)

    mapped = [name for name, p in engine.platforms.items() if p.path_map]
    if mapped:
        app.wsgi_app = PathMap(app.wsgi_app, engine, mapped)  # type: ignore[method-assign]
    hosts = {host: f"/{name}" for name, p in engine.platforms.items() for host in p.vendor_hosts}
    app.wsgi_app = VendorHosts(app.wsgi_app, hosts)  # type: ignore[method-assign]
    return app


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
