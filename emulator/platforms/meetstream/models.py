"""MeetStream's state and rules, composed of its resource families: bots and their status machine
(bots.py), post-call media (media.py), transcripts (transcripts.py), calendars (calendar.py) and their automatic scheduling (calendar_auto.py), account
resources (integrations.py), signed-in bots' accounts (signin.py), the outgoing callbacks (callbacks.py), the live websockets (live.py) and a MIA agent on a bot (mia.py); here
the shared plumbing.
No HTTP here."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.model import PlatformModel
from .bots import Bots
from .calendar import Calendars
from .calendar_auto import AutoScheduling
from .callbacks import REALTIME_POLICY, RETRY_POLICY, Callbacks
from .constants import NAME, SETTINGS
from .integrations import Integrations
from .live import LiveStreams
from .mia import Agents
from .media import Media
from .signin import SignedIn
from .transcripts import Transcripts

if TYPE_CHECKING:
    from ...core.engine import Engine


class MeetStream(Bots, Media, Transcripts, Calendars, AutoScheduling, Integrations, SignedIn, Callbacks,
                 LiveStreams, Agents, PlatformModel):
    NAME, SETTINGS = NAME, SETTINGS

    def __init__(self, engine: "Engine") -> None:
        super().__init__(engine)
        engine.webhooks.register_policy(NAME, RETRY_POLICY)
        engine.webhooks.register_policy(f"{NAME}.realtime", REALTIME_POLICY)
        engine.links.register_renderer(f"{NAME}.audio", self.render_audio)
