"""A meeting's live picture and sound, encoded while it streams: H.264 video and AAC audio (PyAV's
libx264 and aac) in fragmented MP4 (a fragment at each keyframe, for a vendor that streams video
over a websocket) or in FLV (for RTMP). The picture is a plain frame in the colour of whoever speaks (grey when nobody
does); the sound is their speech (``media.speech_pcm``). Nothing is kept but the encoder's state."""
from __future__ import annotations

import random
from fractions import Fraction

from .media import speech_pcm

SIZE = (640, 360)
FPS = 15
AUDIO_RATE = 44100
AUDIO_BITRATE = 128_000
KEYFRAME_SECONDS = 1  # a fragment a second: a receiver can start playing one second in
AAC_FRAME = 1024  # samples per AAC frame


CONTAINERS = {"fmp4": ("mp4", {"movflags": "frag_keyframe+empty_moov+default_base_moof"}), "flv": ("flv", {})}


class LiveEncoder:
    """One continuous stream from ``origin`` (emulator time) in ``container`` (fmp4 or flv):
    ``until(t)`` encodes everything up to ``t`` and returns the bytes written since the last call
    (the header first)."""

    def __init__(self, origin: float, turns: list[tuple[float, float, int]], container: str = "fmp4") -> None:
        import av  # here, not at import: serve starts fast

        self._av = av
        self._origin, self._turns = origin, turns
        self._out = _Sink()
        muxer, options = CONTAINERS[container]
        self._container = av.open(self._out, mode="w", format=muxer, options=options)
        video = self._container.add_stream("libx264", rate=FPS, options={
            "preset": "ultrafast", "tune": "zerolatency", "g": str(FPS * KEYFRAME_SECONDS),
            "keyint_min": str(FPS * KEYFRAME_SECONDS), "sc_threshold": "0"})
        video.width, video.height, video.pix_fmt = SIZE[0], SIZE[1], "yuv420p"
        audio = self._container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        audio.bit_rate = AUDIO_BITRATE
        self._video, self._audio = video, audio
        self._frames = 0
        self._samples = 0
        self._planes: dict[int, list[bytes]] = {}

    def until(self, at: float) -> bytes:
        seconds = max(0.0, at - self._origin)
        while self._samples + AAC_FRAME <= seconds * AUDIO_RATE:
            self._encode_audio()
        while self._frames < int(seconds * FPS + 1e-9):
            self._encode_video()
        return self._take()

    def finish(self, at: float) -> bytes:
        """What is left up to ``at``, then the encoders' tails: the last fragment."""
        self.until(at)
        for stream in (self._video, self._audio):
            for packet in stream.encode(None):
                self._container.mux(packet)
        self._container.close()
        return self._take()

    def _encode_video(self) -> None:
        at = self._origin + self._frames / FPS
        speaker = next((who for begin, end, who in self._turns if begin <= at < end), 0)
        picture = self._av.VideoFrame(SIZE[0], SIZE[1], "yuv420p")
        for plane, data in zip(picture.planes, self._colour(speaker)):
            plane.update(data)
        picture.pts = self._frames
        picture.time_base = Fraction(1, FPS)
        self._frames += 1
        for packet in self._video.encode(picture):
            self._container.mux(packet)

    def _encode_audio(self) -> None:
        start = self._origin + self._samples / AUDIO_RATE
        pcm = speech_pcm(self._turns, start, start + AAC_FRAME / AUDIO_RATE, AUDIO_RATE)[: AAC_FRAME * 2]
        frame = self._av.AudioFrame(format="s16", layout="mono", samples=AAC_FRAME)
        frame.planes[0].update(pcm.ljust(AAC_FRAME * 2, b"\0"))
        frame.sample_rate, frame.pts = AUDIO_RATE, self._samples
        frame.time_base = Fraction(1, AUDIO_RATE)
        self._samples += AAC_FRAME
        for packet in self._audio.encode(frame):
            self._container.mux(packet)

    def _colour(self, speaker: int) -> list[bytes]:
        """The Y, U and V planes of a plain frame: grey for nobody, a colour of each speaker's own."""
        if speaker not in self._planes:
            rng = random.Random(speaker)
            y, u, v = (128, 128, 128) if speaker == 0 else (rng.randrange(60, 200), rng.randrange(40, 216),
                                                             rng.randrange(40, 216))
            width, height = SIZE
            self._planes[speaker] = [bytes([y]) * (width * height), bytes([u]) * (width * height // 4),
                                     bytes([v]) * (width * height // 4)]
        return self._planes[speaker]

    def _take(self) -> bytes:
        data = b"".join(self._out.parts)
        self._out.parts.clear()
        return data


class _Sink:
    """A write-only, unseekable file: the muxer streams forward and never goes back to patch a header."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)
