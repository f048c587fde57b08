"""The engine's one asyncio loop, in a daemon thread of its own, started on first use. Webhook
attempts (core/webhook_http.py) and live streams (core/streams.py) run on it as tasks, so a slow
receiver holds only its own task and no request thread waits on the network."""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Coroutine


class BackgroundLoop:
    def __init__(self, name: str = "emulator-loop") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Lock()
        self._on_start: list[Callable[[], None]] = []

    def on_start(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` in the loop's thread before anything else (what must be made there)."""
        self._on_start.append(hook)

    def get(self) -> asyncio.AbstractEventLoop:
        """The running loop, started now if it is not yet."""
        with self._ready:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                started = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    for hook in self._on_start:
                        hook()
                    loop.call_soon(started.set)
                    loop.run_forever()

                threading.Thread(target=run, name=self._name, daemon=True).start()
                started.wait()
                self._loop = loop
            return self._loop

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn`` in the loop's thread soon (from any thread); nothing if the loop never started."""
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(fn, *args)

    def stop(self, before: Callable[[], Coroutine] | None = None) -> None:
        """Stop the loop, after awaiting ``before()`` on it."""
        loop = self._loop
        if loop is None:
            return

        async def stop() -> None:
            if before is not None:
                await before()
            loop.stop()

        asyncio.run_coroutine_threadsafe(stop(), loop)
        self._loop = None
