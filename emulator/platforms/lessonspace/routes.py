"""Lessonspace's HTTP surface: parse, authenticate, validate, call the model, serialise."""
from __future__ import annotations

import re
from functools import wraps
from html import escape
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlencode
from uuid import UUID

from flask import Blueprint, Response, g, request

from ...core.clock import parse_iso
from ...core.errors import ApiError, DomainError
from ...core.http import json_response, read_json
from ...core.operations import Param, operation
from ...core import drf
from .constants import HELLO, NAME
from .models import Lessonspace
from .views import organisation_view, session_view, space_view

if TYPE_CHECKING:
    from ...core.engine import Engine

USER_IDS = re.compile(r"^(?:[0-9]+(?:[,&][0-9]+)*)?$")  # one user id, or several joined by , or &
SESSION_FILTERS = tuple(
    Param(name, schema) for name, schema in [
        ("search", {"type": "string"}), ("page", {"type": "integer", "minimum": 1}),
        ("include_single_user", {"type": "boolean"}), ("in_progress_only", {"type": "boolean"}),
        ("duration_min", {"type": "number"}), ("duration_max", {"type": "number"}),
        ("start_time_after", {"type": "string", "format": "date-time"}),
        ("start_time_before", {"type": "string", "format": "date-time"}),
        ("end_time_after", {"type": "string", "format": "date-time"}),
        ("end_time_before", {"type": "string", "format": "date-time"}),
        ("date_after", {"type": "string", "format": "date-time"}),
        ("date_before", {"type": "string", "format": "date-time"}),
        ("user", {"type": "string", "pattern": USER_IDS.pattern}), ("space", {"type": "string", "format": "uuid"}),
        ("launch_id", {"type": "string"}),
        ("ordering", {"enum": ["start_time", "-start_time", "end_time", "-end_time", "duration", "-duration",
                               "name", "-name"]}),
    ]
)
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PAGE_SIZE = 20


def error_body(status: int, message: str) -> dict:
    if status == 404 and message.startswith("no such endpoint"):
        return {"detail": "Not found."}
    return {"detail": message}


def as_api_error(exc: DomainError) -> ApiError:
    if exc.fields:
        return drf.field_errors(exc.fields)
    return drf.detail(exc.status, exc.message)


def api_blueprint(engine: "Engine") -> Blueprint:
    model: Lessonspace = engine.models[NAME]
    bp = Blueprint(NAME, __name__)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        error = as_api_error(exc)
        return json_response(error.body, error.status)

    def authenticated(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            if not header:
                raise drf.detail(401, "Authentication credentials were not provided.",
                                 {"WWW-Authenticate": "Organisation"})
            scheme, _, key = header.partition(" ")
            if scheme != "Organisation" or not UUID_RE.match(key.strip()):
                raise drf.detail(401, "Invalid token.", {"WWW-Authenticate": "Organisation"})
            g.org = model.organisation(key.strip())
            return view(*args, **kwargs)

        return wrapper

    def validated_body(schema: str) -> dict:
        body = read_json(lambda message: drf.detail(400, message))
        errors = engine.schemas.errors(NAME, schema, body)
        if errors:
            raise drf.field_errors(drf.schema_errors_to_fields(errors))
        return body

    def own_org(org_id: int) -> None:
        if org_id != g.org["id"]:
            raise drf.detail(403, "You do not have permission to perform this action.")

    @bp.get("/v2/hello/")
    @operation("Check the API key", {200: "hello.response", 401: "error.detail"})
    @authenticated
    def hello() -> Response:
        return json_response({"response": HELLO})

    @bp.get("/v2/my-organisation/")
    @operation("The organisation of the API key", {200: "organisation.response", 401: "error.detail"})
    @authenticated
    def my_organisation() -> Response:
        return json_response(organisation_view(model, g.org))

    @bp.post("/v2/spaces/launch/")
    @operation("Launch a space: create it (201) or fetch it (200) and mint a join link for a user",
               {200: "launch.response", 201: "launch.response", 400: "error.request", 401: "error.detail"},
               request="launch.request")
    @authenticated
    def launch() -> Response:
        body = validated_body("launch.request")
        created, response = model.launch(g.org, body)
        return json_response(response, 201 if created else 200)

    @bp.get("/v2/organisations/<int:org_id>/sessions/")
    @operation("List the organisation's sessions (20 a page, newest first)",
               {200: "sessions.list.response", 400: "error.fields", 401: "error.detail", 403: "error.detail",
                404: "error.detail"}, query=SESSION_FILTERS)
    @authenticated
    def list_sessions(org_id: int) -> Response:
        own_org(org_id)
        sessions = filter_sessions(model, model.sessions(g.org), request.args)
        page = parse_page(request.args.get("page", "1"), len(sessions))
        start = (page - 1) * PAGE_SIZE
        results = [session_view(model, s) for s in sessions[start:start + PAGE_SIZE]]
        return json_response({
            "count": len(sessions),
            "next": page_url(page + 1) if start + PAGE_SIZE < len(sessions) else None,
            "previous": page_url(page - 1) if page > 1 else None,
            "results": results,
        })

    @bp.get("/v2/organisations/sessions/<uuid:session_uuid>/")
    @operation("A session", {200: "session", 401: "error.detail", 404: "error.detail"})
    @authenticated
    def session_detail(session_uuid: UUID) -> Response:
        return json_response(session_view(model, model.session(g.org, str(session_uuid))))

    @bp.patch("/v2/organisations/sessions/<uuid:session_uuid>/")
    @operation("Rename a session and set who may watch its recording",
               {200: "session", 400: "error.request", 401: "error.detail", 404: "error.detail"},
               request="session.update.request")
    @authenticated
    def update_session(session_uuid: UUID) -> Response:
        body = validated_body("session.update.request")
        return json_response(session_view(model, model.update_session(g.org, str(session_uuid), body)))

    @bp.get("/v2/organisations/sessions/<uuid:session_uuid>/playback/")
    @operation("The session's recording: preparing, ready (with its playback page) or no_recording",
               {200: "playback.response", 401: "error.detail", 404: "error.detail"})
    @authenticated
    def playback(session_uuid: UUID) -> Response:
        return json_response(model.playback(g.org, str(session_uuid)))

    @bp.get("/v2/spaces/<uuid:space_uuid>/sessions/")
    @operation("The sessions held in a space (20 a page, newest first), who joined and left",
               {200: "sessions.list.response", 401: "error.detail", 404: "error.detail"},
               query=(Param("page", {"type": "integer", "minimum": 1}),))
    @authenticated
    def space_sessions(space_uuid: UUID) -> Response:
        space = model.space(g.org, str(space_uuid))
        sessions = sorted((s for s in model.sessions(g.org) if s["room_id"] == space["room_id"]),
                          key=lambda s: s["start"], reverse=True)
        return paged([session_view(model, s) for s in sessions])

    @bp.get("/v2/organisations/<int:org_id>/spaces/")
    @operation("The organisation's spaces (20 a page)",
               {200: "spaces.list.response", 400: "error.fields", 401: "error.detail", 403: "error.detail",
                404: "error.detail"},
               query=(Param("page", {"type": "integer", "minimum": 1}),
                      Param("search", {"type": "string"}, "part of a space's name or launch id, any case"),
                      Param("sort_by", {"enum": ["new-old", "old-new"]}, "creation order (default new-old)")))
    @authenticated
    def list_spaces(org_id: int) -> Response:
        own_org(org_id)
        order = request.args.get("sort_by", "new-old")
        if order not in ("new-old", "old-new"):
            raise drf.field_errors({"sort_by": [f'"{order}" is not a valid choice.']})
        search = request.args.get("search", "").strip().lower()
        spaces = [s for s in model.spaces(g.org)
                  if not search or search in (s["name"] or "").lower() or search in s["launch_id"].lower()]
        spaces.sort(key=lambda s: s["created"], reverse=order == "new-old")
        return paged([space_view(s) for s in spaces])

    def paged(items: list[dict]) -> Response:
        page = parse_page(request.args.get("page", "1"), len(items))
        start = (page - 1) * PAGE_SIZE
        return json_response({
            "count": len(items),
            "next": page_url(page + 1) if start + PAGE_SIZE < len(items) else None,
            "previous": page_url(page - 1) if page > 1 else None,
            "results": items[start:start + PAGE_SIZE],
        })

    @bp.get("/v2/organisations/<int:org_id>/sessions/<uuid:session_uuid>/")
    @operation("A session", {200: "session", 401: "error.detail", 403: "error.detail", 404: "error.detail"})
    @authenticated
    def org_session_detail(org_id: int, session_uuid: UUID) -> Response:
        own_org(org_id)
        return session_detail(session_uuid)

    def transcript_response(uuid: str | None) -> Response:
        if not uuid:
            raise drf.field_errors({"session": ["This field is required."]})
        if not UUID_RE.match(uuid):
            raise drf.field_errors({"session": [f'"{uuid}" is not a valid UUID.']})
        return json_response({"transcriptionUrl": model.transcript_link(g.org, uuid.lower())})

    @bp.get("/v2/organisations/sessions/<uuid:session_uuid>/transcript/")
    @operation("The transcript link (valid 12 hours) of a session",
               {200: "transcript.response", 400: "error.fields", 401: "error.detail", 404: "error.detail"})
    @authenticated
    def transcript(session_uuid: UUID) -> Response:
        return transcript_response(str(session_uuid))

    @bp.get("/v2/organisations/<int:org_id>/sessions/<uuid:session_uuid>/transcript/")
    @operation("The transcript link (valid 12 hours) of a session",
               {200: "transcript.response", 400: "error.fields", 401: "error.detail", 403: "error.detail",
                404: "error.detail"})
    @authenticated
    def org_transcript(org_id: int, session_uuid: UUID) -> Response:
        own_org(org_id)
        return transcript_response(str(session_uuid))

    @bp.get("/v2/organisations/sessions/transcript/")
    @operation("The transcript link (valid 12 hours) of the session named in the query",
               {200: "transcript.response", 400: "error.fields", 401: "error.detail", 404: "error.detail"},
               query=(Param("session", {"type": "string", "format": "uuid"}, "the session UUID", required=True),))
    @authenticated
    def transcript_by_query() -> Response:
        return transcript_response(request.args.get("session"))

    @bp.get("/room/<room_id>")
    def room(room_id: str) -> Response:
        """The page a client_url opens: it joins the user to the space's session."""
        token = request.args.get("token", "")
        try:
            session = model.join(room_id, token)
        except DomainError as exc:
            return room_page("Cannot join", exc.message, exc.status)
        leave = f"/{NAME}/room/{escape(room_id)}/leave?{urlencode({'token': token})}"
        return room_page(
            session["name"] or "Lessonspace",
            f"You joined session {session['uuid']}. The emulator keeps you here for a while; "
            f'<form method="post" action="{leave}"><button>Leave now</button></form>',
            200,
            trusted=True,
        )

    @bp.get("/playback/<uuid:session_uuid>")
    def playback_page(session_uuid: UUID) -> Response:
        """The page a recording_url opens: a player for the session's recording (a fresh link each load)."""
        video = model.playback_video(str(session_uuid))
        if video is None:
            return room_page("No recording", "This recording is not available.", 404)
        return room_page("Recording", f'<video controls src="{escape(video)}" width="640"></video>', 200,
                         trusted=True)

    @bp.post("/room/<room_id>/leave")
    def leave_room(room_id: str) -> Response:
        try:
            session = model.leave(room_id, request.args.get("token", ""))
        except DomainError as exc:
            return room_page("Cannot leave", exc.message, exc.status)
        return room_page("You left", f"You left session {session['uuid']}.", 200)

    return bp


def room_page(title: str, message: str, status: int, trusted: bool = False) -> Response:
    text = message if trusted else escape(message)
    html = (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
            f"<body><h1>{escape(title)}</h1><p>{text}</p></body></html>")
    return Response(html, status=status, mimetype="text/html")


def page_url(page: int) -> str:
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return f"{request.base_url}?{urlencode(args, doseq=True)}"


def parse_page(raw: str, count: int) -> int:
    try:
        page = int(raw)
    except ValueError:
        page = 0
    last = max(1, -(-count // PAGE_SIZE))
    if page < 1 or page > last:
        raise drf.detail(404, "Invalid page.")
    return page


BOOL_TRUE, BOOL_FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def filter_sessions(model: Lessonspace, sessions: list[dict], args) -> list[dict]:
    """The list filters: each malformed value answers a DRF field error naming it."""
    errors: dict[str, list[str]] = {}

    def number(name: str) -> float | None:
        if name not in args:
            return None
        try:
            return float(args[name])
        except ValueError:
            errors[name] = ["Enter a number."]
            return None

    def moment(name: str) -> float | None:
        if name not in args:
            return None
        try:
            return parse_iso(args[name])
        except ValueError:
            errors[name] = ["Enter a valid date/time."]
            return None

    def flag(name: str) -> bool:
        value = args.get(name, "false").lower()
        if value not in BOOL_TRUE | BOOL_FALSE:
            errors[name] = ["Must be a valid boolean."]
        return value in BOOL_TRUE

    duration_min, duration_max = number("duration_min"), number("duration_max")
    bounds = {n: moment(n) for n in ("start_time_after", "start_time_before", "end_time_after", "end_time_before",
                                     "date_after", "date_before")}
    include_single, in_progress_only = flag("include_single_user"), flag("in_progress_only")
    users, spaces = [], args.getlist("space")
    for raw in args.getlist("user"):
        if not USER_IDS.match(raw):
            errors["user"] = [f'"{raw}" is not a valid user id.']
            continue
        users += [int(part) for part in raw.replace("&", ",").split(",") if part]
    for raw in spaces:
        if not UUID_RE.match(raw):
            errors["space"] = [f'"{raw}" is not a valid UUID.']
    ordering = args.get("ordering", "-start_time")
    if ordering.lstrip("-") not in ("start_time", "end_time", "duration", "name"):
        errors["ordering"] = [f'"{ordering}" is not a valid ordering.']
    if errors:
        raise drf.field_errors(errors)
    search, launch_id = args.get("search", "").strip().lower(), args.get("launch_id")
    now = model.clock.now()
    out = []
    for s in sessions:
        end = s["end"] if s["end"] is not None else now
        duration = end - s["start"]
        unique = {p["user_id"] for p in s["participants"]}
        space = model.space_of(s)
        checks = [
            include_single or len(unique) >= 2,
            not in_progress_only or s["end"] is None,
            duration_min is None or duration >= duration_min,
            duration_max is None or duration <= duration_max,
            bounds["start_time_after"] is None or s["start"] >= bounds["start_time_after"],
            bounds["start_time_before"] is None or s["start"] <= bounds["start_time_before"],
            bounds["end_time_after"] is None or (s["end"] is not None and s["end"] >= bounds["end_time_after"]),
            bounds["end_time_before"] is None or (s["end"] is not None and s["end"] <= bounds["end_time_before"]),
            bounds["date_after"] is None or s["start"] >= bounds["date_after"],
            bounds["date_before"] is None or (s["end"] is not None and s["end"] <= bounds["date_before"]),
            not users or bool(unique & set(users)),
            not spaces or space["room_id"] in {x.lower() for x in spaces},
            launch_id is None or space["launch_id"] == launch_id,
            not search or (s["uuid"] == search if UUID_RE.match(search) else search in (s["name"] or "").lower()),
        ]
        if all(checks):
            out.append(s)
    key = ordering.lstrip("-")
    sort_key = {
        "start_time": lambda s: s["start"],
        "end_time": lambda s: s["end"] if s["end"] is not None else float("inf"),
        "duration": lambda s: (s["end"] if s["end"] is not None else now) - s["start"],
        "name": lambda s: (s["name"] or "").lower(),
    }[key]
    return sorted(out, key=sort_key, reverse=ordering.startswith("-"))
