"""100ms's state and rules: rooms, sessions, recordings and their assets, transcription and
summaries, webhooks. No HTTP here."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ...core import media
from ...core.clock import iso, parse_iso
from ...core.content import Room, Segment, person_name, speech
from ...core.errors import Conflict, Invalid, NotFound
from ...core.ids import stable_int
from ...core.webhooks import RetryPolicy
from . import files

if TYPE_CHECKING:
    from ...core.engine import Engine

NAME = "100ms"
ROOM, ROOM_NAME, SESSION, RECORDING, ASSET = (f"{NAME}.{k}" for k in ("room", "room_name", "session", "recording",
                                                                        "asset"))
WEBHOOK_LINK_LIFETIME = 24 * 3600  # *_presigned_url fields in webhooks
DEFAULT_PRESIGN = 3 * 24 * 3600  # presigned-url endpoint without presign_duration
ACTIVE = ("starting", "running")
SETTINGS: dict[str, Any] = {
    "access_key": "6500000000000000000000aa",
    "app_secret": "emulator-app-secret-change-me-0123456789",
    "starting_seconds": 3,  # start to running
    "stopping_seconds": 2,  # stop to post_processing
    "post_processing_seconds": 8,  # post_processing to completed
    "transcription_min_seconds": 300,  # the real minimum: 5 minutes, or 20 % of the duration if longer
    "max_duration_seconds": 14400,  # the template's maxDuration: 4 hours
    "last_peer_left_seconds": 300,  # the recording stops 5 minutes after the last peer left
    "session_seconds": 600,  # how long the simulated people stay
    "peers": 2,
    "webhook_url": None,  # the workspace webhook (a room's own webhook replaces it)
    "webhook_headers": {},
}
# Three retries, 1 s, 3 s and 10 s apart, whenever the receiver does not answer 200.
RETRY_POLICY = RetryPolicy(delays=(1, 3, 10), timeout=30, accepted=lambda status: status == 200)


def fixed_object_id(seed: int, kind: str) -> str:
    """The ObjectId of something that exists before the emulator starts (account, app, template)."""
    digest = hashlib.sha256(f"{NAME}:{seed}:{kind}".encode()).hexdigest()
    return "64" + digest[:22]


def seconds_iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Hms:
    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self.store = engine.store
        self.clock = engine.clock
        self.customer_id, self.app_id, self.template_id = (fixed_object_id(engine.config.seed, kind)
                                                           for kind in ("customer", "app", "template"))
        engine.webhooks.register_policy(NAME, RETRY_POLICY)
        for action in ("running", "stopped", "completed", "transcribed", "auto_stop", "peer_leave"):
            engine.timeline.register(f"{NAME}.{action}", getattr(self, f"_on_{action}"), self._recover)

    def setting(self, name: str) -> Any:
        return self.engine.setting(NAME, name, SETTINGS[name])

    def _uuid(self) -> str:
        return self.engine.ids.uuid(f"{NAME}.uuid")

    def _oid(self, kind: str) -> str:
        return self.engine.ids.object_id(kind, self.clock.now())

    # -- rooms -----------------------------------------------------------------------------
    def create_room(self, body: dict) -> dict:
        """Create a room, or update the one with that name (100ms's create-or-update)."""
        with self.store.transaction():
            now = iso(self.clock.now())
            existing_id = self.store.get(ROOM_NAME, body["name"]) if "name" in body else None
            room = self.store.get(ROOM, existing_id["id"]) if existing_id else None
            if room is None:
                room_id = self._oid(ROOM)
                room = {"id": room_id, "name": body.get("name") or f"room-{room_id[-8:]}", "enabled": True,
                        "description": "", "customer_id": self.customer_id, "app_id": self.app_id,
                        "recording_info": {"enabled": True}, "template_id": self.template_id,
                        "template": "emulator-template", "region": "auto", "created_at": now, "webhook": None}
            for field in ("description", "template_id", "region", "large_room", "size", "max_duration_seconds",
                          "webhook"):
                if field in body:
                    room[field] = body[field]
            if "enabled" in body.get("recording_info", {}):
                room["recording_info"] = {"enabled": body["recording_info"]["enabled"]}
            room["updated_at"] = now
            self.store.put(ROOM, room["id"], room)
            self.store.put(ROOM_NAME, room["name"], {"id": room["id"]})
            return room

    def room(self, room_id: str) -> dict:
        room = self.store.get(ROOM, room_id)
        if room is None:
            raise NotFound(f"room not found: {room_id}")
        return room

    def rooms(self) -> list[dict]:
        return self.store.find(ROOM)

    # -- sessions and peers ----------------------------------------------------------------
    def start_session(self, room_id: str, peers: Any = None, duration: float | None = None) -> dict:
        """People join the room now (a session starts if none is active) and leave after ``duration``."""
        with self.store.transaction():
            self.room(room_id)
            session = self.active_session(room_id) or self._new_session(room_id)
            count = peers if isinstance(peers, int) else self.setting("peers")
            names = peers if isinstance(peers, list) else [
                person_name(self.engine.config.seed, f"{session['id']}:{i}") for i in range(count)]
            stay = duration if duration is not None else self.setting("session_seconds")
            for i, name in enumerate(names):
                peer = self._join(session, name, "host" if i == 0 else "guest")
                self.engine.timeline.after(stay, f"{NAME}.peer_leave", {"session": session["id"], "peer": peer})
            return self.store.get(SESSION, session["id"])

    def _new_session(self, room_id: str) -> dict:
        now = iso(self.clock.now())
        session = {"id": self._oid(SESSION), "room_id": room_id, "customer_id": self.customer_id, "active": True,
                   "peers": {}, "created_at": now, "updated_at": now}
        return self.store.put(SESSION, session["id"], session, room_id)

    def _join(self, session: dict, name: str, role: str) -> str:
        session = self.store.get(SESSION, session["id"])
        peer_id = self._uuid()
        session["peers"][peer_id] = {"id": peer_id, "session_id": session["id"], "name": name, "role": role,
                                     "user_id": f"user-{peer_id[:8]}", "joined_at": iso(self.clock.now()),
                                     "left_at": None}
        session["active"] = True
        session["updated_at"] = iso(self.clock.now())
        self.store.put(SESSION, session["id"], session, session["room_id"])
        return peer_id

    def end_session(self, session_id: str) -> dict:
        with self.store.transaction():
            session = self.session(session_id)
            for peer_id, peer in session["peers"].items():
                if peer["left_at"] is None and peer["role"] != "__internal_recorder":
                    self._on_peer_leave({"session": session_id, "peer": peer_id})
            return self.store.get(SESSION, session_id)

    def _on_peer_leave(self, payload: dict) -> None:
        session = self.store.get(SESSION, payload["session"])
        if session is None or session["peers"].get(payload["peer"], {}).get("left_at", "gone") is not None:
            return
        session["peers"][payload["peer"]]["left_at"] = iso(self.clock.now())
        session["updated_at"] = iso(self.clock.now())
        self.store.put(SESSION, session["id"], session, session["room_id"])
        if not self._people_in(session):
            for recording in self.store.find(RECORDING, session["room_id"]):
                if recording["session_id"] == session["id"] and recording["status"] in ACTIVE:
                    self.engine.timeline.after(self.setting("last_peer_left_seconds"), f"{NAME}.auto_stop",
                                               {"recording": recording["id"], "reason": "last peer left"})
            self._close_if_empty(session)

    def _people_in(self, session: dict) -> list[dict]:
        return [p for p in session["peers"].values() if p["left_at"] is None and p["role"] != "__internal_recorder"]

    def _close_if_empty(self, session: dict) -> None:
        if not any(p["left_at"] is None for p in session["peers"].values()):
            session["active"] = False
            self.store.put(SESSION, session["id"], session, session["room_id"])

    def active_session(self, room_id: str) -> dict | None:
        return next((s for s in self.store.find(SESSION, room_id) if s["active"]), None)

    def session(self, session_id: str) -> dict:
        session = self.store.get(SESSION, session_id)
        if session is None:
            raise NotFound(f"session not found: {session_id}")
        return session

    def sessions(self) -> list[dict]:
        return self.store.find(SESSION)

    # -- recordings ------------------------------------------------------------------------
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
            running = [r for r in self.store.find(RECORDING, room_id) if r["status"] in ACTIVE + ("stopping",)]
            if running:
                raise Conflict(f"a recording is already running in room {room_id}: {running[0]['id']}")
            session = self.active_session(room_id)
            if session is None or not self._people_in(session):
                session = self.start_session(room_id)
            beam_peer = self._join(session, "Beam", "__internal_recorder")
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
            self.engine.timeline.after(self.setting("starting_seconds"), f"{NAME}.running", {"recording": recording_id})
            return recording

    def recording(self, recording_id: str) -> dict:
        recording = self.store.get(RECORDING, recording_id)
        if recording is None:
            raise NotFound(f"recording not found: {recording_id}")
        return recording

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
        recording["_"]["reason"] = reason
        recording["_"]["stop_requested"] = now
        if recording["_"]["paused_at"] is not None:
            recording["_"]["paused_total"] += now - recording["_"]["paused_at"]
            recording["_"]["paused_at"] = None
        recording.update(status="stopping", updated_at=iso(now))
        self.store.put(RECORDING, recording["id"], recording, recording["room_id"])
        self.engine.timeline.after(self.setting("stopping_seconds"), f"{NAME}.stopped", {"recording": recording["id"]})
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
            if pause:
                recording["_"]["paused_at"] = now
            else:
                recording["_"]["paused_total"] += now - recording["_"]["paused_at"]
                recording["_"]["paused_at"] = None
            recording["updated_at"] = iso(now)
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
                return self._fail_transcription(recording, message or "transcription failed")
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

    def _on_running(self, payload: dict) -> None:
        recording = self.store.get(RECORDING, payload["recording"])
        if recording is None or recording["status"] != "starting":
            return
        now = self.clock.now()
        recording.update(status="running", started_at=iso(now), updated_at=iso(now))
        self.store.put(RECORDING, recording["id"], recording, recording["room_id"])
        self._notify(recording, "beam.started.success", self._beam_fields(recording, "Started"))
        self.engine.timeline.after(self.setting("max_duration_seconds"), f"{NAME}.auto_stop",
                                   {"recording": recording["id"], "reason": "max duration reached"})
        session = self.store.get(SESSION, recording["session_id"])
        if not self._people_in(session):  # everyone left while it was starting
            self.engine.timeline.after(self.setting("last_peer_left_seconds"), f"{NAME}.auto_stop",
                                       {"recording": recording["id"], "reason": "last peer left"})

    def _on_auto_stop(self, payload: dict) -> None:
        recording = self.store.get(RECORDING, payload["recording"])
        if recording is None or recording["status"] not in ACTIVE:
            return
        if payload["reason"] == "last peer left":
            session = self.store.get(SESSION, recording["session_id"])
            if self._people_in(session):
                return  # someone came back
        self._stop(recording, payload["reason"])

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
        self.engine.timeline.after(self.setting("post_processing_seconds"), f"{NAME}.completed",
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
        self.store.put(RECORDING, recording["id"], recording, recording["room_id"])
        self._notify(recording, "transcription.started.success", {
            **self._transcription_fields(recording, duration), **{f"{n}_asset_id": i for n, i in assets.items()}})
        delay = max(self.setting("transcription_min_seconds"), 0.2 * duration)
        self.engine.timeline.after(delay, f"{NAME}.transcribed", {"recording": recording["id"]})

    def _on_transcribed(self, payload: dict) -> None:
        recording = self.store.get(RECORDING, payload["recording"])
        if recording is None or recording["_"].get("transcribed") or recording["_"].get("transcription_failed"):
            return
        duration = self._duration(recording)
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
        self.store.put(RECORDING, recording["id"], recording, recording["room_id"])
        self._notify(recording, "transcription.success", fields)

    def _fail_transcription(self, recording: dict, message: str) -> dict:
        duration = self._duration(recording)
        for asset_id in recording["_"]["transcription_assets"].values():
            asset = self.store.get(ASSET, asset_id)
            asset["status"] = "failed"
            self.store.put(ASSET, asset_id, asset, recording["id"])
        recording["_"]["transcription_failed"] = True
        self.store.put(RECORDING, recording["id"], recording, recording["room_id"])
        self._notify(recording, "transcription.failure", {
            **self._transcription_fields(recording, duration), "error": {"message": message}, "error_message": message,
            **{f"{n}_asset_id": i for n, i in recording["_"]["transcription_assets"].items()}})
        return recording

    def segments(self, recording: dict, duration: int) -> list[Segment]:
        session = self.store.get(SESSION, recording["session_id"])
        people = [p for p in session["peers"].values() if p["role"] != "__internal_recorder"]
        speakers = tuple({"name": p["name"], "peer_id": p["id"], "role": p["role"]} for p in people)
        vocabulary = tuple(recording["_"]["transcription"].get("custom_vocabulary") or ())
        return speech(self.engine.config.seed, f"{NAME}:{recording['id']}", [Room("main", 0, max(duration, 1), speakers)],
                      extra_terms=vocabulary)

    # -- assets ----------------------------------------------------------------------------
    def _asset(self, recording: dict, kind: str, status: str, path: str, content: bytes | None,
               content_type: str | None, duration: int, metadata: dict) -> dict:
        asset = {"id": self._oid(ASSET), "job_id": recording["id"], "room_id": recording["room_id"],
                 "session_id": recording["session_id"], "type": kind, "status": status, "path": path,
                 "size": 0, "duration": duration, "created_at": iso(self.clock.now()), "thumbnails": None,
                 "metadata": metadata}
        self.store.put(ASSET, asset["id"], asset, recording["id"])
        recording["_"].setdefault("asset_ids", []).append(asset["id"])  # read by id, not by a listing
        if content is not None:
            asset = self._complete_asset(asset["id"], content, content_type or "application/octet-stream")
        return asset

    def _complete_asset(self, asset_id: str, content: bytes, content_type: str) -> dict:
        asset = self.store.get(ASSET, asset_id)
        filename = asset["path"].rsplit("/", 1)[-1]
        self.engine.links.put(f"{NAME}/assets/{asset_id}/{filename}", content, content_type, filename)
        asset.update(status="completed", size=len(content))
        return self.store.put(ASSET, asset_id, asset, asset["job_id"])

    def _complete_media(self, asset_id: str, duration: int, seed: int) -> dict:
        """The room-composite mp4: made when downloaded; its size is that of the file it makes."""
        asset = self.store.get(ASSET, asset_id)
        filename = asset["path"].rsplit("/", 1)[-1]
        self.engine.links.put_media(f"{NAME}/assets/{asset_id}/{filename}", "mp4", duration, seed, filename)
        asset.update(status="completed", size=len(media.render("mp4", duration, seed)))
        return self.store.put(ASSET, asset_id, asset, asset["job_id"])

    def asset(self, asset_id: str) -> dict:
        asset = self.store.get(ASSET, asset_id)
        if asset is None:
            raise NotFound(f"asset not found: {asset_id}")
        return asset

    def assets(self) -> list[dict]:
        return self.store.find(ASSET)

    def recording_assets(self, recording: dict) -> list[dict] | None:
        found = [self.store.get(ASSET, asset_id) for asset_id in recording["_"].get("asset_ids", [])]
        embedded = [{k: v for k, v in a.items() if k not in ("job_id", "room_id", "session_id")} for a in found]
        return embedded or None

    def presign(self, asset_id: str, lifetime: int) -> dict:
        asset = self.asset(asset_id)
        if asset["status"] != "completed":
            raise Invalid(f"asset {asset_id} is not completed yet (status {asset['status']})")
        filename = asset["path"].rsplit("/", 1)[-1]
        url = self.engine.links.mint(f"{NAME}/assets/{asset_id}/{filename}", lifetime)
        return {"id": asset_id, "path": asset["path"], "url": url, "expiry": lifetime}

    def _webhook_link(self, asset: dict) -> str:
        filename = asset["path"].rsplit("/", 1)[-1]
        return self.engine.links.mint(f"{NAME}/assets/{asset['id']}/{filename}", WEBHOOK_LINK_LIFETIME)

    # -- webhooks --------------------------------------------------------------------------
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
                "room_id": recording["room_id"], "room_name": recording["_"]["room_name"],
                "session_id": recording["session_id"], "transcription_id": recording["_"]["transcription_id"],
                "metadata_id": self._uuid(), "metadata_timestamp": iso(self.clock.now()), "duration": duration}

    def _session_started(self, recording: dict) -> str:
        return self.store.get(SESSION, recording["session_id"])["created_at"]

    def _notify(self, recording: dict, event: str, data: dict) -> None:
        room = self.store.get(ROOM, recording["room_id"])
        hook = room.get("webhook") or ({"url": self.setting("webhook_url"), "headers": self.setting("webhook_headers")}
                                       if self.setting("webhook_url") else None)
        if not hook:
            return
        envelope = {"version": "2.0", "id": self._uuid(),
                    "app_id": self.app_id, "account_id": self.customer_id, "template_id": self.template_id,
                    "timestamp": seconds_iso(self.clock.now()), "type": event, "data": data}
        self.engine.webhooks.enqueue(NAME, event, hook["url"], envelope, dict(hook.get("headers") or {}),
                                     order_key=recording["room_id"])
