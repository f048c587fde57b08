"""100ms management tokens: HS256 JWTs signed with the app secret.

Token validity is transport time: the official SDKs mint tokens on the real clock (iat = now - 10 s,
exp = 24 h later), so they are checked against the real clock, never the emulator's, or a test that
advanced two days would see every call refused.
"""
from __future__ import annotations

from functools import lru_cache

import jwt

SKEW = 10  # seconds of clock skew allowed on nbf and exp
MAX_LIFETIME = 14 * 24 * 3600  # the longest validity 100ms issues (dashboard tokens: at most 14 days)


@lru_cache(maxsize=1024)
def _decode(token: str, secret: str) -> dict | str:
    """The token's claims, or why it cannot be read (a client sends the same token many times)."""
    try:
        return jwt.decode(token, secret, algorithms=["HS256"],
                          options={"verify_exp": False, "verify_nbf": False, "verify_iat": False})
    except jwt.InvalidSignatureError:
        return "signature verification failed"
    except jwt.InvalidTokenError as exc:
        return f"malformed token: {exc}"


def token_problem(header: str, access_key: str, secret: str, now: float) -> str | None:
    """Why the Authorization header is not a valid management token, or None when it is; ``now`` is
    transport time."""
    scheme, _, token = header.partition(" ")
    if not header:
        return "missing Authorization header"
    if scheme != "Bearer" or not token:
        return "Authorization header must be 'Bearer <management token>'"
    claims = _decode(token, secret)
    if isinstance(claims, str):
        return claims
    if claims.get("type") != "management":
        return f"token type must be 'management', got {claims.get('type')!r}"
    if claims.get("version") != 2:
        return f"token version must be 2, got {claims.get('version')!r}"
    if claims.get("access_key") != access_key:
        return "not found"  # the access key is unknown: the vendor's own example detail
    for claim in ("nbf", "exp"):
        if not isinstance(claims.get(claim), (int, float)) or isinstance(claims.get(claim), bool):
            return f"token has no numeric '{claim}' claim"
    start = claims["iat"] if isinstance(claims.get("iat"), (int, float)) else claims["nbf"]
    if not claims["exp"] - min(start, claims["nbf"]) <= MAX_LIFETIME + SKEW:  # also refuses inf and nan
        return "token lifetime exceeds 14 days"
    if now < claims["nbf"] - SKEW:
        return "token is not valid yet (nbf)"
    if now >= claims["exp"] + SKEW:
        return "token has expired"
    return None
