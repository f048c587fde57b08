"""Deliveries to a host whose name does not resolve: each attempt fails with the resolver's error, the
retries go on to the policy's end, and the name is looked up once, not once per attempt. A resolver
that is slow to say "no such name" (here 0.3 s; a dropped query costs 5 s) would otherwise make a
clock move over a minute of Recall's every-second retries wait for each of the sixty lookups."""
from __future__ import annotations

import socket
import threading
import time

NOWHERE = "no-such-receiver.example"


def test_an_unresolvable_receiver_is_looked_up_once_and_retried_to_the_end(recall, monkeypatch):
    looked_up: list[str] = []
    lock = threading.Lock()
    real = socket.getaddrinfo

    def slow_no(host, *args, **kwargs):
        if host != NOWHERE:
            return real(host, *args, **kwargs)
        with lock:
            looked_up.append(host)
        time.sleep(0.3)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", slow_no)
    recall.create(recording_config={"realtime_endpoints": [
        {"type": "webhook", "url": f"http://{NOWHERE}/rt", "events": ["participant_events.join"]}]})
    recall.emulator.advance(recall.seconds("join", 120))
    deliveries = [d for d in recall.emulator.webhooks if d["url"] == f"http://{NOWHERE}/rt"]
    assert deliveries and all(d["status"] == "failed" and d["attempts"] == 60 for d in deliveries)
    errors = {a["error"] for d in deliveries for a in d["attempt_log"]}
    assert errors == {"ConnectionError: [Errno -2] Name or service not known"}
    assert looked_up == [NOWHERE]  # all the joins' attempts share the first lookup's answer
