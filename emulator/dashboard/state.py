"""What the dashboard shows, gathered from the engine: the clock, each platform's objects, the due
actions, the webhook deliveries with their signature checks, and the request journal. No HTTP here."""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from ..core.clock import iso, parse_iso
from ..core.objects import Shown
from ..core.webhooks import SEND_ACTION

if TYPE_CHECKING:
    from ..core.engine import Engine

JOURNAL_SHOWN = 50  # the newest requests on the page
INBOX_SHOWN = 20  # the newest messages of each inbox
INBOXES_SHOWN = 20  # the inboxes that received last


@dataclass(frozen=True)
class Link:
    url: str
    expires_at: str
    seconds_left: float


def clock(engine: "Engine") -> dict:
    described = engine.clock.describe()
    return {**described, "wall": iso(time.time())}


def platforms(engine: "Engine") -> list[dict]:
    """Each platform with its families of objects (newest first)."""
    out = []
    for name, platform in engine.platforms.items():
        families = platform.objects(engine) if platform.objects else []
        out.append({"name": name, "title": platform.title,
                    "families": [{"name": f.name, "title": f.title, "items": list(reversed(f.items()))}
                                 for f in families]})
    return out


def find(engine: "Engine", platform: str, family: str, object_id: str) -> tuple[str, Shown] | None:
    """(the family's title, the object), or None when there is no such object."""
    described = engine.platforms.get(platform)
    if described is None or described.objects is None:
        return None
    for candidate in described.objects(engine):
        if candidate.name == family:
            for item in candidate.items():
                if item.id == object_id:
                    return candidate.title, item
    return None


def links(engine: "Engine", document: Any) -> list[Link]:
    """The emulator's own download links in an API body, with the time each has left: only links
    it signed become links on the page (an object's metadata may hold any text, ``javascript:``
    included)."""
    now = engine.clock.now()
    found = []
    for text in _strings(document):
        expires = engine.links.expiry_of(text)
        if expires is not None:
            found.append(Link(text, iso(expires), max(0.0, expires - now)))
    return found


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def timeline(engine: "Engine", limit: int = 200) -> list[dict]:
    """The due actions in the order they will run, each with what it will do."""
    now = engine.clock.now()
    out = []
    for action in engine.store.pending_actions(limit):
        out.append({"due": iso(action["due"]), "in_seconds": max(0.0, action["due"] - now),
                    "action": action["action"], "does": _describe(engine, action["action"], action["payload"])})
    return out


def _describe(engine: "Engine", action: str, payload: dict) -> str:
    if action == SEND_ACTION:
        delivery = engine.store.get_delivery(payload.get("delivery", ""))
        if delivery is None:
            return "send a webhook that no longer exists"
        verb = "release a held" if payload.get("hold") else f"attempt {delivery['attempts'] + 1} of"
        return f"{verb} {delivery['platform']} {delivery['event']} to {delivery['url']}"
    platform, _, step = action.partition(".")
    subjects = ", ".join(f"{key} {value}" for key, value in payload.items() if isinstance(value, (str, int)))
    return f"{platform}: {step.replace('_', ' ')}" + (f" ({subjects})" if subjects else "")


STATUS_FILTER = re.compile(r"^[1-5](?:[0-9]{2}|xx)$")  # a status (429) or a class (4xx)
DELIVERY_STATUSES = ("pending", "queued", "sending", "delivered", "failed")


@dataclass(frozen=True)
class Filters:
    """What the lists on the home page are narrowed to (the query string; unknown values ignored)."""

    webhook_platform: str = ""
    event: str = ""
    webhook_status: str = ""
    request_platform: str = ""
    operation: str = ""
    request_status: str = ""

    @classmethod
    def read(cls, engine: "Engine", args: Any) -> "Filters":
        platforms = set(engine.platforms) | {"s3"}

        def pick(name: str, allowed: Any = None) -> str:
            value = str(args.get(name, ""))[:200].strip()
            return value if not value or allowed is None or allowed(value) else ""

        return cls(pick("webhook_platform", platforms.__contains__), pick("event"),
                   pick("webhook_status", DELIVERY_STATUSES.__contains__),
                   pick("request_platform", platforms.__contains__), pick("operation"),
                   pick("request_status", STATUS_FILTER.match))


def deliveries(engine: "Engine", filters: Filters = Filters()) -> list[dict]:
    """The webhook deliveries the filters keep, newest first, each attempt with its signature check."""
    stored = engine.store.deliveries(filters.webhook_platform or None, filters.webhook_status or None)
    return [_pretty_body(engine.webhooks.checked(d)) for d in reversed(stored)
            if not filters.event or d["event"] == filters.event]


def deliveries_about(engine: "Engine", object_id: str) -> list[dict]:
    """The webhook deliveries whose body names the object, oldest first, with their attempts."""
    return [engine.webhooks.public(d) for d in engine.store.deliveries() if object_id in d["body"]]


def events(engine: "Engine") -> list[str]:
    """Every event a delivery was made for, for the filter's choices."""
    return sorted({d["event"] for d in engine.store.deliveries()})


def delivery(engine: "Engine", delivery_id: str) -> dict | None:
    stored = engine.store.get_delivery(delivery_id)
    return _pretty_body(engine.webhooks.checked(stored)) if stored else None


def _pretty_body(delivery: dict) -> dict:
    try:
        body = pretty(json.loads(delivery["body"]))
    except ValueError:
        body = delivery["body"]
    return {**delivery, "pretty_body": body}


def inboxes(engine: "Engine") -> list[dict]:
    """The inboxes that received last (INBOXES_SHOWN of them), each with its newest messages."""
    out = []
    for name in engine.store.inbox_names(INBOXES_SHOWN):
        messages = engine.store.inbox(name)
        out.append({"name": name, "count": len(messages), "messages": list(reversed(messages))[:INBOX_SHOWN]})
    return out


STREAM_SESSIONS_SHOWN = 20


def streams(engine: "Engine") -> dict:
    """The live streams open now, and the newest connection attempts."""
    return {"live": engine.streams.live(), "sessions": list(reversed(engine.streams.sessions()))[:STREAM_SESSIONS_SHOWN]}


def requests(engine: "Engine", filters: Filters = Filters()) -> dict:
    everything = engine.journal.entries()
    entries = engine.journal.entries(platform=filters.request_platform or None, operation=filters.operation or None,
                                     status=filters.request_status or None)
    shown = [e.public() for e in entries[-JOURNAL_SHOWN:]]
    return {"enabled": engine.journal.enabled, "count": len(entries), "entries": list(reversed(shown)),
            "operations": sorted({e.operation for e in everything if e.operation})}


def since_text(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    if seconds < 86400:
        hours, rest = divmod(seconds, 3600)
        return f"{hours} h {rest // 60} min"
    days, rest = divmod(seconds, 86400)
    return f"{days} d {rest // 3600} h"


def parse_when(text: str | None) -> float | None:
    try:
        return parse_iso(text) if text else None
    except ValueError:
        return None
