"""Lessonspace's state and rules, composed of its resource families: organisations and spaces
(spaces.py) and sessions with their transcripts and recordings (sessions.py). No HTTP here."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.model import PlatformModel
from .constants import NAME, RETRY_POLICY, SETTINGS
from .sessions import Sessions
from .spaces import Spaces

if TYPE_CHECKING:
    from ...core.engine import Engine


class Lessonspace(Spaces, Sessions, PlatformModel):
    NAME, SETTINGS = NAME, SETTINGS

    def __init__(self, engine: "Engine") -> None:
        super().__init__(engine)
        engine.webhooks.register_policy(NAME, RETRY_POLICY)
