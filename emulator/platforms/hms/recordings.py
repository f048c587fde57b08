"""100ms recordings (Beam): start, stop, pause and resume, the recorder's states on the clock,
automatic stops, failures, transcription and summary, and their webhooks' fields. A part of
``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

from datetime import datetime, timezone

from ...core.clock import iso, parse_iso
from ...core.content import Room, Segment, speech
from ...core.errors import Conflict, Invalid, NotFound
from ...core.ids import stable_int
from ...core.model import due
from . import files
from .beam import begin_stopping, set_paused
from .constants import ACTIVE, ASSET, NAME, RECORDER, RECORDING, SESSION, STREAM

class Recordings:
    def start_recording(self, room_id: str, body: dict) -> dict:
        resolution = body.get("resolution")
        if resolution:
            width, height = resolution["width"], resolution["height"]
            landscape = width >= height
            if (landscape and height > 1080) or (not landscape and (width > 1080 or height < 500)):
                raise Invalid(f"resolution: {width}x{height} is outside 500x480..1920x1080 (landscape) "
                              "and 500x500..1080x1920 (portrait)")
        with self.store.transaction():
            room = self.room(room_id)
            if not room["enabled"]:
                raise Invalid(f"room {room_id} is disabled: enable it to record")
            running = [r for r in self.store.find(RECORDING, room_id) if r["status"] in ACTIVE + ("stopping",)]
            if running:
                raise Conflict(f"a recording is already running in room {room_id}: {running[0]['id']}")
            session = self.active_session(room_id)
            if session is None or not self._people_in(session):
                session = self.start_session(room_id)
            beam_peer = self._join(session, "Beam", RECORDER)
            transcription = body.get("transcription") or {}
            summary = transcription.get("summary") or {}
            asset_types = ["room-composite", "chat"]
            if transcription.get("enabled"):
                asset_types.append("transcript")
                if summary.get("enabled"):
                    asset_types.append("summary")
            now = iso(self.clock.now())
            recording_id = self._oid(RECORDING)
            recording = {
                "id": recording_id, "room_id": room_id, "session_id": session["id"], "status": "starting",
                "created_at": now, "started_at": None, "updated_at": now, "stopped_at": None,
                "meeting_url": body.get("meeting_url")
                or f"https://emulator.app.100ms.live/preview/{room_id}/beam?skip_preview=true",
                "destination": body.get("destination", "default"), "started_by": "", "stopped_by": "",
                "asset_types": asset_types, "recording_assets": None,
                "_": {"beam_id": self._oid(f"{NAME}.beam"), "beam_peer": beam_peer, "room_name": room["name"],
                      "resolution": resolution or {"width": 1280, "height": 720},
                      "audio_only": body.get("audio_only", False), "transcription": transcription,
                      "paused_at": None, "paused_total": 0.0, "reason": None, "stop_requested": None,
                      "transcription_id": None, "transcription_assets": {}},
            }
            self.store.put(RECORDING, recording_id, recording, room_id)
            self.after(self.setting("starting_seconds"), "running", {"recording": recording_id})
            return recording

    def recording(self, recording_id: str) -> dict:
        return self.require(RECORDING, recording_id, f"recording not found: {recording_id}")

    def recordings(self) -> list[dict]:
        return self.store.find(RECORDING)

    def stop(self, recording_id: str) -> dict:
        with self.store.transaction():
            recording = self.recording(recording_id)
            if recording["status"] not in ACTIVE:
                raise Invalid(f"recording {recording_id} is not running (status {recording['status']})")
            return self._stop(recording, "client request")

    def stop_room(self, room_id: str) -> list[dict]:
        with self.store.transaction():
            self.room(room_id)
            return [self._stop(r, "client request") for r in self.store.find(RECORDING, room_id)
                    if r["status"] in ACTIVE]

    def _stop(self, recording: dict, reason: str) -> dict:
        now = self.clock.now()
        if recording["status"] == "starting":  # stopped before the recorder joined: BEAM_STOPPED
            return self._fail(recording, "BEAM_STOPPED", "recording was stopped before it started")
        begin_stopping(recording, reason, now)
        self.store.put(RECORDING, recording["id"], recording, recording["room_id"])
        self.after(self.setting("stopping_seconds"), "stopped", {"recording": recording["id"]})
        return recording

    def pause(self, room_id: str, pause: bool) -> dict:
        with self.store.transaction():
            self.room(room_id)
            running = [r for r in self.store.find(RECORDING, room_id) if r["status"] == "running"]
            if not running:
                raise NotFound(f"no running recording in room {room_id}")
            recording = running[0]
            now = self.clock.now()
            paused = recording["_"]["paused_at"] is not None
            if pause == paused:
                raise Conflict(f"recording {recording['id']} is already {'paused' if paused else 'recording'}")
            set_paused(recording, pause, now)
            return self.store.put(RECORDING, recording["id"], recording, room_id)

    def _recover(self, payload: dict, error: str) -> None:
        """A step of a recording raised: the recording fails with INTERNAL_ERROR, as 100ms reports it."""
        recording = self.store.get(RECORDING, payload["recording"]) if "recording" in payload else None
        if recording is not None and recording["status"] not in ("completed", "failed"):
            self._fail(recording, "INTERNAL_ERROR", f"emulator error: {error}")

    def fail(self, recording_id: str, error_type: str, message: str | None, transcription: bool) -> dict:
        with self.store.transaction():
            recording = self.recording(recording_id)
            if transcription:
                if recording["_"]["transcription_id"] is None or recording["_"].get("transcribed"):
                    raise Conflict(f"recording {recording_id} has no transcription in progress")
                return self._fail_transcription(recording)
            if recording["status"] in ("completed", "failed"):
                raise Conflict(f"recording {recording_id} has already {recording['status']}")
            return self._fail(recording, error_type, message or error_type.replace("_", " ").lower())

    def _fail(self, recording: dict, error_type: str, message: str) -> dict:
        now = self.clock.now()
        recording.update(status="failed", updated_at=iso(now))
        recording["_"]["error"] = {"type": error_type, "message": message}
        self.store.put(RECORDING, recording["id"], recording, recording["room_id"])
        self._recorder_leaves(recording)
        self._notify(recording, "beam.failure", {
            **self._beam_fields(recording, "Failed"), "error_code": 500, "error_message": message,
            "error_type": error_type, "duration": self._duration(recording, now)})
        return recording

    @due("running")
    def _on_running(self, payload: dict) -> None:
        recording = self.store.get(RECORDING, payload["recording"])
        if recording is None or recording["status"] != "starting":
            return
        now = self.clock.now()
        recording.update(status="running", started_at=iso(now), updated_at=iso(now))
        self.store.put(RECORDING, recording["id"], recording, recording["room_id"])
        self._notify(recording, "beam.started.success", self._beam_fields(recording, "Started"))
        self.after(self.room_max_duration(self.room(recording["room_id"])), "auto_stop",
                                   {"recording": recording["id"], "reason": "max duration reached"})
        session = self.store.get(SESSION, recording["session_id"])
        if not self._people_in(session):  # everyone left while it was starting
            self.after(self.setting("last_peer_left_seconds"), "auto_stop",
                                       {"recording": recording["id"], "reason": "last peer left"})

    @due("auto_stop")
    def _on_auto_stop(self, payload: dict) -> None:
        recording = self.store.get(RECORDING, payload["recording"])
        if recording is None or recording["status"] not in ACTIVE:
            return
        if payload["reason"] == "last peer left":
            session = self.store.get(SESSION, recording["session_id"])
            if self._people_in(session):
                return  # someone came back
        self._stop(recording, payload["reason"])

    @due("stopped")
    def _on_stopped(self, payload: dict) -> None:
        recording = self.store.get(RECORDING, payload["recording"])
        if recording is None or recording["status"] != "stopping":
            return
        now = self.clock.now()
        recording.update(status="post_processing", stopped_at=iso(now), updated_at=iso(now))
        self.store.put(RECORDING, recording["id"], recording, recording["room_id"])
        self._recorder_leaves(recording)
        self._notify(recording, "beam.stopped.success", {
            **self._beam_fields(recording, "Stopped"), "duration": self._duration(recording),
            "reason": recording["_"]["reason"]})
        self.after(self.setting("post_processing_seconds"), "completed",
                                   {"recording": recording["id"]})

    def _recorder_leaves(self, recording: dict) -> None:
        session = self.store.get(SESSION, recording["session_id"])
        peer = session["peers"].get(recording["_"]["beam_peer"])
        if peer and peer["left_at"] is None:
            peer["left_at"] = iso(self.clock.now())
            self.store.put(SESSION, session["id"], session, session["room_id"])
            self._close_if_empty(session)

    def _duration(self, recording: dict, until: float | None = None) -> int:
        if recording["started_at"] is None:
            return 0
        end = recording["_"]["stop_requested"] if until is None else until
        return max(0, int(round(end - parse_iso(recording["started_at"]) - recording["_"]["paused_total"])))

    @due("completed")
    def _on_completed(self, payload: dict) -> None:
        recording = self.store.get(RECORDING, payload["recording"])
        if recording is None or recording["status"] != "post_processing":
            return
        now = self.clock.now()
        duration = self._duration(recording)
        segments = self.segments(recording, duration)
        seed = stable_int(self.engine.config.seed, recording["id"])
        epoch = int(now)
        day = datetime.fromtimestamp(now, tz=timezone.utc).strftime("%Y%m%d")
        folder = f"s3://100ms-emulator/{self.customer_id}/beam/{recording['room_id']}/{day}"
        composite = self._asset(recording, "room-composite", "completed", f"{folder}/Rec-{recording['room_id']}-{epoch}.mp4",
                                None, None, duration, {"resolution": recording["_"]["resolution"]})
        composite = self._complete_media(composite["id"], duration, seed)
        chat = self._asset(recording, "chat", "completed", f"{folder}/Rec-{recording['room_id']}-{epoch}-chat.csv",
                           files.chat_csv(segments, seed), "text/csv", 0, {})
        recording.update(status="completed", updated_at=iso(now))
        self.store.put(RECORDING, recording["id"], recording, recording["room_id"])
        self._notify(recording, "beam.recording.success", {
            "beam_id": recording["_"]["beam_id"], "room_id": recording["room_id"],
            "session_id": recording["session_id"], "peer_id": recording["_"]["beam_peer"],
            "template_id": self.template_id, "recording_id": recording["id"],
            "metadata_id": self._uuid(), "metadata_timestamp": iso(now), "created_at": recording["created_at"],
            "started_at": recording["started_at"], "stopped_at": recording["stopped_at"], "duration": duration,
            "size": composite["size"], "max_width": recording["_"]["resolution"]["width"],
            "max_height": recording["_"]["resolution"]["height"], "session_started_at": self._session_started(recording),
            "recording_path": composite["path"], "recording_presigned_url": self._webhook_link(composite),
            "chat_recording_path": chat["path"], "chat_recording_presigned_url": self._webhook_link(chat),
            "meeting_url": recording["meeting_url"], "rtmp": []})
        transcription = recording["_"]["transcription"]
        if transcription.get("enabled"):
            self._start_transcription(recording, duration)

    def _start_transcription(self, recording: dict, duration: int) -> None:
        transcription = recording["_"]["transcription"]
        folder = f"s3://100ms-emulator/{self.customer_id}/transcript/{recording['room_id']}/{recording['id']}"
        wanted = [f"transcript_{mode}" for mode in transcription.get("output_modes") or ["txt", "srt", "json"]]
        if (transcription.get("summary") or {}).get("enabled"):
            wanted.append("summary_json")
        assets = {}
        for name in wanted:
            kind, mode = name.split("_")
            asset = self._asset(recording, kind, "processing", f"{folder}/{kind}.{mode}", None, None, duration,
                                {"output_mode": mode})
            assets[name] = asset["id"]
        recording["_"]["transcription_id"] = self._oid(f"{NAME}.transcription")
        recording["_"]["transcription_assets"] = assets
        self._save_job(recording)
        self._notify(recording, "transcription.started.success", {
            **self._transcription_fields(recording, duration), **{f"{n}_asset_id": i for n, i in assets.items()}})
        delay = max(self.setting("transcription_min_seconds"), 0.2 * duration)
        self.after(delay, "transcribed", {"recording": recording["id"]})

    @due("transcribed")
    def _on_transcribed(self, payload: dict) -> None:
        recording = self._job(payload["recording"])
        if recording is None or recording["_"].get("transcribed") or recording["_"].get("transcription_failed"):
            return
        duration = self._job_duration(recording)
        segments = self.segments(recording, duration)
        seed = stable_int(self.engine.config.seed, recording["id"], "summary")
        transcription = recording["_"]["transcription"]
        contents = {
            "transcript_txt": (files.transcript_txt(segments), "text/plain; charset=utf-8"),
            "transcript_srt": (files.transcript_srt(segments), "application/x-subrip"),
            "transcript_json": (files.transcript_json(segments), "application/json"),
            "summary_json": (files.summary_json(segments, (transcription.get("summary") or {}).get("sections"), seed),
                             "application/json"),
        }
        fields = self._transcription_fields(recording, duration)
        for name, asset_id in recording["_"]["transcription_assets"].items():
            content, content_type = contents[name]
            asset = self._complete_asset(asset_id, content, content_type)
            fields.update({f"{name}_asset_id": asset_id, f"{name}_path": asset["path"],
                           f"{name}_presigned_url": self._webhook_link(asset)})
        recording["_"]["transcribed"] = True
        self._save_job(recording)
        self._notify(recording, "transcription.success", fields)

    def _fail_transcription(self, recording: dict) -> dict:
        duration = self._job_duration(recording)
        for asset_id in recording["_"]["transcription_assets"].values():
            asset = self.store.get(ASSET, asset_id)
            asset["status"] = "failed"
            self.store.put(ASSET, asset_id, asset, recording["id"])
        recording["_"]["transcription_failed"] = True
        self._save_job(recording)
        # Exactly the webhook table's fields (it has none for a reason): each asset's id, path and
        # link, as for a success; the files were not made, so the links lead to nothing.
        fields = self._transcription_fields(recording, duration)
        for name, asset_id in recording["_"]["transcription_assets"].items():
            asset = self.store.get(ASSET, asset_id)
            fields.update({f"{name}_asset_id": asset_id, f"{name}_path": asset["path"],
                           f"{name}_presigned_url": self._webhook_link(asset)})
        self._notify(recording, self.setting("transcription_failure_event"), fields)
        return recording

    # A transcription runs on a recording or on a live stream's VOD: both are "jobs".
    def _job(self, job_id: str) -> dict | None:
        return self.store.get(RECORDING, job_id) or self.store.get(STREAM, job_id)

    def _save_job(self, job: dict) -> None:
        self.store.put(STREAM if "kind" in job else RECORDING, job["id"], job, job["room_id"])

    def _job_duration(self, job: dict) -> int:
        return self._stream_duration(job) if "kind" in job else self._duration(job)

    def segments(self, recording: dict, duration: int) -> list[Segment]:
        session = self.store.get(SESSION, recording["session_id"])
        people = [p for p in session["peers"].values() if p["role"] != RECORDER]
        speakers = tuple({"name": p["name"], "peer_id": p["id"], "role": p["role"]} for p in people)
        vocabulary = tuple(recording["_"]["transcription"].get("custom_vocabulary") or ())
        return speech(self.engine.config.seed, f"{NAME}:{recording['id']}", [Room("main", 0, max(duration, 1), speakers)],
                      extra_terms=vocabulary)

    def _beam_fields(self, recording: dict, state: str) -> dict:
        now = self.clock.now()
        return {"beam_id": recording["_"]["beam_id"], "job_id": recording["id"], "room_id": recording["room_id"],
                "session_id": recording["session_id"], "peer_id": recording["_"]["beam_peer"],
                "template_id": self.template_id, "metadata_id": self._uuid(), "metadata_timestamp": iso(now),
                "recording_enabled": True, "start_delay": 0, "state_name": state, "state_timestamp": iso(now),
                "max_width": recording["_"]["resolution"]["width"], "max_height": recording["_"]["resolution"]["height"],
                "meeting_url": recording["meeting_url"], "rtmp": [], "session_started_at": self._session_started(recording)}

    def _transcription_fields(self, recording: dict, duration: int) -> dict:
        return {"account_id": self.customer_id, "app_id": self.app_id, "recording_id": recording["id"],
                "room_id": recording["room_id"], "session_id": recording["session_id"], "transcription_id": recording["_"]["transcription_id"],
                "metadata_id": self._uuid(), "metadata_timestamp": iso(self.clock.now()), "duration": duration}

    def _session_started(self, recording: dict) -> str:
        return self.store.get(SESSION, recording["session_id"])["created_at"]
