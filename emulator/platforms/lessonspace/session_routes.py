"""Lessonspace's session routes: the organisation's sessions with their filters, one session, its
update, playback and transcript link, and the sessions held in a space. HTTP only."""
from __future__ import annotations

import re
from uuid import UUID

from flask import Response, g, request

from ...core import drf
from ...core.clock import parse_iso
from ...core.http import json_response
from ...core.operations import Param
from .http import PAGE_SIZE, UUID_RE, Http, own_org, page_url, paged, parse_page
from .models import Lessonspace
from .views import session_view

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


def add_session_routes(http: Http) -> None:
    model = http.model

    @http.route("/v2/organisations/<int:org_id>/sessions/", "List the organisation's sessions (20 a page, newest first)",
               {200: "sessions.list.response", 400: "error.fields", 401: "error.detail", 403: "error.detail",
                404: "error.detail"}, query=SESSION_FILTERS)
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

    @http.route("/v2/organisations/sessions/<uuid:session_uuid>/", "A session", {200: "session", 401: "error.detail", 404: "error.detail"})
    def session_detail(session_uuid: UUID) -> Response:
        return json_response(session_view(model, model.session(g.org, str(session_uuid))))

    @http.route("/v2/organisations/sessions/<uuid:session_uuid>/", "Rename a session and set who may watch its recording",
               {200: "session", 400: "error.request", 401: "error.detail", 404: "error.detail"},
               request="session.update.request", method="PATCH")
    def update_session(session_uuid: UUID) -> Response:
        body = http.body("session.update.request")
        return json_response(session_view(model, model.update_session(g.org, str(session_uuid), body)))

    @http.route("/v2/organisations/sessions/<uuid:session_uuid>/playback/", "The session's recording: preparing, ready (with its playback page) or no_recording",
               {200: "playback.response", 401: "error.detail", 404: "error.detail"})
    def playback(session_uuid: UUID) -> Response:
        return json_response(model.playback(g.org, str(session_uuid)))

    @http.route("/v2/spaces/<uuid:space_uuid>/sessions/", "The sessions held in a space (20 a page, newest first), who joined and left",
               {200: "sessions.list.response", 401: "error.detail", 404: "error.detail"},
               query=(Param("page", {"type": "integer", "minimum": 1}),))
    def space_sessions(space_uuid: UUID) -> Response:
        space = model.space(g.org, str(space_uuid))
        sessions = sorted((s for s in model.sessions(g.org) if s["room_id"] == space["room_id"]),
                          key=lambda s: s["start"], reverse=True)
        return paged([session_view(model, s) for s in sessions])

    @http.route("/v2/organisations/<int:org_id>/sessions/<uuid:session_uuid>/", "A session", {200: "session", 401: "error.detail", 403: "error.detail", 404: "error.detail"})
    def org_session_detail(org_id: int, session_uuid: UUID) -> Response:
        own_org(org_id)
        return session_detail(session_uuid)

    def transcript_response(uuid: str | None) -> Response:
        if not uuid:
            raise drf.field_errors({"session": ["This field is required."]})
        if not UUID_RE.match(uuid):
            raise drf.field_errors({"session": [f'"{uuid}" is not a valid UUID.']})
        return json_response({"transcriptionUrl": model.transcript_link(g.org, uuid.lower())})

    @http.route("/v2/organisations/sessions/<uuid:session_uuid>/transcript/", "The transcript link (valid 12 hours) of a session",
               {200: "transcript.response", 400: "error.fields", 401: "error.detail", 404: "error.detail"})
    def transcript(session_uuid: UUID) -> Response:
        return transcript_response(str(session_uuid))

    @http.route("/v2/organisations/<int:org_id>/sessions/<uuid:session_uuid>/transcript/", "The transcript link (valid 12 hours) of a session",
               {200: "transcript.response", 400: "error.fields", 401: "error.detail", 403: "error.detail",
                404: "error.detail"})
    def org_transcript(org_id: int, session_uuid: UUID) -> Response:
        own_org(org_id)
        return transcript_response(str(session_uuid))

    @http.route("/v2/organisations/sessions/transcript/", "The transcript link (valid 12 hours) of the session named in the query",
               {200: "transcript.response", 400: "error.fields", 401: "error.detail", 404: "error.detail"},
               query=(Param("session", {"type": "string", "format": "uuid"}, "the session UUID", required=True),))
    def transcript_by_query() -> Response:
        return transcript_response(request.args.get("session"))


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
