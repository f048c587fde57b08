"""Fault rules: make a platform's API, its webhooks or its live streams misbehave on purpose.

A rule names a platform and what it matches (an operation, a method, a path glob; for webhooks an
event and a URL glob), what it does, and for how long: the next ``times`` matches, each match with
a ``probability``, for ``for_seconds`` of emulator time, or until removed. Rules live in the store
(so every ``serve --workers`` process sees them) and in a cache here, so a request that matches no
rule costs a look at an empty list. A reset removes them, like every setting.
"""
from __future__ import annotations

import fnmatch
import random
import threading
from typing import Any

from .clock import Clock, iso
from .ids import Ids
from .store import Store

META_KEY = "faults"


class Faults:
    def __init__(self, store: Store, clock: Clock, ids: Ids, seed: int) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._seed = seed
        self._random = random.Random(seed)  # probabilities repeat run after run with the same seed
        self._rules: list[dict] | None = None  # cache of the stored rules; None: read them again
        self._lock = threading.Lock()

    # -- managing --------------------------------------------------------------------------
    def add(self, rule: dict) -> dict:
        now = self._clock.now()
        expires = now + rule["for_seconds"] if rule.get("for_seconds") else None
        rule = {"id": "flt_" + self._ids.hex("fault", 16), **rule, "created_at": iso(now), "hits": 0,
                "expires": expires, "expires_at": None if expires is None else iso(expires)}
        rule["remaining"] = rule.get("times")
        with self._lock, self._store.transaction():
            rules = self._load()
            rules.append(rule)
            self._save(rules)
        return self._public(rule)

    def list(self, on: str | None = None, platform: str | None = None) -> list[dict]:
        with self._lock:
            rules = self._live(self._load())
        return [self._public(r) for r in rules if (on is None or r["on"] == on)
                and (platform is None or r["platform"] == platform)]

    def get(self, fault_id: str) -> dict | None:
        return next((r for r in self.list() if r["id"] == fault_id), None)

    def remove(self, fault_id: str) -> bool:
        with self._lock, self._store.transaction():
            rules = self._load()
            kept = [r for r in rules if r["id"] != fault_id]
            self._save(kept)
        return len(kept) != len(rules)

    def clear(self) -> None:
        with self._lock:
            self._save([])

    def forget(self) -> None:
        """Another worker may have changed the rules: read them again."""
        with self._lock:
            self._rules = None

    def reset(self) -> None:
        """The emulator was reset: no rules, and probabilities pick as in a fresh run."""
        with self._lock:
            self._rules = None
            self._random = random.Random(self._seed)

    # -- matching --------------------------------------------------------------------------
    def for_request(self, platform: str, operation: str | None, method: str, path: str) -> dict | None:
        """The first live API rule matching this request, counted as hit; None when none applies."""
        if not any(r["on"] == "api" and r["platform"] == platform for r in self._cached()):
            return None  # the common case, decided without the lock
        return self._take(lambda r: r["on"] == "api" and r["platform"] == platform
                          and (r.get("operation") is None or r["operation"] == operation)
                          and (r.get("method") is None or r["method"] == method)
                          and (r.get("path") is None or fnmatch.fnmatchcase(path, r["path"])))

    def for_delivery(self, platform: str, event: str, url: str) -> dict | None:
        """The first live webhook rule matching a delivery being queued, counted as hit."""
        if not any(r["on"] == "webhooks" and r["platform"] == platform for r in self._cached()):
            return None
        return self._take(lambda r: r["on"] == "webhooks" and r["platform"] == platform
                          and (r.get("event") is None or fnmatch.fnmatchcase(event, r["event"]))
                          and (r.get("url") is None or fnmatch.fnmatchcase(url, r["url"])))

    def for_stream(self, platform: str, url: str) -> dict | None:
        """The first live streams rule matching a connection the bot is about to make, counted as hit."""
        if not any(r["on"] == "streams" and r["platform"] == platform for r in self._cached()):
            return None
        return self._take(lambda r: r["on"] == "streams" and r["platform"] == platform
                          and (r.get("url") is None or fnmatch.fnmatchcase(url, r["url"])))

    def _cached(self) -> list[dict]:
        rules = self._rules
        if rules is None:
            with self._lock:
                rules = self._load()
        return rules

    def _take(self, matches: Any) -> dict | None:
        with self._lock:
            rules = self._load()
            live = self._live(rules)
            for rule in live:
                if not matches(rule):
                    continue
                if rule.get("probability", 1) < 1 and self._random.random() >= rule["probability"]:
                    continue
                rule["hits"] += 1
                if rule["remaining"] is not None:
                    rule["remaining"] -= 1
                self._save([r for r in live if r["remaining"] is None or r["remaining"] > 0])
                return dict(rule)
            if len(live) != len(rules):
                self._save(live)
        return None

    # -- storage ---------------------------------------------------------------------------
    def _live(self, rules: list[dict]) -> list[dict]:
        now = self._clock.now()
        return [r for r in rules if r["expires"] is None or r["expires"] > now]

    def _load(self) -> list[dict]:
        if self._rules is None:
            self._rules = self._store.get_meta(META_KEY, [])
        return self._rules

    def _save(self, rules: list[dict]) -> None:
        self._store.set_meta(META_KEY, rules)
        self._rules = rules

    @staticmethod
    def _public(rule: dict) -> dict:
        return {k: v for k, v in rule.items()
                if k != "expires" and (v is not None or k in ("remaining", "expires_at"))}


def glob_could_match(glob: str, template: str) -> bool:
    """Whether some request path of ``template`` (``/recall/api/v1/bot/{bot_id}/``) matches the
    fault rule's path ``glob``. The glob is literal up to its first wildcard; after that it may
    match anything (``*`` crosses slashes), so only the literal part is compared, segment by
    segment, a ``{parameter}`` taking any one segment."""
    cut = min((i for i, ch in enumerate(glob) if ch in "*?["), default=len(glob))
    literal, wild = glob[:cut], cut < len(glob)
    have, want = literal.split("/"), template.split("/")
    if len(have) > len(want) or not wild and len(have) != len(want):
        return False
    for n, (segment, pattern) in enumerate(zip(have, want)):
        last = n == len(have) - 1
        is_param = pattern.startswith("{") and pattern.endswith("}")
        if is_param:
            if "/" in segment or not (segment or last and wild):
                return False
        elif not (pattern.startswith(segment) if last and wild else pattern == segment):
            return False
    return True
