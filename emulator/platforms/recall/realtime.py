"""Recall.ai real-time endpoints: each recording's endpoints as objects (running, done, failed), the
events the simulated meeting emits to them (participants joining and leaving, speech, webcams, a
screenshare, a chat message, transcript utterances and partial results), delivery unsigned and
retried every second, and an endpoint marked failed (with a Svix ``realtime_endpoint.failed``)
once an event gives up. A part of ``Recall`` (models.py). No HTTP here."""
from __future__ import annotations

from ...core.clock import iso
from ...core.tenancy import visible
from ...core.model import due
from . import files
from .media import merge_metadata
from .constants import ARTIFACT, BOT, NAME, REALTIME, RECORDING

# What the simulated meeting does besides joining, leaving and speaking, as fractions of its length.
SCREENSHARE = (0.3, 0.4)  # the host shares a screen
CHAT_AT = 0.2  # the second participant (or the host alone) writes in the chat
CHAT_TEXT = "Hi everyone, can you see my screen?"


class Realtime:
    # -- endpoints as objects --------------------------------------------------------------
    def _open_endpoints(self, bot: dict, recording: dict, config: dict) -> list[str]:
        ids = []
        now = iso(self.clock.now())
        for given in config["realtime_endpoints"]:
            endpoint = {"id": self._uuid("realtime_endpoint"), "recording_id": recording["id"], "bot_id": bot["id"],
                        "type": given["type"], "url": given.get("url"), "events": list(given.get("events") or []),
                        "metadata": dict(given.get("metadata") or {}), "created_at": now,
                        "status": {"code": "running", "sub_code": None, "updated_at": now}}
            self.store.put(REALTIME, endpoint["id"], endpoint, recording["id"])
            self._endpoint_webhook(endpoint, recording)
            ids.append(endpoint["id"])
        return ids

    def _close_endpoints(self, recording: dict, code: str) -> None:
        for endpoint_id in recording["realtime_endpoints"]:
            endpoint = self.store.get(REALTIME, endpoint_id)
            if endpoint is not None and endpoint["status"]["code"] == "running":
                if endpoint["type"] in ("websocket", "rtmp"):
                    self._end_stream(endpoint)  # it sends what is left up to now, then closes (1000)
                self._endpoint_status(endpoint, recording, code)

    def _open_streams(self, bot: dict, recording: dict) -> None:
        """The bot connects to each websocket endpoint (once the recording's artifacts exist: its
        messages name them)."""
        for endpoint_id in recording["realtime_endpoints"]:
            endpoint = self.store.get(REALTIME, endpoint_id)
            if endpoint is not None and endpoint["type"] == "websocket":
                self._open_stream(bot, recording, endpoint)
            elif endpoint is not None and endpoint["type"] == "rtmp" and "video_mixed_flv.data" in endpoint["events"]:
                self._open_rtmp(bot, recording, endpoint)

    def _endpoint_status(self, endpoint: dict, recording: dict, code: str, sub_code: str | None = None,
                         error: dict | None = None) -> None:
        endpoint["status"] = {"code": code, "sub_code": sub_code, "updated_at": iso(self.clock.now())}
        if error:
            endpoint["status"]["error"] = error
        self.store.put(REALTIME, endpoint["id"], endpoint, recording["id"])
        self._endpoint_webhook(endpoint, recording)

    def _endpoint_webhook(self, endpoint: dict, recording: dict) -> None:
        bot = self.store.get(BOT, recording["bot_id"])
        self._webhook(f"realtime_endpoint.{endpoint['status']['code']}", {
            "data": dict(endpoint["status"]),
            "realtime_endpoint": {"id": endpoint["id"], "metadata": endpoint["metadata"]},
            "recording": {"id": recording["id"], "metadata": recording["metadata"]},
            "bot": {"id": bot["id"], "metadata": bot["metadata"]}})

    def realtime_endpoint(self, endpoint_id: str) -> dict:
        endpoint = self.require(REALTIME, endpoint_id, "Not found.",
                                where=lambda endpoint: visible(self.workspace_of(endpoint["recording_id"])))
        return endpoint

    def realtime_endpoints(self) -> list[dict]:
        return [e for e in self.store.find(REALTIME) if visible(self.workspace_of(e["recording_id"]))]

    def update_realtime_endpoint(self, endpoint_id: str, body: dict) -> dict:
        with self.store.transaction():
            endpoint = self.realtime_endpoint(endpoint_id)
            endpoint["metadata"] = merge_metadata(endpoint["metadata"], body.get("metadata") or {})
            return self.store.put(REALTIME, endpoint_id, endpoint, endpoint["recording_id"])

    @due("realtime_failed")
    def _on_realtime_failed(self, payload: dict) -> None:
        """A real-time delivery gave up after its 60 attempts, or a websocket after its 30 retries:
        Recall marks the endpoint failed and delivers nothing more to it."""
        endpoint = self.store.get(REALTIME, payload["endpoint"])
        if endpoint is None or endpoint["status"]["code"] != "running":
            return
        recording = self.store.get(RECORDING, endpoint["recording_id"])
        self.engine.webhooks.abandon(NAME, f"{endpoint['bot_id']}:{endpoint['id']}", "the real-time endpoint failed")
        message = ("The real-time endpoint did not accept an event after 60 attempts, one a second."
                   if endpoint["type"] != "websocket" else
                   "The bot could not connect to the websocket endpoint after 30 retries, 3 seconds apart.")
        self._endpoint_status(endpoint, recording, "failed", "delivery_failed", {"code": "DELIVERY_FAILED",
                                                                                 "message": message})

    # -- what the meeting emits ------------------------------------------------------------
    def _participant_event(self, bot: dict, action: str, person: dict) -> None:
        """A join or leave (after the webcam goes off): kept for the participant_events file, and sent to
        the live recording's endpoints."""
        if action == "leave":
            self._participant_event(bot, "webcam_off", person)
        # the participant by id: the bot keeps its participants, so 10,000 bots stay small
        event = {"id": self._uuid("participant_event"), "action": action, "who": person["id"],
                 "at": self.clock.now(), "data": None}
        bot["events"].append(event)
        self._send_participant_event(bot, action, person, event["at"], None)

    def _send_participant_event(self, bot: dict, action: str, person: dict, at: float, data: dict | None) -> None:
        recording = self._live_recording(bot)
        if recording is not None:
            self._realtime(bot, f"participant_events.{action}", {
                "participant": files.participant(person), "timestamp": files.stamp(at, recording["started_at"]),
                "data": data}, recording, "participant_events")

    def _realtime(self, bot: dict, event: str, data: dict, recording: dict, kind: str) -> None:
        """One event to every running endpoint of the recording that subscribed to it. Nothing is
        sent while the recording is paused ("real-time transcription will also be halted")."""
        if recording["status"]["code"] == "paused":
            return
        artifact_ids = recording["artifacts"].get(kind, [])
        artifact = self.store.get(ARTIFACT, artifact_ids[0]) if artifact_ids else None
        for endpoint_id in recording["realtime_endpoints"]:
            endpoint = self.store.get(REALTIME, endpoint_id)
            if endpoint is None or endpoint["type"] not in ("webhook", "websocket") or event not in endpoint["events"] \
                    or endpoint["status"]["code"] != "running":
                continue
            body = {"event": event, "data": {
                "data": data, "realtime_endpoint": {"id": endpoint["id"], "metadata": endpoint["metadata"]},
                kind: {"id": artifact["id"], "metadata": artifact["metadata"]} if artifact else None,
                "recording": {"id": recording["id"], "metadata": recording["metadata"]},
                "bot": {"id": bot["id"], "metadata": bot["metadata"]}}}
            if endpoint["type"] == "websocket":
                self._push_stream_event(endpoint, event, body)
                continue
            self.engine.webhooks.enqueue(NAME, event, endpoint["url"], body, policy=f"{NAME}.realtime",
                                         order_key=f"{bot['id']}:{endpoint['id']}",
                                         on_failed=(f"{NAME}.realtime_failed", {"endpoint": endpoint["id"]}))

    def _plan_realtime(self, bot: dict, recording: dict) -> None:
        """Schedule the meeting's speech, webcams, screenshare and chat for the endpoints that asked."""
        wanted = {e for i in recording["realtime_endpoints"] for e in (self.store.get(REALTIME, i) or {}).get("events", [])}
        if not wanted:
            return
        for moment in self.meeting_moments(bot, recording["started_at"]):
            if moment["event"] in wanted or (moment["event"] == "transcript.data" and "transcript.partial_data" in wanted):
                self.at(moment["at"], "moment", {"bot": bot["id"], "recording": recording["id"],
                                                                          "moment": moment})

    def meeting_moments(self, bot: dict, origin: float) -> list[dict]:
        """What happens in the call after ``origin``, in order: speech on and off with each utterance,
        webcams on after joining, the host's screenshare, one chat message."""
        people = {p["id"]: p for p in bot["participants"]}
        length = self.setting("meeting_seconds")
        moments = []
        for person in people.values():
            moments.append({"at": max(origin, person["joined"]), "event": "participant_events.webcam_on", "who": person["id"]})
        for i, segment in enumerate(self.segments(bot, length)):
            who = segment.speaker["id"]
            moments.append({"at": origin + segment.start, "event": "participant_events.speech_on", "who": who})
            moments.append({"at": origin + segment.end, "event": "transcript.data", "who": who, "segment": i})
            moments.append({"at": origin + segment.end, "event": "participant_events.speech_off", "who": who})
        if people:
            host = next(iter(people.values()))
            moments.append({"at": origin + SCREENSHARE[0] * length, "event": "participant_events.screenshare_on",
                            "who": host["id"]})
            moments.append({"at": origin + SCREENSHARE[1] * length, "event": "participant_events.screenshare_off",
                            "who": host["id"]})
            writer = list(people.values())[min(1, len(people) - 1)]
            moments.append({"at": origin + CHAT_AT * length, "event": "participant_events.chat_message",
                            "who": writer["id"], "data": {"text": CHAT_TEXT, "to": "everyone"}})
        return sorted(moments, key=lambda m: m["at"])

    @due("moment")
    def _on_moment(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        live = self._live_recording(bot) if bot is not None else None
        if live is None or live["id"] != payload["recording"]:
            return  # the recording stopped or was replaced: its endpoints hear nothing more
        moment = payload["moment"]
        person = next((p for p in bot["participants"] if p["id"] == moment["who"]), None)
        if person is None or (person["left"] is not None and person["left"] < moment["at"]):
            return
        if moment["event"] == "transcript.data":
            self._utterance(bot, live, person, moment["segment"])
        else:
            self._send_participant_event(bot, moment["event"].split(".", 1)[1], person, moment["at"],
                                         moment.get("data"))

    def _utterance(self, bot: dict, recording: dict, person: dict, index: int) -> None:
        """A finished utterance (transcript.data), preceded by the partial result of its first half."""
        segment = self.segments(bot, self.setting("meeting_seconds"))[index]
        origin = recording["started_at"]
        tokens = segment.text.split()
        step = (segment.end - segment.start) / max(1, len(tokens))
        words = [{"text": w, "start_timestamp": files.stamp(origin + segment.start + i * step, origin),
                  "end_timestamp": files.stamp(origin + segment.start + (i + 1) * step, origin)}
                 for i, w in enumerate(tokens)]
        speaker = files.participant(person)
        half = words[: max(1, len(words) // 2)]
        self._realtime(bot, "transcript.partial_data", {"words": half, "participant": speaker}, recording, "transcript")
        self._realtime(bot, "transcript.data", {"words": words, "participant": speaker}, recording, "transcript")
