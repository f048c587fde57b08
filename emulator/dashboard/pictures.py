"""An object's life drawn on the emulator's time axis: its statuses as bands, each webhook about it
as a tick (one per attempt), each download link as a bar that ends where it expires, and "now" as
a line. Only geometry here; the template draws it as SVG, escaped like everything else."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.clock import parse_iso

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
