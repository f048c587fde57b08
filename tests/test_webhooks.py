"""The dispatcher against a real receiver: attempts, retries on the emulator clock, giving up, timeouts."""
import hashlib
import hmac

import pytest

from emulator.core.webhooks import RetryPolicy

POLICY = RetryPolicy(delays=(10, 20, 40, 80), timeout=30,
                     sign=lambda d, at: {"x-sig": hmac.new(d["secret"].encode(), d["body"].encode(),
                                                           hashlib.sha256).hexdigest()})


@pytest.fixture
def dispatcher(emulator):
    emulator.engine.webhooks.register_policy("test", POLICY)
    yield emulator.engine.webhooks
    emulator.engine.webhooks.set_timeout("test", None)


def send(emulator, dispatcher, url, body=None):
    delivery_id = dispatcher.enqueue("test", "thing.happened", url, body or {"a": 1}, {"x-extra": "1"}, "s3cret")
    emulator.settle()
    return delivery_id


def deliveries(emulator):
    return emulator.engine.webhooks.log("test")


def test_delivery_is_a_real_signed_post_and_is_recorded(emulator, dispatcher, receiver):
    send(emulator, dispatcher, receiver.url + "/hook", {"hello": "world"})
    [request] = receiver.requests
    assert request["body"] == b'{"hello":"world"}'
    assert request["headers"]["x-extra"] == "1"
    expected = hmac.new(b"s3cret", request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["x-sig"] == expected
    [delivery] = deliveries(emulator)
    assert delivery["status"] == "delivered" and "secret" not in delivery
    [attempt] = delivery["attempt_log"]
    assert attempt["attempt"] == 1 and attempt["status_code"] == 200
    assert attempt["url"] == receiver.url + "/hook" and attempt["request_headers"]["x-sig"] == expected


def test_retries_follow_the_schedule_until_the_receiver_recovers(emulator, dispatcher, receiver):
    receiver.answers = [500, 503]
    send(emulator, dispatcher, receiver.url)
    assert len(receiver.requests) == 1
    emulator.advance(9)
    assert len(receiver.requests) == 1  # the first retry is due after 10 s, not before
    emulator.advance(1)
    assert len(receiver.requests) == 2
    emulator.advance(20)
    assert len(receiver.requests) == 3
    [delivery] = deliveries(emulator)
    assert delivery["status"] == "delivered"
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 503, 200]
    ids = {r["headers"]["x-extra"] for r in receiver.requests}
    assert ids == {"1"}


def test_gives_up_after_the_fifth_attempt(emulator, dispatcher, receiver):
    receiver.answers = [500] * 10
    send(emulator, dispatcher, receiver.url)
    emulator.advance(hours=1)
    assert len(receiver.requests) == 5
    [delivery] = deliveries(emulator)
    assert delivery["status"] == "failed" and delivery["attempts"] == 5
    times = [a["at"] for a in delivery["attempt_log"]]
    assert len(set(times)) == 5


def test_one_advance_replays_every_retry_in_time_order(emulator, dispatcher, receiver):
    receiver.answers = [500, 500, 500]
    send(emulator, dispatcher, receiver.url)
    emulator.advance(minutes=5)
    [delivery] = deliveries(emulator)
    from emulator.core.clock import parse_iso
    at = [parse_iso(a["at"]) for a in delivery["attempt_log"]]
    assert [round(b - a) for a, b in zip(at, at[1:])] == [10, 20, 40]
    assert delivery["status"] == "delivered"


def test_a_hanging_receiver_is_cut_off_at_the_timeout(emulator, dispatcher, receiver):
    dispatcher.set_timeout("test", 0.3)
    receiver.hang = 5
    send(emulator, dispatcher, receiver.url)
    [delivery] = deliveries(emulator)
    [attempt] = delivery["attempt_log"]
    assert attempt["status_code"] is None and "timed out" in attempt["error"]
    assert delivery["status"] == "pending"


def test_unreachable_receiver_is_recorded_as_an_error(emulator, dispatcher):
    send(emulator, dispatcher, "http://127.0.0.1:9/nothing-listens-here")
    [delivery] = deliveries(emulator)
    assert delivery["attempt_log"][0]["error"].startswith("ConnectionError")


def test_the_inbox_receives_and_lists_webhooks(emulator, dispatcher):
    import requests
    send(emulator, dispatcher, emulator.inbox_url("mine"), {"x": 1})
    listing = requests.get(emulator.inbox_url("mine")).json()
    assert listing["count"] == 1
    assert listing["messages"][0]["json"] == {"x": 1}
    assert listing["messages"][0]["headers"]["X-Sig"]
    assert requests.delete(emulator.inbox_url("mine")).json()["count"] == 0
