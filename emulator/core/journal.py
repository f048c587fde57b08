"""The request journal: every request to a platform API, kept in memory, bounded by count and bytes.

An entry is kept as the raw pieces the request already had (bytes, header pairs) and turned into
JSON only when read, so journaling costs a request little more than an append. Requests that
matched no endpoint carry the closest endpoints (WireMock's near misses), so a typo in a client's
path shows up next to the path it meant.
"""
from __future__ import annotations

import difflib
import fnmatch
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable

from .clock import iso

BODY_LIMIT = 64 * 1024  # bytes of a request or response body kept per entry
REDACTED = "[redacted]"
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "x-api-key", "api-key", "x-auth-token",
                                "proxy-authorization"})
TEXT_TYPES = ("application/json", "text/", "application/xml", "application/problem+json")


@dataclass(frozen=True)
class Route:
    """An endpoint a request could have meant: its OpenAPI operation, method and path template."""

    operation: str
    method: str
    template: str  # /recall/api/v1/bot/{bot_id}/


@dataclass(slots=True)
class Entry:
    id: int
    at: float  # emulator time
    wall: float
    platform: str | None
    operation: str | None
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]  # as the WSGI environ has them (HTTP_X_API_KEY) or as sent
    body: bytes
    status: int
    response_headers: list[tuple[str, str]]
    response_body: bytes
    duration_ms: float
    fault: str | None = None
    near_misses: list[dict] = field(default_factory=list)
    size: int = 0  # bytes it holds, roughly (set when recorded)

    def public(self) -> dict:
        from urllib.parse import parse_qs

        return {
            "id": self.id, "at": iso(self.at), "wall_time": iso(self.wall), "platform": self.platform,
            "operation": self.operation, "matched": self.operation is not None, "method": self.method,
            "path": self.path, "query": parse_qs(self.query, keep_blank_values=True),
            "headers": _headers(self.headers), "body": _body(self.body, _content_type(self.headers)),
            "status": self.status, "response_headers": _headers(self.response_headers),
            "response_body": _body(self.response_body, _content_type(self.response_headers)),
            "duration_ms": round(self.duration_ms, 2), "fault": self.fault,
            **({"near_misses": self.near_misses} if self.operation is None else {}),
        }


class Journal:
    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: deque[Entry] = deque()
        self._bytes = 0
        self._next_id = 1
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and self.max_bytes > 0

    def record(self, entry: Entry) -> None:
        if len(entry.body) > BODY_LIMIT:
            entry.body = entry.body[:BODY_LIMIT]
        if len(entry.response_body) > BODY_LIMIT:
            entry.response_body = entry.response_body[:BODY_LIMIT]
        entry.size = len(entry.body) + len(entry.response_body) + 512
        with self._lock:
            entry.id = self._next_id
            self._next_id += 1
            self._entries.append(entry)
            self._bytes += entry.size
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                self._bytes -= self._entries.popleft().size

    def entries(self, *, platform: str | None = None, operation: str | None = None, method: str | None = None,
                path: str | None = None, status: str | None = None, since: float | None = None,
                matched: bool | None = None) -> list[Entry]:
        """Entries oldest first. ``path`` is a glob (``/recall/api/v1/bot/*``); ``status`` is a code
        (``429``) or a class (``4xx``)."""
        with self._lock:
            kept = list(self._entries)
        return [e for e in kept if (platform is None or e.platform == platform)
                and (operation is None or e.operation == operation)
                and (method is None or e.method == method.upper())
                and (path is None or fnmatch.fnmatchcase(e.path, path))
                and (status is None or _status_matches(e.status, status))
                and (since is None or e.at >= since)
                and (matched is None or (e.operation is not None) == matched)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


def near_misses(method: str, path: str, routes: Iterable[Route], limit: int = 3) -> list[dict]:
    """The endpoints closest to a request that matched none, best first, with a similarity in [0, 1]:
    the path against each template (its parameters read as the request's own segments) weighs most,
    the method the rest."""
    scored = []
    for route in routes:
        similarity = 0.8 * _path_similarity(path, route.template) + 0.2 * (route.method == method)
        scored.append((similarity, route))
    scored.sort(key=lambda pair: -pair[0])
    return [{"operation": r.operation, "method": r.method, "path": r.template, "similarity": round(s, 3)}
            for s, r in scored[:limit]]


def _path_similarity(path: str, template: str) -> float:
    given = path.split("/")
    wanted = template.split("/")
    # A template's {parameter} stands for whatever the request has in that place.
    filled = [given[i] if part.startswith("{") and i < len(given) else part for i, part in enumerate(wanted)]
    return difflib.SequenceMatcher(None, path, "/".join(filled)).ratio()


def _status_matches(status: int, wanted: str) -> bool:
    wanted = wanted.strip().lower()
    if len(wanted) == 3 and wanted.endswith("xx") and wanted[0].isdigit():
        return status // 100 == int(wanted[0])
    return wanted.isdigit() and status == int(wanted)


def _headers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    named = (((_header_name(k) if k.isupper() else k), v) for k, v in pairs)
    return {name: REDACTED if name.lower() in CREDENTIAL_HEADERS else value for name, value in named}


def _header_name(environ_key: str) -> str:
    """A WSGI environ key (HTTP_X_API_KEY, CONTENT_TYPE) as the header it came from (X-Api-Key)."""
    return "-".join(part.capitalize() for part in environ_key.removeprefix("HTTP_").split("_"))


def _content_type(pairs: list[tuple[str, str]]) -> str:
    return next((v for k, v in pairs if k.lower() in ("content-type", "content_type")), "")


def _body(raw: bytes, content_type: str) -> Any:
    """JSON bodies as JSON, text as text, anything else (a downloaded recording) as its size only."""
    if not raw:
        return None
    if content_type and not content_type.startswith(TEXT_TYPES) and "json" not in content_type:
        return f"<{len(raw)} bytes of {content_type.split(';')[0]}>"
    text = raw.decode(errors="replace")
    if "json" in content_type or not content_type:
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text
