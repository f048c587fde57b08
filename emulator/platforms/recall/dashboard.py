"""Recall.ai on the dashboard: bots with their status changes, recordings and media artifacts."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.objects import Family, Shown, moments
from .constants import ARTIFACT, BOT, NAME, RECORDING
from .views import artifact_view, bot_view, recording_view

if TYPE_CHECKING:
    from ...core.engine import Engine


def families(engine: "Engine") -> list[Family]:
    model = engine.models[NAME]
    store = engine.store

    def bots() -> list[Shown]:
        shown = []
        for bot in store.find(BOT):
            changes = bot["status_changes"]
            status = changes[-1]["code"] if changes else ("scheduled" if bot["join_at"] else "ready")
            shown.append(Shown(bot["id"], status, moments(*((c["code"], c["created_at"]) for c in changes)),
                               lambda b=bot: bot_view(model, b), f"{bot['bot_name']} · {bot['meeting_url']['platform']}",
                               bot.get("workspace")))
        return shown

    def recordings() -> list[Shown]:
        return [Shown(r["id"], r["status"]["code"], moments(("processing", r["started_at"]),
                                                           (r["status"]["code"], r["status"]["updated_at"])),
                      lambda r=r: recording_view(model, r), f"of bot {r['bot_id']}") for r in store.find(RECORDING)]

    def artifacts() -> list[Shown]:
        return [Shown(a["id"], a["status"]["code"], moments((a["status"]["code"], a["status"]["updated_at"])),
                      lambda a=a: artifact_view(model, a, standalone=True), f"{a['kind']} of {a['recording_id']}")
                for a in store.find(ARTIFACT)]

    return [Family("bots", "Bots", bots), Family("recordings", "Recordings", recordings),
            Family("artifacts", "Artifacts", artifacts)]
