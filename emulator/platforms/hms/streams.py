"""100ms streams: HLS live streams (a playback m3u8, timed metadata, recording to a VOD that can be
paused) and external RTMP streams, both run by Beam like a recording: starting → running →
stopping → completed (post_processing first when recorded), or failed. Live streams announce
``hls.*``; RTMP streams the ``beam.*`` events with their ``rtmp`` URLs, as the webhook docs list
them. A live stream's transcription: ``live`` mode captions the stream (``live_transcription_enabled``),
``recorded`` mode transcribes its VOD as a recording's is (recordings.py). A part of ``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

from ...core.clock import iso, parse_iso
from ...core.errors import Conflict, Invalid
from ...core.ids import stable_int
from ...core.model import due
from .beam import begin_stopping, set_paused
from .constants import NAME, RECORDER, SESSION, STREAM

LIVE, EXTERNAL = "live_stream", "external_stream"
ACTIVE = ("starting", "running")


class Streams:
    def start_stream(self, kind: str, room_id: str, body: dict) -> dict:
        with self.store.transaction():
            room = self.room(room_id)
            if not room["enabled"]:
                raise Invalid(f"room {room_id} is disabled: enable it to stream")
            running = [s for s in self.store.find(STREAM, room_id) if s["kind"] == kind and s["status"] in ACTIVE]
            if running:
                raise Conflict(f"a {kind.replace('_', ' ')} is already running in room {room_id}: {running[0]['id']}")
            session = self.active_session(room_id)
            if session is None or not self._people_in(session):
                session = self.start_session(room_id)
            now = iso(self.clock.now())
            stream_id = self._oid(STREAM)
            stream = {"id": stream_id, "kind": kind, "room_id": room_id, "session_id": session["id"],
                      "status": "starting", "meeting_url": body.get("meeting_url")
                      or f"https://emulator.app.100ms.live/preview/{room_id}/beam?skip_preview=true",
                      "destination": body.get("destination", "default"), "created_at": now, "started_at": None,
                      "updated_at": now, "stopped_at": None, "started_by": "", "stopped_by": "",
                      "_": {"beam_id": self._oid(f"{NAME}.beam"), "beam_peer": self._join(session, "Beam", RECORDER),
                            "room_name": room["name"], "reason": None, "paused_at": None, "paused_total": 0.0,
                            "metadata": [], "asset_ids": []}}
            if kind == LIVE:
                transcription = body.get("transcription") or {}
                if transcription.get("enabled"):  # modes default to recorded (our choice; the reference names none)
                    transcription = {**transcription, "modes": transcription.get("modes") or ["recorded"]}
                stream["_"]["transcription"] = transcription
                stream["_"]["transcription_id"] = None
                recording = body.get("recording") or {}
                stream["recording"] = {"hls_vod": bool(recording.get("hls_vod")),
                                       "single_file_per_layer": bool(recording.get("single_file_per_layer"))}
                stream["playback"] = {"url": f"https://cdn.emulator.100ms.live/beam/{stream_id}/master.m3u8"}
            else:
                stream["rtmp_urls"] = list(body["rtmp_urls"])
                stream["recording"] = bool(body.get("recording"))
                stream["resolution"] = body.get("resolution") or {"width": 1280, "height": 720}
            self.store.put(STREAM, stream_id, stream, room_id)
            self.after(self.setting("starting_seconds"), "stream_running", {"stream": stream_id})
            return stream

    def stream(self, kind: str, stream_id: str) -> dict:
        stream = self.require(STREAM, stream_id, f"{kind.replace('_', ' ')} not found: {stream_id}",
                              where=lambda stream: stream["kind"] == kind)
        return stream

    def streams(self, kind: str) -> list[dict]:
        return [s for s in self.store.find(STREAM) if s["kind"] == kind]

    def stop_stream(self, kind: str, stream_id: str) -> dict:
        with self.store.transaction():
            stream = self.stream(kind, stream_id)
            if stream["status"] not in ACTIVE:
                raise Invalid(f"{kind.replace('_', ' ')} {stream_id} is not running (status {stream['status']})")
            return self._stop_stream(stream, "client request")

    def stop_room_streams(self, kind: str, room_id: str) -> list[dict]:
        with self.store.transaction():
            self.room(room_id)
            return [self._stop_stream(s, "client request") for s in self.store.find(STREAM, room_id)
                    if s["kind"] == kind and s["status"] in ACTIVE]

    def _stop_stream(self, stream: dict, reason: str) -> dict:
        now = self.clock.now()
        if stream["status"] == "starting":  # stopped before Beam joined
            return self._fail_stream(stream, "BEAM_STOPPED", "Beam stopped too early")
        begin_stopping(stream, reason, now)
        self.store.put(STREAM, stream["id"], stream, stream["room_id"])
        self.after(self.setting("stopping_seconds"), "stream_stopped", {"stream": stream["id"]})
        return stream

    def pause_stream_recording(self, stream_id: str, pause: bool) -> dict:
        """A live stream's recording pauses (the stream goes on); paused time is left out of the VOD."""
        with self.store.transaction():
            stream = self.stream(LIVE, stream_id)
            if stream["status"] != "running" or not any(stream["recording"].values()):
                raise Invalid(f"live stream {stream_id} is not recording")
            paused = stream["_"]["paused_at"] is not None
            if pause == paused:
                raise Conflict(f"the recording of live stream {stream_id} is already {'paused' if paused else 'running'}")
            set_paused(stream, pause, self.clock.now())
            return self.store.put(STREAM, stream_id, stream, stream["room_id"])

    def timed_metadata(self, stream_id: str, body: dict) -> dict:
        with self.store.transaction():
            stream = self.stream(LIVE, stream_id)
            if stream["status"] != "running":
                raise Invalid(f"live stream {stream_id} is not running (status {stream['status']})")
            stream["_"]["metadata"].append({"payload": body["payload"], "duration": body["duration"],
                                            "at": iso(self.clock.now())})
            return self.store.put(STREAM, stream_id, stream, stream["room_id"])

    def fail_stream(self, stream_id: str, error_type: str, message: str | None, transcription: bool = False) -> dict:
        with self.store.transaction():
            stream = self.require(STREAM, stream_id, f"stream not found: {stream_id}")
            if transcription:
                if not stream["_"].get("transcription_id") or stream["_"].get("transcribed"):
                    raise Conflict(f"live stream {stream_id} has no transcription in progress")
                return self._fail_transcription(stream)
            if stream["status"] in ("completed", "failed"):
                raise Conflict(f"stream {stream_id} has already {stream['status']}")
            return self._fail_stream(stream, error_type, message or error_type.replace("_", " ").lower())

    # -- the clock -------------------------------------------------------------------------
    @due("stream_running")
    def _on_stream_running(self, payload: dict) -> None:
        stream = self.store.get(STREAM, payload["stream"])
        if stream is None or stream["status"] != "starting":
            return
        now = iso(self.clock.now())
        stream.update(status="running", started_at=now, updated_at=now)
        self.store.put(STREAM, stream["id"], stream, stream["room_id"])
        if stream["kind"] == LIVE:
            self._notify_room(stream["room_id"], "hls.started.success", {
                **self._stream_fields(stream, "HLSStarted"), "start_delay": int(self.setting("starting_seconds")),
                "url": stream["playback"]["url"], "started_at": now})
        else:
            self._notify_room(stream["room_id"], "beam.started.success", self._stream_fields(stream, "Started"))
        self.after(self.room_max_duration(self.room(stream["room_id"])), "stream_auto_stop",
                                   {"stream": stream["id"]})

    @due("stream_auto_stop")
    def _on_stream_auto_stop(self, payload: dict) -> None:
        stream = self.store.get(STREAM, payload["stream"])
        if stream is None or stream["status"] not in ACTIVE:
            return
        reason = payload.get("reason", "max duration reached")
        if reason == "last peer left" and self._people_in(self.store.get(SESSION, stream["session_id"])):
            return  # someone came back
        self._stop_stream(stream, reason)

    @due("stream_stopped")
    def _on_stream_stopped(self, payload: dict) -> None:
        stream = self.store.get(STREAM, payload["stream"])
        if stream is None or stream["status"] != "stopping":
            return
        now = self.clock.now()
        recorded = any(stream["recording"].values()) if stream["kind"] == LIVE else stream["recording"]
        stream.update(status="post_processing" if recorded else "completed", stopped_at=iso(now), updated_at=iso(now))
        self.store.put(STREAM, stream["id"], stream, stream["room_id"])
        self._recorder_leaves(stream)
        duration = self._stream_duration(stream)
        if stream["kind"] == LIVE:
            self._notify_room(stream["room_id"], "hls.stopped.success", {
                **self._stream_fields(stream, "HLSStopped"), "url": stream["playback"]["url"], "duration": duration,
                "started_at": stream["started_at"], "stopped_at": stream["stopped_at"],
                "reason": stream["_"]["reason"], "live_transcription_enabled": self._live_captions(stream)})
        else:
            self._notify_room(stream["room_id"], "beam.stopped.success", {
                **self._stream_fields(stream, "Stopped"), "duration": duration, "reason": stream["_"]["reason"]})
        if recorded:
            self.after(self.setting("post_processing_seconds"), "stream_completed",
                                       {"stream": stream["id"]})

    @due("stream_completed")
    def _on_stream_completed(self, payload: dict) -> None:
        """The recording of a stream is ready: a VOD (live) or composite (RTMP) asset."""
        stream = self.store.get(STREAM, payload["stream"])
        if stream is None or stream["status"] != "post_processing":
            return
        duration = self._stream_duration(stream)
        seed = stable_int(self.engine.config.seed, stream["id"])
        epoch = int(self.clock.now())
        folder = f"s3://100ms-emulator/{self.customer_id}/beam/{stream['room_id']}"
        kind = "room-vod" if stream["kind"] == LIVE else "room-composite"
        job = {"id": stream["id"], "room_id": stream["room_id"], "session_id": stream["session_id"], "_": stream["_"]}
        asset = self._asset(job, kind, "processing", f"{folder}/{kind}-{epoch}.mp4", None, None, duration,
                            {"resolution": {"width": 1280, "height": 720}})
        asset = self._complete_media(asset["id"], duration, seed)
        now = iso(self.clock.now())
        stream.update(status="completed", updated_at=now)
        self.store.put(STREAM, stream["id"], stream, stream["room_id"])
        if stream["kind"] == LIVE:
            self._notify_room(stream["room_id"], "hls.recording.success", {
                "beam_id": stream["_"]["beam_id"], "room_id": stream["room_id"], "session_id": stream["session_id"],
                "template_id": self.template_id, "recording_id": stream["id"], "metadata_id": self._uuid(),
                "metadata_timestamp": now, "duration": duration, "hls_vod_recording_path": asset["path"],
                "hls_vod_recording_presigned_url": self._webhook_link(asset), "hls_vod_recording_size": asset["size"],
                "max_width": 1280, "max_height": 720, "meeting_url": stream["meeting_url"],
                "recording_created_at": stream["created_at"], "started_at": stream["started_at"],
                "stopped_at": stream["stopped_at"], "session_started_at": self._session_started(stream)})
            transcription = stream["_"].get("transcription") or {}
            if transcription.get("enabled") and "recorded" in transcription["modes"]:  # the VOD is transcribed
                self._start_transcription(stream, duration)

    # -- helpers ---------------------------------------------------------------------------
    def _fail_stream(self, stream: dict, error_type: str, message: str) -> dict:
        stream.update(status="failed", updated_at=iso(self.clock.now()))
        self.store.put(STREAM, stream["id"], stream, stream["room_id"])
        self._recorder_leaves(stream)
        event = "hls.failure" if stream["kind"] == LIVE else "beam.failure"
        self._notify_room(stream["room_id"], event, {
            **self._stream_fields(stream, "Failed"), "error_code": 500, "error_message": message,
            "error_type": error_type, "duration": self._stream_duration(stream)})
        return stream

    def _stream_fields(self, stream: dict, state: str) -> dict:
        now = iso(self.clock.now())
        fields = {"beam_id": stream["_"]["beam_id"], "job_id": stream["id"], "room_id": stream["room_id"],
                  "session_id": stream["session_id"], "peer_id": stream["_"]["beam_peer"],
                  "template_id": self.template_id, "meeting_url": stream["meeting_url"], "metadata_id": self._uuid(),
                  "metadata_timestamp": now, "state_name": state, "state_timestamp": now,
                  "session_started_at": self._session_started(stream)}
        if stream["kind"] == LIVE:
            fields.update(recording_single_file_per_layer_enabled=stream["recording"]["single_file_per_layer"],
                          recording_vod_playlist_enabled=stream["recording"]["hls_vod"], max_width=1280, max_height=720)
        else:
            fields.update(rtmp=[{"url": url} for url in stream["rtmp_urls"]], recording_enabled=stream["recording"],
                          start_delay=0, max_width=stream["resolution"]["width"],
                          max_height=stream["resolution"]["height"])
        return fields

    @staticmethod
    def _live_captions(stream: dict) -> bool:
        transcription = stream["_"].get("transcription") or {}
        return bool(transcription.get("enabled") and "live" in transcription.get("modes", []))

    def _stream_duration(self, stream: dict) -> int:
        if stream["started_at"] is None:
            return 0
        end = stream["_"].get("stop_requested") or self.clock.now()
        return max(0, int(round(end - parse_iso(stream["started_at"]) - stream["_"]["paused_total"])))
