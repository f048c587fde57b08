"""How a platform delivers its webhooks: the pauses between attempts, the timeout, what counts as
delivered, and how each attempt is signed and a signature checked the way a receiver would."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Callable

Signer = Callable[[dict, float], dict]  # (delivery, transport time of the attempt) -> extra headers
# (delivery, headers an attempt carried) -> None when its signature holds, else what is wrong
Verifier = Callable[[dict, dict], "str | None"]


def hex_hmac(secret: str, body: str) -> str:
    """Hex HMAC-SHA256 of a raw body: the signature Lessonspace and MeetStream send."""
    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


def hex_hmac_verifier(header: str) -> Verifier:
    """The receiver's check of a ``hex_hmac`` signature carried in ``header``."""
    def verify(delivery: dict, headers: dict) -> str | None:
        given = {k.lower(): v for k, v in headers.items()}.get(header.lower())
        if not given:
            return f"no {header} header"
        if hmac.compare_digest(given, hex_hmac(delivery["secret"], delivery["body"])):
            return None
        return f"{header} does not match the body signed with the secret"
    return verify


@dataclass(frozen=True)
class RetryPolicy:
    """How a platform delivers: the pauses between attempts, the timeout, and the signature."""

    delays: tuple[float, ...] = ()  # seconds to wait before attempt 2, 3, ...
    timeout: float = 30.0
    sign: Signer | None = None
    verify: Verifier | None = None  # checks a signature the way a receiver would (for the dashboard)
    accepted: Callable[[int], bool] = lambda status: 200 <= status < 300  # what counts as delivered

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1



