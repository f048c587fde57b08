"""What a platform shows of its state on the dashboard: families of objects, each object with its
status, the time each status was reached and the JSON its API would answer. No HTTP here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .clock import iso


@dataclass(frozen=True)
class Owner:
    """Whom an object belongs to, in the vendor's words (a workspace, an organisation, an app, an API
    key) and its id. Every platform's owners are shown the same way, kind then id; a credential only
    by its last four characters, as vendors' consoles show keys."""

    kind: str
    id: str

    @classmethod
    def key(cls, credential: str) -> "Owner":
        return cls("API key", "…" + credential[-4:] if len(credential) > 8 else "…")


@dataclass(frozen=True)
class Turn:
    """One person speaking, on the emulator's clock (epoch seconds)."""

    who: str
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Presence:
    """One person in the meeting, from joining to leaving (None: still there)."""

    who: str
    joined: float
    left: float | None


@dataclass(frozen=True)
class Meeting:
    """A bot's meeting as the bot heard it: who was there, and who spoke when. The turns are those
    its transcript and speaker timeline are made from."""

    people: list[Presence]
    turns: list[Turn]


@dataclass(frozen=True)
class Shown:
    id: str
    status: str
    history: list[tuple[str, str]]  # (status, ISO 8601 time it was reached), oldest first
    api: Callable[[], Any]  # the body the vendor's API answers for this object (computed when shown)
    label: str = ""  # a name a person recognises
    owner: Owner | None = None  # the tenant it belongs to, where the vendor has one
    meeting: Callable[[], Meeting | None] | None = None  # a bot's meeting (computed when shown)

    @property
    def since(self) -> str | None:
        return self.history[-1][1] if self.history else None


@dataclass(frozen=True)
class Family:
    name: str  # its path segment on the dashboard: bots, rooms, ...
    title: str
    items: Callable[[], list[Shown]]


def moments(*pairs: tuple[str, Any]) -> list[tuple[str, str]]:
    """(status, time) pairs whose time is known, as ISO strings (a time may be epoch seconds or ISO)."""
    return [(status, iso(when) if isinstance(when, (int, float)) else when)
            for status, when in pairs if when is not None]
