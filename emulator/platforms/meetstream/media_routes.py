"""MeetStream's media routes: mixed audio and video, per-participant audio and video streams,
screenshots, speaker timeline, participants and chats. 202 until processed, as the vendor answers."""
from __future__ import annotations

from uuid import UUID

from flask import Response, g

from ...core.http import json_response
from .http import ERR, NOT_READY, Http, ms_error
from .views import (audio_streams_view, audio_view, chats_view, participants_view, recording_streams_view,
                    screenshots_view, speaker_timeline_view, video_view)


def add_media_routes(http: Http) -> None:
    model = http.model

    def owned(bot_id: UUID, what: str) -> dict:
        bot = model.bot(str(bot_id), g.api_key)
        if bot["deleted"]:
            raise ms_error(404, f"The {what} of bot {bot['bot_id']} was deleted.")
        return bot

    def ready(view: dict | list | None, waiting: dict | None = None) -> Response:
        if view is None:
            return json_response(waiting or {"message": "processing"}, 202)
        return json_response(view)

    @http.bot_route("/get_audio", "A link to the mixed audio (WAV, valid 1 hour); 202 until audio.processed",
                    {200: "audio.response", 202: NOT_READY})
    def get_audio(bot_id: UUID) -> Response:
        return ready(audio_view(model, owned(bot_id, "audio")))

    @http.bot_route("/get_video", "A link to the mixed video (mp4, valid 10 minutes) with video_info; 202 until "
                    "video.processed", {200: "video.response", 202: NOT_READY, 400: ERR})
    def get_video(bot_id: UUID) -> Response:
        bot = owned(bot_id, "video")
        if not bot["video_required"]:
            raise ms_error(400, "This bot was created with video_required false: it has no video.")
        return ready(video_view(model, bot))

    @http.bot_route("/get_audio_streams", "Per-participant audio, WebM Opus segments (links valid 10 minutes); "
                    "202 while the bot is in the meeting", {200: "audio_streams.response", 202: "streams.not_ready"})
    def get_audio_streams(bot_id: UUID) -> Response:
        bot = owned(bot_id, "audio streams")  # without audio_separate_streams: audio_streams_available false
        return ready(audio_streams_view(model, bot), {"audio_status": "in_progress",
                                                     "message": "Audio streams are still being processed"})

    @http.bot_route("/get_recording_streams", "Per-participant video and screenshares, WebM VP8 segments (links "
                    "valid 10 minutes); 202 until processed", {200: "recording_streams.response",
                                                               202: "streams.not_ready"})
    def get_recording_streams(bot_id: UUID) -> Response:
        bot = owned(bot_id, "recording streams")  # without video_separate_streams: recording_streams_available false
        return ready(recording_streams_view(model, bot), {"video_status": "in_progress",
                                                         "message": "Recording streams are still being processed"})

    @http.bot_route("/get_screenshots", "Screenshots of the meeting (PNG, one each 5 minutes); 202 until "
                    "processed", {200: "screenshots.response", 202: NOT_READY})
    def get_screenshots(bot_id: UUID) -> Response:
        return ready(screenshots_view(model, owned(bot_id, "screenshots")))

    @http.bot_route("/get_speaker_timeline", "Who spoke when, as byte ranges of the audio file; 202 until "
                    "audio.processed", {200: "speaker_timeline.response", 202: NOT_READY})
    def get_speaker_timeline(bot_id: UUID) -> Response:
        return ready(speaker_timeline_view(model, owned(bot_id, "speaker timeline")))

    @http.bot_route("/get_participants", "The meeting's participants (a top-level array)",
                    {200: "participants.response"})
    def get_participants(bot_id: UUID) -> Response:
        return json_response(participants_view(model.bot(str(bot_id), g.api_key)))

    @http.bot_route("/get_chats", "Chat messages from the meeting, the bot's own included",
                    {200: "chats.response"})
    def get_chats(bot_id: UUID) -> Response:
        return json_response(chats_view(model, model.bot(str(bot_id), g.api_key)))
