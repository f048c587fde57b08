"""The engine: one clock, one store, one timeline, one webhook dispatcher, shared by every platform."""
from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from .aio import BackgroundLoop
from .clock import Clock, ClockState, check_horizon
from .faults import Faults
from .ids import Ids
from .journal import Journal
from .links import Links
from .platform import Platform
from .ratelimit import Throttles
from .schemas import SchemaCatalogue
from .store import Store
from .streams import Streams
from .timeline import Timeline
from .webhooks import Dispatcher

log = logging.getLogger(__name__)


@dataclass
class Config:
    seed: int = 0
    state: str | None = None  # SQLite file; None keeps everything in memory
    public_url: str = "http://127.0.0.1:8765"  # how links and client URLs reach this emulator
    speed: float = 1.0
    frozen: bool = False
    platforms: list[str] | None = None  # None: all registered platforms
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-platform overrides
    shared: bool = False  # other processes use the same state file (serve --workers)
    # Real seconds a clock move waits for a webhook attempt before recording it as timed out (the
    # platform's own timeout applies to deliveries made in real time).
    webhook_wait: float = 2.0
    max_body_bytes: int = 5 * 1024 * 1024  # larger request bodies answer 413
    inbox_messages: int = 1000  # per inbox; the oldest are dropped first
    inbox_bytes: int = 16 * 1024 * 1024  # per inbox
    inboxes_bytes: int = 64 * 1024 * 1024  # all inboxes together; the oldest messages anywhere go first
    journal_requests: int = 1000  # requests the journal keeps (0: no journal); the oldest go first
    journal_bytes: int = 32 * 1024 * 1024
    control: bool = True  # the /_emulator/ control plane and dashboard (serve --no-control: off)
    access_log: bool = False  # serve prints a line per request (method, path, status, time) unless --quiet


class Engine:
    def __init__(self, config: Config, platforms: list[Platform]) -> None:
        """``platforms`` come from whoever composes the emulator (``emulator.app.new_engine``): core
        never imports the platforms it serves."""
        self.config = config
        self.platforms: dict[str, Platform] = {p.name: p for p in platforms}
        self._reset_hooks: list[Callable[[], None]] = []
        self._settings: dict[str, dict[str, Any]] = {}  # platform settings as last read from the store
        self.store = Store(self.config.state)
        if self.config.shared:
            self.store.share()
        saved_clock = self.store.get_meta("clock")
        self.clock = Clock(ClockState(**saved_clock) if saved_clock else None)
        if not saved_clock:
            self._configure_clock()
        self.ids = Ids(self.store, self.config.seed)
        self.schemas = SchemaCatalogue()
        self.timeline = Timeline(self.store, self.clock)
        self.background = BackgroundLoop()  # webhook attempts and live streams run on it
        self.webhooks = Dispatcher(self.store, self.clock, self.timeline, self.ids, self.background)
        self.streams = Streams(self.clock, self.background, lambda: self.timeline.reached)
        self.timeline.on_caught_up = self.streams.clock_moved
        self.journal = Journal(self.config.journal_requests, self.config.journal_bytes)
        self.faults = Faults(self.store, self.clock, self.ids, self.config.seed)
        self.throttles = Throttles(self.clock)
        self.webhooks.faults = self.faults
        self.streams.faults = self.faults
        self.links = Links(self.store, self.clock, self._link_secret(), lambda: self.config.public_url)
        self.models: dict[str, Any] = {name: p.setup(self) for name, p in self.platforms.items()}
        if not self.store.get_meta("populated"):
            self._populate()
        self.webhooks.resume_interrupted()
        self._ticker: threading.Thread | None = None
        self._tick = threading.Event()
        self._stopping = threading.Event()
        self._refreshing = threading.Lock()  # one thread at a time notices and loads another worker's changes

    def _link_secret(self) -> bytes:
        """The key download links are signed with: random, made once and kept in the state (a key
        derived from the seed would let anyone forge a link)."""
        with self.store.transaction():
            secret = self.store.get_meta("links:secret")
            if secret is None:
                secret = secrets.token_hex(32)
                self.store.set_meta("links:secret", secret)
        return bytes.fromhex(secret)

    # -- time ------------------------------------------------------------------------------
    def _configure_clock(self) -> None:
        self.clock.set(self.clock.now(), frozen=self.config.frozen, speed=self.config.speed)
        self._save_clock()

    def _save_clock(self) -> None:
        self.store.set_meta("clock", asdict(self.clock.state))

    def catch_up(self) -> int:
        if self.config.shared:
            # Under the lock: a thread that finds nothing changed must not read the clock while the
            # thread that noticed the change is still loading it.
            with self._refreshing:
                if self.store.changed_elsewhere():  # another worker changed the state
                    self.timeline.forget_hint()
                    self._settings.clear()
                    self.faults.forget()
                    saved = self.store.get_meta("clock")  # it may have moved the shared clock
                    if saved and ClockState(**saved) != self.clock.state:
                        self.clock.load(ClockState(**saved))
        return self.timeline.catch_up()

    def settle(self, until: float | None = None, spare: frozenset[int] = frozenset()) -> int:
        """Run everything due by ``until`` and wait for the webhooks it sends, retries included.

        Each round waits for the attempts in flight until ``config.webhook_wait`` real seconds pass
        with none of them answered. Then it gives up on them: they are recorded as timed out (not
        sent, if they had not started), and their retries fall due on the emulator clock like any
        other. Attempts of ``spare`` (a clock move spares those under way before it began) are not
        cut off: they keep their platform's full timeout, and the move stops waiting for them. So
        a round costs at most about ``webhook_wait`` real seconds of silence, however many
        receivers hang and however long their queues.
        """
        self.timeline.forget_hint()  # look in the store itself: another worker may have scheduled work
        wait = self.config.webhook_wait
        ignore: frozenset[int] = frozenset()  # spared attempts the move no longer waits for
        ran = 0
        while True:
            ran += self.timeline.catch_up(until)
            if not self.webhooks.flight.wait_while_answering(wait, ignore):
                self.webhooks.give_up(f"timed out: no answer within {wait:g} s while the clock was moved "
                                      "(serve --webhook-wait)", spare)
                try:
                    self.webhooks.flight.wait_idle(5, spare)
                finally:
                    self.webhooks.flight.stop_giving_up()
                ignore = spare
            with self.timeline.lock:  # the background ticker may be dispatching something right now
                due = self.store.next_due()
                limit = self.clock.now() if until is None else until
                if self.webhooks.flight.idle(ignore) and (due is None or due > limit):
                    return ran

    def _move_clock(self, move: Callable[[], Any]) -> Any:
        """Move the clock in one transaction that first reads the saved clock: with ``--workers``
        the write lock of that transaction serialises moves across processes, so two workers'
        advances add up instead of one overwriting the other."""
        with self.store.transaction():
            if self.config.shared:
                saved = self.store.get_meta("clock")
                if saved and ClockState(**saved) != self.clock.state:
                    self.clock.load(ClockState(**saved))
            moved = move()
            self._save_clock()
        return moved

    def advance(self, seconds: float) -> int:
        if seconds < 0:
            raise ValueError("the clock only moves forward")

        def move() -> float:
            target = self.clock.now() + seconds
            check_horizon(target)
            self.clock.set(target)
            return target

        spare = self.webhooks.flight.ids()  # under way before the move: never cut off by it
        return self.settle(self._move_clock(move), spare)

    def set_time(self, when: float, frozen: bool | None = None, speed: float | None = None) -> int:
        def move() -> None:
            if when < self.clock.now():
                raise ValueError("the clock only moves forward")
            check_horizon(when)
            self.clock.set(when, frozen=frozen, speed=speed)

        spare = self.webhooks.flight.ids()
        self._move_clock(move)
        return self.settle(when, spare)

    def set_clock_mode(self, frozen: bool | None = None, speed: float | None = None) -> None:
        self._move_clock(lambda: self.clock.set(self.clock.now(), frozen=frozen, speed=speed))

    # -- state -----------------------------------------------------------------------------
    def reset(self, at: float | None = None, frozen: bool | None = None) -> None:
        """Forget every object, action, file and delivery; time restarts from ``at`` (default: real now)."""
        self.webhooks.cut_off("cancelled: the emulator was reset")
        self.webhooks.forget()
        self.streams.reset()
        self.store.reset()
        self.store.set_meta("links:secret", self.links.secret.hex())  # the same key after a reset
        self.timeline.restart()
        self._settings.clear()
        self.faults.reset()
        self.journal.clear()
        self.throttles.clear()
        for hook in self._reset_hooks:
            hook()
        self.clock.set(time.time() if at is None else at, frozen=self.config.frozen if frozen is None else frozen,
                       speed=self.config.speed)
        self._save_clock()
        self._populate()

    def on_reset(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` on every reset (for state a platform keeps outside the store)."""
        self._reset_hooks.append(hook)

    def _populate(self) -> None:
        with self.store.transaction():
            for platform in self.platforms.values():
                if platform.populate:
                    platform.populate(self)
            self.store.set_meta("populated", True)

    def setting(self, platform: str, name: str, default: Any) -> Any:
        """A platform setting: changed through the control API, else from Config, else default."""
        stored = self._settings.get(platform)
        if stored is None:  # read once; forgotten when changed here, on reset, or by another worker
            stored = self._settings[platform] = self.store.get_meta(f"settings:{platform}", {})
        if name in stored:
            return stored[name]
        return self.config.settings.get(platform, {}).get(name, default)

    def update_settings(self, platform: str, values: dict[str, Any]) -> dict[str, Any]:
        with self.store.transaction():
            stored = self.store.get_meta(f"settings:{platform}", {})
            stored.update(values)
            self.store.set_meta(f"settings:{platform}", stored)
        self._settings.clear()
        return stored

    # -- background ------------------------------------------------------------------------
    def start_ticker(self, interval: float = 0.05) -> None:
        """Catch up in the background so due actions happen with no request to trigger them."""
        if self._ticker is not None:
            return

        def run() -> None:
            while not self._stopping.is_set():
                try:
                    self.catch_up()
                except Exception:  # keep ticking; the failure is logged
                    log.exception("background catch-up failed")
                self._tick.wait(interval)
                self._tick.clear()

        self._ticker = threading.Thread(target=run, name="emulator-ticker", daemon=True)
        self._ticker.start()

    def kick(self) -> None:
        """Ask the ticker to catch up now (a request may have queued something due)."""
        self._tick.set()

    def close(self) -> None:
        self._stopping.set()
        self._tick.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        if not self.webhooks.flight.wait_idle(self.config.webhook_wait):
            self.webhooks.cut_off("cancelled: the emulator stopped")
        async def close_streams_and_client() -> None:
            await self.streams.close()
            await self.webhooks.close()

        self.background.stop(close_streams_and_client)
        self._save_clock()
        self.store.close()
