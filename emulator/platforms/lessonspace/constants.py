"""Lessonspace's names, kinds of stored object, link lifetimes, settings and webhook delivery."""
from __future__ import annotations

from ...core.webhooks import RetryPolicy, hex_hmac, hex_hmac_verifier

NAME = "lessonspace"
ORG, SPACE, LAUNCH, USER, SESSION = (f"{NAME}.{k}" for k in ("org", "space", "launch", "user", "session"))
ORG_KEY = f"{NAME}.org_key"  # API key -> the organisation allocated to it
API_LINK_LIFETIME = 12 * 3600  # transcriptionUrl from the API
WEBHOOK_LINK_LIFETIME = 24 * 3600  # transcriptionUrl in transcription.finish
MAX_LINK_WINDOW = 7 * 24 * 3600  # timeouts.not_after at most 7 days after not_before
SETTINGS = {
    "min_transcription_seconds": 150,  # the developer docs' threshold (the help centre says 300)
    "min_unique_users": 2,
    "transcription_delay_seconds": 120,  # session end to transcript ready
    "default_session_seconds": 300,  # how long a simulated session lasts
    "join_stay_seconds": 300,  # how long a user who opened a client_url stays
    "playback_delay_seconds": 60,  # session end to its recording playable ("shortly after")
    # A later Launch with "webhooks": "ignore" (the seed and help centre: set once, at creation) or
    # "overwrite" (the developer docs: replaced whole; null or "" removes one).
    "webhooks_on_relaunch": "ignore",
}
PLAYBACK_LINK_LIFETIME = 3 * 3600  # the video link a playback page hands out (the recordings guide)
HELLO = "The sun is shining and so are you \N{SUN WITH FACE}"


def sign(delivery: dict, sent: float) -> dict[str, str]:
    """x-webhook-signature: hex HMAC-SHA256 of the raw body keyed with the space secret."""
    digest = hex_hmac(delivery["secret"], delivery["body"])
    return {"x-webhook-signature": digest}


# Up to 5 attempts with exponential backoff; a delivery fails on non-2xx or after 30 s.
RETRY_POLICY = RetryPolicy(delays=(10, 20, 40, 80), timeout=30, sign=sign,
                           verify=hex_hmac_verifier("x-webhook-signature"))
