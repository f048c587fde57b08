"""The dashboard's pictures, as geometry: an object's life on the emulator's time axis (statuses as
bands, each webhook attempt about it as a tick, each download link as a bar ending where it expires,
"now" as a line), a bot's meeting (who was there, who spoke when) and the due actions ahead. The
templates draw them as SVG, escaped like everything else."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..core.clock import iso, parse_iso
from ..core.objects import Meeting
from .state import since_text

WIDTH = 1000  # SVG user units; the picture scales to its box
LEFT, RIGHT = 8, 8


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    label: str
    shade: int  # which of the stylesheet's band colours


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    failed: bool


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    label: str
    expired: bool


@dataclass
class Life:
    bands: list[Band] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    now_x: float = 0.0
    start: str = ""
    end: str = ""


def life(history: list[tuple[str, str]], deliveries: list[dict], link_expiries: list[tuple[str, float]],
         now: float, now_iso: str) -> Life | None:
    """The picture of one object, or None before its first status."""
    if not history:
        return None
    times = [parse_iso(at) for _, at in history]
    attempts = [(parse_iso(a["at"]), d, a) for d in deliveries for a in d.get("attempt_log", [])]
    start = min([times[0], *(t for t, _, _ in attempts)])
    end = max([now, *(t for t, _, _ in attempts), *(expiry for _, expiry in link_expiries)])
    span = max(end - start, 1.0)
    x = lambda t: LEFT + (WIDTH - LEFT - RIGHT) * (t - start) / span  # noqa: E731
    picture = Life(now_x=x(now), start=history[0][1], end=now_iso)
    shades: dict[str, int] = {}
    for n, (status, _) in enumerate(history):
        until = times[n + 1] if n + 1 < len(times) else now
        shade = shades.setdefault(status, len(shades) % 6)
        picture.bands.append(Band(x(times[n]), max(x(until) - x(times[n]), 1.0), status, shade))
    for at, delivery, attempt in attempts:
        failed = attempt.get("error") is not None
        picture.ticks.append(Tick(x(at), f"{delivery['event']} · attempt {attempt['attempt']}"
                                         f"{' · ' + attempt['error'] if failed else ''}", failed))
    for url, expiry in link_expiries:
        picture.bars.append(Bar(x(start), max(x(expiry) - x(start), 1.0), url.split("?", 1)[0].rsplit("/", 1)[-1],
                                expiry <= now))
    return picture


# -- a bot's meeting: one lane per person, presence as a thin bar, each turn of speech as a block ------
NAMES = 150  # the left margin that holds the names
LANE = 26


@dataclass(frozen=True)
class Spoken:
    x: float
    width: float
    lane: int
    who: str
    start: str  # ISO times, as the speaker timeline gives them
    end: str
    text: str


@dataclass(frozen=True)
class Lane:
    who: str
    y: float
    x: float  # presence, joined to left (or now)
    width: float


@dataclass(frozen=True)
class AxisMark:
    x: float
    label: str

    @property
    def anchor(self) -> str:
        """Where its label hangs from the mark: a label at the right edge ends there, not past it."""
        return "end" if self.x > WIDTH - 40 else "middle"


@dataclass
class MeetingPicture:
    lanes: list[Lane]
    turns: list[Spoken]
    marks: list[AxisMark]
    now_x: float | None
    height: float


def meeting(drawn: Meeting, now: float) -> MeetingPicture | None:
    """Who was in the call and who spoke when, on one time axis (relative to the first join)."""
    if not drawn.people:
        return None
    start = min([p.joined for p in drawn.people] + [t.start for t in drawn.turns])
    still_there = any(p.left is None for p in drawn.people)
    end = max([now if still_there else start] + [p.left or now for p in drawn.people] + [t.end for t in drawn.turns])
    span = max(end - start, 1.0)
    x = lambda t: NAMES + (WIDTH - NAMES - RIGHT) * (t - start) / span  # noqa: E731
    order = list(dict.fromkeys(p.who for p in drawn.people))
    order += [t.who for t in drawn.turns if t.who not in order]
    lanes, seen = [], set()
    for p in drawn.people:
        lane = order.index(p.who)
        lanes.append(Lane(p.who if p.who not in seen else "", 4 + LANE * lane, x(p.joined),
                          max(x(p.left if p.left is not None else now) - x(p.joined), 1.0)))
        seen.add(p.who)
    turns = [Spoken(x(t.start), max(x(t.end) - x(t.start), 1.0), order.index(t.who), t.who, iso(t.start), iso(t.end),
                    t.text) for t in drawn.turns]
    step = _step(span)
    marks = [AxisMark(x(start + k * step), _clock_text(k * step)) for k in range(int(span // step) + 1)]
    return MeetingPicture(lanes, turns, marks, x(now) if start <= now <= end else None, 4 + LANE * len(order) + 18)


def _step(span: float) -> float:
    """A round tick spacing giving at most about eight marks."""
    for step in (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400):
        if span / step <= 8:
            return step
    return span / 8


def _clock_text(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


# -- the home page: the due actions ahead, one lane per platform, on a logarithmic axis ---------------
# Due actions reach from seconds (a webhook retry) to days (a link's end, a scheduled bot): on a
# straight axis everything but the last would sit at "now". Each mark is the actions due at one spot.
HORIZONS = ((10, "10 s"), (60, "1 min"), (600, "10 min"), (3600, "1 h"), (6 * 3600, "6 h"), (86400, "1 d"),
            (7 * 86400, "1 wk"), (30 * 86400, "30 d"), (365 * 86400, "1 yr"), (3650 * 86400, "10 yr"))


@dataclass(frozen=True)
class Due:
    x: float
    lane: int
    count: int
    label: str  # what the actions there do, for hovering


@dataclass
class DuePicture:
    lanes: list[str]
    marks: list[Due]
    axis: list[AxisMark]
    height: float


def due(actions: list[dict]) -> DuePicture | None:
    """``actions`` as the timeline lists them (``in_seconds``, ``action``, ``does``), soonest first."""
    if not actions:
        return None
    furthest = max(60.0, max(a["in_seconds"] for a in actions))
    scale = math.log1p(furthest)
    x = lambda seconds: NAMES + (WIDTH - NAMES - RIGHT) * math.log1p(seconds) / scale  # noqa: E731
    lanes = list(dict.fromkeys(lane_of(a["action"]) for a in actions))
    spots: dict[tuple[int, int], list[dict]] = {}
    for a in actions:
        spots.setdefault((lanes.index(lane_of(a["action"])), round(x(a["in_seconds"]) / 6)), []).append(a)
    marks = []
    for (lane, _), here in spots.items():
        told = [f"in {since_text(a['in_seconds'])}: {a['does']}" for a in here[:5]]
        more = f" (and {len(here) - 5} more)" if len(here) > 5 else ""
        marks.append(Due(x(here[0]["in_seconds"]), lane, len(here), "\n".join(told) + more))
    axis = [AxisMark(x(0), "now")] + [AxisMark(x(s), text) for s, text in HORIZONS if s <= furthest * 1.05]
    return DuePicture(lanes, marks, axis, 4 + LANE * len(lanes) + 18)


def lane_of(action: str) -> str:
    """webhooks.send -> webhooks, recall.bot_step -> recall: who will act."""
    return action.partition(".")[0]

