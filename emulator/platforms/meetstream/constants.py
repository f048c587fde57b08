"""MeetStream's names, defaults and limits, shared by its state modules. Sources, newest first: the
vendor's API reference (meetstream-ai/claude-plugin, references/api-reference.md, built from its
OpenAPI document and live calls), then the official Node and Python SDKs."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

NAME = "meetstream"
BOT, IDEMPOTENCY, TRANSCRIPT = f"{NAME}.bot", f"{NAME}.idempotency", f"{NAME}.transcript"
CALENDAR, EVENT, SCHEDULE = f"{NAME}.calendar", f"{NAME}.event", f"{NAME}.schedule"
AGENT, LOGIN_DOMAIN, LOGIN, ZOOM, STORAGE = (f"{NAME}.{k}" for k in ("agent", "login_domain", "login", "zoom",
                                                                     "storage"))
TEAMS_DOMAIN, TEAMS_LOGIN, LEASE = f"{NAME}.teams_domain", f"{NAME}.teams_login", f"{NAME}.lease"
# Bots a signed-in account runs at once: Teams one (the SDK's TeamsLogins), Google twenty (its
# GoogleLogins sizing rule: logins = peak concurrent sessions / 20).
LOGIN_CAPACITY = {"teams": 1, "google_meet": 20}
AUDIO_LINK, VIDEO_LINK, STREAM_LINK, TRANSCRIPT_LINK = 3600, 600, 600, 3600  # link lifetimes (s)
POST_CALL = ("deepgram", "assemblyai", "sarvam", "jigsawstack", "meetstream")
STREAMING = ("deepgram_streaming", "assemblyai_streaming", "jigsawstack_streaming", "meetstream_streaming")
# Streaming-only bots end at audio.processed: no post-call transcript, no bot.done.
LIVE_ONLY = STREAMING + ("meeting_captions",)
ACTIVE = ("Scheduled", "Joining", "InWaitingRoom", "InMeeting", "Recording")
IN_CALL = ("InMeeting", "Recording")
LEAVE_DEFAULTS = {"waiting_room_timeout": 600, "everyone_left_timeout": 600, "voice_inactivity_timeout": 600,
                  "in_call_recording_timeout": 14400, "recording_permission_denied_timeout": 300}
RECORDING_START_SECONDS = 2  # in the meeting to recording
LEAVING_SECONDS = 2  # leaving to stopped
# bot.stopped fires once per bot with status_code 200 whatever the reason; bot_status tells why.
STOPS = {  # reason -> (bot_status, message)
    "stopped": ("Stopped", "Bot left the meeting"),
    "kicked": ("Stopped", "Bot was removed from the meeting"),
    "not_allowed": ("NotAllowed", "Bot was not admitted before the waiting room timeout"),
    "denied": ("Denied", "A host refused the bot"),
    "failed": ("Error", "Bot session crashed"),
}
TIMELINE_STEPS = ("Scheduled", "Joining", "WaitingRoom", "InMeeting", "Recording", "Leaving", "Stopped",
                  "BotNotAllowed", "BotRejected", "Error", "AudioProcessing", "VideoProcessing", "TranscriptionReady",
                  "Done", "MediaExpired")
TIMELINE_MESSAGES = {"Scheduled": "Bot scheduled", "Joining": "Bot is joining the meeting",
                     "WaitingRoom": "Bot is in the waiting room", "InMeeting": "Bot joined the meeting",
                     "Recording": "Bot started recording", "Leaving": "Bot is leaving the meeting",
                     "Stopped": "Bot left the meeting", "BotNotAllowed": "Bot was not admitted",
                     "BotRejected": "A host refused the bot", "Error": "Bot session crashed",
                     "AudioProcessing": "Audio processed", "VideoProcessing": "Video processed",
                     "TranscriptionReady": "Transcript ready", "Done": "All processing complete",
                     "MediaExpired": "Media deleted"}
SETTINGS: dict[str, Any] = {
    "strict_keys": False,  # when on, only api_keys are accepted (others: 403)
    "api_keys": ["ms_emulator_key"],
    "webhook_secret": "ms_whsec_emulator_secret",  # null: callbacks go unsigned (no secret in the dashboard)
    "require_bot_name": True,  # the reference's CreateBotRequest requires bot_name; off: "MeetStream Bot"
    "video_required_default": True,  # the reference's default; the Node SDK's older note says off
    "retention_hours": 24,  # the reference's default retention; seed 003 says 7 days (168)
    "seed_status_codes": False,  # on: bot.joining carries status_code 102 and bot.stopped 500, as seed 003 has
    "join_seconds": 5,  # joining to in the meeting
    "waiting_room_seconds": 0,  # time in the waiting room before a host admits the bot (0: none)
    "meeting_seconds": 600,  # how long the simulated people stay
    "participants": 2,
    "screenshare": True,  # the first participant shares a screen (a get_recording_streams screenshare)
    "manifest_seconds": 5,  # call end to manifest.completed
    "audio_processing_seconds": 30,  # call end to audio.processed
    "transcription_seconds": 30,  # audio.processed to transcription.processed
    "video_processing_seconds": 90,  # call end to video.processed (after the transcript, as documented)
    "calendar_events": 3,  # upcoming events a connected calendar syncs, one a day from tomorrow
}


def meetstream_time(ts: float) -> str:
    """The vendor's timestamp style: 2026-02-27T07:11:51.863543+00:00."""
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="microseconds")
