"""One owner per state file: the serving process holds an exclusive ``flock`` on the file for as long
as it runs, so a second ``serve`` on the same file is refused instead of overwriting the first's
writes with its stale cache. ``--workers`` siblings are forked after the parent took the lock and
share its open file, so they hold it with it. (SQLite's own locks are POSIX record locks, which
``flock`` does not touch; the descriptor is closed only at exit, after the store.)"""
from __future__ import annotations

import fcntl
import os


class StateInUse(Exception):
    """Another process holds the state file."""


def hold(path: str) -> int:
    """Take the state file for this process (creating it empty if absent); the descriptor to keep
    open. Raises StateInUse when another process has it."""
    fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StateInUse(path) from None
    return fd
