"""The HTTP side of webhook delivery: one asyncio loop in its own thread with one httpx client, where
every attempt is its own task. A slow or dead receiver holds nothing but its own attempt, and the
policy's timeout is a deadline for the whole attempt, not for each read. The dispatcher
(core/webhooks.py) decides what to send and records what came of it; this module only sends."""
from __future__ import annotations

import asyncio
import posixpath
import time
from typing import TYPE_CHECKING, Coroutine
from urllib.parse import unquote, urlsplit

from .aio import BackgroundLoop
from .clock import transport_now
from .resolver import Resolver
from .webhook_policy import RetryPolicy

if TYPE_CHECKING:
    import httpx


def aims_at_control_plane(url: str) -> bool:
    """Whether a delivery URL names a control route of a meeting-emulator (its own or another's):
    anything under ``/_emulator`` but an inbox, read as the server will route it (percent-decoded,
    dot segments and doubled slashes resolved)."""
    path = unquote(urlsplit(url).path)
    normal = posixpath.normpath("/" + path.lstrip("/")) if path else "/"
    return (normal == "/_emulator" or normal.startswith("/_emulator/")) and not normal.startswith("/_emulator/inbox/")


class Poster:
    def __init__(self, background: BackgroundLoop | None = None) -> None:
        self._posts: dict[asyncio.Task, int] = {}  # HTTP requests under way -> their attempt (cut_off cancels them)
        self._cut: dict[asyncio.Task, str] = {}  # why each cancelled request was cut off (loop thread only)
        self._background = background or BackgroundLoop("webhook-loop")
        self._background.on_start(self._make_client)
        self._client: httpx.AsyncClient | None = None
        self._resolver = Resolver()

    def _make_client(self) -> None:
        import httpx  # here, not at import: it is slow to import and serve starts fast

        # No pool limit: a limit would let hanging receivers queue everyone else's attempts.
        # timeout=None: the policy's deadline (asyncio.timeout in post) is the only one; httpx's
        # default 5 s read timeout would cut Recall's 15 s and 100ms's 30 s short
        self._client = httpx.AsyncClient(limits=httpx.Limits(max_connections=None, max_keepalive_connections=32),
                                         follow_redirects=False, trust_env=False, timeout=None)

    def submit(self, attempt: Coroutine) -> None:
        """Run ``attempt`` on the loop (from any thread), starting the loop on first use."""
        loop = self._background.get()
        loop.call_soon_threadsafe(lambda: loop.create_task(attempt))

    async def post(self, delivery: dict, policy: RetryPolicy, token: int) -> dict:
        """One attempt, signed on transport time: its request headers, status, error and duration."""
        import httpx

        headers = dict(delivery["headers"])
        if policy.sign:
            headers.update(policy.sign(delivery, transport_now()))
        attempt: dict = {"request_headers": headers, "status_code": None, "error": None, "response_body": None}
        if aims_at_control_plane(delivery["url"]):
            attempt.update(error="refused: the URL is an emulator's control API (/_emulator/...), which a webhook "
                                 "may not drive; an inbox (/_emulator/inbox/NAME) is a valid target", duration_ms=0.0)
            return attempt
        started = time.monotonic()
        request = asyncio.ensure_future(self._send(delivery, headers))
        self._posts[request] = token
        try:
            async with asyncio.timeout(policy.timeout):
                answer = await request
            attempt["status_code"] = answer.status_code
            attempt["response_body"] = answer.text[:2000]
            if not policy.accepted(answer.status_code):
                attempt["error"] = f"receiver answered {answer.status_code}"
        except TimeoutError:
            attempt["error"] = f"timed out after {policy.timeout:g} s"
        except asyncio.CancelledError:
            if not request.cancelled():  # the loop itself is stopping
                raise
            attempt["error"] = self._cut.pop(request, "cancelled")
        except httpx.HTTPError as exc:
            attempt["error"] = f"{_error_kind(exc)}: {exc or type(exc).__name__}"
        finally:
            self._posts.pop(request, None)
            self._cut.pop(request, None)
        attempt["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
        return attempt

    async def _send(self, delivery: dict, headers: dict) -> "httpx.Response":
        import httpx

        failure = await self._resolver.failure(delivery["url"])
        if failure is not None:
            raise httpx.ConnectError(failure)
        return await self._client.post(delivery["url"], content=delivery["body"].encode(), headers=headers)

    def cut_off(self, reason: str, only: set[int] | None = None) -> None:
        """End the HTTP requests under way now (``only``: those of the attempts with these tokens);
        each is recorded as failed with ``reason``."""
        def cancel() -> None:  # in the loop thread, so each request keeps the reason it was cut for
            for request, token in list(self._posts.items()):
                if (only is None or token in only) and request.cancel():
                    self._cut[request] = reason

        self._background.call(cancel)

    async def close(self) -> None:
        """Close the HTTP client (on the loop, before it stops)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _error_kind(exc: "httpx.HTTPError") -> str:
    """The kind of failure in plain words: what a person reading the log needs first."""
    import httpx

    if isinstance(exc, httpx.ConnectError):
        return "ConnectionError"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "ProtocolError"
    return type(exc).__name__
