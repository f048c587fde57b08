"""MeetStream's live websockets against a real websocket server: the ``ready`` handshake, live audio
in the documented binary frames (decoded as the vendor's Python pattern decodes them) attributed to
the transcript's speakers, the control socket's commands acting on the meeting, malformed commands
answered on the socket, and both sockets closed with 1000 when the bot leaves."""
from __future__ import annotations

import base64
import io
import json
import struct
import time
import wave

import pytest
import requests


JOINING, RECORDING_STARTS = 5, 2
MEET = "https://meet.google.com/abc-defg-hij"
ZOOM = "https://zoom.us/j/123456789"


def decode(frame: bytes) -> tuple[str, str, bytes]:
    """The docs' decoder: [0x01][u16 LE sid length][sid][u16 LE name length][name][PCM16 LE 48 kHz]."""
    assert frame[0] == 0x01
    sid_len = int.from_bytes(frame[1:3], "little")
    speaker_id = frame[3:3 + sid_len].decode()
    offset = 3 + sid_len
    name_len = int.from_bytes(frame[offset:offset + 2], "little")
    name = frame[offset + 2:offset + 2 + name_len].decode()
    return speaker_id, name, frame[offset + 2 + name_len:]


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_live_audio_frames_are_the_meetings_speech_by_speaker(ms, ws):
    receiver = ws()
    bot = ms.create(meeting_link=MEET, live_audio_required={"websocket_url": receiver.url("/live?k=1")},
                    recording_config={"transcript": {"provider": {"deepgram": {"model": "nova-3"}}}},
                    video_required=False)
    ms.emulator.advance(JOINING + RECORDING_STARTS + 30)
    wait_for(lambda: sum(len(decode(f)[2]) for f in receiver.binary()) >= 30 * 48000 * 2)
    ready = receiver.events()[0]
    assert ready == {"type": "ready", "bot_id": bot["bot_id"], "message": "Ready to receive messages"}
    assert receiver.paths == ["/live?k=1"]
    frames = [decode(f) for f in receiver.binary()]
    assert sum(len(pcm) for _, _, pcm in frames) == 30 * 48000 * 2  # exactly the 30 s the clock moved
    ms.emulator.advance(1300)  # the call ends, the transcript is made
    wait_for(lambda: receiver.closes)
    assert receiver.closes == [1000]
    transcript = ms.get(f"/transcript/{bot['transcript_id']}/get_transcript").json()
    people = {p["displayName"]: p["deviceId"] for p in ms.get(f"/bots/{bot['bot_id']}/get_participants").json()}
    frames = [decode(f) for f in receiver.binary()]
    for index, (speaker_id, name, pcm) in enumerate(frames[:300]):
        at = index * 0.1
        speaking = next((s["speaker"] for s in transcript if s["start_time"] <= at < s["end_time"]), None)
        assert name == (speaking or "NoSpeaker")
        assert speaker_id == (people[speaking] if speaking else "")
        loud = max(abs(v) for v in struct.unpack(f"<{len(pcm) // 2}h", pcm)) > 3000
        turn_starts_inside = any(at < s["start_time"] < at + 0.1 for s in transcript)
        assert loud == (speaking is not None) or turn_starts_inside  # sound exactly while someone speaks


def test_the_control_socket_takes_the_documented_commands(ms, ws):
    receiver = ws()
    bot = ms.create(meeting_link=MEET, socket_connection_url={"websocket_url": receiver.url("/control")},
                    video_required=False)
    ms.emulator.advance(JOINING)
    wait_for(lambda: receiver.events())
    assert receiver.events()[0]["type"] == "ready"
    bot_id = bot["bot_id"]
    receiver.send_on_open(json.dumps({"command": "sendmsg", "bot_id": bot_id, "message": "Hello!", "msg": "Hello!"}))
    for text, final in (("Here", False), ("Here is my", False), ("Here is my answer", True)):
        receiver.send_on_open(json.dumps({"command": "sendchat", "bot_id": bot_id, "role": "assistant",
                                          "text": text, "is_final": final}))
    wait_for(lambda: len([c for c in ms.get(f"/bots/{bot_id}/get_chats").json()["chats"]
                          if c["sender"] == "Notetaker"]) == 2)
    mine = [c["message"] for c in ms.get(f"/bots/{bot_id}/get_chats").json()["chats"] if c["sender"] == "Notetaker"]
    assert mine == ["Hello!", "Here is my answer"]  # interim sendchat tokens do not stay in the chat


@pytest.mark.parametrize("command, complaint", [
    ("not json", "not JSON"),
    ({"command": "dance"}, "Unknown command"),
    ({"command": "sendmsg", "message": "hi"}, "message and msg"),
    ({"command": "sendchat", "role": "robot", "text": "x", "is_final": True}, "role"),
    ({"command": "sendaudio", "audiochunk": "%%%"}, "base64"),
    ({"command": "sendaudio", "audiochunk": base64.b64encode(b"\0\0").decode(), "sample_rate": 16000}, "48000"),
    ({"command": "interrupt", "action": "stop"}, "clear_audio_queue"),
    ({"command": "sendimg", "img": base64.b64encode(b"GIF89a").decode()}, "JPEG or PNG"),
    ({"command": "sendimg", "img": base64.b64encode(b"\x89PNG\r\n\x1a\nnot a picture").decode()}, "cannot be shown"),
    ({"command": "sendimg_url", "img_url": "ftp://x/y.png"}, "http(s)"),
    ({"command": "sendimg_url", "img_url": "http://127.0.0.1:9/nothing-listens.png"}, "could not be fetched"),
    ({"command": "sendmsg", "bot_id": "someone-else", "message": "hi", "msg": "hi"}, "is not this bot"),
])
def test_a_malformed_command_is_answered_on_the_socket_and_changes_nothing(ms, ws, command, complaint):
    receiver = ws()
    bot = ms.create(meeting_link=MEET, socket_connection_url=receiver.url("/control"), video_required=False)
    ms.emulator.advance(JOINING)
    wait_for(lambda: receiver.events())
    before = ms.get(f"/bots/{bot['bot_id']}/get_chats").json()
    receiver.send_on_open(command if isinstance(command, str) else json.dumps(command))
    wait_for(lambda: any(m.get("type") == "error" for m in receiver.events()))
    error = next(m for m in receiver.events() if m.get("type") == "error")
    assert complaint in error["message"]
    assert ms.get(f"/bots/{bot['bot_id']}/get_chats").json() == before


def pcm_tone(seconds: float, value: int = 12000) -> bytes:
    """A square-ish wave at 48 kHz, easy to find again at 8 kHz."""
    samples = [value if (i // 24) % 2 else -value for i in range(int(seconds * 48000))]
    return struct.pack(f"<{len(samples)}h", *samples)


def test_sendaudio_is_heard_in_the_recording_and_interrupt_clears_the_queue_on_meet(ms, ws):
    receiver = ws()
    bot = ms.create(meeting_link=MEET, socket_connection_url=receiver.url("/control"), video_required=False,
                    recording_config={"transcript": {"provider": {"deepgram": {"model": "nova-3"}}}})
    ms.emulator.advance(JOINING + RECORDING_STARTS + 10)  # recording for 10 s
    wait_for(lambda: receiver.events())
    chunk = {"command": "sendaudio", "bot_id": bot["bot_id"], "audiochunk": base64.b64encode(pcm_tone(2)).decode(),
             "sample_rate": 48000, "encoding": "pcm16", "channels": 1, "endianness": "little"}
    receiver.send_on_open(json.dumps(chunk))
    receiver.send_on_open(json.dumps(chunk))  # queued behind the first: plays 12-14 s into the recording
    time.sleep(0.5)
    ms.emulator.advance(1)
    receiver.send_on_open(json.dumps({"command": "interrupt", "bot_id": bot["bot_id"], "action": "clear_audio_queue"}))
    time.sleep(0.5)
    ms.emulator.advance(1300)
    audio = requests.get(ms.get(f"/bots/{bot['bot_id']}/get_audio").json()["audio_url"]).content
    with wave.open(io.BytesIO(audio)) as w:
        rate = w.getframerate()
        samples = struct.unpack(f"<{w.getnframes()}h", w.readframes(w.getnframes()))
    played = [abs(v) == 12000 for v in samples[10 * rate: 13 * rate]]
    assert all(played[: rate]) and not any(played[rate + 10:])  # 10-11 s: the first chunk, cut by the interrupt at 11 s


def test_the_control_socket_closes_with_1000_when_the_bot_leaves(ms, ws):
    receiver = ws()
    bot = ms.create(meeting_link=ZOOM, socket_connection_url=receiver.url("/control"), video_required=False)
    ms.emulator.advance(JOINING)
    wait_for(lambda: receiver.events())
    ms.get(f"/bots/{bot['bot_id']}/remove_bot")
    ms.emulator.advance(5)
    wait_for(lambda: receiver.closes)
    assert receiver.closes == [1000]


needs_ffprobe = pytest.mark.skipif(__import__("shutil").which("ffprobe") is None, reason="needs ffprobe (ffmpeg)")


@needs_ffprobe
def test_live_video_is_fmp4_that_ffprobe_reads_with_pings_and_an_end(ms, ws, tmp_path):
    import subprocess

    receiver = ws()
    bot = ms.create(meeting_link=MEET, live_video_required={"websocket_url": receiver.url("/video")},
                    video_required=False)
    ms.emulator.advance(JOINING + RECORDING_STARTS + 12)
    wait_for(lambda: [m for m in receiver.events() if m["type"] == "video_latency_ping"])
    start = receiver.events()[0]
    assert start == {"type": "video_stream_start", "bot_id": bot["bot_id"], "codec": "h264", "audio_codec": "aac",
                     "container": "fmp4", "width": 640, "height": 360, "framerate": 15,
                     "audio_sample_rate": 44100, "audio_bitrate": "128k"}
    ping = next(m for m in receiver.events() if m["type"] == "video_latency_ping")
    receiver.send_on_open(json.dumps({"type": "video_latency_pong", "seq": ping["seq"], "sent_at_ms": ping["sent_at_ms"],
                                      "server_received_at_ms": int(time.time() * 1000), "bot_id": bot["bot_id"]}))
    receiver.send_on_open("not a pong")
    wait_for(lambda: any(m["type"] == "error" for m in receiver.events()))  # only a malformed message is answered
    assert [m["type"] for m in receiver.events()].count("error") == 1
    ms.get(f"/bots/{bot['bot_id']}/remove_bot")
    ms.emulator.advance(5)
    wait_for(lambda: receiver.closes)
    assert receiver.closes == [1000]
    end = receiver.events()[-1]
    # removed 12 s into the recording, the bot takes 2 s to leave
    assert end["type"] == "video_stream_end" and end["duration_seconds"] == pytest.approx(14, abs=0.01)
    (tmp_path / "live.mp4").write_bytes(b"".join(receiver.binary()))
    probed = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                                        "stream=codec_name,width,height,sample_rate:format=duration", "-of", "json",
                                        str(tmp_path / "live.mp4")], capture_output=True, text=True, check=True).stdout)
    assert sorted(s["codec_name"] for s in probed["streams"]) == ["aac", "h264"]
    assert float(probed["format"]["duration"]) == pytest.approx(14, abs=0.2)
    assert len([m for m in receiver.events() if m["type"] == "video_latency_ping"]) == 2  # at 5 s and 10 s


def test_live_video_is_not_streamed_on_zoom(ms, ws):
    receiver = ws()
    ms.create(meeting_link=ZOOM, live_video_required={"websocket_url": receiver.url("/video")}, video_required=False)
    ms.emulator.advance(JOINING + RECORDING_STARTS + 5)
    time.sleep(0.3)
    assert receiver.paths == []  # "Supported on Google Meet and Microsoft Teams only — NOT Zoom"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG, written by hand (zlib and CRC-32 as the PNG spec says)."""
    import zlib

    raw = b"".join(b"\0" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def pictures():
    """A local web server with a blue picture at /blue.png (and nothing else)."""
    import http.server
    import threading

    blue = png(64, 48, (0, 0, 255))

    class Pictures(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            found = self.path == "/blue.png"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "image/png" if found else "text/plain")
            body = blue if found else b"no such picture"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pictures)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def tile_colour(frame) -> tuple[int, int, int]:
    """Y, U and V at the centre of the camera tile (160x90 at the bottom right, 16 px in)."""
    x, y = 640 - 16 - 80, 360 - 16 - 45
    planes = frame.planes
    return (bytes(planes[0])[y * planes[0].line_size + x], bytes(planes[1])[y // 2 * planes[1].line_size + x // 2],
            bytes(planes[2])[y // 2 * planes[2].line_size + x // 2])


def near(colour: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 16 for a, b in zip(colour, wanted))


def test_sendimg_and_sendimg_url_become_the_bots_camera_tile_in_the_live_video(ms, ws, pictures):
    import av
    from emulator.core.live_media import camera_tile

    control, video = ws(), ws()
    bot = ms.create(meeting_link=MEET, socket_connection_url=control.url("/control"),
                    live_video_required={"websocket_url": video.url("/video")}, video_required=False)
    bot_id = bot["bot_id"]

    def command(sent: dict, marker: str) -> None:  # commands run in order: the marker in the chat means done
        control.send_on_open(json.dumps(sent))
        control.send_on_open(json.dumps({"command": "sendmsg", "message": marker, "msg": marker}))
        wait_for(lambda: marker in [c["message"] for c in ms.get(f"/bots/{bot_id}/get_chats").json()["chats"]])

    ms.emulator.advance(JOINING + RECORDING_STARTS + 3)  # 3 s of video without a camera
    wait_for(lambda: control.events() and video.events())
    command({"command": "sendimg", "bot_id": bot_id, "img": base64.b64encode(png(320, 180, (255, 0, 0))).decode()},
            "red")
    command({"command": "sendimg_url", "bot_id": bot_id, "img_url": f"{pictures}/missing.png"}, "missing")
    wait_for(lambda: any(m.get("type") == "error" for m in control.events()))  # the reply may trail the chat
    assert "answered 404" in next(m for m in control.events() if m.get("type") == "error")["message"]
    ms.emulator.advance(3)  # 3-6 s: red
    command({"command": "sendimg_url", "bot_id": bot_id, "img_url": f"{pictures}/blue.png"}, "blue")
    ms.emulator.advance(3)  # 6 s on: blue, until the bot has left at 11 s
    ms.get(f"/bots/{bot_id}/remove_bot")
    ms.emulator.advance(5)
    wait_for(lambda: video.closes)

    def expected(picture: bytes) -> tuple[int, int, int]:
        planes = camera_tile(picture)
        return planes[45 * 160 + 80], planes[14400 + 22 * 80 + 40], planes[18000 + 22 * 80 + 40]

    red, blue = expected(png(8, 8, (255, 0, 0))), expected(png(8, 8, (0, 0, 255)))
    seen = {"none": 0, "red": 0, "blue": 0}
    with av.open(io.BytesIO(b"".join(video.binary()))) as container:
        for frame in container.decode(video=0):
            at, colour = float(frame.time), tile_colour(frame)
            wanted = "none" if at < 3 - 1e-6 else "red" if at < 6 - 1e-6 else "blue"
            if wanted == "none":
                assert not near(colour, red) and not near(colour, blue), at
            else:
                assert near(colour, red if wanted == "red" else blue), (at, colour)
            seen[wanted] += 1
    assert seen == {"none": 45, "red": 45, "blue": 75}  # 15 fps: 3 s, 3 s and 5 s
