"""OpenAPI 3.1 documents generated from the Flask routes and their ``@operation`` marks.

Schemas are bundled from the catalogue into ``components.schemas`` with their ``$ref``s rewritten
to JSON pointers, so each document stands alone.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .journal import Route
from .operations import Operation
from .schemas import Bundler

if TYPE_CHECKING:
    from flask import Flask

    from .engine import Engine

CONVERTER_TYPES = {"int": {"type": "integer"}, "float": {"type": "number"},
                   "uuid": {"type": "string", "format": "uuid"}}
RULE_ARG = re.compile(r"<(?:(\w+)(?:\(.*?\))?:)?(\w+)>")


def build(app: "Flask", engine: "Engine", platform: str | None) -> dict:
    """The document of one platform's API, or of the control plane when ``platform`` is None."""
    if platform is None:
        return _control_document(app, engine)
    spec = engine.platforms[platform]
    bundler = Bundler(engine.schemas, "#/components/schemas/", qualified=False)
    prefix = spec.document_prefix or spec.api_prefix
    paths = _paths(app, bundler, platform, {spec.name}, prefix, schema_folder=platform,
                   bodies_required=not spec.optional_bodies)
    document = {
        "openapi": "3.1.0",
        "info": {"title": f"{spec.title} (meeting-emulator)", "version": _version(),
                 "description": spec.description or f"The {spec.title} API as meeting-emulator serves it."},
        "servers": [{"url": engine.config.public_url + prefix}],
        "paths": paths,
        "components": {"schemas": bundler.definitions},
    }
    if spec.security_scheme:
        document["components"]["securitySchemes"] = {"auth": spec.security_scheme}
    return document


def _control_document(app: "Flask", engine: "Engine") -> dict:
    bundler = Bundler(engine.schemas, "#/components/schemas/", qualified=True)
    blueprints = {"control"} | {f"{name}_control" for name in engine.platforms}
    return {
        "openapi": "3.1.0",
        "info": {"title": "meeting-emulator control API", "version": _version(),
                 "description": "Health, reset, the clock, the webhook log, the inbox and the simulation "
                                "endpoints of every platform."},
        "servers": [{"url": engine.config.public_url + "/_emulator"}],
        # Control bodies may be empty (every field has a default); a bad query or body is a 400.
        "paths": _paths(app, bundler, None, blueprints, "/_emulator", schema_folder=None,
                        bodies_required=False, client_error="error"),
        "components": {"schemas": bundler.definitions},
    }


def _paths(app: "Flask", bundler: Bundler, platform: str | None, blueprints: set[str], prefix: str,
           schema_folder: str | None, bodies_required: bool = True, client_error: str | None = None) -> dict:
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else None
        view = app.view_functions.get(rule.endpoint)
        op: Operation | None = getattr(view, "__openapi__", None)
        if blueprint not in blueprints or op is None or not rule.rule.startswith(prefix):
            continue
        folder = schema_folder or ("emulator" if blueprint == "control" else blueprint[: -len("_control")])
        path = RULE_ARG.sub(r"{\2}", rule.rule[len(prefix):]) or "/"
        parameters = [
            {"name": arg, "in": "path", "required": True,
             "schema": CONVERTER_TYPES.get(converter or "", {"type": "string"})}
            for converter, arg in RULE_ARG.findall(rule.rule)
        ]
        parameters += [
            {"name": p.name, "in": "query", "required": p.required, "schema": p.schema,
             **({"description": p.description} if p.description else {})}
            for p in op.query
        ]
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for method in methods:
            entry: dict[str, Any] = {
                "operationId": _operation_id(folder, rule.endpoint, method, methods),
                "summary": op.summary,
                "responses": {},
            }
            if op.description:
                entry["description"] = op.description
            if parameters:
                entry["parameters"] = parameters
            if op.request:
                # Where an empty body is read as {}, the body is required only if {} is not valid.
                owner, _, name = op.request.rpartition("/")
                required = (bodies_required and not op.optional_body) or bool(
                    bundler.catalogue.errors(owner or folder, name, {}))
                entry["requestBody"] = {"required": required, "content": {
                    "application/json": {"schema": bundler.ref(folder, op.request)}}}
            if op.auth and platform is not None:
                entry["security"] = [{"auth": []}]
            responses = dict(op.responses)
            if client_error and (op.query or op.request) and 400 not in responses:
                responses[400] = client_error if folder == "emulator" else f"emulator/{client_error}"
            for status, schema in sorted(responses.items()):
                response: dict[str, Any] = {"description": _reason(status)}
                media = op.media.get(status, "application/json")
                if schema is not None:
                    response["content"] = {media: {"schema": bundler.ref(folder, schema)}}
                elif status in op.media:
                    response["content"] = {media: {"schema": {"type": "string"}}}
                entry["responses"][str(status)] = response
            paths.setdefault(path, {})[method.lower()] = entry
    return paths


def _operation_id(folder: str, endpoint: str, method: str, methods: list[str]) -> str:
    suffix = f".{method.lower()}" if len(methods) > 1 else ""
    return f"{folder}.{endpoint.rsplit('.', 1)[-1]}{suffix}"


def operation_index(app: "Flask", engine: "Engine") -> tuple[dict[tuple[str, str], str], dict[str, list[Route]]]:
    """Each platform endpoint's OpenAPI operationId by (Flask endpoint, method), and each platform's
    routes as method and path template (for the journal's near misses)."""
    by_endpoint: dict[tuple[str, str], str] = {}
    routes: dict[str, list[Route]] = {name: [] for name in engine.platforms}
    for rule in app.url_map.iter_rules():
        platform = rule.endpoint.split(".", 1)[0]
        view = app.view_functions.get(rule.endpoint)
        if platform not in engine.platforms or getattr(view, "__openapi__", None) is None:
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for method in methods:
            operation = _operation_id(platform, rule.endpoint, method, methods)
            by_endpoint[(rule.endpoint, method)] = operation
            routes[platform].append(Route(operation, method, RULE_ARG.sub(r"{\2}", rule.rule)))
        if "GET" in methods:
            by_endpoint[(rule.endpoint, "HEAD")] = by_endpoint[(rule.endpoint, "GET")]
    return by_endpoint, routes


def _reason(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


def _version() -> str:
    from .. import __version__

    return __version__
