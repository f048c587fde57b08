"""The webhook attempts in flight, and the waits a clock move, a reset or a shutdown makes on them.

One condition guards the book: the dispatcher opens an attempt when it falls due (or joins the
queue of its order key) and ends it when it is recorded; waiters block on the same condition.
Each attempt is named by a token of its own, not by its delivery id: ids repeat after a reset.
While a clock move gives up (``cutting``), attempts not spared are not sent.
"""
from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field


@dataclass
class InFlight:
    attempts: set[int] = field(default_factory=set)  # the tokens of the attempts in flight
    finished: int = 0  # attempts ended so far: progress, for waits that give up only when none is made
    changed: threading.Condition = field(default_factory=threading.Condition)
    cutting: tuple[frozenset[int], str] | None = None  # (spared, reason): a clock move is giving up on its attempts
    _tokens: itertools.count = field(default_factory=itertools.count)

    def open(self) -> int:
        """Book an attempt; returns its token."""
        with self.changed:
            token = next(self._tokens)
            self.attempts.add(token)
            return token

    def current(self, token: int) -> bool:
        """False once a reset forgot the attempt: it must not touch the store's new deliveries."""
        return token in self.attempts

    def end(self, token: int) -> None:
        with self.changed:
            self.attempts.discard(token)
            self.finished += 1
            self.changed.notify_all()

    def forget(self) -> None:
        with self.changed:
            self.attempts.clear()
            self.changed.notify_all()

    def count(self, ignore: frozenset[int] = frozenset()) -> int:
        return sum(1 for token in self.attempts if token not in ignore)

    def ids(self) -> frozenset[int]:
        """The tokens of the attempts under way or queued now."""
        with self.changed:
            return frozenset(self.attempts)

    def idle(self, ignore: frozenset[int] = frozenset()) -> bool:
        with self.changed:
            return self.count(ignore) == 0

    # -- giving up -------------------------------------------------------------------------
    def begin_giving_up(self, reason: str, spare: frozenset[int]) -> set[int]:
        """From now until ``stop_giving_up``, attempts not of ``spare`` are not sent; returns
        those in flight now (the caller cuts them off). Call with ``changed`` held."""
        self.cutting = (spare, reason)
        return {token for token in self.attempts if token not in spare}

    def given_up(self, token: int) -> str | None:
        """The reason an attempt about to be sent is not to be (None: send it)."""
        cutting = self.cutting
        return cutting[1] if cutting is not None and token not in cutting[0] else None

    def stop_giving_up(self) -> None:
        self.cutting = None

    # -- waiting ---------------------------------------------------------------------------
    def wait_idle(self, timeout: float | None = None, ignore: frozenset[int] = frozenset()) -> bool:
        """Block until no attempt is in flight (but those of ``ignore``); True when idle."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.changed:
            while self.count(ignore):
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self.changed.wait(remaining)
        return True

    def wait_while_answering(self, window: float, ignore: frozenset[int] = frozenset()) -> bool:
        """Block until no attempt is in flight (but those of ``ignore``), or until ``window``
        seconds pass with no attempt ending; True when idle. A burst of healthy deliveries (dozens
        to the emulator's own inbox at once) finishes however long it takes; receivers that stop
        answering are given up on after ``window`` seconds of silence."""
        with self.changed:
            seen = self.finished
            deadline = time.monotonic() + window
            while self.count(ignore):
                if self.finished != seen:
                    seen = self.finished
                    deadline = time.monotonic() + window
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.changed.wait(remaining)
        return True
