"""The emulator's notion of now: real time plus an offset, optionally frozen or sped up.

Real time is read through ``time.time()`` on every call, so freezegun's ``freeze_time`` steers an
unfrozen clock when the emulator runs in-process. While the timeline replays a due action the clock
is pinned (per thread) to that action's due time, so everything the action does is stamped with
the moment it was meant to happen, not the moment it was caught up.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Iterator


# The latest the clock may be moved to. Every date the platforms derive from now (retention, link
# windows, schedules years ahead) must still be a datetime (year 9999 at most), so moves stop well short.
HORIZON = datetime(9000, 1, 1, tzinfo=timezone.utc).timestamp()


class PastHorizon(ValueError):
    """A clock move past HORIZON; raised before the clock moves."""


def check_horizon(when: float) -> None:
    """Refuse a clock move past HORIZON, naming the limit."""
    if not when <= HORIZON:
        raise PastHorizon(f"the clock cannot move past {iso(HORIZON)}")


@dataclass
class ClockState:
    """Everything needed to compute now; persisted so a restart keeps the emulator's time."""

    anchor_real: float  # real time when the speed or frozen state last changed
    anchor_emulated: float  # emulator time at that real moment
    speed: float = 1.0
    frozen: bool = False


class Clock:
    def __init__(self, state: ClockState | None = None) -> None:
        real = time.time()
        self._state = state or ClockState(anchor_real=real, anchor_emulated=real)
        self._lock = threading.Lock()
        self._pinned = threading.local()

    # -- reading ---------------------------------------------------------------------------
    def now(self) -> float:
        """Emulator time as a POSIX timestamp (seconds, float)."""
        pinned = getattr(self._pinned, "at", None)
        if pinned is not None:
            return pinned
        return self._unpinned_now()

    def _unpinned_now(self) -> float:
        s = self._state
        if s.frozen:
            return s.anchor_emulated
        return s.anchor_emulated + (time.time() - s.anchor_real) * s.speed

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=timezone.utc)

    @property
    def state(self) -> ClockState:
        return ClockState(**asdict(self._state))

    def load(self, state: ClockState) -> None:
        """Take a state saved by another process sharing the store."""
        with self._lock:
            self._state = ClockState(**asdict(state))

    def describe(self) -> dict:
        s = self._state
        return {
            "now": iso(self._unpinned_now()),
            "timestamp": self._unpinned_now(),
            "frozen": s.frozen,
            "speed": s.speed,
        }

    # -- moving ----------------------------------------------------------------------------
    def set(self, when: float, *, frozen: bool | None = None, speed: float | None = None) -> None:
        with self._lock:
            s = self._state
            self._state = ClockState(
                anchor_real=time.time(),
                anchor_emulated=when,
                speed=s.speed if speed is None else speed,
                frozen=s.frozen if frozen is None else frozen,
            )

    def advance(self, seconds: float) -> float:
        with self._lock:
            target = self._unpinned_now() + seconds
        self.set(target)
        return target

    def freeze(self, at: float | None = None) -> None:
        self.set(self._unpinned_now() if at is None else at, frozen=True)

    def unfreeze(self) -> None:
        self.set(self._unpinned_now(), frozen=False)

    def set_speed(self, speed: float) -> None:
        self.set(self._unpinned_now(), speed=speed)

    def pin(self, at: float | None) -> float | None:
        """Pin this thread's now to ``at`` (None unpins); returns the previous pin."""
        previous = getattr(self._pinned, "at", None)
        self._pinned.at = at
        return previous

    @contextmanager
    def pinned(self, at: float) -> Iterator[None]:
        """Make ``now()`` answer ``at`` in this thread while a due action runs."""
        previous = self.pin(at)
        try:
            yield
        finally:
            self.pin(previous)


def transport_now() -> float:
    """Transport time: what a receiver or an SDK compares with its own wall clock (signature
    timestamps, the validity of tokens that clients mint). It is real time, never the emulator's:
    a clock advanced by days must not make every webhook signature "too new" or every freshly
    minted token "expired". Everything else (event times, job timings, link expiry) is domain
    time and reads ``Clock.now()``. Under freezegun this follows the frozen time, as the
    receiver's own clock does in the same process.
    """
    return time.time()


def iso(ts: float) -> str:
    """ISO 8601 in UTC with milliseconds and a Z suffix."""
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> float:
    """Parse an ISO 8601 timestamp; a naive one is taken as UTC. Raises ValueError."""
    if not isinstance(text, str):
        raise ValueError("expected an ISO 8601 string")
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()
