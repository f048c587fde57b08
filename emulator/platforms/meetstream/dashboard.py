"""MeetStream on the dashboard: bots with their status timeline (as GET /bots/{id}/detail answers),
and transcription runs."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.clock import parse_iso
from ...core.objects import Family, Meeting, Owner, Presence, Shown, Turn, moments
from .constants import BOT, NAME, TRANSCRIPT
from .views import bot_details

if TYPE_CHECKING:
    from ...core.engine import Engine


def families(engine: "Engine") -> list[Family]:
    model = engine.models[NAME]
    store = engine.store

    def meeting(bot: dict) -> Meeting | None:
        """Who was in the call, and the speech its transcripts are made from, at the same times
        (a call still recording: up to now)."""
        if not bot["participants"]:
            return None
        turns = []
        if bot["recording_from"]:
            seconds = model.recorded_seconds(bot) or max(1.0, engine.clock.now() - bot["recording_from"])
            turns = [Turn(s["speaker"], parse_iso(s["absolute_start_time"]), parse_iso(s["absolute_end_time"]),
                          s["transcript"]) for s in model.segments(bot, seconds, bot["provider"])]
        return Meeting([Presence(p["name"], p["joined"], p["left"]) for p in bot["participants"]], turns)

    def bots() -> list[Shown]:
        return [Shown(b["bot_id"], b["status"], moments(*sorted(b["timeline"].items(), key=lambda s: s[1])),
                      lambda b=b: {"bot_details": bot_details(model, b)}, f"{b['bot_name']} · {b['platform']}",
                      Owner.key(b["api_key"]), lambda b=b: meeting(b))
                for b in store.find(BOT) if not b.get("deleted")]

    def transcripts() -> list[Shown]:
        keys = {b["bot_id"]: b["api_key"] for b in store.find(BOT)}
        return [Shown(t["transcript_id"], t["status"], moments(("pending", t["created_at"])),
                      lambda t=t: {k: v for k, v in t.items() if k != "key"}, f"{t['provider']} for {t['bot_id']}",
                      Owner.key(keys[t["bot_id"]]) if t["bot_id"] in keys else None)
                for t in store.find(TRANSCRIPT)]

    return [Family("bots", "Bots", bots), Family("transcripts", "Transcription runs", transcripts)]
