"""Transcript renderings shared by the platforms: WebVTT, SRT and plain text with speaker lines."""
from __future__ import annotations

from typing import Iterable, Protocol


class Spoken(Protocol):
    start: float
    end: float
    speaker: dict
    text: str


def clock_time(seconds: float, separator: str = ".") -> str:
    """``HH:MM:SS.mmm`` (WebVTT) or ``HH:MM:SS,mmm`` (SRT)."""
    millis = int(round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def vtt(segments: Iterable[Spoken]) -> str:
    cues = [f"{i}\n{clock_time(s.start)} --> {clock_time(s.end)}\n<v {_voice(s.speaker['name'])}>{_cue(s.text)}"
            for i, s in enumerate(segments, 1)]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def srt(segments: Iterable[Spoken]) -> str:
    cues = [f"{i}\n{clock_time(s.start, ',')} --> {clock_time(s.end, ',')}\n{s.speaker['name']}: {s.text}"
            for i, s in enumerate(segments, 1)]
    return "\n\n".join(cues) + "\n"


def txt(segments: Iterable[Spoken]) -> str:
    return "".join(f"[{clock_time(s.start)[:8]}] {s.speaker['name']}: {s.text}\n" for s in segments)


def _voice(name: str) -> str:
    return name.replace(">", "").replace("\n", " ")


def _cue(text: str) -> str:
    # "-->" may not appear in a cue and "<", "&" start markup: escape them as WebVTT requires.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
