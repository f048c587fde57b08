"""Live streams: how fast a frozen clock's hour of Recall mixed audio reaches a local websocket
receiver, whether the emulator's memory stays flat while it does, and many bots streaming at once.

The receiver is a real websocket server (the ``websockets`` library) in this process that decodes
every message as Recall's docs say (JSON, base64 S16LE 16 kHz) and counts the seconds of audio;
the emulator is a real ``meeting-emulator serve`` whose resident memory is sampled from /proc."""
from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from pathlib import Path

import requests
import websockets

from processes import serve, stop

RATE = 16000  # Recall's raw audio: 16 kHz mono S16LE
AUTH = {"Authorization": "Token bench"}


class Receiver:
    """Counts each connection's seconds of audio; keeps nothing else."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}  # per path
        self._lock = threading.Lock()
        self._ready = threading.Event()
        threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True).start()
        self._ready.wait(10)

    async def _serve(self) -> None:
        async with websockets.serve(self._handle, "127.0.0.1", 0, max_size=None) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            self._ready.set()
            await asyncio.Future()

    async def _handle(self, connection) -> None:
        path = connection.request.path
        try:
            async for message in connection:
                event = json.loads(message)
                if event["event"] == "audio_mixed_raw.data":
                    heard = len(base64.b64decode(event["data"]["data"]["buffer"])) / 2 / RATE
                    with self._lock:
                        self.seconds[path] = self.seconds.get(path, 0.0) + heard
        except websockets.ConnectionClosed:  # the emulator stopped mid-stream: the bench is over
            pass

    def total(self) -> float:
        with self._lock:
            return sum(self.seconds.values())

    def url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"


def _resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stream(bots: int, seconds: int, timeout: float = 600) -> dict:
    """``bots`` Recall bots each streaming mixed audio for ``seconds`` of one clock move: the real
    time it took, the audio received, and the emulator's resident memory before, at peak and after."""
    receiver = Receiver()
    process, base = serve("--quiet", "--setting", f"recall.meeting_seconds={seconds + 60}")
    try:
        api = f"{base}/recall/api/v1"
        for n in range(bots):
            endpoint = {"type": "websocket", "url": receiver.url(f"/bot{n}"), "events": ["audio_mixed_raw.data"]}
            requests.post(f"{api}/bot/", json={"meeting_url": "https://zoom.us/j/123456789",
                                               "recording_config": {"realtime_endpoints": [endpoint]}},
                          headers=AUTH, timeout=30).raise_for_status()
        requests.post(f"{base}/_emulator/clock/advance", json={"seconds": 10}, timeout=60).raise_for_status()
        deadline = time.monotonic() + 30
        while len(receiver.seconds) < bots and time.monotonic() < deadline:  # every bot is in and streaming
            time.sleep(0.05)
        already = -1.0
        while receiver.total() != already and time.monotonic() < deadline:  # the warm-up has all arrived
            already = receiver.total()
            time.sleep(0.5)
        before = _resident_mb(process.pid)
        started = time.perf_counter()
        requests.post(f"{base}/_emulator/clock/advance", json={"seconds": seconds}, timeout=60).raise_for_status()
        peak, samples = before, []
        want = already + bots * seconds
        deadline = time.monotonic() + timeout
        while receiver.total() < want - 1e-6 and time.monotonic() < deadline:
            time.sleep(0.25)
            samples.append(_resident_mb(process.pid))
            peak = max(peak, samples[-1])
        took = time.perf_counter() - started
        return {"bots": bots, "seconds": seconds, "took": took, "heard": receiver.total() - already,
                "before_mb": before, "peak_mb": peak, "after_mb": _resident_mb(process.pid),
                "samples": samples}
    finally:
        stop(process)
