"""The web pages Lessonspace links hand out: the room a client_url opens (joining its session), the
leave button, and the playback page a recording_url opens. HTML, no API key."""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode
from uuid import UUID

from flask import Response, request

from ...core.errors import DomainError
from .constants import NAME
from .http import Http


def add_page_routes(http: Http) -> None:
    bp, model = http.bp, http.model
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


def room_page(title: str, message: str, status: int, trusted: bool = False) -> Response:
    text = message if trusted else escape(message)
    html = (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
            f"<body><h1>{escape(title)}</h1><p>{text}</p></body></html>")
    return Response(html, status=status, mimetype="text/html")
