"""SpotMe's HTTP surface under /spotme/api/v2: parse, authenticate, validate, call the model, serialise."""
from __future__ import annotations

import re
from functools import wraps
from typing import TYPE_CHECKING, Callable
from uuid import UUID

from flask import Blueprint, Response, g, request

from ...core.errors import ApiError, DomainError
from ...core.http import json_response, read_json
from ...core.intercept import throttle
from ...core.operations import operation
from ...core.schemas import json_path
from .models import BREAKOUT, LIVE, NAME, WORKSPACE, SpotMe

if TYPE_CHECKING:
    from ...core.engine import Engine

TOKEN = re.compile(r"^[A-Za-z0-9._~+/=-]{8,512}$")
CODES = {400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limited"}
ERR = "error"
KINDS = {"live-sessions": LIVE, "breakouts": BREAKOUT}


def error_body(status: int, message: str, details: list | None = None) -> dict:
    body = {"error": CODES.get(status, "invalid_request"), "message": message}
    if details:
        body["details"] = details
    return body


def fault_message(status: int, wait: int | None) -> str | None:
    if status == 429:
        return "Too many requests: at most 3 per second, in bursts of 5, per token."
    return None


def spotme_error(status: int, message: str, details: list | None = None,
                 headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(status, error_body(status, message, details), headers)


def api_blueprint(engine: "Engine") -> Blueprint:
    model: SpotMe = engine.models[NAME]
    bp = Blueprint(NAME, __name__)
    api = "/api/v2"

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        return json_response(error_body(exc.status, exc.message), exc.status)

    def authenticated(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if not header:
                raise spotme_error(401, "Missing Authorization header: send 'Authorization: Bearer <token>'.",
                                   headers={"WWW-Authenticate": "Bearer"})
            if scheme != "Bearer" or not TOKEN.match(token):
                raise spotme_error(401, "Malformed Authorization header: expected 'Bearer <token>'.",
                                   headers={"WWW-Authenticate": "Bearer"})
            allowed = model.setting("api_tokens")
            if allowed and token not in allowed:
                raise spotme_error(401, "Invalid token.", headers={"WWW-Authenticate": "Bearer"})
            throttle(engine, NAME, token)
            g.token = token
            return view(*args, **kwargs)

        return wrapper

    def body(schema: str, allow_empty: bool = False) -> dict:
        data = read_json(lambda message: spotme_error(400, message), allow_empty=allow_empty)
        errors = engine.schemas.errors(NAME, schema, data)
        if errors:
            details = [{"path": json_path(e.absolute_path), "message": e.message} for e in errors]
            raise spotme_error(400, f"Invalid body: {details[0]['path']}: {details[0]['message']}", details)
        return data

    auth_errors = {401: ERR, 429: ERR}

    @bp.get(f"{api}/me")
    @operation("The token's user and the organisations it belongs to", {200: "me", **auth_errors})
    @authenticated
    def me() -> Response:
        return json_response(model.me(g.token))

    @bp.get(f"{api}/orgs/<org_id>/workspaces")
    @operation("The organisation's workspaces", {200: "workspaces.list.response", 404: ERR, **auth_errors})
    @authenticated
    def org_workspaces(org_id: str) -> Response:
        if org_id != model.org_id:
            raise spotme_error(404, f"Organisation {org_id} does not exist.")
        return workspaces()

    @bp.get(f"{api}/workspaces")
    @operation("The workspaces the token can act on", {200: "workspaces.list.response", **auth_errors})
    @authenticated
    def workspaces() -> Response:
        return json_response({"data": [model.workspace_view(w) for w in model.workspaces()]})

    @bp.get(f"{api}/workspace/<workspace_id>")
    @operation("A workspace", {200: "workspace", 404: ERR, **auth_errors})
    @authenticated
    def workspace(workspace_id: str) -> Response:
        return json_response(model.workspace_view(model.workspace(workspace_id)))

    @bp.get("/cms/<workspace_id>")
    def cms(workspace_id: str) -> Response:
        """The page a workspace's cms_url opens (the emulator has no CMS: it names the workspace)."""
        from html import escape

        found = model.store.get(WORKSPACE, workspace_id)
        title = escape(found["name"]) if found else "No such workspace"
        return Response(f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
                        f"<body><h1>{title}</h1><p>Backstage CMS (meeting-emulator)</p></body></html>",
                        200 if found else 404, mimetype="text/html")

    for segment, kind in KINDS.items():
        single = "live_session" if kind == LIVE else "breakout"
        plural = "live_sessions" if kind == LIVE else "breakouts"
        label = "live session" if kind == LIVE else "video breakout"

        def make_views(kind: str = kind, segment: str = segment, single: str = single, plural: str = plural,
                       label: str = label) -> None:
            @bp.get(f"{api}/workspace/<workspace_id>/{segment}", endpoint=f"list_{plural}")
            @operation(f"The workspace's {label}s", {200: f"{plural}.list.response", 404: ERR, **auth_errors})
            @authenticated
            def listing(workspace_id: str) -> Response:
                events = model.events(kind, workspace_id)
                return json_response({"data": [model.event_view(kind, e) for e in events]})

            @bp.get(f"{api}/workspace/<workspace_id>/{segment}/<event_id>", endpoint=f"get_{single}")
            @operation(f"A {label}", {200: single, 404: ERR, **auth_errors})
            @authenticated
            def detail(workspace_id: str, event_id: str) -> Response:
                return json_response(model.event_view(kind, model.event(kind, workspace_id, event_id)))

            @bp.post(f"{api}/workspace/<workspace_id>/{segment}/<event_id>/transcript",
                     endpoint=f"generate_{single}")
            @operation(f"Trigger recording, transcript and caption generation for a {label}",
                       {202: "generate.response", 400: ERR, 404: ERR, 409: ERR, **auth_errors},
                       request="generate.request",
                       description="409 while the live session's VOD is not available or the breakout has not "
                                   "finished. A completed job replaces the previous transcript.")
            @authenticated
            def generate(workspace_id: str, event_id: str) -> Response:
                job = model.trigger(kind, workspace_id, event_id, body("generate.request", allow_empty=True))
                return json_response({"job_id": job["job_id"], "status": job["status"]}, 202)

            @bp.get(f"{api}/workspace/<workspace_id>/{segment}/<event_id>/transcript",
                    endpoint=f"transcript_{single}")
            @operation(f"Links to the {label}'s VTT captions, TXT transcript and mp4 recording (valid 6 hours)",
                       {200: "transcript.response", 404: ERR, **auth_errors})
            @authenticated
            def transcript(workspace_id: str, event_id: str) -> Response:
                return json_response(model.transcript(kind, workspace_id, event_id))

        make_views()

    @bp.get(f"{api}/workspace/<workspace_id>/transcript-jobs/<uuid:job_id>")
    @operation("A generation job: pending, processing, completed or failed", {200: "job", 404: ERR, **auth_errors})
    @authenticated
    def job(workspace_id: str, job_id: UUID) -> Response:
        return json_response(job_view(model.job(workspace_id, str(job_id))))

    @bp.get(f"{api}/workspace/<workspace_id>/glossaries")
    @operation("The workspace's glossaries", {200: "glossaries.list.response", 404: ERR, **auth_errors})
    @authenticated
    def glossaries(workspace_id: str) -> Response:
        return json_response({"data": model.glossaries(workspace_id)})

    @bp.post(f"{api}/workspace/<workspace_id>/glossaries")
    @operation("Create a glossary", {201: "glossary", 400: ERR, 404: ERR, **auth_errors},
               request="glossary.create.request")
    @authenticated
    def create_glossary(workspace_id: str) -> Response:
        return json_response(model.create_glossary(workspace_id, body("glossary.create.request")), 201)

    @bp.get(f"{api}/workspace/<workspace_id>/glossaries/<uuid:glossary_id>")
    @operation("A glossary", {200: "glossary", 404: ERR, **auth_errors})
    @authenticated
    def get_glossary(workspace_id: str, glossary_id: UUID) -> Response:
        return json_response(model.glossary(workspace_id, str(glossary_id)))

    @bp.patch(f"{api}/workspace/<workspace_id>/glossaries/<uuid:glossary_id>")
    @operation("Change a glossary", {200: "glossary", 400: ERR, 404: ERR, **auth_errors},
               request="glossary.update.request")
    @authenticated
    def update_glossary(workspace_id: str, glossary_id: UUID) -> Response:
        changes = body("glossary.update.request")
        return json_response(model.update_glossary(workspace_id, str(glossary_id), changes))

    @bp.delete(f"{api}/workspace/<workspace_id>/glossaries/<uuid:glossary_id>")
    @operation("Delete a glossary", {204: None, 404: ERR, **auth_errors})
    @authenticated
    def delete_glossary(workspace_id: str, glossary_id: UUID) -> Response:
        model.delete_glossary(workspace_id, str(glossary_id))
        return Response(status=204)

    return bp


def job_view(job: dict) -> dict:
    return {k: v for k, v in job.items() if k != "glossary"}
