"""SpotMe Backstage's names, kinds of stored object, link lifetime and settings."""
from __future__ import annotations

NAME = "spotme"
WORKSPACE, LIVE, BREAKOUT, JOB, GLOSSARY, TRANSCRIPT = (
    f"{NAME}.{k}" for k in ("workspace", "live_session", "breakout", "job", "glossary", "transcript"))
LINK_LIFETIME = 6 * 3600  # VTT, TXT and mp4 links from the retrieve endpoint
TARGETS = {"live_session": LIVE, "breakout": BREAKOUT}
SETTINGS = {
    "rate_limit": False,  # 3 requests/s with bursts of 5 per token when on
    "api_tokens": [],  # when given, only these tokens are valid (others: 401); empty: any well-formed token
    "pending_seconds": 5,  # trigger to processing
    "processing_seconds_per_minute": 6,  # processing time per minute of session
    "min_processing_seconds": 30,
    "vod_delay_seconds": 600,  # live session end to VOD available
    # The emulator's paths (under /spotme/api/v2) served at other paths too (under /spotme):
    # {"/workspace/{workspace_id}/transcript-jobs/{job_id}": "/v1/eid/{workspace_id}/jobs/{job_id}"}.
    "path_map": {},
}
ORG_NAME = "Emulator Events"
VOCABULARY = ("SpotMe", "Backstage", "Kubernetes", "GDPR", "OKRs")  # spoken in every session, misheard
