"""Deterministic identifiers: the same seed and the same calls give the same ids.

Each id is derived from the seed, a namespace and a counter kept in the store, so ids stay unique
across restarts on a state file and do not depend on thread timing.
"""
from __future__ import annotations

import hashlib
import uuid

from .store import Store


class Ids:
    def __init__(self, store: Store, seed: int) -> None:
        self._store = store
        self._seed = seed

    def digest(self, namespace: str) -> bytes:
        n = self._store.next_seq(f"id:{namespace}")
        return hashlib.sha256(f"{self._seed}:{namespace}:{n}".encode()).digest()

    def uuid(self, namespace: str) -> str:
        return str(uuid.UUID(bytes=self.digest(namespace)[:16], version=4))

    def integer(self, namespace: str, start: int = 1) -> int:
        """Sequential integers, as databases hand out (e.g. user ids)."""
        return start + self._store.next_seq(f"int:{namespace}") - 1

    def hex(self, namespace: str, length: int = 24) -> str:
        return self.digest(namespace).hex()[:length]

    def object_id(self, namespace: str, at: float) -> str:
        """A MongoDB-style ObjectId: 8 hex digits of creation time, then 16 derived ones."""
        return f"{int(at) & 0xFFFFFFFF:08x}" + self.digest(namespace).hex()[:16]

    def token(self, namespace: str) -> str:
        return self.digest(namespace).hex()


def stable_int(*parts: object, modulo: int = 2**31) -> int:
    """An integer derived from values only (no counter): the same inputs always give the same int."""
    text = ":".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % modulo
