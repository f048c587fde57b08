"""Webhook delivery that cannot stall anyone: a deadline per attempt, no shared pool for slow
receivers to fill, clock moves that finish whatever receivers do, and attempts logged across a crash."""
import json
import socket
import threading
import time

import pytest
import requests

from emulator.core.clock import parse_iso
from emulator.core.webhooks import RetryPolicy

from helpers import ORG_KEY, Receiver
from test_cli import start_server

POLICY = RetryPolicy(delays=(10, 20, 40, 80), timeout=30)


@pytest.fixture
def dispatcher(emulator):
    webhooks = emulator.engine.webhooks
    webhooks.register_policy("limits", POLICY)
    yield webhooks
    webhooks.set_timeout("limits", None)
    emulator.engine.config.webhook_wait = 2.0


class Dribbler:
    """A receiver that reads the request, then sends its answer one byte every ``pause`` seconds."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self.stop = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._dribble, args=(conn,), daemon=True).start()

    def _dribble(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok":
                if self.stop.wait(self.pause):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def close(self) -> None:
        self.stop.set()
        self.server.close()


def test_the_timeout_is_a_deadline_for_the_whole_attempt(emulator, dispatcher):
    """A receiver that keeps every read alive but never finishes is cut off at the timeout."""
    dribbler = Dribbler(pause=0.2)
    try:
        dispatcher.set_timeout("limits", 1.0)
        dispatcher.enqueue("limits", "slow", dribbler.url, {"a": 1})
        emulator.settle()
        [delivery] = emulator.engine.webhooks.log("limits")
        [attempt] = delivery["attempt_log"]
        assert attempt["error"] == "timed out after 1 s" and attempt["status_code"] is None
        assert attempt["duration_ms"] < 1900  # the answer needs 41 bytes x 0.2 s: it never completed
        assert delivery["status"] == "pending"  # and the retry waits on the emulator clock
    finally:
        dribbler.close()


def test_hanging_receivers_do_not_delay_a_healthy_one(emulator, dispatcher):
    hanging, healthy = Receiver(), Receiver()
    hanging.hang = 60
    try:
        for n in range(50):
            dispatcher.enqueue("limits", "stuck", f"{hanging.url}/{n}", {"n": n})
        dispatcher.enqueue("limits", "fine", healthy.url + "/ok", {"ok": True})
        emulator.engine.kick()  # the background ticker sends them, as under serve
        deadline = time.monotonic() + 20
        while (not healthy.requests or len(hanging.requests) < 50) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert healthy.bodies() == [{"ok": True}] and len(hanging.requests) == 50
        # ... while every one of the fifty is still waiting on its receiver
        stuck = [d for d in emulator.engine.webhooks.log("limits") if d["event"] == "stuck"]
        assert {d["status"] for d in stuck} == {"sending"}
    finally:
        emulator.engine.webhooks.cut_off("test over")
        emulator.engine.webhooks.flight.wait_idle(5)
        hanging.close()
        healthy.close()


def test_a_clock_move_waits_a_bounded_time_for_a_receiver_that_never_answers(emulator, dispatcher):
    """Five attempts against a receiver that never answers: each is recorded as timed out after the
    move's real-time wait, the retries still fall due 10, 20, 40, 80 s apart on the emulator clock."""
    hanging = Receiver()
    hanging.hang = 60
    emulator.engine.config.webhook_wait = 0.3
    try:
        with emulator.engine.clock.pinned(emulator.engine.clock.now() + 1):  # due within the move
            dispatcher.enqueue("limits", "stuck", hanging.url, {"a": 1})
        started = time.monotonic()
        emulator.advance(minutes=15)
        elapsed = time.monotonic() - started
        [delivery] = emulator.engine.webhooks.log("limits")
        assert delivery["status"] == "failed" and delivery["attempts"] == 5
        reason = "timed out: no answer within 0.3 s while the clock was moved (serve --webhook-wait)"
        errors = {a["error"] for a in delivery["attempt_log"]}
        # cut off while waiting, or (on a loaded machine) given up on before its request went out
        assert errors and errors <= {reason, "not sent: " + reason}, errors
        at = [parse_iso(a["at"]) for a in delivery["attempt_log"]]
        assert [round(b - a) for a, b in zip(at, at[1:])] == [10, 20, 40, 80]
        assert elapsed < 30  # five attempts of the platform's 30 s timeout would be 150 s
    finally:
        hanging.close()


def test_a_queue_of_hanging_receivers_costs_a_clock_move_one_wait_per_round(emulator, dispatcher):
    """Thirty-five deliveries in one order (a Lessonspace space's hooks), every receiver hanging:
    each round of the move waits ``webhook_wait`` once for the whole line, not once per attempt."""
    hanging = Receiver()
    hanging.hang = 60
    emulator.engine.config.webhook_wait = 0.3
    try:
        with emulator.engine.clock.pinned(emulator.engine.clock.now() + 1):
            for n in range(35):
                dispatcher.enqueue("limits", "stuck", hanging.url, {"n": n}, order_key="space-1")
        started = time.monotonic()
        emulator.advance(minutes=15)
        elapsed = time.monotonic() - started
        deliveries = emulator.engine.webhooks.log("limits")
        assert len(deliveries) == 35
        assert {(d["status"], d["attempts"]) for d in deliveries} == {("failed", 5)}
        reason = "timed out: no answer within 0.3 s while the clock was moved (serve --webhook-wait)"
        errors = {a["error"] for d in deliveries for a in d["attempt_log"]}
        assert errors <= {reason, "not sent: " + reason} and "not sent: " + reason in errors
        for delivery in deliveries:  # the retries still keep their schedule on the emulator clock
            at = [parse_iso(a["at"]) for a in delivery["attempt_log"]]
            assert [round(b - a) for a, b in zip(at, at[1:])] == [10, 20, 40, 80]
        assert elapsed < 20  # five rounds; before, each of the 175 attempts cost 0.3 s + 5 s
    finally:
        hanging.close()


def test_a_clock_move_does_not_cut_off_an_attempt_under_way_before_it(emulator, dispatcher):
    """A slow receiver that answers within the platform's timeout keeps it when someone moves the
    clock meanwhile: the move stops waiting for that attempt, and the attempt is delivered."""
    slow = Receiver()
    slow.hang = 2.5
    emulator.engine.config.webhook_wait = 0.3
    try:
        dispatcher.enqueue("limits", "slow", slow.url, {"a": 1})
        emulator.engine.kick()
        deadline = time.monotonic() + 10
        while not slow.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        assert slow.requests, "the attempt never started"
        started = time.monotonic()
        emulator.advance(minutes=15)
        assert time.monotonic() - started < 2  # the move did not wait out the slow receiver
        [delivery] = emulator.engine.webhooks.log("limits")
        assert delivery["status"] == "sending"
        deadline = time.monotonic() + 10
        while delivery["status"] == "sending" and time.monotonic() < deadline:
            time.sleep(0.05)
            [delivery] = emulator.engine.webhooks.log("limits")
        assert delivery["status"] == "delivered" and delivery["attempts"] == 1
        assert delivery["attempt_log"][0]["status_code"] == 200 and delivery["attempt_log"][0]["error"] is None
    finally:
        slow.close()


def test_an_attempt_left_over_from_before_a_reset_does_not_hold_up_the_one_after_it(emulator, dispatcher, receiver):
    """Delivery ids are deterministic, so the first delivery after a reset has the id the first one
    before it had. An attempt of the old one still booked in flight (the reset's cut-off could not
    end it in time) must not be mistaken for the new one: the new one goes out when the clock moves."""
    emulator.engine.config.webhook_wait = 0.3
    old = dispatcher.enqueue("limits", "first", receiver.url, {"n": 1})
    emulator.reset()
    dispatcher.flight.open()  # the old world's attempt, never ended
    emulator.reset()
    assert dispatcher.enqueue("limits", "first", receiver.url, {"n": 2}) == old
    emulator.advance(minutes=1)
    [delivery] = emulator.engine.webhooks.log("limits")
    assert delivery["status"] == "delivered" and delivery["attempts"] == 1
    assert receiver.bodies()[-1] == {"n": 2}


def test_an_attempt_cut_off_by_kill_9_is_in_the_log_and_is_sent_again(tmp_path):
    receiver = Receiver()
    receiver.hang = 60
    state = tmp_path / "state.sqlite3"
    auth = {"Authorization": f"Organisation {ORG_KEY}"}
    process, base = start_server(state)
    try:
        launch = requests.post(f"{base}/lessonspace/v2/spaces/launch/", headers=auth, json={
            "id": "crash", "webhooks": {"session": {"start": receiver.url + "/start"}}})
        assert launch.status_code in (200, 201), launch.text
        answer = requests.post(f"{base}/_emulator/lessonspace/spaces/{launch.json()['room_id']}/sessions", json={})
        assert answer.status_code == 201, answer.text
        deadline = time.monotonic() + 20
        while not receiver.requests and time.monotonic() < deadline:  # the attempt is under way...
            time.sleep(0.05)
        assert receiver.requests
    finally:
        process.kill()  # ... when the emulator dies
        process.wait(10)
    receiver.hang = 0
    process, base = start_server(state)
    try:
        deadline = time.monotonic() + 20
        while len(receiver.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        [delivery] = requests.get(f"{base}/_emulator/webhooks?event=session.start").json()["deliveries"]
        first, second = delivery["attempt_log"]
        assert first["attempt"] == 1 and first["status_code"] is None and "interrupted" in first["error"]
        assert second["attempt"] == 2 and second["status_code"] == 200
        assert delivery["status"] == "delivered"
        assert json.loads(receiver.requests[0]["body"]) == json.loads(receiver.requests[1]["body"])
    finally:
        process.terminate()
        process.wait(10)
        receiver.close()


def test_a_slow_receiver_gets_the_platforms_whole_timeout(emulator, receiver):
    """A receiver that answers after 5.5 s is within Recall's 15 s timeout: the attempt succeeds (an
    HTTP client's own shorter default read timeout must not cut it first)."""
    receiver.hang = 5.5
    emulator.engine.config.webhook_wait = 20
    requests.patch(emulator.control_url("recall/settings"), json={"webhook_endpoints": [receiver.url]})
    requests.post(emulator.url("recall") + "/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij"},
                  headers={"Authorization": "Token k"})
    emulator.settle()
    first = next(d for d in emulator.webhooks if d["event"] == "bot.joining_call")
    assert first["attempt_log"][0]["error"] is None and first["status"] == "delivered", first["attempt_log"][0]
    assert json.loads(receiver.requests[0]["body"])["event"] == "bot.joining_call"
