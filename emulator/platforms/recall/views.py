"""What Recall.ai answers for its objects: bots, recordings with their media shortcuts, and
artifacts, built from the stored state (download links minted fresh on every read). HTTP-free, so
the dashboard shows the same bodies."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.clock import iso
from ...core.errors import DomainError
from .calendar_raw import raw_event
from .meeting_url import parse
from .constants import ARTIFACT, BOT, CALENDAR, REALTIME, RECORDING, SHORTCUTS

if TYPE_CHECKING:
    from .models import Recall


def bot_view(model: "Recall", bot: dict) -> dict:
    return {
        "id": bot["id"], "meeting_url": bot["meeting_url"], "bot_name": bot["bot_name"],
        "join_at": iso(bot["join_at"]) if bot["join_at"] else None, "recording_config": recording_config_view(bot),
        "status_changes": bot["status_changes"],
        "recordings": [recording_view(model, model.store.get(RECORDING, r), embed=True) for r in bot["recordings"]],
        "output_media": bot["output_media"], "automatic_video_output": bot.get("automatic_video_output"),
        "automatic_audio_output": bot.get("automatic_audio_output"),
        "chat": bot["chat"], "automatic_leave": bot["automatic_leave"], "variant": bot["variant"],
        "calendar_meetings": [], "zoom": bot["zoom"], "google_meet": bot["google_meet"], "slack_team": None,
        "breakout_room": bot["breakout_room"], "metadata": bot["metadata"],
    }


def recording_config_view(bot: dict) -> dict | None:
    return bot["recording_config"]


def recording_view(model: "Recall", recording: dict, embed: bool = False) -> dict:
    shortcuts = {}
    for kind in SHORTCUTS:
        ids = recording["artifacts"].get(kind) or []
        shortcuts[kind] = artifact_view(model, model.store.get(ARTIFACT, ids[0])) if ids else None
    expires = recording["expires_at"]
    view = {"id": recording["id"], "created_at": iso(recording["created_at"]),
            "started_at": iso(recording["started_at"]) if recording["started_at"] else None,
            "completed_at": iso(recording["completed_at"]) if recording["completed_at"] and
            recording["status"]["code"] in ("done", "deleted") else None,
            "expires_at": iso(expires) if expires else None, "status": recording["status"],
            "media_shortcuts": shortcuts, "metadata": recording["metadata"]}
    if embed:
        return view
    bot = model.store.get(BOT, recording["bot_id"])
    endpoints = [model.store.get(REALTIME, e) for e in recording["realtime_endpoints"]]
    view["realtime_endpoints"] = [{"id": e["id"], "metadata": e["metadata"]} for e in endpoints if e]
    view["bot"] = {"id": bot["id"], "metadata": bot["metadata"]}
    view["desktop_sdk_upload"] = None
    return view


def artifact_view(model: "Recall", artifact: dict, standalone: bool = False) -> dict:
    done = artifact["status"]["code"] == "done"
    link = lambda name: model.link(artifact["keys"].get(name)) if done else None  # noqa: E731
    kind = artifact["kind"]
    view = {"id": artifact["id"], "created_at": artifact["created_at"], "status": artifact["status"],
            "metadata": artifact["metadata"]}
    if kind in ("video_mixed", "audio_mixed"):
        view["data"] = {"download_url": link("video.mp4" if kind == "video_mixed" else f"audio.{artifact['format']}")}
        view["format"] = artifact["format"]
    elif kind in ("video_separate", "audio_separate"):
        view["data"] = {"download_url": model.parts_link(artifact)}
        view["format"] = artifact["format"]
    elif kind == "transcript":
        view["data"] = {"download_url": link("transcript.json"), "provider_data_download_url": link("provider_data.json")}
        view["diarization"] = artifact["diarization"]
        # The provider that was configured, alone (Recall's generated schema marks every async provider
        # required, which no real transcript has: the oracle tests relax that one rule).
        view["provider"] = artifact["provider"]
    elif kind == "participant_events":
        view["data"] = {"participant_events_download_url": link("participant_events.json"),
                        "speaker_timeline_download_url": link("speaker_timeline.json"),
                        "participants_download_url": link("participants.json")}
    elif kind == "meeting_metadata":
        view["data"] = {"title": "Emulated meeting" if done else None, "zoom": None}
    if standalone:
        recording = model.store.get(RECORDING, artifact["recording_id"])
        view["recording"] = {"id": recording["id"], "metadata": recording["metadata"]}
    return view


def screenshot_view(model: "Recall", shot: dict) -> dict:
    return {"id": shot["id"], "recorded_at": iso(shot["recorded_at"]), "image": model.link(shot["key"])}


def realtime_endpoint_view(model: "Recall", endpoint: dict) -> dict:
    recording = model.store.get(RECORDING, endpoint["recording_id"])
    return {"id": endpoint["id"], "created_at": endpoint["created_at"], "status": endpoint["status"],
            "metadata": endpoint["metadata"], "type": endpoint["type"], "url": endpoint["url"],
            "events": endpoint["events"], "recording": {"id": recording["id"], "metadata": recording["metadata"]}}


def calendar_view(calendar: dict) -> dict:
    return {"id": calendar["id"], "oauth_client_id": calendar["oauth_client_id"],
            "oauth_client_secret": calendar["oauth_client_secret"],
            "oauth_refresh_token": calendar["oauth_refresh_token"], "platform": calendar["platform"],
            **{k: calendar[k] for k in ("webhook_url", "oauth_email") if calendar[k] is not None},  # strings when given
            "platform_email": calendar["platform_email"], "status": calendar["status"],
            "status_changes": calendar["status_changes"], "created_at": iso(calendar["created_at"]),
            "updated_at": iso(calendar["updated_at"])}


def calendar_event_view(model: "Recall", event: dict) -> dict:
    calendar = model.store.get(CALENDAR, event["calendar_id"])
    return {"id": event["id"], "start_time": iso(event["start_time"]), "end_time": iso(event["end_time"]),
            "calendar_id": event["calendar_id"], "raw": raw_event(event, calendar), "platform": event["platform"],
            "platform_id": event["platform_id"], "ical_uid": event["ical_uid"],
            "meeting_platform": _meeting_platform(event["meeting_url"]), "meeting_url": event["meeting_url"],
            "created_at": iso(event["created_at"]), "updated_at": iso(event["updated_at"]),
            "is_deleted": event["is_deleted"], "bots": event["bots"]}


def _meeting_platform(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return parse(url)["platform"]
    except DomainError:
        return None
