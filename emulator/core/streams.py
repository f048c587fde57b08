"""Live streams: the websocket sessions (or RTMP publications, core/rtmp.py) a platform opens *to* an
integrator's server, as a vendor's bot does, paced by the emulator's clock.

A platform opens a stream with a ``Feed``: what falls due in any stretch of emulator time (media
chunks, events), computed when asked, so a long meeting is never held in memory. Each stream is
one task on the engine's loop. It sends what is due up to the clock's now as fast as the receiver
reads (``send`` waits while the socket's buffer is full), then waits for the clock to move; so
advancing the clock 60 s streams exactly 60 s of media, and at ``--speed 1`` it flows in real time.
A clock move only wakes the streams, it never waits on them: a slow or dead receiver delays no
one but itself. Media is made, and what receivers send is handled, on the streams' own threads, so
a stream's encoding or a slow command never holds up the webhooks that share the loop.

Reconnecting follows the platform's policy on the emulator clock (Recall: every 3 s, 30 retries
per failure, then the stream gives up and the platform is told). What was live while the
stream was down is lost, as on a live call; it resumes at the retry's time.
"""
from __future__ import annotations

import asyncio
import heapq
import logging
import math
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .aio import BackgroundLoop
from .clock import iso
from .rtmp import RTMP_SCHEMES, publish

if TYPE_CHECKING:
    from .clock import Clock

log = logging.getLogger(__name__)
STEP = 1.0  # emulator seconds asked of a feed at a time: small enough to interleave, large enough to be cheap
IDLE_POLL = 0.05  # real seconds between looks at a running clock
SESSIONS_KEPT = 1000  # the newest connections the journal keeps
MEDIA_THREADS = 8  # streams' media made at once (PyAV encodes outside the GIL)
REPLY_THREADS = 8  # receivers' messages handled at once (a command may fetch a picture)


class Hangup(ConnectionError):
    """The receiver closed the socket while the stream waited for the clock."""

    def __init__(self, message: str, code: int | None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Reconnect:
    every: float  # emulator seconds between attempts
    retries: int  # per failure, after which the stream has failed


@dataclass
class Feed:
    """What a stream sends: ``due(start, stop, final)`` yields the media due in that stretch as
    (time, message) in order (``final``: the stream ends at ``stop``, so a part-buffer goes too);
    events the platform pushes (``Streams.push``) are sent among them at their times."""

    key: str  # the platform's name for the stream (an endpoint id)
    platform: str
    url: str  # connected to exactly as given, query string included
    start: float  # emulator time its media starts
    due: Callable[[float, float, bool], Iterable[tuple[float, str | bytes]]]
    reconnect: Reconnect
    on_failed: Callable[[float, str], None]  # (emulator time, why), called in a thread of its own
    # sent first on every connection (a handshake); a callable is given the emulator time the
    # connection starts from, and may start per-connection state (an encoder)
    greeting: str | Callable[[float], str | bytes] | None = None
    on_message: Callable[[str | bytes], str | None] | None = None  # what the receiver sends; a reply goes back
    end: float | None = None  # set by finish(): the stream sends up to here, then closes
    paused: list[list[float | None]] = field(default_factory=list)  # [from, until] stretches not sent
    sent: float = 0.0  # emulator time sent up to (set from start when the stream opens)
    events: deque = field(default_factory=deque)  # (time, message) pushed by the platform, oldest first


@dataclass
class Session:
    """One connection (or attempt) of a stream, for the journal and the dashboard."""

    key: str
    platform: str
    url: str
    started_at: str  # emulator time
    closed_at: str | None = None
    close_code: int | None = None
    error: str | None = None
    sent_messages: int = 0
    sent_bytes: int = 0
    received_messages: int = 0
    received_bytes: int = 0

    def public(self) -> dict:
        return dict(self.__dict__)


class Streams:
    def __init__(self, clock: "Clock", background: BackgroundLoop, reached: Callable[[], float]) -> None:
        self._clock = clock
        self._reached = reached  # the time up to which every due action has run: nothing is sent past it
        self._background = background
        self._feeds: dict[str, Feed] = {}
        self._tasks: dict[str, asyncio.Task] = {}
        self._sessions: deque[Session] = deque(maxlen=SESSIONS_KEPT)
        self._lock = threading.Lock()
        self._moved: asyncio.Event | None = None  # set when the clock moves (loop thread only)
        self.faults: Any = None  # the engine's fault rules (core.faults.Faults): refuse, drop or delay a connection
        self._media = ThreadPoolExecutor(MEDIA_THREADS, thread_name_prefix="stream-media")
        self._replies = ThreadPoolExecutor(REPLY_THREADS, thread_name_prefix="stream-replies")
        background.on_start(self._make_event)

    def _make_event(self) -> None:
        self._moved = asyncio.Event()

    # -- what platforms call (any thread) ---------------------------------------------------
    def open(self, feed: Feed) -> None:
        with self._lock:
            self._feeds[feed.key] = feed
        loop = self._background.get()
        loop.call_soon_threadsafe(self._start, feed)

    def push(self, key: str, at: float, message: str | bytes) -> None:
        """An event for the stream at emulator time ``at`` (sent when the stream gets there; one pushed
        for a time the stream has passed, or while it is down, is sent next)."""
        with self._lock:
            feed = self._feeds.get(key)
            if feed is not None:
                feed.events.append((at, message))
        self.clock_moved()

    def pause(self, key: str, at: float) -> None:
        with self._lock:
            feed = self._feeds.get(key)
            if feed is not None and not (feed.paused and feed.paused[-1][1] is None):
                feed.paused.append([at, None])
        self.clock_moved()

    def resume(self, key: str, at: float) -> None:
        with self._lock:
            feed = self._feeds.get(key)
            if feed is not None and feed.paused and feed.paused[-1][1] is None:
                feed.paused[-1][1] = at
        self.clock_moved()

    def finish(self, key: str, at: float) -> None:
        """The stream's media ends at ``at``: it sends what is left up to there, then closes (1000)."""
        with self._lock:
            feed = self._feeds.get(key)
            if feed is not None and feed.end is None:
                feed.end = at
        self.clock_moved()

    def clock_moved(self) -> None:
        self._background.call(self._wake)

    def sessions(self, platform: str | None = None) -> list[dict]:
        with self._lock:
            return [s.public() for s in self._sessions if platform is None or s.platform == platform]

    def live(self) -> list[dict]:
        """The streams open now, with their connection's counts."""
        with self._lock:
            current = {s.key for s in self._sessions if s.closed_at is None}
            return [{"key": f.key, "platform": f.platform, "url": f.url, "connected": f.key in current,
                     "sent_until": iso(f.sent)} for f in self._feeds.values()]

    def reset(self) -> None:
        """Forget every stream; their sockets close (1001, going away)."""
        with self._lock:
            self._feeds.clear()
            self._sessions.clear()
        self._background.call(self._cancel_all)

    async def close(self) -> None:
        self._cancel_all()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        for pool in (self._media, self._replies):  # the engine is stopping: nothing new is asked of them
            pool.shutdown(wait=False, cancel_futures=True)

    # -- the loop's side ---------------------------------------------------------------------
    def _wake(self) -> None:
        if self._moved is not None:
            self._moved.set()
            self._moved = asyncio.Event()  # the woken keep the old one; the next move sets the new

    def _cancel_all(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        self._tasks.clear()

    def _start(self, feed: Feed) -> None:
        old = self._tasks.pop(feed.key, None)
        if old is not None:
            old.cancel()
        self._tasks[feed.key] = asyncio.get_running_loop().create_task(self._run(feed))

    def _horizon(self, feed: Feed) -> float:
        """How far the stream may send: the clock's now, once the due actions up to it have run (a
        recording's end is a due action: media past it must not go out first), and the feed's end."""
        return min(self._clock.now(), self._reached(), feed.end if feed.end is not None else math.inf)

    async def _moved_or_polled(self) -> None:
        """Wait for the clock to move (a running clock moves by itself: look again soon)."""
        moved = self._moved
        try:
            await asyncio.wait_for(moved.wait(), None if self._clock.state.frozen else IDLE_POLL)
        except TimeoutError:
            pass

    async def _until(self, moment: float) -> None:
        while min(self._clock.now(), self._reached()) < moment:
            await self._moved_or_polled()

    async def _run(self, feed: Feed) -> None:
        import websockets

        feed.sent = feed.start
        failed_at: float | None = None  # the emulator time the current failure began
        retries = 0
        try:
            while True:
                if failed_at is not None:
                    if retries >= feed.reconnect.retries:
                        why = f"could not connect after {retries} retries, {feed.reconnect.every:g} s apart"
                        threading.Thread(target=feed.on_failed, args=(failed_at + retries * feed.reconnect.every, why),
                                         daemon=True).start()
                        return
                    retries += 1
                    await self._until(failed_at + retries * feed.reconnect.every)
                    # what was live while it was down is lost: it resumes at the retry's time
                    feed.sent = max(feed.sent, failed_at + retries * feed.reconnect.every)
                    if feed.end is not None and feed.sent >= feed.end:
                        return  # the media ended while the stream was down: nothing left to send
                rule = self.faults.for_stream(feed.platform, feed.url) if self.faults is not None else None
                if rule is not None and rule["action"] == "delay":
                    await self._until(feed.sent + rule.get("delay_seconds", 0))  # late, then it catches up
                session = Session(feed.key, feed.platform, feed.url, iso(self._clock.now()))
                with self._lock:
                    self._sessions.append(session)
                try:
                    if rule is not None and rule["action"] == "refuse":
                        raise ConnectionRefusedError(f"refused by fault rule {rule['id']}")
                    opened = publish(feed.url) if feed.url.startswith(RTMP_SCHEMES) else websockets.connect(
                        feed.url, open_timeout=10, max_size=None, ping_interval=None, compression=None)
                    async with opened as socket:
                        failed_at, retries = None, 0
                        cut = feed.sent + rule.get("after_seconds", 0) if rule and rule["action"] == "drop" else None
                        await self._send(feed, socket, session, cut, rule["id"] if rule else None)
                        return
                except asyncio.CancelledError:
                    session.closed_at, session.close_code = iso(self._clock.now()), 1001
                    raise
                except (OSError, TimeoutError, websockets.exceptions.WebSocketException) as exc:
                    session.closed_at = iso(self._clock.now())
                    session.error = f"{type(exc).__name__}: {exc}"
                    if isinstance(exc, websockets.exceptions.ConnectionClosed) and exc.rcvd is not None:
                        session.close_code = exc.rcvd.code
                    elif isinstance(exc, Hangup):
                        session.close_code = exc.code
                    if failed_at is None:  # a new failure, where the stream had got to
                        failed_at, retries = feed.sent, 0
        finally:
            with self._lock:
                if self._feeds.get(feed.key) is feed:
                    del self._feeds[feed.key]
            if self._tasks.get(feed.key) is asyncio.current_task():
                del self._tasks[feed.key]

    async def _send(self, feed: Feed, socket: Any, session: Session, cut: float | None = None,
                    rule: str | None = None) -> None:
        """Send what is due, catching up with the clock, until the feed ends; close with 1000. With
        ``cut`` (a drop rule), the connection is broken off there, as a network failure would."""
        reader = asyncio.get_running_loop().create_task(self._read(feed, socket, session))
        try:
            if feed.greeting is not None:
                greeting = feed.greeting(feed.sent) if callable(feed.greeting) else feed.greeting
                await socket.send(greeting)
                session.sent_messages += 1
                session.sent_bytes += len(greeting)
            while True:
                if cut is not None and feed.sent >= cut:
                    socket.transport.abort()  # no close frame: the line went dead
                    raise ConnectionResetError(f"dropped by fault rule {rule}")
                horizon = min(self._horizon(feed), cut if cut is not None else math.inf)
                if feed.sent < horizon:
                    stop = min(horizon, feed.sent + STEP)
                    # made in a thread (media is encoded here), a second of it at a time, then sent
                    batch = await asyncio.get_running_loop().run_in_executor(
                        self._media, self._batch, feed, feed.sent, stop)
                    for message in batch:
                        await socket.send(message)
                        session.sent_messages += 1
                        session.sent_bytes += len(message)
                    feed.sent = stop
                    continue
                if feed.end is not None and feed.sent >= feed.end:
                    await socket.close(1000, "the recording ended")
                    session.closed_at, session.close_code = iso(self._clock.now()), 1000
                    return
                # caught up: wait for the clock, or for the receiver to hang up (then reconnect)
                waiting = asyncio.ensure_future(self._moved_or_polled())
                await asyncio.wait({waiting, reader}, return_when=asyncio.FIRST_COMPLETED)
                if reader.done():
                    waiting.cancel()
                    raise Hangup(session.error or f"the receiver closed the connection ({socket.close_code})",
                                 socket.close_code)
        finally:
            reader.cancel()

    def _batch(self, feed: Feed, start: float, stop: float) -> list[str | bytes]:
        """The messages of [start, stop): the feed's media and the pushed events, in time order."""
        merged = heapq.merge(self._unpaused(feed, start, stop), self._events(feed, stop), key=lambda item: item[0])
        return [message for _, message in merged if message]

    def _events(self, feed: Feed, stop: float) -> list[tuple[float, str | bytes]]:
        """The pushed events before ``stop``, taken off the queue (under the lock, never across a send)."""
        taken = []
        with self._lock:
            while feed.events and feed.events[0][0] < stop:
                taken.append(feed.events.popleft())
        return taken

    def _unpaused(self, feed: Feed, start: float, stop: float) -> Iterable[tuple[float, str | bytes]]:
        """The feed's media of [start, stop), less the stretches it was paused."""
        final = feed.end is not None and stop >= feed.end
        cursor = start
        for began, until in sorted((p[0], p[1] if p[1] is not None else math.inf) for p in feed.paused):
            if until <= cursor or began >= stop:
                continue
            if began > cursor:
                yield from feed.due(cursor, began, False)
            cursor = max(cursor, until)
        if cursor < stop:
            yield from feed.due(cursor, stop, final)

    async def _read(self, feed: Feed, socket: Any, session: Session) -> None:
        """What the receiver sends: counted for the journal, and handed to the platform (in a thread:
        it may change state), whose reply goes back on the socket."""
        try:
            async for message in socket:
                session.received_messages += 1
                session.received_bytes += len(message)
                if feed.on_message is not None:
                    reply = await asyncio.get_running_loop().run_in_executor(self._replies, feed.on_message, message)
                    if reply is not None:
                        await socket.send(reply)
                        session.sent_messages += 1
                        session.sent_bytes += len(reply)
        except ConnectionError as exc:  # the other side is gone, and says why (an RTMP publisher)
            session.error = str(exc)
        except Exception:  # the sender notices a broken socket itself
            return


def buffers(origin: float, step: float, start: float, stop: float, final: bool) -> Iterator[tuple[float, float]]:
    """The media buffers [at, until) of ``step`` seconds from ``origin`` that complete in (start, stop],
    by whole index (no drift over a long call); with ``final``, also the part-buffer the end cuts short."""
    k = max(0, math.floor(round((start - origin) / step, 6)))  # the buffer under way at start
    while True:
        at, until = origin + k * step, origin + (k + 1) * step
        if until > stop + 1e-9:
            if final and at < stop - 1e-9:
                yield at, stop
            return
        if until > start + 1e-9:
            yield at, until
        k += 1
