"""What a platform hands the engine: its routes, its simulation endpoints, its error shape."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from flask import Blueprint

    from .objects import Family
    from .ratelimit import Throttle

# The engine (core/engine.py) imports this declaration, so it cannot import the engine back:
# ``Engine`` here stands for emulator.core.engine.Engine.
Engine = Any


@dataclass(frozen=True)
class Platform:
    name: str  # also the first path segment: /<name>/...
    title: str
    api_prefix: str  # where the vendor's real paths are mounted, e.g. /lessonspace/v2
    error_body: Callable[[int, str], Any]  # the vendor's error body for a status and message
    setup: Callable[[Engine], Any]  # registers actions and webhook policy; returns the model
    api: Callable[[Engine], "Blueprint"]
    control: Callable[[Engine], "Blueprint"] | None = None  # mounted at /_emulator/<name>
    populate: Callable[[Engine], None] | None = None  # default objects after every reset
    security_scheme: dict | None = None  # OpenAPI security scheme of the vendor's auth
    description: str = ""
    contract: str | None = None  # module with the platform's contract checks (imported by the suite only)
    banner: Callable[[Engine], list[str]] | None = None  # extra lines serve prints (credentials, ...)
    auth_header: str = ""  # the header a client sends, as serve's banner shows it
    # what the OpenAPI document's paths are relative to, when not api_prefix (Recall serves /api/v1 and /api/v2)
    document_prefix: str | None = None
    # A Django vendor (APPEND_SLASH): a path missing its trailing slash answers 301 to the path with it.
    append_slash: bool = False
    optional_bodies: bool = False  # every request body may be left out (the vendor applies defaults)
    # The vendor's wording for an error status a fault injects (429 with its wait, 507, ...); None: generic.
    fault_message: Callable[[int, int | None], str | None] | None = None
    # The vendor's documented rate limits, in force while the platform's ``rate_limit`` setting is on.
    rate_limits: tuple["Throttle", ...] = ()
    objects: Callable[[Engine], list["Family"]] | None = None  # what the dashboard lists (core/objects.py)
    path_map: bool = False  # its ``path_map`` setting serves its endpoints at other paths (core/pathmap.py)
    vendor_hosts: tuple[str, ...] = ()  # the vendor's own API hosts, answered under /<name> (core/vendorhost.py)
