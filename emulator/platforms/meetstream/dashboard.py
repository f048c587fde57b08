"""MeetStream on the dashboard: bots with their status timeline (as GET /bots/{id}/detail answers),
and transcription runs."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.objects import Family, Shown, moments
from .constants import BOT, NAME, TRANSCRIPT
from .views import bot_details

if TYPE_CHECKING:
    from ...core.engine import Engine


def families(engine: "Engine") -> list[Family]:
    model = engine.models[NAME]
    store = engine.store

    def bots() -> list[Shown]:
        return [Shown(b["bot_id"], b["status"], moments(*sorted(b["timeline"].items(), key=lambda s: s[1])),
                      lambda b=b: {"bot_details": bot_details(model, b)}, f"{b['bot_name']} · {b['platform']}", b["api_key"])
                for b in store.find(BOT) if not b.get("deleted")]

    def transcripts() -> list[Shown]:
        return [Shown(t["transcript_id"], t["status"], moments(("pending", t["created_at"])),
                      lambda t=t: {k: v for k, v in t.items() if k != "key"}, f"{t['provider']} for {t['bot_id']}")
                for t in store.find(TRANSCRIPT)]

    return [Family("bots", "Bots", bots), Family("transcripts", "Transcription runs", transcripts)]
