"""The values serve's options take, checked as argparse reads them: a mistake is one line, exit 2."""
from __future__ import annotations

import argparse
import socket
from collections.abc import Callable
from urllib.parse import urlsplit


def number(kind: type, low: float | None = None, high: float | None = None, above: float | None = None) -> Callable[[str], float]:
    """An argparse type: a number of ``kind`` within bounds, with a message naming them."""
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a{'n integer' if kind is int else ' number'}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if low is not None and value < low or high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{text} is out of range: use {low:g} to {high:g}")
        if above is not None and value <= above:
            raise argparse.ArgumentTypeError(f"{text} must be greater than {above:g}")
        return value
    return parse


def host(text: str) -> str:
    """An argparse type: an address this machine can listen on (an IP address or a name that resolves)."""
    try:
        if text and socket.getaddrinfo(text, None, type=socket.SOCK_STREAM):
            return text
    except (OSError, UnicodeError, ValueError):  # unresolvable, or not a name at all
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not an address to listen on: give an IP address (127.0.0.1, "
                                     "0.0.0.0, ::1) or a host name that resolves")


def public_url(text: str) -> str:
    """An argparse type: an absolute http(s) URL with a host, and nothing after its path."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL such as http://localhost:8765 or "
                                         "https://emulator.example.com/prefix")
    return text.rstrip("/")
