"""100ms's names, defaults and limits, shared by its state modules."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any

NAME = "100ms"
ROOM, ROOM_NAME, SESSION, RECORDING, ASSET, STREAM, ROOM_CODE, TEMPLATE, ANALYTICS_EVENT, STREAM_KEY = (
    f"{NAME}.{k}" for k in ("room", "room_name", "session", "recording", "asset", "stream", "room_code", "template",
                            "analytics_event", "stream_key"))
POLL, POLL_RUN, POLL_RESPONSE, REPLAY, INGEST = (f"{NAME}.{k}" for k in ("poll", "poll_run", "poll_response", "replay",
                                                                       "ingest"))
WEBHOOK_LINK_LIFETIME = 24 * 3600  # *_presigned_url fields in webhooks
DEFAULT_PRESIGN = 3 * 24 * 3600  # presigned-url endpoint without presign_duration
ACTIVE = ("starting", "running")
RECORDER = "__internal_recorder"  # the role of the peer a recording (Beam) joins as
SETTINGS: dict[str, Any] = {
    "access_key": "6500000000000000000000aa",
    "app_secret": "emulator-app-secret-change-me-0123456789",
    "starting_seconds": 3,  # start to running
    "stopping_seconds": 2,  # stop to post_processing
    "post_processing_seconds": 8,  # post_processing to completed
    "transcription_min_seconds": 300,  # the real minimum: 5 minutes, or 20 % of the duration if longer
    # The webhook guide's name; seed 002 (the start-recording page) says transcription.failed.
    "transcription_failure_event": "transcription.failure",
    "max_duration_seconds": 14400,  # the template's maxDuration: 4 hours
    "last_peer_left_seconds": 300,  # the recording stops 5 minutes after the last peer left
    "session_seconds": 600,  # how long the simulated people stay
    "peers": 2,
    "webhook_url": None,  # the workspace webhook (a room's own webhook replaces it)
    "webhook_headers": {},
}


def fixed_object_id(seed: int, kind: str) -> str:
    """The ObjectId of something that exists before the emulator starts (account, app, template)."""
    digest = hashlib.sha256(f"{NAME}:{seed}:{kind}".encode()).hexdigest()
    return "64" + digest[:22]


def seconds_iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
