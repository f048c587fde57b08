"""A MIA agent on a MeetStream bot, as the reference's "Using a MIA agent on a bot" wires it:
agent_config_id with both bridge URLs, required together; on MeetStream's own bridge the emulator
plays the agent (its first message in the chat, or heard in the recording), and dials nothing; on
a bridge of the integrator's own, the bot connects to it like any control and live-audio socket."""
from __future__ import annotations

import io
import struct
import time
import wave

import pytest
import requests

MEET = "https://meet.google.com/abc-defg-hij"
BRIDGE = {"socket_connection_url": {"websocket_url": "wss://agent-meetstream-prd-main.meetstream.ai/bridge"},
          "live_audio_required": {"websocket_url": "wss://agent-meetstream-prd-main.meetstream.ai/bridge/audio"}}
JOINING, RECORDING_STARTS = 5, 2
GREETING = "Hello everyone, I am the meeting assistant and I will take notes today."


def agent(ms, response_type: str | None) -> str:
    body = {"agent_name": "Helper", "mode": "realtime", "model": {"provider": "google", "voice": "Puck"},
            "agent": {"first_message": GREETING, **({"response_type": response_type} if response_type else {})}}
    made = ms.post("/mia", json=body)
    assert made.status_code == 200, made.text
    return made.json()["agent_config_id"]


@pytest.mark.parametrize("missing", [("socket_connection_url",), ("live_audio_required",),
                                     ("socket_connection_url", "live_audio_required")])
def test_agent_config_id_needs_both_bridge_urls(ms, missing):
    body = {k: v for k, v in BRIDGE.items() if k not in missing}
    answer = ms.post("/bots/create_bot", json={"meeting_link": MEET, "bot_name": "Agent",
                                               "agent_config_id": agent(ms, "chat"), **body})
    assert answer.status_code == 400
    message = answer.text
    assert all(name in message for name in missing) and "required together" in message
    assert ms.get("/bots").json()["bots"] == []  # nothing was made


def test_a_chat_agent_on_meetstreams_bridge_posts_its_first_message_and_dials_nothing(ms):
    bot = ms.create(meeting_link=MEET, agent_config_id=agent(ms, "chat"), video_required=False, **BRIDGE)
    chats = lambda: [c["message"] for c in ms.get(f"/bots/{bot['bot_id']}/get_chats").json()["chats"]  # noqa: E731
                     if c["sender"] == "Notetaker"]
    ms.emulator.advance(JOINING - 1)
    assert chats() == []  # not yet in the meeting
    ms.emulator.advance(1 + RECORDING_STARTS + 10)
    assert chats() == [GREETING]
    assert ms.emulator.streams("meetstream") == {"live": [], "sessions": []}  # the bridge is played, not dialled


def test_a_voice_agent_is_heard_in_the_recording_from_when_it_starts(ms):
    from emulator.core.ids import stable_int
    from emulator.core.media import FULL_WAV_RATE, speech_pcm

    agent_id = agent(ms, None)  # voice is the default response_type
    bot = ms.create(meeting_link=MEET, agent_config_id=agent_id, video_required=False, **BRIDGE)
    ms.emulator.advance(1400)  # the meeting, the leaving and the processing
    audio = requests.get(ms.get(f"/bots/{bot['bot_id']}/get_audio").json()["audio_url"]).content
    with wave.open(io.BytesIO(audio)) as w:
        assert w.getframerate() == FULL_WAV_RATE
        recorded = w.readframes(w.getnframes())
    seconds = len(GREETING.split()) / 2.5
    voice = stable_int(ms.emulator.engine.config.seed, agent_id)
    spoken = speech_pcm([(0.0, seconds, voice)], 0.0, seconds, FULL_WAV_RATE)
    assert recorded[:len(spoken)] == spoken  # the greeting, from the recording's first sample
    assert max(abs(v) for v in struct.unpack(f"<{len(spoken) // 2}h", spoken)) > 3000  # and it is sound
    chats = [c for c in ms.get(f"/bots/{bot['bot_id']}/get_chats").json()["chats"] if c["sender"] == "Notetaker"]
    assert chats == []  # spoken, not written


def test_an_agent_on_a_bridge_of_your_own_connects_to_it(ms, ws):
    control, audio = ws(), ws()
    bot = ms.create(meeting_link=MEET, agent_config_id=agent(ms, "chat"), video_required=False,
                    socket_connection_url={"websocket_url": control.url("/bridge")},
                    live_audio_required={"websocket_url": audio.url("/bridge/audio")})
    ms.emulator.advance(JOINING + RECORDING_STARTS + 3)
    deadline = time.monotonic() + 20
    while not (control.events() and audio.events()):
        assert time.monotonic() < deadline, "the bot did not connect"
        time.sleep(0.02)
    assert control.events()[0] == {"type": "ready", "bot_id": bot["bot_id"], "message": "Ready to receive messages"}
    assert audio.paths == ["/bridge/audio"]
    chats = [c for c in ms.get(f"/bots/{bot['bot_id']}/get_chats").json()["chats"] if c["sender"] == "Notetaker"]
    assert chats == []  # your bridge runs the agent: the emulator says nothing for it
