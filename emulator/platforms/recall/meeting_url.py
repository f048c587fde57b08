"""Meeting URLs parsed into Recall's platform objects: Zoom, Google Meet, Microsoft Teams (business and
live), Webex (meeting and personal room) and GoTo Meeting, in the shapes of Recall's ``MeetingUrl``
schema and its "Meeting URLs" page."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, unquote, urlsplit

from ...core.errors import Invalid

MEET_CODE = re.compile(r"^[a-z]{3}-[a-z]{4}-[a-z]{3}$")
SCENARIOS = ("waiting_room", "permission_denied", "meeting_not_found", "kicked", "ended_by_host",
             "no_one_joined", "bot_errored")


def _invalid(message: str) -> Invalid:
    return Invalid(message, {"meeting_url": [message]})


def parse(url: str) -> dict:
    """The structured meeting URL Recall answers with; Invalid for anything it would not join."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        raise _invalid("Enter a valid URL.") from None
    query = parse_qs(parts.query)
    if parts.scheme not in ("http", "https") or not host:
        raise _invalid("Enter a valid URL.")
    if host == "zoom.us" or host.endswith(".zoom.us"):
        match = re.match(r"^/(?:j|w|s|wc/join|my)/(\w+)", parts.path)
        if not match:
            raise _invalid("Zoom meeting URLs look like https://zoom.us/j/<meeting id>.")
        return {"meeting_id": match.group(1), "meeting_password": (query.get("pwd") or [None])[0], "platform": "zoom"}
    if host == "meet.google.com":
        code = parts.path.strip("/").split("/")[0]
        if not MEET_CODE.match(code):
            raise _invalid("Google Meet URLs look like https://meet.google.com/abc-defg-hij.")
        return {"meeting_id": code, "platform": "google_meet"}
    if host == "teams.live.com":
        return _teams_live(parts.path, query)
    if host == "teams.microsoft.com":
        return _teams(parts.path, query)
    if host.endswith(".webex.com"):
        return _webex(host, parts.path, query)
    if host in GOTO_HOSTS:
        return _goto(parts.path)
    raise _invalid("Unsupported meeting URL: use a Zoom, Google Meet, Microsoft Teams, Webex or GoTo Meeting link.")


GOTO_HOSTS = ("meet.goto.com", "app.goto.com", "global.gotomeeting.com", "www.gotomeeting.com", "gotomeeting.com")


def _webex(host: str, path: str, query: dict) -> dict:
    """``https://acme.webex.com/acme/j.php?MTID=m…`` (a meeting) or ``https://acme.webex.com/meet/jane``
    (a personal room). ``meeting_path`` is the URL's path without its leading slash."""
    subdomain = host.removesuffix(".webex.com")
    mtid = (query.get("MTID") or query.get("mtid") or [None])[0]
    if mtid:
        return {"meeting_subdomain": subdomain, "meeting_mtid": mtid, "meeting_path": path.lstrip("/"),
                "platform": "webex"}
    room = re.match(r"^/(?:meet|join)/([^/?]+)", path)
    if room:
        return {"meeting_subdomain": subdomain, "meeting_personal_room_id": room.group(1), "platform": "webex"}
    raise _invalid("Webex meeting URLs look like https://<site>.webex.com/<site>/j.php?MTID=<id> or "
                   "https://<site>.webex.com/meet/<room>.")


def _goto(path: str) -> dict:
    match = re.match(r"^/(?:join/)?(\d{9,})", path)
    if not match:
        raise _invalid("GoTo Meeting URLs look like https://meet.goto.com/<meeting id>.")
    return {"meeting_id": match.group(1), "platform": "goto_meeting"}


def _teams_live(path: str, query: dict) -> dict:
    """Teams for personal use: ``https://teams.live.com/meet/<id>?p=<password>``."""
    match = re.match(r"^/meet/(\d+)", path)
    if not match:
        raise _invalid("Teams (personal) meeting URLs look like https://teams.live.com/meet/<id>.")
    return {"meeting_id": match.group(1), "meeting_password": (query.get("p") or [None])[0], "organizer_id": None,
            "tenant_id": None, "message_id": None, "thread_id": None, "business_meeting_id": None,
            "business_meeting_password": None, "platform": "microsoft_teams_live"}


def _teams(path: str, query: dict) -> dict:
    teams = {"meeting_id": None, "meeting_password": None, "organizer_id": None, "tenant_id": None,
             "message_id": None, "thread_id": None, "business_meeting_id": None,
             "business_meeting_password": None, "platform": "microsoft_teams"}
    join = re.match(r"^/l/meetup-join/([^/]+)/([^/?]+)", path)
    meet = re.match(r"^/meet/(\d+)", path)
    if join:
        teams["thread_id"], teams["message_id"] = unquote(join.group(1)), join.group(2)
        try:
            context = json.loads(unquote((query.get("context") or ["{}"])[0]))
        except ValueError:
            context = {}
        teams["tenant_id"], teams["organizer_id"] = context.get("Tid"), context.get("Oid")
    elif meet:
        teams["business_meeting_id"] = meet.group(1)
        teams["business_meeting_password"] = (query.get("p") or [None])[0]
    else:
        raise _invalid("Teams meeting URLs look like https://teams.microsoft.com/l/meetup-join/... or /meet/<id>.")
    return teams


def scenario(url: str) -> str | None:
    """A forced outcome asked for in the URL: ``?emulator_scenario=waiting_room`` and the like."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return None
    value = (parse_qs(query).get("emulator_scenario") or [None])[0]
    if value is not None and value not in SCENARIOS:
        raise _invalid(f"Unknown emulator_scenario {value!r}; known: {', '.join(SCENARIOS)}.")
    return value
