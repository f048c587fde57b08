"""The registered platforms. A new platform adds one line here and touches nothing else outside its folder."""
from __future__ import annotations

from ..core.platform import Platform

NAMES = ("spotme", "lessonspace", "100ms", "meetstream", "recall")  # for the CLI's help, without importing them


def _all() -> list[Platform]:
    from .hms import PLATFORM as hms
    from .lessonspace import PLATFORM as lessonspace
    from .meetstream import PLATFORM as meetstream
    from .recall import PLATFORM as recall
    from .spotme import PLATFORM as spotme

    return [spotme, lessonspace, hms, meetstream, recall]


def registered(names: list[str] | None = None) -> list[Platform]:
    """Every platform, or those named (unknown names raise ValueError)."""
    platforms = _all()
    if names is None:
        return platforms
    known = {p.name: p for p in platforms}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown platform(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names]


def contract_platforms(names: list[str] | None) -> list[Platform]:
    """The registered platforms (or those named) that have a contract."""
    return [p for p in registered(names) if p.contract]
