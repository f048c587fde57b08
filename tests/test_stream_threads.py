"""Streams make their media on threads of their own: however long encoding takes, the webhooks that
share the engine's loop go out on time."""
from __future__ import annotations

import threading
import time

import requests

from emulator.core.streams import MEDIA_THREADS, Feed, Reconnect


def test_webhooks_go_out_while_every_stream_is_busy_encoding(emulator, ws, receiver):
    release = threading.Event()
    busy = []

    def slow_media(start: float, stop: float, final: bool):
        busy.append(start)
        release.wait(30)  # encoding that takes as long as the test lets it
        yield stop, b"\0" * 16

    sink = ws()
    now = emulator.engine.clock.now()
    for n in range(MEDIA_THREADS + 8):  # more than every pool the loop has
        emulator.engine.streams.open(Feed(f"busy-{n}", "meetstream", sink.url(f"/busy{n}"), now, slow_media,
                                          Reconnect(every=3.0, retries=30), lambda at, why: None))
    try:
        emulator.advance(2)
        deadline = time.monotonic() + 10
        while len(busy) < MEDIA_THREADS and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(busy) == MEDIA_THREADS  # every media thread is held
        key = {"Authorization": "Token ms_test_key"}
        answer = requests.post(emulator.url("meetstream") + "/bots/create_bot", headers=key, timeout=10,
                               json={"meeting_link": "https://zoom.us/j/123456789", "bot_name": "Notes",
                                     "callback_url": receiver.url + "/hook"})
        assert answer.status_code == 201, answer.text
        deadline = time.monotonic() + 5
        while not receiver.bodies("/hook") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [b["event"] for b in receiver.bodies("/hook")] == ["bot.joining"]
    finally:
        release.set()
    deadline = time.monotonic() + 20
    while len(sink.binary()) < MEDIA_THREADS + 8 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(sink.binary()) >= MEDIA_THREADS + 8  # released, every stream sends its media
