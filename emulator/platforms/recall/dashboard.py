"""Recall.ai on the dashboard: bots with their status changes, recordings, media artifacts, real-time
endpoints, calendars and calendar events."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.objects import Family, Meeting, Owner, Presence, Shown, Turn, moments
from .constants import ARTIFACT, BOT, CALENDAR, CALENDAR_EVENT, NAME, REALTIME, RECORDING
from .views import artifact_view, bot_view, calendar_event_view, calendar_view, realtime_endpoint_view, recording_view

if TYPE_CHECKING:
    from ...core.engine import Engine


def families(engine: "Engine") -> list[Family]:
    model = engine.models[NAME]
    store = engine.store

    def workspace(tenant: str | None) -> Owner | None:
        return Owner("workspace", tenant) if tenant else None

    def of_recording(recording_id: str) -> Owner | None:
        return workspace(model.workspace_of(recording_id))

    def meeting(bot: dict) -> Meeting | None:
        """Who was in the call, and each recording's speech: the segments its speaker timeline and
        transcripts are made from, at the same times (a recording still running: up to now)."""
        if not bot["participants"]:
            return None
        names = {p["id"]: p["name"] for p in bot["participants"]}
        turns = []
        for recording in store.find(RECORDING):
            if recording["bot_id"] == bot["id"] and recording["started_at"] is not None:
                origin = recording["started_at"]
                duration = max(1.0, (recording["completed_at"] or engine.clock.now()) - origin)
                turns += [Turn(names.get(s.speaker["id"], s.speaker["name"]), origin + s.start, origin + s.end, s.text)
                          for s in model.segments(bot, duration)]
        return Meeting([Presence(p["name"], p["joined"], p["left"]) for p in bot["participants"]], turns)

    def bots() -> list[Shown]:
        shown = []
        for bot in store.find(BOT):
            changes = bot["status_changes"]
            status = changes[-1]["code"] if changes else ("scheduled" if bot["join_at"] else "ready")
            shown.append(Shown(bot["id"], status, moments(*((c["code"], c["created_at"]) for c in changes)),
                               lambda b=bot: bot_view(model, b), f"{bot['bot_name']} · {bot['meeting_url']['platform']}",
                               workspace(bot.get("workspace")), lambda b=bot: meeting(b)))
        return shown

    def recordings() -> list[Shown]:
        return [Shown(r["id"], r["status"]["code"], moments(("processing", r["started_at"]),
                                                           (r["status"]["code"], r["status"]["updated_at"])),
                      lambda r=r: recording_view(model, r), f"of bot {r['bot_id']}", of_recording(r["id"]))
                for r in store.find(RECORDING)]

    def artifacts() -> list[Shown]:
        return [Shown(a["id"], a["status"]["code"], moments((a["status"]["code"], a["status"]["updated_at"])),
                      lambda a=a: artifact_view(model, a, standalone=True), f"{a['kind']} of {a['recording_id']}",
                      of_recording(a["recording_id"]))
                for a in store.find(ARTIFACT)]

    def endpoints() -> list[Shown]:
        return [Shown(e["id"], e["status"]["code"], moments(("running", e["created_at"]),
                                                           (e["status"]["code"], e["status"]["updated_at"])),
                      lambda e=e: realtime_endpoint_view(model, e), f"{e['type']} {e['url'] or ''}",
                      of_recording(e["recording_id"]))
                for e in store.find(REALTIME)]

    def calendars() -> list[Shown]:
        return [Shown(c["id"], c["status"], moments(*((s["status"], s["created_at"]) for s in c["status_changes"])),
                      lambda c=c: calendar_view(c), f"{c['platform']} {c['platform_email'] or ''}",
                      workspace(c["workspace"]))
                for c in store.find(CALENDAR)]

    def events() -> list[Shown]:
        calendars_workspace = {c["id"]: c["workspace"] for c in store.find(CALENDAR)}
        return [Shown(e["id"], "deleted" if e["is_deleted"] else f"{len(e['bots'])} bot(s)",
                      moments(("created", e["created_at"]), ("starts", e["start_time"])),
                      lambda e=e: calendar_event_view(model, e), f"{e['title']} · {e['meeting_url'] or 'no link'}",
                      workspace(calendars_workspace.get(e["calendar_id"])))
                for e in store.find(CALENDAR_EVENT)]

    return [Family("bots", "Bots", bots), Family("recordings", "Recordings", recordings),
            Family("artifacts", "Artifacts", artifacts), Family("realtime_endpoints", "Real-time endpoints", endpoints),
            Family("calendars", "Calendars", calendars), Family("calendar_events", "Calendar events", events)]
