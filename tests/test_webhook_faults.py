"""Webhook faults: duplicated, dropped, delayed and reordered deliveries, each marked in the log."""
from __future__ import annotations

import json

from svix.webhooks import Webhook


def events(receiver) -> list[str]:
    return [json.loads(r["body"])["event"] for r in receiver.requests]


def subscribe(recall, receiver) -> str:
    return recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]}).json()["webhook_secret"]


def test_a_handler_must_survive_a_duplicate_webhook(recall, receiver, emulator):
    """The worked example: the same message twice, same svix-id, both signed; dedupe on the id."""
    secret = subscribe(recall, receiver)
    emulator.fault("recall", "duplicate", on="webhooks", event="bot.joining_call")
    recall.create()
    emulator.settle()
    twice = [r for r in receiver.requests if json.loads(r["body"])["event"] == "bot.joining_call"]
    assert len(twice) == 2
    assert twice[0]["headers"]["svix-id"] == twice[1]["headers"]["svix-id"]
    for request in twice:
        Webhook(secret).verify(request["body"], {k.lower(): v for k, v in request["headers"].items()})
    handled = {r["headers"]["svix-id"] for r in twice}  # an idempotent handler keeps one
    assert len(handled) == 1
    marked = [d for d in emulator.webhooks if d.get("fault")]
    assert [d["fault"]["action"] for d in marked] == ["duplicate", "duplicate"]
    assert "is the copy" in marked[0]["fault"]["detail"] and "a second delivery of" in marked[1]["fault"]["detail"]


def test_dropped_first_attempts_follow_the_retry_schedule(recall, receiver, emulator):
    subscribe(recall, receiver)
    emulator.fault("recall", "drop", on="webhooks", event="bot.joining_call", attempts=2)
    recall.create()
    emulator.settle()
    assert "bot.joining_call" not in events(receiver)  # attempt 1 dropped
    emulator.advance(5)  # Svix's second attempt, 5 s later: dropped too
    assert "bot.joining_call" not in events(receiver)
    emulator.advance(300)  # the third, 5 minutes after that
    assert events(receiver).count("bot.joining_call") == 1
    delivery = next(d for d in emulator.webhooks if d["event"] == "bot.joining_call")
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3
    errors = [a["error"] for a in delivery["attempt_log"]]
    assert errors[0].startswith("dropped by fault") and errors[1].startswith("dropped by fault") and errors[2] is None


def test_a_delayed_delivery_arrives_after_later_events(recall, receiver, emulator):
    subscribe(recall, receiver)
    emulator.fault("recall", "delay", on="webhooks", event="bot.joining_call", delay_seconds=300)
    recall.create()
    emulator.advance(299)
    assert "bot.joining_call" not in events(receiver) and "bot.in_call_recording" in events(receiver)
    emulator.advance(1)
    assert events(receiver)[-1] == "bot.joining_call"


def test_a_reordered_delivery_follows_the_next_one(recall, receiver, emulator):
    subscribe(recall, receiver)
    emulator.fault("recall", "reorder", on="webhooks", event="bot.joining_call", times=1)
    recall.create()
    emulator.settle()
    assert events(receiver) == []  # held back
    emulator.advance(5)
    seen = events(receiver)
    assert seen.index("bot.joining_call") > seen.index("bot.in_call_not_recording")
    held = next(d for d in emulator.webhooks if d["event"] == "bot.joining_call")
    assert held["fault"]["action"] == "reorder" and held["status"] == "delivered"


def test_a_reordered_delivery_goes_out_at_its_deadline_when_nothing_follows(recall, receiver, emulator):
    subscribe(recall, receiver)
    recall.create()
    emulator.advance(hours=1)  # the bot is done: nothing more will be sent
    count = len(receiver.requests)
    emulator.fault("recall", "reorder", on="webhooks", event="bot.*", delay_seconds=30)
    emulator.engine.webhooks.enqueue("recall", "bot.test", receiver.url, {"event": "bot.test", "data": {}},
                                     secret=recall.control("GET", "settings").json()["webhook_secret"])
    emulator.advance(29)
    assert len(receiver.requests) == count
    emulator.advance(1)
    assert events(receiver)[-1] == "bot.test"


def test_the_readme_duplicate_example(emulator):
    import requests

    hooks = emulator.inbox_url("hooks")
    requests.patch(emulator.control_url("recall/settings"), json={"webhook_endpoints": [hooks]})
    emulator.fault("recall", "duplicate", on="webhooks", event="bot.done")
    requests.post(emulator.url("recall") + "/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij"},
                  headers={"Authorization": "Token my-key"})
    emulator.advance(hours=1)
    done = [m for m in emulator.inbox("hooks") if m["json"]["event"] == "bot.done"]
    assert len(done) == 2 and done[0]["headers"]["Svix-Id"] == done[1]["headers"]["Svix-Id"]
