"""Which delivery hosts resolve: one lookup per host at a time, remembered for a while on transport
time, as a sender's resolver caches (failures too, RFC 2308).

Why: a clock move that runs a minute of retries to a host whose name does not resolve would
otherwise look the name up sixty times, and a resolver that drops a query under load makes each
such lookup wait its 5 s timeout; every settle round then waits for attempts that no receiver can
answer. With this cache the first lookup is the only one, and attempts after it fail at once with
the same error."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

REMEMBER_SECONDS = 30.0  # real seconds an answer is kept (a short TTL: receivers' DNS may change)
MOST_HOSTS = 1024  # a fuzzed run names thousands of hosts: beyond this many, the oldest are forgotten


class Resolver:
    def __init__(self, threads: int = 8) -> None:
        # Its own threads: lookups that hang must not take the loop's default executor from the
        # streams' batches.
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="webhook-dns")
        self._known: dict[tuple[str, int], tuple[float, str | None]] = {}  # -> (until, error or None)
        self._pending: dict[tuple[str, int], asyncio.Future] = {}

    async def failure(self, url: str) -> str | None:
        """Why ``url``'s host cannot be reached by name (None: it resolves, or is an address)."""
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port or (443 if parts.scheme in ("https", "wss") else 80)
        except ValueError:
            return None  # the HTTP client names a malformed URL better
        if not host or host == "localhost" or _is_address(host):
            return None
        key = (host, port)
        known = self._known.get(key)
        if known is not None and known[0] > time.monotonic():
            return known[1]
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.get_running_loop().run_in_executor(self._executor, _lookup, host, port)
            self._pending[key] = pending
            pending.add_done_callback(lambda done: self._remember(key, done))
        return await asyncio.shield(pending)  # a cut-off attempt leaves the lookup to the others

    def _remember(self, key: tuple[str, int], done: asyncio.Future) -> None:
        self._pending.pop(key, None)
        if done.cancelled() or done.exception() is not None:
            return
        if len(self._known) >= MOST_HOSTS:
            for old in list(self._known)[:MOST_HOSTS // 2]:
                del self._known[old]
        self._known[key] = (time.monotonic() + REMEMBER_SECONDS, done.result())


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _lookup(host: str, port: int) -> str | None:
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return None
    except (socket.gaierror, UnicodeError) as exc:
        return str(exc)
