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
Recovery = Callable[[dict, str], None]  # (payload, what went wrong): move the object to a documented state
BATCH = 500  # due actions read at once
FAILURES_KEPT = 100


class _RunCarefully(Exception):
    """An action raised in an optimistic batch: undo the batch, run it again with savepoints."""


class Timeline:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._handlers: dict[str, Handler] = {}
        self._recoveries: dict[str, Recovery] = {}
        self._lock = threading.Lock()  # one catch-up at a time keeps actions in order
        self._next_due = float("-inf")  # nothing is due before this (unknown at first: look)
        self.reached = float("-inf")  # every action due up to here has run (live streams send no further)
        self.on_caught_up: Callable[[], None] | None = None  # told when ``reached`` moves

    def register(self, action: str, handler: Handler, recover: Recovery | None = None) -> None:
        """``handler`` runs the action; if it raises, its changes are undone, the failure is kept
        (``failures()``) and ``recover`` moves the object it was about to a documented end state,
        so nothing stays stuck half-way with no trace."""
        if action in self._handlers:
            raise ValueError(f"action {action!r} is already registered")
        self._handlers[action] = handler
        if recover is not None:
            self._recoveries[action] = recover

    def at(self, when: float, action: str, payload: dict) -> None:
        if action not in self._handlers:
            raise KeyError(f"no handler for action {action!r}")
        self._store.schedule(when, action, payload)
        self._next_due = min(self._next_due, when)

    def forget_hint(self) -> None:
        """Another process may have scheduled something: look in the store next time."""
        self._next_due = float("-inf")

    def after(self, seconds: float, action: str, payload: dict) -> None:
        self.at(self._clock.now() + seconds, action, payload)

    @property
    def lock(self) -> threading.Lock:
        """Held while actions run: holding it means no other thread is half-way through one."""
        return self._lock

    def catch_up(self, until: float | None = None) -> int:
        """Run every action due at or before ``until`` (default: now); returns how many ran."""
        limit = self._clock.now() if until is None else until
        if limit < self._next_due:  # the common case for a request: nothing is due, no lock, no query
            self._reach(limit)
            return 0
        ran = 0
        with self._lock:
            # Optimistic: a batch runs in one transaction with no savepoint per action (two
            # statements an action saved). If an action raises, the whole batch is rolled back and
            # run again carefully, each action in its own savepoint, so only the failing one is undone.
            # Only at the top level: inside a caller's transaction a rollback would not be ours.
            careful = self._store.in_transaction()
            while True:
                try:
                    done = self._run_batch(limit, careful)
                except _RunCarefully:
                    careful = True
                    continue
                if done is None:
                    self._reach(limit)
                    return ran
                ran += done
                careful = self._store.in_transaction()

    def _reach(self, limit: float) -> None:
        if limit > self.reached:
            self.reached = limit
            if self.on_caught_up is not None:
                self.on_caught_up()

    def restart(self) -> None:
        """After a reset: time may have moved back, nothing has run yet."""
        self.reached = float("-inf")
        self.forget_hint()

    def _run_batch(self, limit: float, careful: bool) -> int | None:
        """One batch of due actions in one transaction; None when nothing was due. When an action
        schedules something due before the batch's last one, the batch stops there and the rest is
        fetched again, so actions always run in time order."""
        with self._store.transaction():
            batch = self._store.due_batch(limit, BATCH)
            if not batch:
                following = self._store.next_due()
                self._next_due = float("inf") if following is None else following
                return None
            done = []
            for seq, due, action, payload in batch:
                self._store.watch_schedules()
                self._run(due, action, payload, careful)
                done.append(seq)
                if self._store.earliest_scheduled() < batch[-1][1]:
                    break
            self._store.remove_actions(done)
        return len(done)

    def _run(self, due: float, action: str, payload: dict, careful: bool = True) -> None:
        """Run one action with the clock pinned to its due time. Careful: in its own savepoint, so a
        failure undoes it alone; otherwise a failure asks for the whole batch again (_RunCarefully)."""
        handler = self._handlers.get(action)
        if handler is None:
            log.error("dropping due action %s: no handler registered", action)
            return
        previous = self._clock.pin(due)
        if careful:
            self._store.unit_begin()
        try:
            handler(payload)
        except Exception as exc:  # a broken action must not block every later one
            if not careful:
                raise _RunCarefully() from None  # the batch's transaction rolls back on the way out
            self._store.unit_end(failed=True)
            log.exception("due action %s failed; its changes were rolled back", action)
            self._failed(due, action, payload, f"{type(exc).__name__}: {exc}")
        else:
            if careful:
                self._store.unit_end(failed=False)
        finally:
            self._clock.pin(previous)

    def _failed(self, due: float, action: str, payload: dict, error: str) -> None:
        recover = self._recoveries.get(action)
        outcome = "no recovery registered: the object was left as it was"
        if recover is not None:
            self._store.unit_begin()
            try:
                recover(payload, error)
            except Exception:
                self._store.unit_end(failed=True)
                log.exception("recovering from the failed action %s failed too", action)
                outcome = "recovery failed too: the object was left as it was"
            else:
                self._store.unit_end(failed=False)
                outcome = "recovered"
        failures = self._store.get_meta("timeline:failures", [])
        failures.append({"due": due, "action": action, "payload": payload, "error": error, "outcome": outcome})
        self._store.set_meta("timeline:failures", failures[-FAILURES_KEPT:])

    def failures(self) -> list[dict]:
        """Due actions that raised, oldest first (the last hundred), with what became of their object."""
        return self._store.get_meta("timeline:failures", [])
