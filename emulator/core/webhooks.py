"""Webhook delivery: one dispatcher, per-platform signing and retry policies.

``enqueue`` records a delivery and schedules its first attempt on the timeline. When the attempt
falls due, a background worker POSTs it for real, records the attempt (time, URL, headers, body,
status or error, attempt number) and, on failure, schedules the next attempt on the emulator's
clock according to the policy. Nothing sleeps: moving the clock delivers the retries.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import requests

from .clock import Clock, iso
from .ids import Ids
from .store import Store
from .timeline import Timeline

log = logging.getLogger(__name__)
SEND_ACTION = "webhooks.send"
Signer = Callable[[dict, float], dict]  # (delivery, attempt time) -> extra headers


@dataclass(frozen=True)
class RetryPolicy:
    """How a platform delivers: the pauses between attempts, the timeout, and the signature."""

    delays: tuple[float, ...] = ()  # seconds to wait before attempt 2, 3, ...
    timeout: float = 30.0
    sign: Signer | None = None
    accepted: Callable[[int], bool] = lambda status: 200 <= status < 300  # what counts as delivered

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1


@dataclass
class _InFlight:
    count: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)


class Dispatcher:
    def __init__(self, store: Store, clock: Clock, timeline: Timeline, ids: Ids, workers: int = 8) -> None:
        self._store = store
        self._clock = clock
        self._timeline = timeline
        self._ids = ids
        self._policies: dict[str, RetryPolicy] = {}
        self._timeouts: dict[str, float] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webhook")
        self._session = requests.Session()
        self._in_flight = _InFlight()
        self._queues: dict[str, list[tuple[str, float]]] = {}  # order key -> attempts waiting their turn
        timeline.register(SEND_ACTION, self._due)

    def register_policy(self, name: str, policy: RetryPolicy) -> None:
        """A delivery policy, by platform name (the default for its deliveries) or any other name."""
        self._policies[name] = policy

    def policy(self, platform: str) -> RetryPolicy:
        policy = self._policies.get(platform, RetryPolicy())
        override = self._timeouts.get(platform)
        if override is not None:
            policy = RetryPolicy(policy.delays, override, policy.sign, policy.accepted)
        return policy

    def set_timeout(self, platform: str, seconds: float | None) -> None:
        """Override a platform's delivery timeout (tests use short ones for hanging receivers)."""
        if seconds is None:
            self._timeouts.pop(platform, None)
        else:
            self._timeouts[platform] = seconds

    # -- queueing --------------------------------------------------------------------------
    def enqueue(
        self,
        platform: str,
        event: str,
        url: str,
        body: dict | list | bytes,
        headers: dict[str, str] | None = None,
        secret: str | None = None,
        delivery_id: str | None = None,
        order_key: str | None = None,
        policy: str | None = None,
    ) -> str:
        """Record a delivery and schedule its first attempt now; returns the delivery id.

        Attempts that share an ``order_key`` (a Lessonspace space, say) go out one at a time in
        the order they fell due, so a receiver sees ``session.start`` before ``user.join``.
        """
        raw = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
        delivery = {
            "id": delivery_id or self._ids.uuid("webhook"),
            "platform": platform,
            "event": event,
            "url": url,
            "headers": {"Content-Type": "application/json", **(headers or {})},
            "body": raw.decode(),
            "created_at": iso(self._clock.now()),
            "status": "pending",
            "attempts": 0,
            "secret": secret,
            "order_key": order_key,
            "policy": policy or platform,  # which registered retry policy delivers it
        }
        with self._store.transaction():
            self._store.add_delivery(delivery)
            self._timeline.at(self._clock.now(), SEND_ACTION, {"delivery": delivery["id"]})
        return delivery["id"]

    def _due(self, payload: dict) -> None:
        delivery = self._store.get_delivery(payload["delivery"])
        if delivery is None or delivery["status"] in ("delivered", "failed"):
            return
        delivery["status"] = "sending"
        self._store.update_delivery(delivery)
        with self._in_flight.changed:
            self._in_flight.count += 1
            key = delivery.get("order_key")
            if key is not None and key in self._queues:
                self._queues[key].append((delivery["id"], self._clock.now()))
                return
            if key is not None:
                self._queues[key] = []
        # The worker reads the store only after this transaction commits: the store lock is
        # held until then.
        self._pool.submit(self._attempt, delivery["id"], self._clock.now(), key)

    # -- sending ---------------------------------------------------------------------------
    def _attempt(self, delivery_id: str, at: float, key: str | None) -> None:
        try:
            self._send(delivery_id, at)
        except Exception:
            log.exception("webhook delivery %s crashed", delivery_id)
        finally:
            with self._in_flight.changed:
                self._in_flight.count -= 1
                self._in_flight.changed.notify_all()
                if key is not None:
                    queue = self._queues.get(key)
                    if queue:
                        next_id, next_at = queue.pop(0)
                        self._pool.submit(self._attempt, next_id, next_at, key)
                    else:
                        self._queues.pop(key, None)

    def _send(self, delivery_id: str, at: float) -> None:
        delivery = self._store.get_delivery(delivery_id)
        if delivery is None:
            return
        policy = self.policy(delivery.get("policy") or delivery["platform"])
        number = delivery["attempts"] + 1
        headers = dict(delivery["headers"])
        if policy.sign:
            headers.update(policy.sign(delivery, at))
        attempt = {"attempt": number, "at": iso(at), "url": delivery["url"], "request_headers": headers,
                   "body": delivery["body"], "status_code": None, "error": None, "response_body": None}
        started = time.monotonic()
        try:
            answer = self._session.post(
                delivery["url"], data=delivery["body"].encode(), headers=headers,
                timeout=policy.timeout, allow_redirects=False,
            )
            attempt["status_code"] = answer.status_code
            attempt["response_body"] = answer.text[:2000]
            ok = policy.accepted(answer.status_code)
            if not ok:
                attempt["error"] = f"receiver answered {answer.status_code}"
        except requests.Timeout:
            ok, attempt["error"] = False, f"timed out after {policy.timeout:g} s"
        except requests.RequestException as exc:
            ok, attempt["error"] = False, f"{type(exc).__name__}: {exc}"
        attempt["duration_ms"] = round((time.monotonic() - started) * 1000, 1)

        with self._store.transaction():
            delivery = self._store.get_delivery(delivery_id) or delivery
            delivery["attempts"] = number
            self._store.add_attempt(delivery_id, attempt)
            if ok:
                delivery["status"] = "delivered"
            elif number >= policy.max_attempts:
                delivery["status"] = "failed"
            else:
                delivery["status"] = "pending"
                self._timeline.at(at + policy.delays[number - 1], SEND_ACTION, {"delivery": delivery_id})
            self._store.update_delivery(delivery)

    def idle(self) -> bool:
        with self._in_flight.changed:
            return self._in_flight.count == 0

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no attempt is in flight; True when idle."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._in_flight.changed:
            while self._in_flight.count:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._in_flight.changed.wait(remaining)
        return True

    def resume_interrupted(self) -> None:
        """After a restart, attempts that were in flight when the process stopped go out again."""
        with self._store.transaction():
            for delivery in self._store.deliveries(status="sending"):
                delivery["status"] = "pending"
                self._store.update_delivery(delivery)
                self._timeline.at(self._clock.now(), SEND_ACTION, {"delivery": delivery["id"]})

    # -- reading ---------------------------------------------------------------------------
    def log(self, platform: str | None = None) -> list[dict]:
        """Every delivery with its attempts, oldest first; signing secrets left out."""
        out = []
        for delivery in self._store.deliveries(platform):
            public = {k: v for k, v in delivery.items() if k != "secret"}
            public["attempt_log"] = self._store.attempts(delivery["id"])
            out.append(public)
        return out

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
