"""Publishing a live stream to an RTMP server: ffmpeg reads the FLV the emulator encodes from its
standard input and speaks RTMP to the server (``-c copy``: nothing is encoded twice). To the
streams core (core/streams.py) it looks like a websocket: ``send``, ``close``, and iterating it
ends when the other side is gone (ffmpeg exits)."""
from __future__ import annotations

import asyncio
import shutil
from contextlib import asynccontextmanager
from typing import AsyncIterator

RTMP_SCHEMES = ("rtmp://", "rtmps://")


class _Abort:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process

    def abort(self) -> None:
        """The line goes dead: the publisher is killed, mid-stream."""
        if self._process.returncode is None:
            self._process.kill()


class RtmpPublisher:
    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self._process, self._url = process, url
        self.transport = _Abort(process)
        self.close_code: int | None = None

    async def send(self, data: str | bytes) -> None:
        if not data:
            return
        if self._process.returncode is not None or self._process.stdin is None:
            raise ConnectionError(await self._why())
        try:
            self._process.stdin.write(data if isinstance(data, bytes) else data.encode())
            await self._process.stdin.drain()  # backpressure: ffmpeg reads as fast as the server takes it
        except (BrokenPipeError, ConnectionResetError):
            raise ConnectionError(await self._why()) from None

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """The end of the stream: ffmpeg sends what is left and says goodbye to the server."""
        if self._process.stdin is not None and not self._process.stdin.is_closing():
            self._process.stdin.close()
        if await self._process.wait() != 0:
            raise ConnectionError(await self._why())
        self.close_code = code

    def __aiter__(self) -> "RtmpPublisher":
        return self

    async def __anext__(self) -> bytes:
        # the server says nothing back over this pipe; only its going matters, and why
        if await self._process.wait() != 0:
            raise ConnectionError(await self._why())
        raise StopAsyncIteration

    async def _why(self) -> str:
        if self._process.returncode is None:
            self._process.kill()
            await self._process.wait()
        said = (await self._process.stderr.read()).decode(errors="replace").strip() if self._process.stderr else ""
        return f"the RTMP server at {self._url} did not take the stream" + (f": {said.splitlines()[-1]}" if said else "")


@asynccontextmanager
async def publish(url: str) -> AsyncIterator[RtmpPublisher]:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise ConnectionError("ffmpeg is not installed (apt-get install ffmpeg): streaming to RTMP needs it")
    process = await asyncio.create_subprocess_exec(
        # little probing: ffmpeg connects to the server on the first second of stream, not after five
        ffmpeg, "-hide_banner", "-loglevel", "error", "-probesize", "32768", "-analyzeduration", "500000",
        "-f", "flv", "-i", "pipe:0", "-c", "copy", "-f", "flv", url,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        yield RtmpPublisher(process, url)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
