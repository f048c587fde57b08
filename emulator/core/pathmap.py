"""Serving a platform's endpoints at other paths too, from a ``path_map`` setting.

Where a vendor's reference is not public (SpotMe's), the emulator's paths are its own; the setting
lets an integrator serve each of them at the path their code calls, the day the vendor publishes
it, without waiting for a release. The map goes from an emulator path template (under the
platform's API prefix) to another template (under ``/<platform>``); ``{name}`` placeholders carry
the path's values across and must be the same on both sides.
"""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from .engine import Engine

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
ORIGINAL_PATH = "emulator.original_path"


def problems(mapping: dict) -> list[str]:
    """What is wrong with a map: each pair's placeholders must match."""
    out = []
    for ours, theirs in mapping.items():
        if set(PLACEHOLDER.findall(ours)) != set(PLACEHOLDER.findall(theirs)):
            out.append(f"path_map: {theirs!r} must name the same {{placeholders}} as {ours!r}")
    return out


def compile_map(mapping: dict) -> list[tuple[re.Pattern, str]]:
    compiled = []
    for ours, theirs in mapping.items():
        if problems({ours: theirs}):
            continue  # refused by PATCH; one set at start-up some other way is skipped, never a 500
        parts = PLACEHOLDER.split(theirs)  # literal, name, literal, name, ...
        pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
        compiled.append((re.compile(f"^{pattern}$"), ours))
    return compiled


class PathMap:
    """WSGI middleware: a request to a mapped path is served by the emulator path it maps to."""

    def __init__(self, app: Callable, engine: "Engine", platforms: Iterable[str]) -> None:
        self.app = app
        self.engine = engine
        self.platforms = {name: engine.platforms[name] for name in platforms}
        self._compiled: dict[str, tuple[str, list]] = {}

    def __call__(self, environ: dict, start_response: Callable):
        path = environ.get("PATH_INFO", "")
        name = path.split("/", 2)[1] if path.count("/") >= 2 else ""
        platform = self.platforms.get(name)
        if platform is not None:
            mapping = self.engine.setting(name, "path_map", {})
            if mapping:
                rest = path[len(name) + 1:]
                for pattern, ours in self._rules(name, mapping):
                    match = pattern.match(rest)
                    if match:
                        environ[ORIGINAL_PATH] = path
                        filled = PLACEHOLDER.sub(lambda m: match.group(m.group(1)), ours)
                        environ["PATH_INFO"] = platform.api_prefix + filled
                        break
        return self.app(environ, start_response)

    def _rules(self, name: str, mapping: dict) -> list:
        key = json.dumps(mapping, sort_keys=True)
        cached = self._compiled.get(name)
        if cached is None or cached[0] != key:
            cached = self._compiled[name] = (key, compile_map(mapping))
        return cached[1]
