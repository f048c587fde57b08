"""Webhook delivery: one dispatcher, per-platform signing and retry policies (webhook_policy.py).

``enqueue`` records a delivery and schedules its first attempt on the timeline. When the attempt
falls due it is logged (so an attempt cut off by a crash is still in the log) and POSTed for real
by the poster (webhook_http.py), each attempt its own task on one asyncio loop. On failure the next attempt is scheduled on the emulator's clock by the policy, so moving the
clock delivers the retries. Signatures are stamped with transport time (``clock.transport_now``).
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from typing import Any

from .clock import Clock, iso
from .ids import Ids
from .store import Store
from .timeline import Timeline
from .aio import BackgroundLoop
from .webhook_http import Poster
from .webhook_waits import InFlight
from .webhook_policy import RetryPolicy, Signer, Verifier, hex_hmac, hex_hmac_verifier

__all__ = ["Dispatcher", "RetryPolicy", "Signer", "Verifier", "hex_hmac", "hex_hmac_verifier"]

log = logging.getLogger(__name__)
SEND_ACTION = "webhooks.send"
IN_FLIGHT = "in flight"
INTERRUPTED = "interrupted: the emulator stopped during this attempt; it was sent again after the restart"


class Dispatcher:
    def __init__(self, store: Store, clock: Clock, timeline: Timeline, ids: Ids,
                 background: BackgroundLoop | None = None) -> None:
        self._store = store
        self._clock = clock
        self._timeline = timeline
        self._ids = ids
        self._policies: dict[str, RetryPolicy] = {}
        self._timeouts: dict[str, float] = {}
        self.flight = InFlight()  # the attempts in flight, and the waits on them
        self._queues: dict[str, list[tuple[int, str, float]]] = {}  # order key -> attempts (token, delivery, due) waiting
        self._poster = Poster(background)
        self._held: dict[str, list[str]] = {}  # platform -> deliveries a reorder fault holds back
        self.faults: Any = None  # the engine's fault rules (core.faults.Faults), when there are any
        timeline.register(SEND_ACTION, self._due)

    def register_policy(self, name: str, policy: RetryPolicy) -> None:
        """A delivery policy, by platform name (the default for its deliveries) or any other name."""
        self._policies[name] = policy

    def policy(self, platform: str) -> RetryPolicy:
        policy = self._policies.get(platform, RetryPolicy())
        override = self._timeouts.get(platform)
        if override is not None:
            policy = dataclasses.replace(policy, timeout=override)  # keeps its signer, verifier and acceptance
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
        on_failed: tuple[str, dict] | None = None,
    ) -> str:
        """Record a delivery and schedule its first attempt now; returns the delivery id.

        Attempts that share an ``order_key`` (a Lessonspace space, say) go out one at a time in
        the order they fell due, so a receiver sees ``session.start`` before ``user.join``.
        ``on_failed`` is a timeline action (name, payload) run when the delivery gives up.
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
            **({"on_failed": list(on_failed)} if on_failed else {}),
        }
        fault = self.faults.for_delivery(platform, event, url) if self.faults is not None else None
        with self._store.transaction():
            self._store.add_delivery(delivery)
            first = self._clock.now()
            if fault is not None:
                first = self._apply_fault(delivery, fault, first)
            self._timeline.at(first, SEND_ACTION, {"delivery": delivery["id"], **({"hold": True} if
                                                                                  delivery.get("held") else {})})
        return delivery["id"]

    def _apply_fault(self, delivery: dict, fault: dict, first: float) -> float:
        """Mark a delivery with the webhook fault that matched it; returns when its first attempt is due."""
        action = fault["action"]
        mark = {"id": fault["id"], "action": action}
        if action == "delay":
            first += fault["delay_seconds"]
            mark["detail"] = f"first attempt held back {fault['delay_seconds']:g} s of emulator time"
        elif action == "reorder":
            hold = fault.get("delay_seconds", 60)
            first += hold
            delivery["held"] = True
            with self.flight.changed:  # the loop's threads release held deliveries concurrently
                self._held.setdefault(delivery["platform"], []).append(delivery["id"])
            mark["detail"] = (f"held back until the next {delivery['platform']} delivery has been attempted "
                              f"(at most {hold:g} s of emulator time)")
        elif action == "drop":
            delivery["drop_attempts"] = fault.get("attempts", 1)
            mark["detail"] = f"the first {delivery['drop_attempts']} attempt(s) are not sent"
        elif action == "duplicate":
            copy = {**delivery, "id": self._ids.uuid("webhook"), "message_id": delivery.get("message_id",
                                                                                            delivery["id"])}
            copy["fault"] = {**mark, "detail": f"a second delivery of {delivery['id']}"}
            self._store.add_delivery(copy)
            self._timeline.at(first, SEND_ACTION, {"delivery": copy["id"]})
            mark["detail"] = f"delivered twice: {copy['id']} is the copy"
        delivery["fault"] = mark
        self._store.update_delivery(delivery)
        return first

    def _release_held(self, platform: str) -> None:
        """Another delivery of ``platform`` has been attempted: what a reorder fault held goes out now."""
        with self.flight.changed:
            held = self._held.pop(platform, [])
        for held_id in held:
            delivery = self._store.get_delivery(held_id)
            if delivery is None or not delivery.get("held"):
                continue
            delivery["held"] = False
            self._store.update_delivery(delivery)
            self._timeline.at(self._clock.now(), SEND_ACTION, {"delivery": held_id})

    def _due(self, payload: dict) -> None:
        """A timeline action (inside its transaction): log the attempt and hand it to the loop."""
        delivery = self._store.get_delivery(payload["delivery"])
        if delivery is None or delivery["status"] in ("delivered", "failed"):
            return
        if payload.get("hold"):  # a reorder fault's deadline: nothing to do if it was released already
            if not delivery.get("held"):
                return
            delivery["held"] = False
        at = self._clock.now()
        if delivery.get("drop_attempts"):  # a drop fault: the attempt is logged as failed, never sent
            delivery["drop_attempts"] -= 1
            seq = self._begin(delivery, at)
            policy = self.policy(delivery.get("policy") or delivery["platform"])
            self._record(delivery["id"], seq, at, policy, {
                "request_headers": {}, "status_code": None, "response_body": None, "duration_ms": 0,
                "error": f"dropped by fault {delivery['fault']['id']}: this attempt was not sent"})
            return
        with self.flight.changed:
            token = self.flight.open()
            key = delivery.get("order_key")
            if key is not None and key in self._queues:
                delivery["status"] = "queued"
                self._store.update_delivery(delivery)
                self._queues[key].append((token, delivery["id"], at))
                return
            if key is not None:
                self._queues[key] = []
        seq = self._begin(delivery, at)
        self._poster.submit(self._attempt(token, delivery["id"], seq, at, key))

    def _begin(self, delivery: dict, at: float) -> int:
        """Count and log the attempt before it is made: a crash during it leaves it in the log."""
        delivery["status"] = "sending"
        delivery["attempts"] += 1
        with self._store.transaction():
            self._store.update_delivery(delivery)
            return self._store.add_attempt(delivery["id"], {
                "attempt": delivery["attempts"], "at": iso(at), "url": delivery["url"], "request_headers": {},
                "body": delivery["body"], "status_code": None, "error": IN_FLIGHT, "response_body": None,
                "manual": bool(delivery.get("resending"))})

    async def _attempt(self, token: int, delivery_id: str, seq: int, at: float, key: str | None) -> None:
        """One attempt on the loop. ``token`` names it in the book of attempts in flight: delivery
        ids repeat after a reset (they are deterministic), an attempt begun before one does not
        touch the deliveries made after it."""
        try:
            delivery = await asyncio.to_thread(self._store.get_delivery, delivery_id)
            if delivery is not None and self.flight.current(token):
                policy = self.policy(delivery.get("policy") or delivery["platform"])
                given_up = self.flight.given_up(token)
                attempt = _not_sent(given_up) if given_up else await self._poster.post(delivery, policy, token)
                if self.flight.current(token):
                    await asyncio.to_thread(self._record, delivery_id, seq, at, policy, attempt)
        except Exception:
            log.exception("webhook delivery %s crashed", delivery_id)
        finally:
            if self.flight.current(token):
                await self._next_in_line(key)
            self.flight.end(token)

    def _record(self, delivery_id: str, seq: int, at: float, policy: RetryPolicy, outcome: dict) -> None:
        ok = outcome["error"] is None
        with self._store.transaction():
            delivery = self._store.get_delivery(delivery_id)
            if delivery is None:  # reset while the attempt was under way
                return
            manual = bool(delivery.pop("resending", False))
            attempt = {"attempt": delivery["attempts"], "at": iso(at), "url": delivery["url"],
                       "body": delivery["body"], "manual": manual, **outcome}
            self._store.update_attempt(seq, attempt)
            counted = delivery["attempts"] - delivery.get("interrupted", 0)
            if ok:
                delivery["status"] = "delivered"
            elif delivery.get("abandoned"):
                delivery["status"] = "failed"
            elif manual or counted >= policy.max_attempts:  # a re-send is one attempt, never retried
                delivery["status"] = "failed"
                if delivery.get("on_failed") and not manual:
                    self._timeline.at(at, *delivery["on_failed"])
            else:
                delivery["status"] = "pending"
                self._timeline.at(at + policy.delays[counted - 1], SEND_ACTION, {"delivery": delivery_id})
            self._store.update_delivery(delivery)
            if self._held.get(delivery["platform"]) and not delivery.get("held"):
                self._release_held(delivery["platform"])

    async def _next_in_line(self, key: str | None) -> None:
        if key is None:
            return
        with self.flight.changed:
            queue = self._queues.get(key)
            if not queue:
                self._queues.pop(key, None)
                return
            next_token, next_id, next_at = queue.pop(0)

        def begin() -> int | None:
            delivery = self._store.get_delivery(next_id)
            return None if delivery is None or delivery.get("abandoned") else self._begin(delivery, next_at)

        seq = await asyncio.to_thread(begin)
        if seq is None:  # gone (a reset) or abandoned: let the rest of the line go
            self.flight.end(next_token)
            await self._next_in_line(key)
            return
        asyncio.get_running_loop().create_task(self._attempt(next_token, next_id, seq, next_at, key))

    def abandon(self, platform: str, order_key: str, reason: str) -> int:
        """Give up every delivery of ``order_key`` not yet delivered (a receiver the platform stopped
        sending to): waiting ones fail now, one under way fails when it ends. Returns how many."""
        count = 0
        with self._store.transaction():
            for delivery in self._store.deliveries(platform):
                if delivery.get("order_key") != order_key or delivery["status"] in ("delivered", "failed"):
                    continue
                delivery["abandoned"] = reason
                if delivery["status"] in ("pending", "queued"):
                    delivery["status"] = "failed"
                self._store.update_delivery(delivery)
                count += 1
        return count

    def cut_off(self, reason: str) -> None:
        """End every attempt under way or queued now, recorded as failed with ``reason``, and wait
        (a few seconds at most) for them to be recorded."""
        self.give_up(reason)
        try:
            self.flight.wait_idle(5)
        finally:
            self.flight.stop_giving_up()

    def give_up(self, reason: str, spare: frozenset[int] = frozenset()) -> None:
        """Stop waiting for the attempts in flight but those of ``spare`` (a clock move spares those
        under way before it began: they keep their platform's full timeout). Requests under way are
        cut off with ``reason``, attempts queued behind another on their order key are recorded as
        not sent, and until ``flight.stop_giving_up()`` any more that start are not sent either, so the
        move's real time stays bounded however long the queue."""
        with self.flight.changed:
            mine = self.flight.begin_giving_up(reason, spare)
            unqueued: list[tuple[int, str, float]] = []
            for queue in self._queues.values():
                unqueued += [queued for queued in queue if queued[0] not in spare]
                queue[:] = [queued for queued in queue if queued[0] in spare]
        self._poster.cut_off(reason, only=mine)
        for token, delivery_id, at in unqueued:
            with self._store.transaction():
                delivery = self._store.get_delivery(delivery_id)
                if delivery is not None:
                    policy = self.policy(delivery.get("policy") or delivery["platform"])
                    self._record(delivery_id, self._begin(delivery, at), at, policy, _not_sent(reason))
            self.flight.end(token)

    def forget(self) -> None:
        """After a reset: attempts still under way belong to deliveries that are gone, and record
        nothing; order queues and reorder holds start empty."""
        with self.flight.changed:
            self.flight.forget()
            self._queues.clear()
            self._held.clear()

    def resume_interrupted(self) -> None:
        """After a restart, attempts that were under way when the process stopped are logged as
        interrupted (they do not count against the policy) and go out again now."""
        with self._store.transaction():
            for status in ("sending", "queued"):
                for delivery in self._store.deliveries(status=status):
                    if status == "sending":
                        self._store.mark_attempts(delivery["id"], IN_FLIGHT, INTERRUPTED)
                        delivery["interrupted"] = delivery.get("interrupted", 0) + 1
                    delivery["status"] = "pending"
                    self._store.update_delivery(delivery)
                    self._timeline.at(self._clock.now(), SEND_ACTION, {"delivery": delivery["id"]})

    def resend(self, delivery_id: str) -> dict | None:
        """One more attempt of a delivery, now, outside its retry schedule (as Svix's "resend"
        does: the same message, so the same id, freshly signed). None: no such delivery."""
        with self._store.transaction():
            delivery = self._store.get_delivery(delivery_id)
            if delivery is None:
                return None
            if delivery["status"] in ("delivered", "failed"):
                delivery["status"] = "pending"
                delivery["resending"] = True
                self._store.update_delivery(delivery)
                self._timeline.at(self._clock.now(), SEND_ACTION, {"delivery": delivery_id})
            # a delivery still on its schedule gets no extra attempt: its next one is already due
        return self.public(delivery)

    def public(self, delivery: dict) -> dict:
        """A delivery as the log shows it: its attempts, and no signing secret."""
        view = {k: v for k, v in delivery.items() if k not in ("secret", "resending", "on_failed")}
        view["attempt_log"] = self._store.attempts(delivery["id"])
        return view

    def check_signature(self, delivery: dict, attempt: dict) -> str | None:
        """What a receiver would find wrong with an attempt's signature (None: it verifies; the
        secret is the one the delivery was signed with). "unsigned" when the platform signs nothing.
        ``delivery`` may be the log's view (no secret): then the stored one is read."""
        full = delivery if "secret" in delivery else (self._store.get_delivery(delivery["id"]) or delivery)
        policy = self.policy(full.get("policy") or full["platform"])
        if policy.verify is None:
            return "unsigned"
        if not attempt.get("request_headers"):
            return "not sent"
        try:
            return policy.verify(full, attempt["request_headers"])
        except Exception as exc:  # a verifier's own failure is a failed check, not a broken page
            return f"{type(exc).__name__}: {exc}"

    def checked(self, delivery: dict) -> dict:
        """A stored delivery as the log shows it, each attempt with its signature check."""
        view = self.public(delivery)
        view["attempt_log"] = [{**a, "signature": self.check_signature(delivery, a)} for a in view["attempt_log"]]
        return view

    # -- reading ---------------------------------------------------------------------------
    def log(self, platform: str | None = None) -> list[dict]:
        """Every delivery with its attempts, oldest first; signing secrets left out."""
        return [self.public(delivery) for delivery in self._store.deliveries(platform)]

    async def close(self) -> None:
        """Close the HTTP client (on the loop, before the engine stops it)."""
        await self._poster.close()


def _not_sent(reason: str) -> dict:
    """The outcome of an attempt a clock move gave up on before it was sent."""
    return {"request_headers": {}, "status_code": None, "response_body": None, "duration_ms": 0.0,
            "error": f"not sent: {reason}"}
