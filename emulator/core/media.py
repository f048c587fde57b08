"""Small media files that real tools open: WAV audio, MP4 video with sound, WebM (Opus audio or
VP8 video, encoded with PyAV's libopus and libvpx) and PNG pictures.

The MP4 is an ISO base media file with an uncompressed video track (RGB, one frame a second) and
an uncompressed audio track (8-bit PCM): no encoder is needed, and ffprobe, ffmpeg and players
read it. Files are capped at ``MAX_MEDIA_SECONDS`` so a long meeting does not weigh megabytes;
the transcript carries the meeting's real length.
"""
from __future__ import annotations

import io
import sys
from array import array
import math
import random
import struct
import wave
import zlib
from functools import lru_cache

MAX_MEDIA_SECONDS = 30
VIDEO_SIZE = (32, 18)
AUDIO_RATE = 8000


def media_seconds(duration: float) -> int:
    return max(1, min(int(math.ceil(duration)), MAX_MEDIA_SECONDS))


def _chord(rate: int, seed: int) -> list[float]:
    """One second of a voice-like chord of low tones (the seed picks them), at full scale."""
    rng = random.Random(seed)
    base = [rng.uniform(110, 260) for _ in range(3)]
    return [sum(math.sin(2 * math.pi * f * i / rate) for f in base) / 3 for i in range(rate)]


def _tone(seconds: int, rate: int, seed: int) -> list[float]:
    """A voice-like murmur: a chord of low tones, loud while "speaking" and quiet in pauses."""
    one_second = _chord(rate, seed)
    samples: list[float] = []
    for second in range(seconds):
        level = 0.5 if (second + seed) % 4 else 0.02  # a pause every fourth second
        samples.extend(v * level for v in one_second)
    return samples


def wav(duration: float, seed: int = 0, rate: int = 16000) -> bytes:
    """A mono 16-bit PCM WAV of the meeting's sound (capped length)."""
    seconds = media_seconds(duration)
    frames = array("h", (int(v * 32767) for v in _tone(seconds, rate, seed)))
    if sys.byteorder == "big":
        frames.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames.tobytes())
    return out.getvalue()


def _box(kind: bytes, *parts: bytes) -> bytes:
    payload = b"".join(parts)
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _full_box(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *parts)


MATRIX = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)


def _track(track_id: int, handler: bytes, timescale: int, units: int, duration_ms: int, sample_entry: bytes,
           sample_count: int, sample_size: int, chunk_offset: int, media_header: bytes,
           width: int = 0, height: int = 0) -> bytes:
    tkhd = _full_box(b"tkhd", 0, 3, struct.pack(">IIIII", 0, 0, track_id, 0, duration_ms), b"\0" * 8,
                     struct.pack(">hhhH", 0, 0, 0x0100 if handler == b"soun" else 0, 0), MATRIX,
                     struct.pack(">II", width << 16, height << 16))
    mdhd = _full_box(b"mdhd", 0, 0, struct.pack(">IIII", 0, 0, timescale, units), struct.pack(">HH", 0x55C4, 0))
    name = b"VideoHandler\0" if handler == b"vide" else b"SoundHandler\0"
    hdlr = _full_box(b"hdlr", 0, 0, struct.pack(">I", 0), handler, b"\0" * 12, name)
    dinf = _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1), _full_box(b"url ", 0, 1)))
    stbl = _box(
        b"stbl",
        _full_box(b"stsd", 0, 0, struct.pack(">I", 1), sample_entry),
        _full_box(b"stts", 0, 0, struct.pack(">III", 1, sample_count, units // sample_count)),
        _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, sample_count, 1)),
        _full_box(b"stsz", 0, 0, struct.pack(">II", sample_size, sample_count)),
        _full_box(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset)),
    )
    minf = _box(b"minf", media_header, dinf, stbl)
    return _box(b"trak", tkhd, _box(b"mdia", mdhd, hdlr, minf))


def mp4(duration: float, seed: int = 0) -> bytes:
    """An MP4 with a moving-colour video track and a murmuring audio track (capped length)."""
    seconds = media_seconds(duration)
    width, height = VIDEO_SIZE
    rng = random.Random(seed)
    frames = []
    for second in range(seconds):
        shade = [rng.randrange(40, 220) for _ in range(3)]
        row = b"".join(bytes(((shade[0] + x * 4) % 256, (shade[1] + second * 9) % 256, shade[2]))
                       for x in range(width))
        frames.append(row * height)
    video = b"".join(frames)
    audio = bytes(int(128 + v * 100) for v in _tone(seconds, AUDIO_RATE, seed))

    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 512), b"isom", b"iso2", b"mp41")
    mdat_header = 8
    video_offset = len(ftyp) + mdat_header
    audio_offset = video_offset + len(video)
    mdat = _box(b"mdat", video, audio)

    visual_entry = _box(
        b"raw ", b"\0" * 6, struct.pack(">H", 1), b"\0" * 16, struct.pack(">HH", width, height),
        struct.pack(">II", 0x00480000, 0x00480000), b"\0" * 4, struct.pack(">H", 1),
        bytes([4]) + b"rgb " + b"\0" * 27, struct.pack(">Hh", 24, -1))
    sound_entry = _box(
        b"raw ", b"\0" * 6, struct.pack(">H", 1), b"\0" * 8, struct.pack(">HHHH", 1, 8, 0, 0),
        struct.pack(">I", AUDIO_RATE << 16))
    duration_ms = seconds * 1000
    video_track = _track(1, b"vide", 1, seconds, duration_ms, visual_entry, seconds, width * height * 3,
                         video_offset, _full_box(b"vmhd", 0, 1, b"\0" * 8), width, height)
    audio_track = _track(2, b"soun", AUDIO_RATE, len(audio), duration_ms, sound_entry, len(audio), 1,
                         audio_offset, _full_box(b"smhd", 0, 0, b"\0" * 4))
    mvhd = _full_box(b"mvhd", 0, 0, struct.pack(">IIII", 0, 0, 1000, duration_ms),
                     struct.pack(">IH", 0x00010000, 0x0100), b"\0" * 10, MATRIX, b"\0" * 24, struct.pack(">I", 3))
    moov = _box(b"moov", mvhd, video_track, audio_track)
    return ftyp + mdat + moov


def mp3(duration: float, seed: int = 0, rate: int = 16000) -> bytes:
    """A mono MP3 of the meeting's sound (capped length), encoded with LAME."""
    seconds = media_seconds(duration)
    pcm = array("h", (int(v * 32767) for v in _tone(seconds, rate, seed)))
    if sys.byteorder == "big":
        pcm.byteswap()
    return encode_mp3(pcm.tobytes(), rate)


def encode_mp3(pcm: bytes, rate: int) -> bytes:
    """Mono 16-bit little-endian PCM as an MP3 (LAME, 32 kbit/s)."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(32)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(pcm) + encoder.flush())


def raw_pcm(duration: float, seed: int = 0, rate: int = 16000) -> bytes:
    """Raw 16 kHz mono signed 16-bit little-endian PCM, as Recall's "raw" audio is."""
    pcm = array("h", (int(v * 32767) for v in _tone(media_seconds(duration), rate, seed)))
    if sys.byteorder == "big":
        pcm.byteswap()
    return pcm.tobytes()


FULL_WAV_RATE = 8000
MAX_FULL_WAV_SECONDS = 2 * 3600


FULL_WAV_HEADER = 44  # the standard library's wave module writes a plain 44-byte RIFF header


def full_wav_seconds(duration: float) -> int:
    return max(1, min(int(math.ceil(duration)), MAX_FULL_WAV_SECONDS))


def full_wav_size(duration: float) -> int:
    """The byte length of ``full_wav(duration)``, without making it."""
    return FULL_WAV_HEADER + 2 * FULL_WAV_RATE * full_wav_seconds(duration)


def full_wav(duration: float, seed: int = 0) -> bytes:
    """A WAV as long as the meeting (up to two hours), 8 kHz mono 16-bit: for a vendor whose API
    hands out byte offsets into its audio file (MeetStream's speaker timeline). Built a second at a
    time from two precomputed seconds, so an hour takes milliseconds."""
    seconds = full_wav_seconds(duration)
    rate = FULL_WAV_RATE
    loud, quiet = (voice_second(rate, seed, level) for level in (0.5, 0.02))
    frames = b"".join(quiet if (second + seed) % 4 == 0 else loud for second in range(seconds))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


def voice_second(rate: int, seed: int, level: float) -> bytes:
    """One second of 16-bit PCM of a voice (the seed picks it), to loop while someone speaks."""
    pcm = array("h", (int(v * level * 32767) for v in _chord(rate, seed)))
    if sys.byteorder == "big":
        pcm.byteswap()
    return pcm.tobytes()


def speech_pcm(turns: list[tuple[float, float, int]], start: float, stop: float, rate: int, level: float = 0.5,
               who: int | None = None) -> bytes:
    """16-bit PCM of [start, stop) of a meeting: during each turn (begin, end, voice seed) that voice,
    silence elsewhere (``who``: only that voice's turns). For live streams, cut into buffers."""
    samples = max(0, round((stop - start) * rate))
    out = bytearray(samples * 2)
    for begin, end, voice_seed in turns:
        if end <= start or begin >= stop or (who is not None and voice_seed != who):
            continue
        first, last = max(0, round((begin - start) * rate)), min(samples, round((end - start) * rate))
        voice = _looped_voice(rate, voice_seed, level)
        for i in range(first, last, rate):  # at most one second's worth at a time
            count = min(last - i, rate)
            offset = round((start - begin) * rate + i) % rate
            out[i * 2:(i + count) * 2] = (voice[offset * 2:] + voice)[:count * 2]
    return bytes(out)


@lru_cache(maxsize=128)
def _looped_voice(rate: int, seed: int, level: float) -> bytes:
    return voice_second(rate, seed, level)


def webm_opus(duration: float, seed: int = 0) -> bytes:
    """WebM with one Opus track, 48 kHz mono at 48 kbit/s (MeetStream's per-participant audio)."""
    import av  # here, not at import: serve starts fast

    rate, frame = 48000, 960
    pcm = array("h", (int(v * 32767) for v in _tone(media_seconds(duration), rate, seed)))
    if sys.byteorder == "big":
        pcm.byteswap()
    out = io.BytesIO()
    with av.open(out, mode="w", format="webm") as container:
        stream = container.add_stream("libopus", rate=rate, layout="mono")
        stream.bit_rate = 48000
        for start in range(0, len(pcm) - frame + 1, frame):
            chunk = av.AudioFrame(format="s16", layout="mono", samples=frame)
            chunk.planes[0].update(pcm[start:start + frame].tobytes())
            chunk.sample_rate, chunk.pts = rate, start
            for packet in stream.encode(chunk):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def webm_vp8(duration: float, seed: int = 0, size: tuple[int, int] = (640, 360)) -> bytes:
    """WebM with one VP8 video track at 15 frames a second, no sound (a webcam or a screenshare)."""
    import av

    width, height = size
    rng = random.Random(seed)
    shade = [rng.randrange(40, 200) for _ in range(3)]
    out = io.BytesIO()
    with av.open(out, mode="w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=15, options={"deadline": "realtime", "cpu-used": "8"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(media_seconds(duration) * 15):
            picture = av.VideoFrame(width, height, "yuv420p")
            for plane, value in zip(picture.planes, shade):
                plane.update(bytes([(value + index // 15 * 9) % 256]) * plane.buffer_size)
            picture.pts = index
            for packet in stream.encode(picture):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def png(seed: int = 0, size: tuple[int, int] = (320, 180)) -> bytes:
    """A PNG picture (a meeting screenshot): a plain frame in a colour of the seed."""
    width, height = size
    rng = random.Random(seed)
    pixel = bytes(rng.randrange(256) for _ in range(3))
    rows = b"".join(b"\x00" + pixel * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


CONTENT_TYPES = {"mp4": "video/mp4", "wav": "audio/wav", "mp3": "audio/mpeg", "raw": "application/octet-stream",
                 "full_wav": "audio/wav", "webm_opus": "audio/webm", "webm_vp8": "video/webm", "png": "image/png"}


@lru_cache(maxsize=16)
def render(kind: str, duration: float, seed: int) -> bytes:
    """The bytes of a media file from its recipe (recently made ones are kept for repeat downloads)."""
    if kind == "png":
        return png(seed)
    maker = {"mp4": mp4, "wav": wav, "mp3": mp3, "raw": raw_pcm, "full_wav": full_wav, "webm_opus": webm_opus,
             "webm_vp8": webm_vp8}[kind]
    return maker(duration, seed)
