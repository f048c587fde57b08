"""A meeting's live picture and sound, encoded while it streams: H.264 video and AAC audio (PyAV's
libx264 and aac) in fragmented MP4 (a fragment at each keyframe, for a vendor that streams video
over a websocket) or in FLV (for RTMP). The picture is a plain frame in the colour of whoever speaks (grey when nobody
does), with the bot's own camera as a tile at the bottom right when it has one (``camera_tile``); the
sound is their speech (``media.speech_pcm``). Nothing is kept but the encoder's state."""
from __future__ import annotations

import io
import random
from fractions import Fraction
from typing import Callable

from .media import speech_pcm

SIZE = (640, 360)
FPS = 15
AUDIO_RATE = 44100
AUDIO_BITRATE = 128_000
KEYFRAME_SECONDS = 1  # a fragment a second: a receiver can start playing one second in
AAC_FRAME = 1024  # samples per AAC frame


TILE = (160, 90)  # the bot's camera tile, like a participant's thumbnail in a gallery
TILE_AT = (SIZE[0] - TILE[0] - 16, SIZE[1] - TILE[1] - 16)  # its top-left corner (even: chroma halves it)
LARGEST_PICTURE = 8192  # pixels a side: a picture beyond it is refused before it is decoded

# a camera: the bot's picture at an emulator time, as (a key that names it, its tile's planes) or None
Camera = Callable[[float], "tuple[str, bytes] | None"]

# avoid_negative_ts disabled: else the muxer shifts every video frame but the first by the AAC priming
CONTAINERS = {"fmp4": ("mp4", {"movflags": "frag_keyframe+empty_moov+default_base_moof",
                               "avoid_negative_ts": "disabled"}),
              "flv": ("flv", {})}


class LiveEncoder:
    """One continuous stream from ``origin`` (emulator time) in ``container`` (fmp4 or flv):
    ``until(t)`` encodes everything up to ``t`` and returns the bytes written since the last call
    (the header first)."""

    def __init__(self, origin: float, turns: list[tuple[float, float, int]], container: str = "fmp4",
                 camera: Camera | None = None) -> None:
        import av  # here, not at import: serve starts fast

        self._av = av
        self._origin, self._turns, self._camera = origin, turns, camera
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
        self._framed: tuple[tuple[int, str], list[bytes]] | None = None  # the last frame with a tile, reused

    def until(self, at: float) -> bytes:
        seconds = max(0.0, at - self._origin)
        while self._samples + AAC_FRAME <= seconds * AUDIO_RATE:
            self._encode_audio()
        while self._frames < int(seconds * FPS + 1e-9):
            self._encode_video()
        return self._take()

    def finish(self, at: float) -> bytes:
        """What is left up to ``at``, then the encoders' tails: the last fragment."""
        head = self.until(at)
        for stream in (self._video, self._audio):
            for packet in stream.encode(None):
                self._container.mux(packet)
        self._container.close()
        return head + self._take()

    def _encode_video(self) -> None:
        at = self._origin + self._frames / FPS
        speaker = next((who for begin, end, who in self._turns if begin <= at < end), 0)
        picture = self._av.VideoFrame(SIZE[0], SIZE[1], "yuv420p")
        for plane, data in zip(picture.planes, self._picture(speaker, at)):
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

    def _picture(self, speaker: int, at: float) -> list[bytes]:
        """The frame's planes: the speaker's colour, with the bot's camera tile on it when it has one."""
        shown = self._camera(at) if self._camera is not None else None
        if shown is None:
            return self._colour(speaker)
        key = (speaker, shown[0])
        if self._framed is None or self._framed[0] != key:
            self._framed = key, _with_tile(self._colour(speaker), shown[1])
        return self._framed[1]

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


def camera_tile(picture: bytes) -> bytes:
    """A JPEG or PNG as the camera tile: its Y, U and V planes (yuv420p, ``TILE`` in size), one after the
    other. ValueError when the bytes are not a picture PyAV can decode, or one too large to."""
    import av

    try:
        with av.open(io.BytesIO(picture)) as container:
            if not container.streams.video:
                raise ValueError("it holds no picture")
            context = container.streams.video[0].codec_context
            if max(context.width, context.height) > LARGEST_PICTURE:
                raise ValueError(f"it is {context.width}x{context.height}; at most {LARGEST_PICTURE} a side")
            frame = next(container.decode(video=0), None)
    except av.error.FFmpegError as exc:
        raise ValueError(f"it does not decode ({exc.strerror or exc})") from None
    if frame is None:
        raise ValueError("it holds no picture")
    tile = frame.reformat(width=TILE[0], height=TILE[1], format="yuv420p")
    out = bytearray()
    for plane in tile.planes:  # rows may be padded to line_size: keep the visible width only
        data = bytes(plane)
        for row in range(plane.height):
            out += data[row * plane.line_size: row * plane.line_size + plane.width]
    return bytes(out)


def _with_tile(planes: list[bytes], tile: bytes) -> list[bytes]:
    """The frame's planes with the tile's copied in at ``TILE_AT`` (the chroma planes at half the size)."""
    out, offset = [], 0
    for index, plane in enumerate(planes):
        scale = 1 if index == 0 else 2
        width, (left, top), (tile_w, tile_h) = SIZE[0] // scale, (TILE_AT[0] // scale, TILE_AT[1] // scale), \
            (TILE[0] // scale, TILE[1] // scale)
        frame = bytearray(plane)
        for row in range(tile_h):
            start = (top + row) * width + left
            frame[start:start + tile_w] = tile[offset + row * tile_w: offset + (row + 1) * tile_w]
        offset += tile_w * tile_h
        out.append(bytes(frame))
    return out


class _Sink:
    """A write-only, unseekable file: the muxer streams forward and never goes back to patch a header."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)
