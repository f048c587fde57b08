"""The WSGI server every entry point runs the app on: ``serve``, each ``--workers`` child and the
pytest fixture, with the same settings.

Waitress's defaults lock everyone out once 100 connections are open (idle keep-alive clients, or
slow ones still sending headers): new clients wait in the backlog until one closes. Here the limit
follows the process's file-descriptor limit, raised to its hard maximum first, and poll() replaces
select(), which cannot watch descriptors above 1024.
"""
from __future__ import annotations

from typing import Any

try:
    import resource
except ImportError:  # not on Windows: the limits stay as the OS sets them
    resource = None  # type: ignore[assignment]

RESERVED_FDS = 256  # for the state file, webhook requests, logs: never handed to idle clients
MAX_CONNECTIONS = 10_000


def raise_fd_limit() -> int:
    """Raise the soft limit on open files to the hard one; returns the soft limit now in force."""
    if resource is None:
        return 512
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1 << 20 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):  # a sandbox may refuse: keep what there is
            pass
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def connection_limit() -> int:
    """How many client connections the server keeps open at once."""
    return max(100, min(MAX_CONNECTIONS, raise_fd_limit() - RESERVED_FDS))


def make_server(app: Any, threads: int, **where: Any) -> Any:
    """A waitress server for ``app`` on ``host``/``port`` or on ``sockets`` (``where``)."""
    from waitress import create_server

    return create_server(app, threads=threads, ident="meeting-emulator", asyncore_use_poll=True,
                         connection_limit=connection_limit(), **where)
