"""MeetStream's live websockets: the bot dials into the integrator's servers as a client.

- ``socket_connection_url``: when the bot joins, it connects, says ``{"type": "ready", bot_id,
  message}``, and takes the documented control commands: ``sendmsg`` and ``sendchat`` post in the
  meeting chat (``get_chats``), ``sendaudio`` queues audio the bot plays through its microphone,
  ``interrupt`` clears that queue (Google Meet only, as documented), ``sendimg`` / ``sendimg_url``
  set the bot's camera picture, a tile in the live video from then on (a URL is fetched once, when
  the command comes, as the bot would load it). A malformed command, or a picture that does not
  decode, is answered on the socket with ``{"type": "error", "command", "message"}`` and changes nothing.
- ``live_audio_required``: when the bot starts recording, it connects, says ``ready``, then streams
  binary frames ``[0x01][u16 LE][speaker_id][u16 LE][speaker_name][PCM16 LE 48 kHz mono]`` in
  100 ms buffers: the meeting's speech, attributed to whoever speaks (``NoSpeaker`` between turns).
- ``live_video_required`` (Google Meet and Teams): ``video_stream_start``, fMP4 chunks
  (core/live_media.py), ``video_latency_ping`` every 5 s, ``video_stream_end`` before the close.

Both close with 1000 when the bot leaves. A part of ``MeetStream`` (models.py). No HTTP here."""
from __future__ import annotations

import base64
import binascii
import json
import struct
import sys
import time
from array import array
from typing import Iterator

import httpx

from ...core.clock import transport_now
from ...core.live_media import AUDIO_BITRATE, AUDIO_RATE, FPS, SIZE, LiveEncoder, camera_tile
from ...core.media import FULL_WAV_HEADER, FULL_WAV_RATE, full_wav, speech_pcm
from ...core.streams import Feed, Reconnect, buffers
from .constants import BOT, NAME
from .mia import bridge, socket_url

RATE = 48000
BUFFER = 0.1  # seconds of audio per frame (not documented: our choice)
NO_SPEAKER = "NoSpeaker"
READY = "Ready to receive messages"
RECONNECT = Reconnect(every=3.0, retries=30)  # not documented for MeetStream: Recall's policy
CLEARS_QUEUE = {"google_meet"}  # "Google Meet only fully clears the queue"
VIDEO_PLATFORMS = {"google_meet", "teams"}  # "Supported on Google Meet and Microsoft Teams only — NOT Zoom"
PING_SECONDS = 5.0  # "periodic": our choice of period
COMMANDS = ("sendmsg", "sendchat", "sendaudio", "interrupt", "sendimg", "sendimg_url")
PICTURES = ("sendimg", "sendimg_url")
PICTURE_BYTES = 10 * 2**20  # the largest picture fetched for sendimg_url (not documented: our choice)
PICTURE_SECONDS = 10.0  # how long its fetch may take, all told


def _ready(bot_id: str) -> str:
    return json.dumps({"type": "ready", "bot_id": bot_id, "message": READY})


def control_url(request: dict) -> str | None:
    return socket_url(request.get("socket_connection_url"))


class LiveStreams:
    # -- opening and closing ---------------------------------------------------------------
    def _open_control(self, bot: dict) -> None:
        url = control_url(bot["request"])
        if url and not bridge(url):  # MeetStream's own bridge is played, not dialled (mia.py)
            bot_id = bot["bot_id"]
            self.engine.streams.open(Feed(
                f"{bot_id}:control", NAME, url, self.clock.now(), lambda start, stop, final: (), RECONNECT,
                lambda at, why: None, greeting=_ready(bot_id),
                on_message=lambda message: self._command(bot_id, message)))

    def _open_live_audio(self, bot: dict) -> None:
        url = (bot["request"].get("live_audio_required") or {}).get("websocket_url")
        if not url or bridge(url):
            return
        origin = bot["recording_from"]
        voices = {p["name"]: self.engine.config.seed + 1 + i for i, p in enumerate(bot["participants"])}
        people = {voices[p["name"]]: p for p in bot["participants"]}
        turns = [(origin + s["start_time"], origin + s["end_time"], voices.get(s["speaker"], 0))
                 for s in self.segments(bot, self.setting("meeting_seconds"))]

        def due(start: float, stop: float, final: bool) -> Iterator[tuple[float, bytes]]:
            for at, until in buffers(origin, BUFFER, start, stop, final):
                yield until, _frame(turns, people, at, until)

        self.engine.streams.open(Feed(f"{bot['bot_id']}:audio", NAME, url, origin, due, RECONNECT,
                                      lambda at, why: None, greeting=_ready(bot["bot_id"])))

    def _open_live_video(self, bot: dict) -> None:
        """fMP4 (H.264 and AAC) over the websocket, on Google Meet and Teams only, as documented: the
        start message, the chunks, a latency ping every few seconds, and the end message before it closes."""
        url = (bot["request"].get("live_video_required") or {}).get("websocket_url")
        if not url or bot["platform"] not in VIDEO_PLATFORMS:
            return
        origin, bot_id = bot["recording_from"], bot["bot_id"]
        voices = {p["name"]: self.engine.config.seed + 1 + i for i, p in enumerate(bot["participants"])}
        turns = [(origin + s["start_time"], origin + s["end_time"], voices.get(s["speaker"], 0))
                 for s in self.segments(bot, self.setting("meeting_seconds"))]
        state: dict = {"cameras": [], "tiles": {}}

        def camera(at: float) -> tuple[str, bytes] | None:  # asked each frame: a tile is read from the store once
            shown = next((c for c in reversed(state["cameras"]) if c["since"] <= at), None)
            if shown is None:
                return None
            if shown["key"] not in state["tiles"]:
                stored = self.store.get_blob(shown["key"])
                state["tiles"][shown["key"]] = stored[0] if stored else None
            tile = state["tiles"][shown["key"]]
            return (shown["key"], tile) if tile else None

        def start(at: float) -> str:  # each connection is one fMP4 stream of its own, from where it starts
            state.update(encoder=LiveEncoder(at, turns, camera=camera), began=at, seq=0)
            return json.dumps({"type": "video_stream_start", "bot_id": bot_id, "codec": "h264", "audio_codec": "aac",
                               "container": "fmp4", "width": SIZE[0], "height": SIZE[1], "framerate": FPS,
                               "audio_sample_rate": AUDIO_RATE, "audio_bitrate": f"{AUDIO_BITRATE // 1000}k"})

        def due(begin: float, stop: float, final: bool) -> Iterator[tuple[float, str | bytes]]:
            now = self.store.get(BOT, bot_id)  # the camera as the commands have set it, once a batch
            state["cameras"] = (now or {}).get("cameras", [])
            for _, at in buffers(origin, PING_SECONDS, begin, stop, False):  # a ping as each period ends
                state["seq"] += 1
                yield at, json.dumps({"type": "video_latency_ping", "bot_id": bot_id, "seq": state["seq"],
                                         "sent_at_ms": int(transport_now() * 1000)})
            if final:
                yield stop, state["encoder"].finish(stop)
                yield stop, json.dumps({"type": "video_stream_end", "bot_id": bot_id,
                                        "duration_seconds": round(stop - state["began"], 3)})
            else:
                yield stop, state["encoder"].until(stop)

        self.engine.streams.open(Feed(f"{bot_id}:video", NAME, url, origin, due, RECONNECT, lambda at, why: None,
                                      greeting=start, on_message=_pong))

    def _close_live(self, bot: dict) -> None:
        for kind in ("control", "audio", "video"):
            self.engine.streams.finish(f"{bot['bot_id']}:{kind}", self.clock.now())

    def _pause_live(self, bot: dict, paused: bool) -> None:
        key = f"{bot['bot_id']}:audio"
        (self.engine.streams.pause if paused else self.engine.streams.resume)(key, self.clock.now())

    # -- the control socket's commands (run in a thread of their own) ------------------------
    def _command(self, bot_id: str, message: str | bytes) -> str | None:
        try:
            command = json.loads(message)
        except (ValueError, UnicodeDecodeError):
            return _error(None, "The message is not JSON: send a JSON object with a command.")
        if not isinstance(command, dict) or command.get("command") not in COMMANDS:
            name = command.get("command") if isinstance(command, dict) else None
            return _error(name, f"Unknown command {name!r}: use one of {', '.join(COMMANDS)}.")
        name = command["command"]
        if command.get("bot_id") not in (None, bot_id):
            return _error(name, f"bot_id {command.get('bot_id')!r} is not this bot ({bot_id}).")
        problem = _problem(command)
        if problem:
            return _error(name, problem)
        tile = None
        if name in PICTURES:  # fetched and decoded before the store is held: a slow server holds nobody else
            try:
                tile = camera_tile(_picture(command))
            except ValueError as exc:
                return _error(name, f"The picture cannot be shown: {exc}.")
        with self.store.transaction():
            bot = self.store.get(BOT, bot_id)
            if bot is None or bot["stopped_at"] is not None:
                return _error(name, "The bot has left the meeting.")
            if tile is not None:
                self._show(bot, command.get("img_url", "inline"), tile)
            else:
                getattr(self, f"_do_{name}")(bot, command)
            self._save(bot)
        return None

    def _do_sendmsg(self, bot: dict, command: dict) -> None:
        bot["chats"].append({"sender": bot["bot_name"], "message": command["message"], "timestamp": self.clock.now(),
                             "metadata": {"message_type": "text", "via": "websocket"}})

    def _do_sendchat(self, bot: dict, command: dict) -> None:
        if command["is_final"]:  # interim tokens stream; only the committed message stays in the chat
            bot["chats"].append({"sender": bot["bot_name"], "message": command["text"], "timestamp": self.clock.now(),
                                 "metadata": {"message_type": "text", "role": command["role"], "via": "websocket"}})

    def _do_sendaudio(self, bot: dict, command: dict) -> None:
        """The chunk plays after what is queued; kept (at the recording's 8 kHz) with when it plays, so
        the recording's audio file carries it."""
        pcm = base64.b64decode(command["audiochunk"])
        queue = bot.setdefault("spoken", [])
        begins = max([self.clock.now()] + [c["from"] + c["seconds"] for c in queue])
        key = f"{self.folder(bot)}/spoken/{len(queue)}.pcm"
        self.engine.links.put(key, _to_recording_rate(pcm), "application/octet-stream", f"{len(queue)}.pcm")
        queue.append({"from": begins, "seconds": round(len(pcm) / 2 / RATE, 6), "key": key})

    def render_audio(self, args: dict) -> bytes:
        """The recording's WAV: the meeting's sound, with what the bot played over its microphone
        (``sendaudio``) in place at its times. Same length and byte offsets as without it."""
        bot = self.store.get(BOT, args["bot"])
        seconds = self.recorded_seconds(bot)
        out = bytearray(full_wav(seconds, self.media_seed(bot)))
        for chunk in bot.get("spoken", []):
            stored = self.store.get_blob(chunk["key"])
            if stored is None:
                continue
            first = FULL_WAV_HEADER + 2 * round((chunk["from"] - bot["recording_from"]) * FULL_WAV_RATE)
            played = stored[0][:2 * round(chunk["seconds"] * FULL_WAV_RATE)]
            if first >= FULL_WAV_HEADER:
                piece = played[:max(0, len(out) - first)]
                out[first:first + len(piece)] = piece
        return bytes(out)

    def _do_interrupt(self, bot: dict, command: dict) -> None:
        if bot["platform"] not in CLEARS_QUEUE:
            return  # accepted, and nothing cleared (Zoom, Teams)
        now = self.clock.now()
        kept = []
        for chunk in bot.get("spoken", []):
            if chunk["from"] >= now:
                continue  # not yet playing: cleared
            kept.append({**chunk, "seconds": round(min(chunk["seconds"], now - chunk["from"]), 6)})
        bot["spoken"] = kept

    def _show(self, bot: dict, source: str, tile: bytes) -> None:
        """The bot's camera shows ``tile`` from now on (kept as its planes, ready for the encoder)."""
        cameras = bot.setdefault("cameras", [])
        key = f"{self.folder(bot)}/camera/{len(cameras)}.yuv"
        self.engine.links.put(key, tile, "application/octet-stream", f"{len(cameras)}.yuv")
        cameras.append({"since": self.clock.now(), "key": key, "source": source})


def _problem(command: dict) -> str | None:
    """What is wrong with a known command's fields, in the docs' terms; None when it is well formed."""
    name = command["command"]
    if name == "sendmsg":
        message, msg = command.get("message"), command.get("msg")
        if not isinstance(message, str) or not message or msg != message:
            return "sendmsg needs message and msg, set to the same non-empty text."
    elif name == "sendchat":
        if command.get("role") not in ("assistant", "user") or not isinstance(command.get("text"), str) \
                or not isinstance(command.get("is_final"), bool):
            return "sendchat needs role (assistant or user), text and is_final (true or false)."
    elif name == "sendaudio":
        pcm = _base64(command.get("audiochunk"))
        if pcm is None:
            return "audiochunk must be base64-encoded raw PCM16 little-endian audio."
        if not pcm or len(pcm) % 2:
            return "audiochunk must hold whole 16-bit samples."
        for field, wanted in (("sample_rate", RATE), ("encoding", "pcm16"), ("channels", 1), ("endianness", "little")):
            if field in command and command[field] != wanted:
                return f"sendaudio takes {field} {wanted!r} only (raw PCM16 LE at 48000 Hz mono)."
    elif name == "interrupt":
        if command.get("action") != "clear_audio_queue":
            return "interrupt needs action clear_audio_queue."
    elif name == "sendimg":
        picture = _base64(command.get("img")) or b""
        if not picture.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
            return "img must be a base64-encoded JPEG or PNG."
    elif name == "sendimg_url":
        url = command.get("img_url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return "img_url must be a public http(s) URL of an image."
    return None


def _picture(command: dict) -> bytes:
    """The picture's bytes: the command's own (sendimg), or what its URL serves (sendimg_url), at most
    ``PICTURE_BYTES`` within ``PICTURE_SECONDS``. ValueError saying why it could not be had."""
    if command["command"] == "sendimg":
        return base64.b64decode(command["img"])
    url, deadline, body = command["img_url"], time.monotonic() + PICTURE_SECONDS, bytearray()
    try:
        with httpx.stream("GET", url, timeout=PICTURE_SECONDS, follow_redirects=True) as response:
            if response.status_code >= 400:
                raise ValueError(f"{url} answered {response.status_code}")
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > PICTURE_BYTES:
                    raise ValueError(f"{url} serves more than {PICTURE_BYTES // 2**20} MB")
                if time.monotonic() > deadline:
                    raise ValueError(f"{url} took more than {PICTURE_SECONDS:.0f} s")
    except httpx.HTTPError as exc:
        raise ValueError(f"{url} could not be fetched ({type(exc).__name__}: {exc})") from None
    return bytes(body)


def _pong(message: str | bytes) -> str | None:
    """What the receiver sends on the video socket: ``video_latency_pong`` echoing a ping."""
    try:
        pong = json.loads(message)
    except (ValueError, UnicodeDecodeError):
        pong = None
    if isinstance(pong, dict) and pong.get("type") == "video_latency_pong" and isinstance(pong.get("seq"), int):
        return None
    return _error(None, "The video socket takes video_latency_pong messages only ({type, seq, sent_at_ms, "
                        "server_received_at_ms, bot_id}).")


def _base64(value: object) -> bytes | None:
    """The bytes of a base64 text; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _to_recording_rate(pcm: bytes) -> bytes:
    """48 kHz PCM16 down to the recording's 8 kHz (every sixth sample: the voice stays recognisable)."""
    samples = array("h", pcm[: len(pcm) - len(pcm) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    kept = samples[:: RATE // FULL_WAV_RATE]
    if sys.byteorder == "big":
        kept.byteswap()
    return kept.tobytes()


def _error(command: str | None, message: str) -> str:
    return json.dumps({"type": "error", "command": command, "message": message})


def _frame(turns: list[tuple[float, float, int]], people: dict[int, dict], start: float, stop: float) -> bytes:
    """One binary frame: whoever speaks at the buffer's start (NoSpeaker when nobody does), and the
    buffer's sound."""
    voice = next((who for begin, end, who in turns if begin <= start < end), None)
    person = people.get(voice) if voice is not None else None
    sid = (person["device_id"] if person else "").encode()
    name = (person["name"] if person else NO_SPEAKER).encode()
    pcm = speech_pcm(turns, start, stop, RATE)
    return b"\x01" + struct.pack("<H", len(sid)) + sid + struct.pack("<H", len(name)) + name + pcm
