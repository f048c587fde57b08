"""Recall.ai's names, defaults and limits, shared by its state modules."""
from __future__ import annotations

import base64
from typing import Any

from ...core import drf
from ...core.ratelimit import Throttle

NAME = "recall"
BOT, RECORDING, ARTIFACT, IDEMPOTENCY, ADHOC_POOL, REALTIME = (
    f"{NAME}.{k}" for k in ("bot", "recording", "artifact", "idempotency", "adhoc_pool", "realtime_endpoint"))
CALENDAR, CALENDAR_EVENT, DEDUPLICATION = (f"{NAME}.{k}" for k in ("calendar", "calendar_event", "deduplication"))
ENDED = frozenset({"call_ended", "done", "fatal", "media_expired"})  # a bot that has left takes no command
ADHOC_NOTICE = 600  # a join_at closer than this makes an ad-hoc bot (Recall: schedule "at least 10 minutes in advance")
LINK_LIFETIME = 6 * 3600  # every download_url, minted fresh on every read
ARTIFACT_KINDS = ("transcript", "video_mixed", "audio_mixed", "video_separate", "audio_separate",
                  "participant_events", "meeting_metadata")
SHORTCUTS = ("video_mixed", "transcript", "participant_events", "meeting_metadata", "audio_mixed")
MAX_TRANSCRIPTS = 10
LEAVE_DEFAULTS = {"waiting_room_timeout": 1200, "noone_joined_timeout": 1200,
                  "everyone_left_timeout": {"timeout": 2, "activate_after": None},
                  "in_call_not_recording_timeout": 3600, "recording_permission_denied_timeout": 30,
                  "silence_detection": {"timeout": 3600, "activate_after": 1200},
                  "bot_detection": {"using_participant_events": {"timeout": 600, "activate_after": 1200},
                                    # the docs give timeout and activate_after; the OpenAPI also requires matches
                                    "using_participant_names": {"timeout": 3600, "activate_after": 1200, "matches": []}}}
MESSAGES = {"joining_call": "Bot is joining the call", "in_waiting_room": "Bot is in the waiting room",
            "in_call_not_recording": "Bot joined the call", "recording_permission_allowed": "Recording permission granted",
            "recording_permission_denied": "Recording permission denied", "in_call_recording": "Bot is recording",
            "call_ended": "Bot left the call", "done": "Recording processed", "fatal": "Bot could not join",
            "media_expired": "Media expired"}
# Statuses a bot reaches without a webhook: Recall's Svix catalogue has no bot.media_expired event.
UNANNOUNCED = frozenset({"media_expired"})
SETTINGS: dict[str, Any] = {
    "webhook_endpoints": [],  # workspace webhook URLs (Svix-signed)
    "api_keys": [],  # when given, only these keys are valid (others: 401); empty: any non-empty key
    "webhook_secret": "whsec_" + base64.b64encode(b"meeting-emulator-recall-secret!!").decode(),
    "dispatch_seconds": 600,  # a scheduled bot is dispatched this long before join_at (then locked)
    "join_seconds": 5,
    "meeting_seconds": 600,  # how long the simulated people stay
    "participants": 2,
    "processing_seconds": 60,  # call end to media done
    "transcript_seconds": 120,  # async transcript creation to done
    "waiting_room_seconds": 600,  # how long a waiting-room scenario keeps the bot out
    # Recall: "by default, all media associated with a recording is retained forever" (accounts since
    # June 2025); {"type": "timed", "hours": 168} is the older workspaces' default.
    "default_retention": {"type": "forever"},
    "calendar_events": 3,  # events a newly connected calendar syncs (on the hour, a day apart)
    "adhoc_pool": None,  # ad-hoc bots available per refill window (None: never exhausted); then 507
    "adhoc_pool_refill_seconds": 60,
    "rate_limit": False,  # Recall's documented limits (RATE_LIMITS) when on
}

# Recall's OpenAPI document gives each operation an ``x-throttles`` entry: 60 requests a minute per
# workspace on lists and on creating a bot, 300 on the others, and 5 a minute per bot on
# create_transcript (counted here per recording, the path's own object). Operations the document
# does not list take 300, like the bot's other actions.
_LISTS = frozenset({"recall.list_bots", "recall.create_bot", "recall.list_recordings", "recall.list_transcript",
                    "recall.list_audio_mixed", "recall.list_audio_separate", "recall.list_video_mixed",
                    "recall.list_video_separate"})
RATE_LIMITS = (
    Throttle(_LISTS, limit=60, period=60),
    Throttle(frozenset({"recall.create_transcript"}), limit=5, period=60, scope="recording_id"),
    Throttle(frozenset({"recall.list_calendars", "recall.list_calendar_events"}), limit=60, period=60),
    Throttle(frozenset({"recall.schedule_calendar_event_bot", "recall.unschedule_calendar_event_bot"}),
             limit=600, period=60),
    Throttle(None, limit=300, period=60),
)


def fault_message(status: int, wait: int | None) -> str | None:
    """Recall's wording: DRF's throttle message; 507 as its OpenAPI document describes the empty pool."""
    if status == 507:
        return ("No bots are available in the ad-hoc bot pool; it is replenished every few minutes, so retry "
                "the request (or schedule the bot with join_at).")
    return drf.throttled_message(status, wait)


def screenshot_key(bot_id: str, shot_id: str) -> str:
    """Where a bot's screenshot is stored: derived, not kept, so 10,000 bots stay small."""
    return f"{NAME}/{bot_id}/screenshots/{shot_id}.png"
