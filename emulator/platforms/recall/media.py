"""Recall.ai recordings and their media artifacts after the call: processing, download files,
async transcripts, deletion and retention, reading. A part of ``Recall`` (models.py). No HTTP here."""
from __future__ import annotations

import json
from uuid import NAMESPACE_URL, uuid5
from typing import Any

from ...core.clock import iso
from ...core.content import Room, speech
from ...core.errors import Conflict, Invalid
from ...core.ids import stable_int
from ...core.media import CONTENT_TYPES, encode_mp3, media_seconds, speech_pcm
from ...core.tenancy import visible
from ...core.model import due
from . import files
from .constants import ARTIFACT, BOT, ENDED, LINK_LIFETIME, MAX_TRANSCRIPTS, NAME, RECORDING, screenshot_key


FAILURE_MESSAGES = {"internal_error": "Internal server error occurred during recording",
                    "bot_errored": "The bot ran into an unexpected error while recording"}

AUDIO_RATE = 16000  # Recall's raw audio: 16 kHz mono S16LE


class Media:
    # -- after the call --------------------------------------------------------------------
    @due("processed")
    def _on_processed(self, payload: dict) -> None:
        recording = self.store.get(RECORDING, payload["recording"])
        if recording is None or recording["status"]["code"] not in ("processing", "paused"):
            return
        bot = self.store.get(BOT, recording["bot_id"])
        now = self.clock.now()
        for kind, ids in recording["artifacts"].items():
            for artifact_id in ids:
                self._produce(self.store.get(ARTIFACT, artifact_id), recording, bot)
        recording["status"] = {"code": "done", "sub_code": None, "updated_at": iso(now)}
        self.store.put(RECORDING, recording["id"], recording, bot["id"])
        self._recording_webhook(recording, "recording.done")
        self._settle_bot(bot)

    def _produce(self, artifact: dict, recording: dict, bot: dict) -> None:
        """Write an artifact's files and mark it done."""
        kind, origin = artifact["kind"], recording["started_at"]
        duration = max(1.0, (recording["completed_at"] or self.clock.now()) - origin)
        seed = stable_int(self.engine.config.seed, artifact["id"])
        people = {p["id"]: p for p in bot["participants"]}
        folder = f"{NAME}/{recording['id']}/{kind}/{artifact['id']}"
        if kind == "video_mixed":
            self._put_media(artifact, "video.mp4", f"{folder}/video.mp4", "mp4", duration, seed)
        elif kind == "audio_mixed":  # the call's speech, at the speaker timeline's turns (made when downloaded)
            name = f"audio.{artifact['format']}"
            self.engine.links.put_rendered(f"{folder}/{name}", f"{NAME}.audio", {"artifact": artifact["id"]},
                                           CONTENT_TYPES[artifact["format"]], name)
            artifact["keys"][name] = f"{folder}/{name}"
        elif kind == "participant_events":
            for name in ("participant_events.json", "speaker_timeline.json", "participants.json"):
                self._put_file(artifact, name, f"{folder}/{name}")
        elif kind == "transcript":
            artifact["provider_part"] = {"id": self._uuid("part"), "created": self.clock.now()}
            for name in ("transcript.json", "provider_data.json"):
                self._put_file(artifact, name, f"{folder}/{name}")
        elif kind in ("video_separate", "audio_separate"):
            for person in people.values():
                part_id = self._uuid("part")
                video = kind == "video_separate"
                ext = "mp4" if video else artifact["format"]
                key = f"{folder}/{part_id}.{ext}"
                self.engine.links.put_media(key, ext, duration, seed + person["id"], f"{part_id}.{ext}")
                artifact["parts"].append({"id": part_id, "participant_id": person["id"], "key": key,
                                          "start": max(origin, person["joined"]),
                                          "duration": round((person["left"] or origin + duration) - max(origin, person["joined"]), 3)})
            artifact["keys"]["parts.json"] = f"{folder}/parts.json"
        self._set_status(artifact, recording, "done")

    def _put_file(self, artifact: dict, name: str, key: str) -> None:
        self.engine.links.put_rendered(key, f"{NAME}.file", {"artifact": artifact["id"], "name": name},
                                       "application/json", name)
        artifact["keys"][name] = key

    def render_file(self, args: dict) -> bytes:
        """A download file of an artifact, made from the call's state when it is downloaded."""
        artifact = self.store.get(ARTIFACT, args["artifact"])
        recording = self.store.get(RECORDING, artifact["recording_id"])
        bot = self.store.get(BOT, recording["bot_id"])
        origin = recording["started_at"]
        duration = max(1.0, (recording["completed_at"] or origin) - origin)
        people = {p["id"]: p for p in bot["participants"]}
        name = args["name"]
        if name == "participant_events.json":
            return _json(files.participant_events(self._all_participant_events(bot, recording), origin))
        if name == "speaker_timeline.json":
            return _json(files.speaker_timeline(self.segments(bot, duration), people, origin))
        if name == "participants.json":
            return _json(files.participants(list(people.values())))
        provider = next(iter(artifact["provider"]))
        said = self.segments(bot, duration, provider)
        if name == "transcript.json":
            return _json(files.transcript(said, people))
        part = artifact["provider_part"]
        return _json(files.provider_data(part["id"], part["created"], provider, said))

    def render_audio(self, args: dict) -> bytes:
        """The mixed audio file: each speaker's voice during exactly the turns of the recording's
        speaker timeline (the same speech the live audio streams), silence between; capped in
        length like every media file, raw 16 kHz S16LE or MP3."""
        artifact = self.store.get(ARTIFACT, args["artifact"])
        recording = self.store.get(RECORDING, artifact["recording_id"])
        bot = self.store.get(BOT, recording["bot_id"])
        origin = recording["started_at"]
        duration = max(1.0, (recording["completed_at"] or origin) - origin)
        seed = self.engine.config.seed
        turns = [(origin + s.start, origin + s.end, seed + s.speaker["id"]) for s in self.segments(bot, duration)]
        pcm = speech_pcm(turns, origin, origin + media_seconds(duration), AUDIO_RATE)
        return encode_mp3(pcm, AUDIO_RATE) if artifact["format"] == "mp3" else pcm

    def _all_participant_events(self, bot: dict, recording: dict) -> list[dict]:
        """Joins and leaves as they happened, with the speech, webcams, screenshare and chat of the
        simulated meeting while the recording ran."""
        end = recording["completed_at"] or self.clock.now()
        people = {p["id"]: p for p in bot["participants"]}
        events = [{**{k: v for k, v in e.items() if k != "who"},  # a state file may hold the participant itself
                   "participant": e.get("participant") or files.participant(people[e["who"]])}
                  for e in bot["events"] if e["at"] <= end]
        for i, moment in enumerate(self.meeting_moments(bot, recording["started_at"])):
            person = people.get(moment["who"])
            if not moment["event"].startswith("participant_events.") or moment["at"] > end or person is None \
                    or (person["left"] is not None and person["left"] < moment["at"]):
                continue
            events.append({"id": str(uuid5(NAMESPACE_URL, f"{recording['id']}:{i}")),
                           "action": moment["event"].split(".", 1)[1], "participant": files.participant(person),
                           "at": moment["at"], "data": moment.get("data")})
        # at one instant (speech cut off by the meeting's end): speech stops, then the camera, then the leave
        return sorted(events, key=lambda e: (e["at"], END_ORDER.get(e["action"], 1)))

    def _put_media(self, artifact: dict, name: str, key: str, kind: str, duration: float, seed: int) -> None:
        self.engine.links.put_media(key, kind, duration, seed, name)
        artifact["keys"][name] = key

    def _set_status(self, artifact: dict, recording: dict, code: str, sub_code: str | None = None) -> None:
        artifact["status"] = {"code": code, "sub_code": sub_code, "updated_at": iso(self.clock.now())}
        self.store.put(ARTIFACT, artifact["id"], artifact, recording["id"])
        self._artifact_webhook(artifact, recording, code)

    def create_transcript(self, recording_id: str, body: dict) -> dict:
        with self.store.transaction():
            recording = self.recording(recording_id)
            if recording["status"]["code"] != "done":
                raise Invalid("The recording is not done yet.", {"code": "recording_not_done"})
            existing = recording["artifacts"].get("transcript", [])
            if len(existing) >= MAX_TRANSCRIPTS:
                raise Invalid(f"A recording can have at most {MAX_TRANSCRIPTS} transcripts.",
                              {"code": "too_many_transcripts"})
            artifact_id = self._artifact(recording, "transcript", recording["config"], provider=body["provider"])
            artifact = self.store.get(ARTIFACT, artifact_id)
            artifact["metadata"] = body.get("metadata") or {}
            if body.get("diarization"):
                artifact["diarization"] = body["diarization"]
            self.store.put(ARTIFACT, artifact_id, artifact, recording_id)
            recording["artifacts"].setdefault("transcript", []).append(artifact_id)
            self.store.put(RECORDING, recording_id, recording, recording["bot_id"])
            self.after(self.setting("transcript_seconds"), "transcribed", {"artifact": artifact_id})
            return artifact

    @due("transcribed")
    def _on_transcribed(self, payload: dict) -> None:
        artifact = self.store.get(ARTIFACT, payload["artifact"])
        if artifact is None or artifact["status"]["code"] != "processing":
            return
        recording = self.store.get(RECORDING, artifact["recording_id"])
        self._produce(artifact, recording, self.store.get(BOT, recording["bot_id"]))

    # -- failures (control API) ------------------------------------------------------------
    def fail_recording(self, recording_id: str, sub_code: str) -> dict:
        """The recording could not be captured: it and its unfinished artifacts fail (recording.failed,
        <artifact>.failed); a bot that has left is done once nothing is left to process."""
        with self.store.transaction():
            recording = self.recording(recording_id)
            if recording["status"]["code"] not in ("processing", "paused"):
                raise Conflict(f"The recording is {recording['status']['code']}: only one in progress can fail.")
            self._fail_recording(recording, sub_code)
            return recording

    def _fail_recording(self, recording: dict, sub_code: str) -> None:
        now = self.clock.now()
        recording["completed_at"] = recording["completed_at"] or now
        for ids in recording["artifacts"].values():
            for artifact_id in ids:
                artifact = self.store.get(ARTIFACT, artifact_id)
                if artifact["status"]["code"] == "processing":
                    self._set_status(artifact, recording, "failed", sub_code)
        recording["status"] = {"code": "failed", "sub_code": sub_code, "updated_at": iso(now)}
        self.store.put(RECORDING, recording["id"], recording, recording["bot_id"])
        self._close_endpoints(recording, "done")
        self._recording_webhook(recording, "recording.failed", error={
            "code": sub_code.upper(), "message": FAILURE_MESSAGES.get(sub_code, "The recording failed.")})
        self._settle_bot(self.store.get(BOT, recording["bot_id"]))

    def fail_artifact(self, artifact_id: str, sub_code: str | None) -> dict:
        """One artifact fails (transcript.failed with a provider_connection_failed sub_code, say)."""
        with self.store.transaction():
            artifact = self.require(ARTIFACT, artifact_id, "Not found.")
            if artifact["status"]["code"] != "processing":
                raise Conflict(f"The artifact is {artifact['status']['code']}: only one processing can fail.")
            self._set_status(artifact, self.store.get(RECORDING, artifact["recording_id"]), "failed", sub_code)
            return artifact

    def _settle_bot(self, bot: dict) -> None:
        """A bot that has left becomes done when none of its recordings is still to be processed."""
        if self.status(bot) == "call_ended" and not any(
                r["status"]["code"] in ("processing", "paused") for r in self.store.find(RECORDING, bot["id"])):
            self._change(bot, "done")

    # -- metadata --------------------------------------------------------------------------
    def update_recording(self, recording_id: str, body: dict) -> dict:
        with self.store.transaction():
            recording = self.recording(recording_id)
            recording["metadata"] = merge_metadata(recording["metadata"], body.get("metadata") or {})
            return self.store.put(RECORDING, recording_id, recording, recording["bot_id"])

    def update_artifact(self, artifact_id: str, kind: str, body: dict) -> dict:
        with self.store.transaction():
            artifact = self.artifact(artifact_id, kind)
            artifact["metadata"] = merge_metadata(artifact["metadata"], body.get("metadata") or {})
            return self.store.put(ARTIFACT, artifact_id, artifact, artifact["recording_id"])

    # -- deletion and retention ------------------------------------------------------------
    def delete_artifact(self, artifact_id: str, kind: str) -> None:
        with self.store.transaction():
            artifact = self.artifact(artifact_id, kind)
            self._delete_files(artifact)
            self._set_status(artifact, self.store.get(RECORDING, artifact["recording_id"]), "deleted")

    def delete_recording(self, recording_id: str, reason: str = "deleted") -> None:
        with self.store.transaction():
            recording = self.recording(recording_id)
            self._delete_recording(recording)

    def _delete_recording(self, recording: dict) -> None:
        for ids in recording["artifacts"].values():
            for artifact_id in ids:
                artifact = self.store.get(ARTIFACT, artifact_id)
                if artifact["status"]["code"] != "deleted":
                    self._delete_files(artifact)
                    self._set_status(artifact, recording, "deleted")
        recording["status"] = {"code": "deleted", "sub_code": None, "updated_at": iso(self.clock.now())}
        self.store.put(RECORDING, recording["id"], recording, recording["bot_id"])
        self._recording_webhook(recording, "recording.deleted")

    def delete_media(self, bot_id: str) -> dict:
        """Every recording, artifact and screenshot of a bot that has left the call. Recall does not
        say what happens to a bot still in the call: the emulator refuses, as for other commands
        that need a settled bot, rather than cut a recording short."""
        with self.store.transaction():
            bot = self.bot(bot_id)
            status = self.status(bot)
            if status is not None and status not in ENDED:
                raise Invalid("Cannot delete the media of a bot that is still in the call; remove it first "
                              "(leave_call).", {"code": "cannot_delete_media_of_active_bot"})
            for recording in self.store.find(RECORDING, bot_id):
                if recording["status"]["code"] != "deleted":
                    self._delete_recording(recording)
            for shot in bot.get("screenshots", []):
                self.engine.links.delete(screenshot_key(bot_id, shot["id"]))
            bot["screenshots"] = []
            self.store.put(BOT, bot_id, bot)
            return self.bot(bot_id)

    @due("expire")
    def _on_expire(self, payload: dict) -> None:
        recording = self.store.get(RECORDING, payload["recording"])
        if recording is None or recording["status"]["code"] == "deleted":
            return
        self._delete_recording(recording)
        bot = self.store.get(BOT, recording["bot_id"])
        if self.status(bot) == "done":  # a recording that expires while the bot is still busy ends quietly
            self._change(bot, "media_expired")

    def _delete_files(self, artifact: dict) -> None:
        for key in artifact["keys"].values():
            self.engine.links.delete(key)
        for part in artifact["parts"]:
            self.engine.links.delete(part["key"])
        artifact["keys"], artifact["parts"] = {}, []

    # -- reading ---------------------------------------------------------------------------
    def recording(self, recording_id: str) -> dict:
        recording = self.require(RECORDING, recording_id, "Not found.",
                                 where=lambda recording: visible(self.workspace_of(recording_id)))
        return recording

    def recordings(self) -> list[dict]:
        return [r for r in self.store.find(RECORDING) if visible(self.workspace_of(r["id"]))]

    def artifact(self, artifact_id: str, kind: str) -> dict:
        artifact = self.require(ARTIFACT, artifact_id, "Not found.",
                                where=lambda artifact: artifact["kind"] == kind
                                                        and visible(self.workspace_of(artifact["recording_id"])))
        return artifact

    def artifacts(self, kind: str) -> list[dict]:
        return [a for a in self.store.find(ARTIFACT)
                if a["kind"] == kind and visible(self.workspace_of(a["recording_id"]))]

    def segments(self, bot: dict, duration: float, provider: str = "") -> list:
        speakers = tuple({"id": p["id"], "name": p["name"]} for p in bot["participants"]) or ({"id": 100, "name": "Guest"},)
        return speech(self.engine.config.seed, f"{NAME}:{bot['id']}", [Room("main", 0, max(duration, 1), speakers)],
                      wording=provider)

    def link(self, key: str | None) -> str | None:
        return self.engine.links.mint(key, LINK_LIFETIME) if key else None

    def parts_link(self, artifact: dict) -> str | None:
        """The parts file lists a fresh link per part, so it is written anew whenever it is linked."""
        if artifact["status"]["code"] != "done" or "parts.json" not in artifact["keys"]:
            return None
        recording = self.store.get(RECORDING, artifact["recording_id"])
        bot = self.store.get(BOT, recording["bot_id"])
        people = {p["id"]: p for p in bot["participants"]}
        parts = [{"id": p["id"], "participant": people[p["participant_id"]], "start": p["start"],
                  "duration": p["duration"], "download_url": self.link(p["key"])} for p in artifact["parts"]]
        content = _json(files.separate_parts(parts, recording["started_at"], artifact["kind"] == "video_separate"))
        self.engine.links.put(artifact["keys"]["parts.json"], content, "application/json", "parts.json")
        return self.link(artifact["keys"]["parts.json"])


END_ORDER = {"speech_off": 0, "leave": 2}


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def merge_metadata(current: dict, changes: dict) -> dict:
    """A metadata PATCH as a JSON merge patch: keys given are set, a null value removes its key."""
    out = dict(current)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out
