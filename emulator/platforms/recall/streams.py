"""Recall.ai websocket real-time endpoints: the bot connects to the endpoint's exact URL and streams
what it subscribed to, each message in the envelope of Recall's real-time event payloads page.

Media is made as it is sent, from the meeting's speech (the segments the transcript, speaker
timeline and real-time transcript come from): ``audio_mixed_raw.data`` is 16 kHz mono S16LE in
100 ms buffers, each speaker's voice while they speak and silence between;
``audio_separate_raw.data`` is one such stream per participant in the call;
``video_separate_png.data`` is a 640x360 PNG per participant with a webcam, twice a second, and the
host's screenshare while it lasts. Events (participants, transcripts) come from the same moments
real-time webhook endpoints get, pushed into the stream at their times. A part of ``Recall``
(models.py). No HTTP here."""
from __future__ import annotations

import base64
import json
import math
from functools import lru_cache
from typing import Iterator

from ...core.live_media import LiveEncoder
from ...core.media import png, speech_pcm
from ...core.streams import Feed, Reconnect, buffers
from . import files
from .constants import ARTIFACT, NAME, REALTIME

RATE = 16000
BUFFER = 0.1  # seconds of audio per message
FRAME = 0.5  # seconds between PNG frames (2 fps)
VIDEO_SIZE = (640, 360)
RECONNECT = Reconnect(every=3.0, retries=30)  # "a fixed 3-second interval", "30 retry attempts"
MEDIA_EVENTS = ("audio_mixed_raw.data", "audio_separate_raw.data", "video_separate_png.data")
ENVELOPE_KEY = {"audio_mixed_raw.data": "audio_mixed", "audio_separate_raw.data": "audio_separate",
                "video_separate_png.data": "video_separate"}


class RealtimeStreams:
    def _open_stream(self, bot: dict, recording: dict, endpoint: dict) -> None:
        origin = recording["started_at"]
        length = self.setting("meeting_seconds")
        seed = self.engine.config.seed
        turns = [(origin + s.start, origin + s.end, seed + s.speaker["id"]) for s in self.segments(bot, length)]
        people = [dict(p) for p in bot["participants"]]
        envelope = self._envelope_parts(bot, recording, endpoint)
        wanted = [e for e in endpoint["events"] if e in MEDIA_EVENTS]
        from .realtime import SCREENSHARE

        share = (origin + SCREENSHARE[0] * length, origin + SCREENSHARE[1] * length)

        def due(start: float, stop: float, final: bool) -> Iterator[tuple[float, str]]:
            """Audio buffers that complete in (start, stop] (and, at the end, the last part-buffer);
            frames due in [start, stop). Each is yielded at the time it is due."""
            for at, until in buffers(origin, BUFFER, start, stop, final):
                present = [p for p in people if p["joined"] <= at and (p["left"] is None or at < p["left"])]
                stamp = files.stamp(at, origin)
                if "audio_mixed_raw.data" in wanted:
                    yield until, _message("audio_mixed_raw.data", {
                        "buffer": _b64(speech_pcm(turns, at, until, RATE)), "timestamp": stamp}, envelope)
                if "audio_separate_raw.data" in wanted:
                    for person in present:
                        yield until, _message("audio_separate_raw.data", {
                            "buffer": _b64(speech_pcm(turns, at, until, RATE, who=seed + person["id"])), "timestamp": stamp,
                            "participant": files.participant(person)}, envelope)
            if "video_separate_png.data" not in wanted:
                return
            for at in _frames(origin, start, stop):
                stamp = files.stamp(at, origin)
                for person in (p for p in people if p["joined"] <= at and (p["left"] is None or at < p["left"])):
                    speaking = any(s <= at < e and who == seed + person["id"] for s, e, who in turns)
                    shown = [("webcam", _frame(seed + person["id"], speaking))]
                    if person is people[0] and share[0] <= at < share[1]:
                        shown.append(("screenshare", _frame(seed + 7919, False)))
                    for kind, picture in shown:
                        yield at, _message("video_separate_png.data", {
                            "buffer": picture, "timestamp": stamp, "type": kind,
                            "participant": files.participant(person)}, envelope)

        self.engine.streams.open(Feed(endpoint["id"], NAME, endpoint["url"], origin, due, RECONNECT,
                                      lambda at, why, e=endpoint["id"]: self._stream_failed(e, at, why)))

    def _open_rtmp(self, bot: dict, recording: dict, endpoint: dict) -> None:
        """``video_mixed_flv.data``: the call's mixed picture and sound as FLV (H.264 and AAC),
        published to the endpoint's RTMP URL through ffmpeg, paced by the clock like every stream."""
        origin = recording["started_at"]
        seed = self.engine.config.seed
        turns = [(origin + s.start, origin + s.end, seed + s.speaker["id"])
                 for s in self.segments(bot, self.setting("meeting_seconds"))]
        state: dict = {}

        def start(at: float) -> bytes:  # each connection publishes a stream of its own from where it starts
            state["encoder"] = LiveEncoder(at, turns, container="flv")
            return b""

        def due(begin: float, stop: float, final: bool) -> Iterator[tuple[float, bytes]]:
            encoder = state["encoder"]
            yield stop, encoder.finish(stop) if final else encoder.until(stop)

        self.engine.streams.open(Feed(endpoint["id"], NAME, endpoint["url"], origin, due, RECONNECT,
                                      lambda at, why, e=endpoint["id"]: self._stream_failed(e, at, why),
                                      greeting=start))

    def _envelope_parts(self, bot: dict, recording: dict, endpoint: dict) -> dict:
        """The ids and metadata every message names: the endpoint, the recording, the bot and the
        artifact the media belongs to."""
        parts = {"realtime_endpoint": {"id": endpoint["id"], "metadata": endpoint["metadata"]},
                 "recording": {"id": recording["id"], "metadata": recording["metadata"]},
                 "bot": {"id": bot["id"], "metadata": bot["metadata"]}}
        for kind in ENVELOPE_KEY.values():
            artifact_ids = recording["artifacts"].get(kind, [])
            artifact = self.store.get(ARTIFACT, artifact_ids[0]) if artifact_ids else None
            parts[kind] = {"id": artifact["id"], "metadata": artifact["metadata"]} if artifact else None
        return parts

    def _push_stream_event(self, endpoint: dict, event: str, body: dict) -> None:
        """A participant or transcript event for a websocket endpoint, sent among its media."""
        self.engine.streams.push(endpoint["id"], self.clock.now(), json.dumps(body, ensure_ascii=False))

    def _stream_failed(self, endpoint_id: str, at: float, why: str) -> None:
        """Every retry failed: the endpoint is failed at the emulator time of the last one (a due
        action, so it happens on the clock like everything else)."""
        self.engine.timeline.at(at, f"{NAME}.realtime_failed", {"endpoint": endpoint_id, "why": why})
        self.engine.kick()

    def _end_stream(self, endpoint: dict) -> None:
        self.engine.streams.finish(endpoint["id"], self.clock.now())

    def _pause_streams(self, recording: dict, paused: bool) -> None:
        for endpoint_id in recording["realtime_endpoints"]:
            endpoint = self.store.get(REALTIME, endpoint_id)
            if endpoint is not None and endpoint["type"] == "websocket":  # a paused RTMP stream goes on (its encoder is continuous)
                (self.engine.streams.pause if paused else self.engine.streams.resume)(endpoint_id, self.clock.now())


def _message(event: str, data: dict, envelope: dict) -> str:
    key = ENVELOPE_KEY[event]
    return json.dumps({"event": event, "data": {
        "data": data, "realtime_endpoint": envelope["realtime_endpoint"], key: envelope[key],
        "recording": envelope["recording"], "bot": envelope["bot"]}})


def _frames(origin: float, start: float, stop: float) -> Iterator[float]:
    """The frame times origin + k*FRAME in [start, stop)."""
    k = max(0, math.ceil(round((start - origin) / FRAME, 6)))
    while origin + k * FRAME < stop - 1e-9:
        yield origin + k * FRAME
        k += 1


@lru_cache(maxsize=64)
def _frame(seed: int, speaking: bool) -> str:
    """A webcam frame in the person's colour (brighter while they speak), base64 PNG."""
    return _b64(png(seed * 2 + int(speaking), VIDEO_SIZE))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()

