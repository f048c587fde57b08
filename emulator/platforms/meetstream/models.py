"""MeetStream's state and rules, composed of its resource families: bots and their status machine
(bots.py), post-call media (media.py), transcripts (transcripts.py), calendars (calendar.py), account
resources (integrations.py) and the outgoing callbacks (callbacks.py); here the shared plumbing.
No HTTP here."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .bots import Bots
from .calendar import Calendars
from .callbacks import REALTIME_POLICY, RETRY_POLICY, Callbacks
from .constants import NAME, SETTINGS
from .integrations import Integrations
from .media import Media
from .transcripts import Transcripts

if TYPE_CHECKING:
    from ...core.engine import Engine

ACTIONS = ("join", "admitted", "not_allowed", "recording", "participant_leave", "everyone_left", "stopped", "manifest",
           "audio", "video", "transcribed", "retention", "live_segment", "recording_timeout", "calendar_scan")


class MeetStream(Bots, Media, Transcripts, Calendars, Integrations, Callbacks):
    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self.store = engine.store
        self.clock = engine.clock
        engine.webhooks.register_policy(NAME, RETRY_POLICY)
        engine.webhooks.register_policy(f"{NAME}.realtime", REALTIME_POLICY)
        for action in ACTIONS:
            engine.timeline.register(f"{NAME}.{action}", getattr(self, f"_on_{action}"), self._recover)

    def setting(self, name: str) -> Any:
        return self.engine.setting(NAME, name, SETTINGS[name])

    def _after(self, seconds: float, action: str, payload: dict) -> None:
        self.engine.timeline.after(seconds, f"{NAME}.{action}", payload)
