"""A MIA agent on a bot (the reference's "Using a MIA agent on a bot"): ``agent_config_id`` with
``socket_connection_url`` and ``live_audio_required``, "all three required together". When those
URLs are MeetStream's own bridge (a ``*.meetstream.ai`` host, as the reference's example), the
emulator plays the bridge: the bot opens no connection, and the agent says its
``agent.first_message`` in the meeting, in the chat (``response_type: chat``, when the bot is in)
or aloud (``voice``, the default, from when the recording starts, heard in the recording's audio);
an ``action`` agent says nothing. With URLs of your own, the bot connects to them as to any
control and live-audio socket (live.py): you are the bridge. A part of ``MeetStream`` (models.py). No HTTP."""
from __future__ import annotations

from urllib.parse import urlsplit

from ...core.errors import Invalid
from ...core.ids import stable_int
from ...core.media import FULL_WAV_RATE, speech_pcm
from .constants import AGENT

BRIDGE_DOMAIN = "meetstream.ai"
WORDS_PER_SECOND = 2.5  # how fast the agent speaks its first message (our choice: a calm voice)


def bridge(url: str | None) -> bool:
    """Whether ``url`` is MeetStream's own agent bridge, which the emulator plays instead of dialling."""
    try:
        host = (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return False
    return host == BRIDGE_DOMAIN or host.endswith("." + BRIDGE_DOMAIN)


def socket_url(value: object) -> str | None:
    """A create_bot socket field's URL: ``{"websocket_url": ...}``, or a plain URL (the older docs' form)."""
    return value.get("websocket_url") if isinstance(value, dict) else value if isinstance(value, str) else None


class Agents:
    def _agent_for(self, api_key: str, body: dict) -> dict | None:
        """The MIA agent a create_bot body asks for (None when it asks for none); Invalid when it is
        not this key's, or when the two bridge URLs that must come with it are missing."""
        agent_id = body.get("agent_config_id")
        if not agent_id:
            return None
        stored = self.store.get(AGENT, agent_id)
        if (stored or {}).get("api_key") != api_key:
            raise Invalid(f"agent_config_id {agent_id} not found.")
        missing = [name for name in ("socket_connection_url", "live_audio_required")
                   if not socket_url(body.get(name))]
        if missing:
            raise Invalid(f"agent_config_id needs {' and '.join(missing)} ({{\"websocket_url\": ...}}): "
                          "agent_config_id, socket_connection_url and live_audio_required are required together "
                          "to enable MIA.")
        return stored

    def _played_agent(self, bot: dict) -> dict | None:
        """The bot's agent config when the emulator plays its bridge; None otherwise."""
        request = bot["request"]
        if not request.get("agent_config_id") or not bridge(socket_url(request.get("socket_connection_url"))):
            return None
        return (self.store.get(AGENT, request["agent_config_id"]) or {}).get("config")

    def _agent_joins(self, bot: dict) -> None:
        """In the meeting: a chat agent posts its first message."""
        agent = (self._played_agent(bot) or {}).get("agent") or {}
        if agent.get("response_type") == "chat" and agent.get("first_message"):
            bot["chats"].append({"sender": bot["bot_name"], "message": agent["first_message"],
                                 "timestamp": self.clock.now(), "metadata": {"message_type": "text", "via": "mia"}})

    def _agent_records(self, bot: dict) -> None:
        """Recording: a voice agent speaks its first message, queued like ``sendaudio``."""
        config = self._played_agent(bot) or {}
        agent = config.get("agent") or {}
        text = agent.get("first_message")
        if agent.get("response_type", "voice") != "voice" or not text:
            return
        seconds = round(max(1.0, len(text.split()) / WORDS_PER_SECOND), 3)
        voice = stable_int(self.engine.config.seed, bot["request"]["agent_config_id"])
        queue = bot.setdefault("spoken", [])
        key = f"{self.folder(bot)}/spoken/{len(queue)}.pcm"
        self.engine.links.put(key, speech_pcm([(0.0, seconds, voice)], 0.0, seconds, FULL_WAV_RATE),
                              "application/octet-stream", f"{len(queue)}.pcm")
        queue.append({"from": self.clock.now(), "seconds": seconds, "key": key, "source": "mia"})
        self._save(bot)
