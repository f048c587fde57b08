"""Numbers read from text a client sent (query strings, link parameters), with a length bound: a
digit string longer than any value the emulator accepts is refused before it is converted, so no
input reaches Python's integer-digit limit (a ValueError deep in a handler, once a 500)."""
from __future__ import annotations

MAX_DIGITS = 20  # more than any count, size or number of seconds the platforms take


def parse_int(text: str, max_digits: int = MAX_DIGITS) -> int | None:
    """The integer a plain decimal string (an optional sign, ASCII digits) spells, else None."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or len(body) > max_digits or not (body.isascii() and body.isdigit()):
        return None
    return int(text)
