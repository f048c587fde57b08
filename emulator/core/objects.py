"""What a platform shows of its state on the dashboard: families of objects, each object with its
status, the time each status was reached and the JSON its API would answer. No HTTP here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .clock import iso


@dataclass(frozen=True)
class Shown:
    id: str
    status: str
    history: list[tuple[str, str]]  # (status, ISO 8601 time it was reached), oldest first
    api: Callable[[], Any]  # the body the vendor's API answers for this object (computed when shown)
    label: str = ""  # a name a person recognises
    owner: str | None = None  # the credential or tenant it belongs to, where the vendor has one

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
