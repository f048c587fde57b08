"""Recordings 100ms's SFU makes by itself, as the room's template configures them (its recording
configuration): each peer's tracks (``trackRecording``: webm per audio and video track) and streams
(``streamRecording``: mp4 per peer), the SFU's composite of the session (``customComposite``: mp4
and the chat CSV when the session closes), and Beam's recording started at the first join
(``browserComposite.autoStart``). They are recording assets (types ``track``, ``stream`` and
``room-composite``) of one job per session, whose id is the webhooks' ``recording_id``. The
control API can make them fail. A part of ``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from ...core.clock import iso, parse_iso
from ...core.errors import Conflict
from ...core.ids import stable_int
from .constants import ACTIVE, RECORDER, RECORDING, ROOM, SESSION, TEMPLATE

FAILURES = {"INPUT_ERROR": "No input streams available to create recording",
            "CLOUD_ACCESS_ERROR": "Error accessing cloud bucket. Please make sure upload config is correct"}


class Sfu:
    def _recording_config(self, room: dict) -> dict:
        template = self.store.get(TEMPLATE, room["template_id"]) or {}
        configs = template.get("recordings") or []
        return configs[0] if configs else {}

    def _sfu_job(self, session: dict) -> dict:
        """The session's SFU recording job: what its assets hang from."""
        job_id = session.setdefault("_sfu", {}).setdefault("job_id", self._oid(RECORDING))
        return {"id": job_id, "room_id": session["room_id"], "session_id": session["id"], "_": {}}

    def fail_sfu(self, session_id: str, kind: str, error_type: str | None, message: str | None) -> dict:
        """The session's composite, track or stream recordings will fail (control API)."""
        with self.store.transaction():
            session = self.session(session_id)
            if not session["active"]:
                raise Conflict(f"session {session_id} has ended: its recordings are done")
            session.setdefault("_sfu", {}).setdefault("fail", {})[kind] = {"error_type": error_type,
                                                                           "message": message}
            return self.store.put(SESSION, session_id, session, session["room_id"])

    # -- called by sessions.py ----------------------------------------------------------
    def _sfu_joined(self, session: dict, peer_id: str) -> None:
        room = self.store.get(ROOM, session["room_id"])
        config = self._recording_config(room)
        if (config.get("trackRecording") or {}).get("enabled"):
            for track in session["_live"][peer_id]["tracks"].values():
                self._notify_room(room["id"], "track.recording.started.success", {
                    "room_id": room["id"], "session_id": session["id"], "peer_id": peer_id,
                    "stream_id": track["stream_id"], "track_id": track["id"], "track_type": track["type"]})
        browser = (config.get("compositeRecording") or {}).get("browserComposite") or {}
        first = len([p for p in session["peers"].values() if p["role"] != RECORDER]) == 1
        if browser.get("autoStart") and first and room["enabled"] and not any(
                r["status"] in ACTIVE + ("stopping",) for r in self.store.find(RECORDING, room["id"])):
            self.start_recording(room["id"], {})

    def _sfu_left(self, session: dict, peer_id: str) -> None:
        room = self.store.get(ROOM, session["room_id"])
        config = self._recording_config(room)
        tracks, streams = (config.get(k) or {} for k in ("trackRecording", "streamRecording"))
        if not (tracks.get("enabled") or streams.get("enabled")):
            return
        peer = session["peers"][peer_id]
        duration = int(parse_iso(peer["left_at"]) - parse_iso(peer["joined_at"]))
        job = self._sfu_job(session)
        failing = session.get("_sfu", {}).get("fail", {})
        folder = f"s3://100ms-emulator/{self.customer_id}/sfu/{room['id']}/{session['id']}/{peer_id}"
        live = session["_live"][peer_id]["tracks"]
        if tracks.get("enabled"):
            for track in live.values():
                kind = "webm_opus" if track["type"] == "audio" else "webm_vp8"
                path = f"{folder}/{track['id']}.webm"
                data = {"room_id": room["id"], "session_id": session["id"], "peer_id": peer_id,
                        "stream_id": track["stream_id"], "track_id": track["id"], "track_type": track["type"]}
                self._sfu_outcome(job, "track", path, kind, duration, data, failing.get("track"))
        if streams.get("enabled"):
            stream_id = next(iter(live.values()))["stream_id"]
            data = {"room_id": room["id"], "session_id": session["id"], "peer_id": peer_id, "stream_id": stream_id,
                    "user_id": peer["user_id"], "type": "regular"}
            self._sfu_outcome(job, "stream", f"{folder}/{stream_id}.mp4", "mp4", duration, data, failing.get("stream"))
        self.store.put(SESSION, session["id"], session, session["room_id"])

    def _sfu_outcome(self, job: dict, kind: str, path: str, media_kind: str, duration: int, data: dict,
                     failure: dict | None) -> None:
        event = f"{kind}.recording"
        data = {**data, "duration": duration, "recording_id": job["id"], "recording_path": path}
        if failure:
            self._notify_room(data["room_id"], f"{event}.failure", {
                **data, "size": 0, "error_message": failure.get("message") or failure.get("error_type") or "INTERNAL_ERROR"})
            return
        asset = self._asset(job, kind, "processing", path, None, None, duration, {})
        seed = stable_int(self.engine.config.seed, asset["id"])
        asset = self._complete_media(asset["id"], duration, seed, media_kind)
        self._notify_room(data["room_id"], f"{event}.success", {
            **data, "size": asset["size"], "recording_presigned_url": self._webhook_link(asset)})

    def _sfu_closed(self, session: dict) -> None:
        room = self.store.get(ROOM, session["room_id"])
        custom = ((self._recording_config(room).get("compositeRecording") or {}).get("customComposite") or {})
        if not custom.get("enabled"):
            return
        now = self.clock.now()
        fields = {"room_id": room["id"], "room_name": room["name"], "session_id": session["id"],
                  "template_id": room["template_id"], "session_started_at": session["created_at"],
                  "session_stopped_at": iso(now)}
        failure = session.get("_sfu", {}).get("fail", {}).get("composite")
        if failure:
            error_type = failure.get("error_type") or "CONFIG_ERROR"
            self._notify_room(room["id"], "recording.failed", {
                **fields, "error_type": error_type,
                "error": failure.get("message") or FAILURES.get(error_type, "INTERNAL_ERROR")}, version="1.0")
            return
        job = self._sfu_job(session)
        duration = int(now - parse_iso(session["created_at"]))
        day = datetime.fromtimestamp(now, tz=timezone.utc).strftime("%Y%m%d")
        folder = f"s3://100ms-emulator/{self.customer_id}/sfu/{room['id']}/{day}"
        composite = self._asset(job, "room-composite", "processing", f"{folder}/{session['id']}.mp4", None, None,
                                duration, {})
        composite = self._complete_media(composite["id"], duration, stable_int(self.engine.config.seed, composite["id"]))
        chat = self._asset(job, "chat", "completed", f"{folder}/{session['id']}-chat.csv", _chat(session),
                           "text/csv", 0, {})
        self.store.put(SESSION, session["id"], session, session["room_id"])
        self._notify_room(room["id"], "recording.success", {
            **fields, "duration": duration, "size": composite["size"], "recording_path": composite["path"],
            "recording_presigned_url": self._webhook_link(composite), "chat_recording_path": chat["path"],
            "chat_recording_presigned_url": self._webhook_link(chat)}, version="1.0")


def _chat(session: dict) -> bytes:
    """The session's chat as the SFU writes it: the messages sent through the active-room API."""
    start = parse_iso(session["created_at"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["timestamp", "peer_id", "name", "role", "message"])
    for message in session.get("_messages", []):
        writer.writerow([f"{parse_iso(message['sent_at']) - start:.3f}", "", "api", "", message["message"]])
    return out.getvalue().encode()

