"""Rate limits on the emulator clock, as the vendors document them, switched on per platform.

A platform lists its ``Throttle``s; ``Throttles.wait`` tells, for a request already authenticated,
whether it is over a limit and for how many whole seconds (Retry-After). Two kinds: a sliding
window of ``limit`` requests per ``period`` (Django REST framework's throttles, which Recall's are),
and a token bucket refilled at ``limit / period`` a second with bursts of ``burst``.
"""
from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

from .clock import Clock


@dataclass(frozen=True)
class Throttle:
    operations: frozenset[str] | None  # operationIds it covers; None: every operation no other throttle names
    limit: int
    period: float  # seconds
    scope: str = "credential"  # or a path argument: the vendor counts per that object (Recall: per bot)
    burst: int | None = None  # a token bucket with this burst; None: a sliding window
    per_operation: bool = True  # each operation has its own count (False: one count across them all)


class Throttles:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._windows: dict[tuple, deque[float]] = {}
        self._buckets: dict[tuple, tuple[float, float]] = {}  # key -> (tokens, as of)
        self._lock = threading.Lock()

    def wait(self, platform: str, throttles: tuple[Throttle, ...], operation: str | None, credential: str,
             path_args: dict) -> int | None:
        """Count a request; None when it is allowed, else the whole seconds until it would be."""
        chosen = next((t for t in throttles if t.operations is not None and operation in t.operations), None)
        if chosen is None:
            chosen = next((t for t in throttles if t.operations is None), None)
        if chosen is None:
            return None
        who = credential if chosen.scope == "credential" else str(path_args.get(chosen.scope, credential))
        key = (platform, throttles.index(chosen), operation if chosen.per_operation else "", who)
        now = self._clock.now()
        with self._lock:
            if chosen.burst is None:
                return self._window(key, chosen, now)
            return self._bucket(key, chosen, now)

    def _window(self, key: tuple, throttle: Throttle, now: float) -> int | None:
        history = self._windows.setdefault(key, deque())
        while history and history[0] <= now - throttle.period:
            history.popleft()
        if len(history) < throttle.limit:
            history.append(now)
            return None
        # DRF's wait: the time until the oldest request in the window leaves it.
        return max(1, math.ceil(throttle.period - (now - history[0])))

    def _bucket(self, key: tuple, throttle: Throttle, now: float) -> int | None:
        rate = throttle.limit / throttle.period
        burst = float(throttle.burst or throttle.limit)
        tokens, since = self._buckets.get(key, (burst, now))
        tokens = min(burst, tokens + max(0.0, now - since) * rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            return None
        self._buckets[key] = (tokens, now)
        return max(1, math.ceil((1 - tokens) / rate))

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()
            self._buckets.clear()
