"""Token buckets on the emulator clock: ``rate`` requests a second with bursts of ``burst``."""
from __future__ import annotations

import math
import threading

from .clock import Clock


class RateLimiter:
    def __init__(self, clock: Clock, rate: float, burst: int) -> None:
        self._clock = clock
        self._rate = rate
        self._burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, as of)
        self._lock = threading.Lock()

    def take(self, key: str) -> int | None:
        """Spend a token for ``key``; None when allowed, else whole seconds to wait (Retry-After)."""
        now = self._clock.now()
        with self._lock:
            tokens, since = self._buckets.get(key, (float(self._burst), now))
            tokens = min(float(self._burst), tokens + max(0.0, now - since) * self._rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self._rate))

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()
