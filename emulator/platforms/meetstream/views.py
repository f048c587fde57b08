"""MeetStream's response shapes: a bot as create_bot and GET /bots give it, its media, transcripts,
calendar events and agent configs as their endpoints answer. Read from the model; no state here."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core import live_media, media
from ...core.clock import iso
from .constants import (AUDIO_LINK, BOT, SCHEDULE, STREAM_LINK, TIMELINE_MESSAGES, TIMELINE_STEPS, TRANSCRIPT,
                        TRANSCRIPT_LINK, VIDEO_LINK)
from .media import stream_file
from .transcripts import RUN_STATUS

if TYPE_CHECKING:
    from .models import MeetStream

def bot_view(bot: dict) -> dict:
    """A bot in GET /bots."""
    return {"bot_id": bot["bot_id"], "transcript_id": bot["transcript_id"], "meeting_url": bot["meeting_link"],
            "bot_name": bot["bot_name"], "status": bot["status"], "platform": bot["platform"],
            "created_at": iso(bot["created_at"]), "join_at": iso(bot["join_at"]) if bot["join_at"] else None,
            "custom_attributes": bot["custom_attributes"]}


def created_view(bot: dict) -> dict:
    """create_bot's BotResponse: ``meeting_url`` (not meeting_link) and ``status: "Active"``."""
    return {"bot_id": bot["bot_id"], "transcript_id": bot["transcript_id"], "meeting_url": bot["meeting_link"],
            "status": "Active"}


def event_view(model: "MeetStream", event: dict) -> dict:
    raw = {"id": event["id"][4:], "summary": event["title"], "status": "confirmed",
           "start": {"dateTime": iso(event["start"]), "timeZone": "UTC"},
           "end": {"dateTime": iso(event["end"]), "timeZone": "UTC"}, "location": event["meeting_url"],
           "hangoutLink" if event["meeting_platform"] == "google_meet" else "onlineMeetingUrl": event["meeting_url"]}
    if event["weekly"]:
        raw["recurrence"] = ["RRULE:FREQ=WEEKLY"]
    bots = [{"bot_id": s["bot_id"], "scheduled_time": iso(s["join_at"]), "status": model.store.get(BOT, s["bot_id"])
             ["status"]} for s in model.store.find(SCHEDULE, event["id"]) if model.store.get(BOT, s["bot_id"])]
    return {"id": event["id"], "start_time": iso(event["start"]), "end_time": iso(event["end"]),
            "calendar_id": event["calendar_id"], "platform": event["platform"], "platform_id": raw["id"],
            "ical_uid": f"{raw['id']}@emulator", "meeting_platform": event["meeting_platform"],
            "meeting_url": event["meeting_url"], "created_at": iso(event["created_at"]),
            "updated_at": iso(event["updated_at"]), "is_deleted": event["is_deleted"],
            "recurring_enabled": event["recurring_enabled"], "raw": raw, "bots": bots}


def agent_view(stored: dict) -> dict:
    return {"agent_config_id": stored["agent_config_id"], **stored["config"], "created_at": stored["created_at"],
            "updated_at": stored["updated_at"]}


def chats_view(model: "MeetStream", bot: dict) -> dict:
    """What the people said in the chat (from the simulated speech) and what the bot sent."""
    said = model.segments(bot, model.recorded_seconds(bot) or 60, bot["provider"]) if bot["recording_from"] else []
    start = bot["recording_from"] or bot["created_at"]
    chats = [{"sender": s["speaker"], "message": s["transcript"], "timestamp": start + s["start_time"],
              "metadata": {"message_type": "text"}}
             for i, s in enumerate(said) if i % 7 == 3 and (bot["stopped_at"] or start + s["start_time"]
                                                             <= model.clock.now())]
    chats = sorted(chats + bot["chats"], key=lambda c: c["timestamp"])
    return {"bot_id": bot["bot_id"], "chats": [{**c, "timestamp": iso(c["timestamp"])} for c in chats]}


def participants_view(bot: dict) -> list[dict]:
    """The documented top-level array; status 1 while in the meeting, 2 once left."""
    out = []
    for p in bot["participants"]:
        left = p["left"] is not None
        out.append({"deviceId": p["device_id"], "displayName": p["name"], "fullName": p["name"],
                    "profilePicture": "", "status": 2 if left else 1,
                    "humanized_status": "left" if left else "in_meeting",
                    "streamIds": [f"{p['device_id']}/audio", f"{p['device_id']}/video"],
                    "lastUpdated": iso(p["left"] if left else p["joined"]), "parentDeviceId": None})
    return out


def speaker_timeline_view(model: "MeetStream", bot: dict) -> dict | None:
    """Who spoke when, as byte ranges of the served WAV (8 kHz, 16-bit mono after a 44-byte header)."""
    if bot["media"] is None:
        return None
    seconds = model.recorded_seconds(bot)
    rate, total = media.FULL_WAV_RATE, media.full_wav_size(seconds)
    people = {p["name"]: p for p in bot["participants"]}
    chunks = []
    for segment in model.segments(bot, seconds, bot["provider"]):
        start, end = (media.FULL_WAV_HEADER + 2 * int(round(t * rate))
                      for t in (segment["start_time"], segment["end_time"]))
        if end > total:
            break
        person = people.get(segment["speaker"])
        chunks.append({"chunkIndex": len(chunks), "timestamp": iso(bot["recording_from"] + segment["start_time"]),
                       "sampleRate": rate, "speakerId": person["device_id"] if person else "NoSpeaker",
                       "speakerName": segment["speaker"], "startByte": start, "endByte": end})
    return {"chunks": chunks, "lastUpdated": iso(bot["timeline"].get("AudioProcessing", bot["stopped_at"])),
            "audioFilePath": f"{model.folder(bot)}/audio.wav", "totalFileSize": total}


def screenshots_view(model: "MeetStream", bot: dict) -> dict | None:
    if not model.video_ready(bot):
        return None
    return {"bot_id": bot["bot_id"], "screenshots": [
        {"screenshot_index": i, "timestamp": iso(s["at"]), "url": model.engine.links.mint(s["key"], VIDEO_LINK)}
        for i, s in enumerate(bot["media"]["screenshots"])]}


def recording_streams_view(model: "MeetStream", bot: dict) -> dict | None:
    if not model.video_ready(bot):
        return None
    streams = bot["media"]["video_streams"]

    def entry(name: str, stream_id: str, key: str, seconds: float, filename: str) -> dict:
        return {"participant_name": name, "streams": [{"stream_id": stream_id, "segments": [{
            "segment_index": 0, "url": model.engine.links.mint(key, STREAM_LINK), "filename": filename,
            "duration_seconds": round(seconds, 3), "width": 640, "height": 360, "codec": "vp8"}]}]}

    people = [entry(p["name"], p["device_id"], streams[p["id"]], model.talk_time(bot, p), stream_file(p, 0))
              for p in bot["participants"] if p["id"] in streams]
    shares = []
    if "screenshare" in streams and bot["participants"]:
        sharer = bot["participants"][0]
        shares.append(entry(sharer["name"], f"{sharer['device_id']}/screenshare", streams["screenshare"],
                            model.recorded_seconds(bot) / 2, "screenshare_0.webm"))
    return {"bot_id": bot["bot_id"], "video_status": "Success", "recording_streams_available": bool(people),
            "participants": people, "screenshares": shares,
            "summary": {"total_participants": len(people), "total_screenshares": len(shares),
                        "total_segments": len(people) + len(shares)}}


def audio_streams_view(model: "MeetStream", bot: dict) -> dict | None:
    if bot["media"] is None:
        return None
    people = [p for p in bot["participants"] if p["id"] in bot["media"]["audio_streams"]]
    return {"bot_id": bot["bot_id"], "audio_status": "Success", "audio_streams_available": bool(people),
            "participants": [{"participant_name": p["name"], "streams": [{
                "stream_id": f"{p['name'].replace(' ', '')}_{p['id']}", "segments": [{
                    "segment_index": 0, "url": model.engine.links.mint(bot["media"]["audio_streams"][p["id"]],
                                                                      STREAM_LINK),
                    "filename": stream_file(p, 0), "duration_seconds": round(model.talk_time(bot, p), 3),
                    "sample_rate": 48000, "channels": 1, "codec": "opus"}]}]} for p in people],
            "summary": {"total_participants": len(people), "total_segments": len(people)}}


def video_view(model: "MeetStream", bot: dict) -> dict | None:
    key = (bot["media"] or {}).get("video")
    if not key:
        return None
    # The meeting's video as the vendor recorded it: the meeting's length at the bot's recording
    # size and rate (the live video's). size_mb stays the file served's, which a download can check.
    seconds = round(model.recorded_seconds(bot), 3)
    size = len(media.render("mp4", model.recorded_seconds(bot), model.media_seed(bot)))
    width, height = live_media.SIZE
    return {"video_url": model.engine.links.mint(key, VIDEO_LINK),
            "video_info": {"duration": float(seconds), "size_mb": round(size / 1024 / 1024, 3),
                           "resolution": f"{width}x{height}", "fps": live_media.FPS,
                           "frames_processed": int(seconds * live_media.FPS), "corrupted_frames": 0}}


def audio_view(model: "MeetStream", bot: dict) -> dict | None:
    key = (bot["media"] or {}).get("audio")
    return {"audio_url": model.engine.links.mint(key, AUDIO_LINK)} if key else None




def runs_view(model: "MeetStream", bot: dict) -> dict:
    runs = []
    for r in model.store.find(TRANSCRIPT, bot["bot_id"]):
        if r["status"] == "deleted":
            continue
        ready = r["key"] is not None
        runs.append({"transcript_id": r["transcript_id"], "provider": r["provider"],
                     "status": RUN_STATUS[r["status"]], "created_at": r["created_at"], "config": r["config"],
                     "download_urls": {"raw_transcript": model.engine.links.mint(r["raw_key"], TRANSCRIPT_LINK),
                                       "processed_transcript": model.engine.links.mint(r["key"], TRANSCRIPT_LINK)}
                     if ready else None})
    return {"bot_id": bot["bot_id"], "transcriptions": runs}


def bot_details(model: "MeetStream", bot: dict) -> dict:
    """``bot_details`` with the fields the live API returns (the reference lists them)."""
    reached = bot["timeline"]
    timeline = {step: {"message": TIMELINE_MESSAGES[step], "status": step in reached,
                       "timestamp": iso(reached[step]) if step in reached else None} for step in TIMELINE_STEPS}
    request_body = bot["request"]
    last = max([bot["created_at"], *reached.values()])
    status_at = max(reached.values(), default=bot["created_at"])
    runs = model.transcripts_of(bot["bot_id"])
    current = next((r for r in runs if r["transcript_id"] == bot["transcript_id"]), None)
    return {
        "BotID": bot["bot_id"], "BotImageURL": request_body.get("bot_image_url"),
        "BotMessage": request_body.get("bot_message"), "BotProfile": None, "BotUsername": bot["bot_name"],
        "CreatedAt": iso(bot["created_at"]),
        "Duration": round(model.recorded_seconds(bot), 3) if bot["stopped_at"] else None,
        "EndTime": iso(bot["stopped_at"]) if bot["stopped_at"] else None, "LastUpdatedAt": iso(last),
        "ManifestStatus": "Success" if "AudioProcessing" in reached else None,
        "MediaS3Bucket": "meetstream-emulator-media", "MeetingLink": bot["meeting_link"],
        "NativeSTT": bot["provider"] == "meeting_captions", "OfferingType": "api", "Platform": bot["platform"],
        "PlatformCreatedAt": iso(bot["created_at"]), "PlatformStatusCreatedAt": iso(status_at),
        "RequestPayload": request_body,
        "StartTime": iso(bot["recording_from"]) if bot["recording_from"] else None, "Status": bot["status"],
        "StatusCreatedAt": iso(status_at), "StatusTimeline": timeline,
        "AudioStatus": "Success" if "AudioProcessing" in reached else None,
        "TranscriptStatus": {"completed": "Success", "failed": "Failed"}.get(current["status"], "Processing")
        if current else None,
        "UserID": f"user-{bot['api_key'][-6:]}", "caption_file": model.caption_link(bot),
        "participant_events": model.participant_events(bot), "custom_attributes": bot["custom_attributes"],
        "transcript_id": bot["transcript_id"],
    }


def teams_login_view(model: "MeetStream", login: dict) -> dict:
    """A Teams login as the vendor returns it: never its password, and whether a bot holds it."""
    return {"login_id": login["login_id"], "domain": login["domain"], "email": login["email"],
            "is_active": login["is_active"],
            "lease_status": "leased" if model.leases_of(login["login_id"]) else "available",
            "last_session_result": login["last_session_result"], "last_login_error": login["last_login_error"],
            "created_at": login["created_at"], "updated_at": login["updated_at"]}


def teams_domain_view(model: "MeetStream", domain: dict, with_logins: bool = False) -> dict:
    logins = [teams_login_view(model, login) for login in model.teams_logins_of(domain["domain"])]
    view = {"domain": domain["domain"], "name": domain["name"], "login_mode": domain["login_mode"],
            "login_count": len(logins), "active_login_count": sum(login["is_active"] for login in logins),
            "created_at": domain["created_at"]}
    if with_logins:
        view["logins"] = [{k: login[k] for k in ("login_id", "email", "is_active", "lease_status",
                                                 "last_session_result")} for login in logins]
    return view
