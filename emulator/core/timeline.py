"""One ordered queue of due actions, replayed in time order as the clock moves.

Platforms register a handler per action name. ``catch_up`` runs every action due by now, each
in its own transaction with the clock pinned to the action's due time, so later actions see the
effects of earlier ones exactly as if time had passed. No thread sleeps per job.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from .clock import Clock
from .store import Store

log = logging.getLogger(__name__)
Handler = Callable[[dict], None]


class Timeline:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._handlers: dict[str, Handler] = {}
        self._lock = threading.Lock()  # one catch-up at a time keeps actions in order

    def register(self, action: str, handler: Handler) -> None:
        if action in self._handlers:
            raise ValueError(f"action {action!r} is already registered")
        self._handlers[action] = handler

    def at(self, when: float, action: str, payload: dict) -> None:
        if action not in self._handlers:
            raise KeyError(f"no handler for action {action!r}")
        self._store.schedule(when, action, payload)

    def after(self, seconds: float, action: str, payload: dict) -> None:
        self.at(self._clock.now() + seconds, action, payload)

    @property
    def lock(self) -> threading.Lock:
        """Held while actions run: holding it means no other thread is half-way through one."""
        return self._lock

    def catch_up(self, until: float | None = None) -> int:
        """Run every action due at or before ``until`` (default: now); returns how many ran."""
        limit = self._clock.now() if until is None else until
        ran = 0
        with self._lock:
            while True:
                with self._store.transaction():
                    item = self._store.pop_due(limit)
                    if item is None:
                        return ran
                    due, action, payload = item
                    self._run(due, action, payload)
                ran += 1

    def _run(self, due: float, action: str, payload: dict) -> None:
        handler = self._handlers.get(action)
        if handler is None:
            log.error("dropping due action %s: no handler registered", action)
            return
        try:
            with self._store.savepoint(), self._clock.pinned(due):
                handler(payload)
        except Exception:  # a broken action must not block every later one
            log.exception("due action %s failed; its changes were rolled back", action)
