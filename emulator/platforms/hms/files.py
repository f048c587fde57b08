"""The contents of 100ms recording assets: the chat CSV, transcripts (txt, srt, json) and the summary."""
from __future__ import annotations

import csv
import io
import json
import random

from ...core import formats
from ...core.content import Segment


def chat_csv(segments: list[Segment], seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["timestamp", "peer_id", "name", "role", "message"])
    for segment in segments:
        if rng.random() < 0.15:
            words = segment.text.split()
            writer.writerow([f"{segment.start:.3f}", segment.speaker["peer_id"], segment.speaker["name"],
                             segment.speaker["role"], " ".join(words[: rng.randint(2, max(2, len(words)))])])
    return out.getvalue().encode()


def transcript_txt(segments: list[Segment]) -> bytes:
    return "".join(f"{s.speaker['name']}: {s.text}\n\n" for s in segments).encode()


def transcript_srt(segments: list[Segment]) -> bytes:
    return formats.srt(segments).encode()


def transcript_json(segments: list[Segment]) -> bytes:
    """Words and sentences with their times as strings of milliseconds, as 100ms writes them."""
    words, sentences = [], []
    for s in segments:
        ms = lambda t: str(int(round(t * 1000)))  # noqa: E731
        who = {"name": s.speaker["name"], "peer_id": s.speaker["peer_id"]}
        sentences.append({"sentence": s.text, **who, "start_time": ms(s.start), "end_time": ms(s.end)})
        tokens = s.text.split()
        step = (s.end - s.start) / max(1, len(tokens))
        for i, token in enumerate(tokens):
            words.append({"word": token, **who, "start_time": ms(s.start + i * step),
                          "end_time": ms(s.start + (i + 1) * step)})
    return json.dumps({"words": words, "sentences": sentences}, ensure_ascii=False).encode()


DEFAULT_SECTIONS = [
    {"title": "Agenda", "format": "bullets"},
    {"title": "Key Points Discussed", "format": "bullets"},
    {"title": "Follow Up Action Items", "format": "bullets"},
    {"title": "Short Summary", "format": "paragraph"},
]


def summary_json(segments: list[Segment], sections: list[dict] | None, seed: int) -> bytes:
    """A "Speakers" section first, then each requested section drawn from what was said."""
    rng = random.Random(seed)
    names = sorted({s.speaker["name"] for s in segments})
    out = [{"title": "Speakers", "format": "bullets", "bullets": names, "paragraph": ""}]
    said = [s.text for s in segments] or ["Nothing was said."]
    for section in sections or DEFAULT_SECTIONS:
        picked = rng.sample(said, k=min(len(said), rng.randint(2, 4)))
        if section["format"] == "bullets":
            out.append({"title": section["title"], "format": "bullets", "bullets": picked, "paragraph": ""})
        else:
            out.append({"title": section["title"], "format": "paragraph", "bullets": [], "paragraph": " ".join(picked)})
    return json.dumps({"summary": {"sections": out}}, ensure_ascii=False).encode()
