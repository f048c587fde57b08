"""The pytest plugin: an ``emulator`` fixture backed by one threaded server per test session.

State is reset before each test and the clock is frozen at a whole second, so time moves only
when the test moves it (``emulator.advance(hours=12)``); no test needs to sleep.
"""
from __future__ import annotations

import math
import threading
import time
from typing import Any, Iterator

import pytest


class EmulatorHandle:
    """What a test holds: URLs, the clock, the webhook log, the inbox, the request journal, fault
    rules, and the engine itself."""

    def __init__(self, engine: Any, base_url: str) -> None:
        self.engine = engine
        self.base_url = base_url

    def url(self, platform: str) -> str:
        """The base URL to give a platform's client, e.g. ``http://127.0.0.1:PORT/lessonspace/v2``."""
        return self.base_url + self.engine.platforms[platform].api_prefix

    def control_url(self, path: str = "") -> str:
        return f"{self.base_url}/_emulator/{path.lstrip('/')}"

    def inbox_url(self, name: str) -> str:
        return self.control_url(f"inbox/{name}")

    def inbox(self, name: str) -> list[dict]:
        return self.engine.store.inbox(name)

    @property
    def now(self) -> float:
        return self.engine.clock.now()

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0, days: float = 0) -> int:
        """Move the clock forward; everything due on the way happens, webhooks included."""
        return self.engine.advance(seconds + 60 * minutes + 3600 * hours + 86400 * days)

    def settle(self) -> int:
        """Deliver whatever is due now (a webhook queued by the last request) and wait for it."""
        return self.engine.settle()

    @property
    def webhooks(self) -> list[dict]:
        """Every webhook delivery, oldest first, with its attempts."""
        self.engine.settle()
        return self.engine.webhooks.log()

    def streams(self, platform: str | None = None) -> dict:
        """The live streams open now and every connection attempt the bots made (``GET /_emulator/streams``)."""
        live = [s for s in self.engine.streams.live() if platform is None or s["platform"] == platform]
        return {"live": live, "sessions": self.engine.streams.sessions(platform)}

    def resend(self, delivery_id: str) -> dict:
        """Send a delivery once more, as the dashboard's re-send button does; returns it with the
        new attempt in its log."""
        if self.engine.webhooks.resend(delivery_id) is None:
            raise KeyError(f"no such webhook delivery: {delivery_id}")
        self.engine.settle()
        return self.engine.webhooks.public(self.engine.store.get_delivery(delivery_id))

    # -- the request journal -------------------------------------------------------------
    def requests(self, platform: str | None = None, operation: str | None = None, *, method: str | None = None,
                 path: str | None = None, status: int | str | None = None, since: float | None = None,
                 matched: bool | None = None) -> list[dict]:
        """The requests platform APIs received, oldest first, as ``GET /_emulator/requests`` lists
        them (``path`` is a glob, ``status`` a code or a class such as ``"4xx"``)."""
        entries = self.engine.journal.entries(platform=platform, operation=operation, method=method, path=path,
                                              status=None if status is None else str(status), since=since,
                                              matched=matched)
        return [e.public() for e in entries]

    def assert_requested(self, platform: str | None = None, operation: str | None = None, *,
                         times: int | None = None, **filters: Any) -> list[dict]:
        """The matching requests; fails, listing what did arrive and the near misses of requests no
        endpoint matched, when there are none (or not exactly ``times``)."""
        found = self.requests(platform, operation, **filters)
        if (times is None and found) or (times is not None and len(found) == times):
            return found
        wanted = ", ".join(f"{k}={v!r}" for k, v in {"platform": platform, "operation": operation, **filters}.items()
                           if v is not None)
        lines = [f"expected {'at least one' if times is None else times} request(s) with {wanted or 'any'}; "
                 f"found {len(found)}", "requests received (newest last):"]
        for entry in self.requests(platform)[-15:]:
            lines.append(f"  {entry['method']} {entry['path']} -> {entry['status']} ({entry['operation'] or 'no endpoint'})")
            for miss in entry.get("near_misses", []):
                lines.append(f"      near miss: {miss['method']} {miss['path']} ({miss['operation']}, "
                             f"similarity {miss['similarity']})")
        raise AssertionError("\n".join(lines))

    # -- faults ----------------------------------------------------------------------------
    def fault(self, platform: str, action: str, **rule: Any) -> dict:
        """Add a fault rule (the body of ``POST /_emulator/faults``); returns it with its id. A rule
        the control API refuses raises ValueError with its message."""
        import requests

        answer = requests.post(self.control_url("faults"), json={"platform": platform, "action": action, **rule},
                               timeout=30)
        if answer.status_code != 201:
            raise ValueError(answer.json()["message"])
        return answer.json()

    def faults(self) -> list[dict]:
        return self.engine.faults.list()

    def clear_faults(self) -> None:
        self.engine.faults.clear()

    def reset(self) -> None:
        """Fresh state, the clock frozen at the current whole second."""
        self.engine.reset(at=math.floor(time.time()), frozen=True)


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorHandle]:
    """One emulator server for the whole test session, on a free loopback port."""
    from .app import create_app, new_engine
    from .core.engine import Config
    from .server import make_server

    engine = new_engine(Config(frozen=True))
    server = make_server(create_app(engine), 16, host="127.0.0.1", port=0)
    base_url = f"http://127.0.0.1:{server.effective_port}"
    engine.config.public_url = base_url
    engine.start_ticker()
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:  # closing the listening socket from this thread ends the loop this way
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, name="emulator-server", daemon=True)
    thread.start()
    try:
        yield EmulatorHandle(engine, base_url)
    finally:
        stopping.set()
        server.close()
        engine.close()


@pytest.fixture
def emulator(emulator_server: EmulatorHandle) -> Iterator[EmulatorHandle]:
    """A running emulator with fresh state and a frozen clock."""
    emulator_server.reset()
    yield emulator_server
    emulator_server.reset()  # what a test left (fault rules, settings) never reaches the server's next user
