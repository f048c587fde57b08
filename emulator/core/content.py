"""Deterministic fake meetings: participants and what they say, seeded so runs repeat exactly."""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .ids import stable_int

_faker_lock = threading.Lock()


@lru_cache(maxsize=1)
def _faker() -> Any:
    from faker import Faker  # imported on first use: it is slow to import and serve starts fast

    return Faker("en_US")


@lru_cache(maxsize=65536)
def person_name(seed: int, key: str) -> str:
    with _faker_lock:
        fake = _faker()
        fake.seed_instance(stable_int(seed, "name", key))
        return fake.name()


@lru_cache(maxsize=4096)
def company_name(seed: int, key: str) -> str:
    with _faker_lock:
        fake = _faker()
        fake.seed_instance(stable_int(seed, "company", key))
        return fake.company()


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    speaker: dict
    room: str  # "main" or a breakout id
    text: str


@dataclass(frozen=True)
class Room:
    """A stretch of the meeting in one room: who is there and when."""

    name: str
    start: float
    end: float
    speakers: tuple[dict, ...]


def speech(seed: int, key: str, rooms: list[Room], extra_terms: tuple[str, ...] = (), wording: str = "") -> list[Segment]:
    """What people say in each room, turn by turn, ordered by start time.

    ``key`` decides who speaks when; ``wording`` (with ``key``) decides the words, so two
    transcripts of one meeting (two providers) differ in what they heard, never in its timeline.
    ``extra_terms`` are woven into some sentences (for glossaries to act on).
    """
    rng = random.Random(stable_int(seed, "speech", key))
    words_rng = random.Random(stable_int(seed, "terms", key, wording))
    segments: list[Segment] = []
    with _faker_lock:
        fake = _faker()
        fake.seed_instance(stable_int(seed, "words", key) if not wording else stable_int(seed, "words", key, wording))
        for room in rooms:
            if not room.speakers:
                continue
            t = room.start + rng.uniform(0.5, 3.0)
            while t < room.end - 1.0:
                length = min(rng.uniform(2.0, 9.0), room.end - t)
                words = max(3, int(length * 2.2))
                text = fake.sentence(nb_words=words, variable_nb_words=False)
                if extra_terms and words_rng.random() < 0.35:
                    text = text.rstrip(".") + f" {words_rng.choice(extra_terms)}."
                segments.append(
                    Segment(round(t, 3), round(t + length, 3), rng.choice(room.speakers), room.name, text)
                )
                t += length + rng.uniform(0.2, 1.5)
    segments.sort(key=lambda s: (s.start, s.room))
    return segments
