"""Recall.ai Calendar V2: calendars connected with an OAuth refresh token (connecting, connected,
disconnected), their synced events with the provider's raw payload, and bots scheduled to events
with a deduplication key shared across events; ``calendar.update`` and ``calendar.sync_events``
webhooks. A part of ``Recall`` (models.py). No HTTP here."""
from __future__ import annotations

from ...core.clock import iso, parse_iso, transport_now
from ...core.content import person_name
from ...core.errors import Conflict, Invalid, NotFound
from ...core.tenancy import current_tenant, visible
from ...core.model import due
from .constants import BOT, CALENDAR, CALENDAR_EVENT, DEDUPLICATION, NAME

CONNECT_SECONDS = 5  # from create (or a reconnecting update) to connected and the first sync
WINDOW = (-86400, 28 * 86400)  # events synced: from 1 day before now to 28 days ahead
TOKEN_LIFETIME = 3600


class Calendars:
    # -- calendars -------------------------------------------------------------------------
    def create_calendar(self, body: dict) -> dict:
        with self.store.transaction():
            now = self.clock.now()
            calendar = {"id": self._uuid("calendar"), "workspace": current_tenant(), "created_at": now,
                        "updated_at": now, "status": "connecting", "status_changes": [], "platform_email": None,
                        "synced": False, **{k: body[k] for k in ("oauth_client_id", "oauth_client_secret",
                                                                  "oauth_refresh_token", "platform")},
                        "oauth_email": body.get("oauth_email"), "webhook_url": body.get("webhook_url")}
            self._calendar_status(calendar, "connecting", announce=False)
            self.after(CONNECT_SECONDS, "calendar_connect", {"calendar": calendar["id"]})
            return calendar

    def calendar(self, calendar_id: str) -> dict:
        calendar = self.require(CALENDAR, calendar_id, "Not found.",
                                where=lambda calendar: visible(calendar["workspace"]))
        return calendar

    def calendars(self) -> list[dict]:
        return [c for c in self.store.find(CALENDAR) if visible(c["workspace"])]

    def update_calendar(self, calendar_id: str, body: dict) -> dict:
        """New OAuth values; any update of a disconnected calendar tries to reconnect it."""
        with self.store.transaction():
            calendar = self.calendar(calendar_id)
            for field in ("oauth_client_id", "oauth_client_secret", "oauth_refresh_token", "platform", "oauth_email",
                          "webhook_url"):
                if field in body:
                    calendar[field] = body[field]
            calendar["updated_at"] = self.clock.now()
            if calendar["status"] == "disconnected":
                self._calendar_status(calendar, "connecting")
                self.after(CONNECT_SECONDS, "calendar_connect", {"calendar": calendar_id})
            return self.store.put(CALENDAR, calendar_id, calendar)

    def delete_calendar(self, calendar_id: str) -> None:
        """Gone at once, with the bots scheduled to its future events (no calendar.update: you asked)."""
        with self.store.transaction():
            calendar = self.calendar(calendar_id)
            for event in self.store.find(CALENDAR_EVENT, calendar_id):
                self._unschedule(event)
                self.store.delete(CALENDAR_EVENT, event["id"])
            self.store.delete(CALENDAR, calendar["id"])

    def calendar_access_token(self, calendar_id: str) -> dict:
        """A provider access token; its expiry is wall-clock (transport) time, as the provider's would be."""
        calendar = self.calendar(calendar_id)
        if calendar["status"] == "disconnected":
            raise Invalid("The calendar's refresh token was revoked: reconnect it with a new one.",
                          {"code": "bad_refresh_token"})
        token = "ya29." + self.engine.ids.token(f"{NAME}.calendar_token") if calendar["platform"] == "google_calendar" \
            else "EwB" + self.engine.ids.token(f"{NAME}.calendar_token")
        return {"token": token, "expires_at": iso(transport_now() + TOKEN_LIFETIME)}

    def disconnect_calendar(self, calendar_id: str) -> dict:
        """The user revoked the app (control API): disconnected, bots of future events unscheduled."""
        with self.store.transaction():
            calendar = self.calendar(calendar_id)
            if calendar["status"] == "disconnected":
                raise Conflict("The calendar is already disconnected.")
            self._calendar_status(calendar, "disconnected")
            for event in self.store.find(CALENDAR_EVENT, calendar_id):
                if event["start_time"] > self.clock.now():
                    self._unschedule(event)
            return calendar

    def _calendar_status(self, calendar: dict, status: str, announce: bool = True) -> None:
        now = self.clock.now()
        calendar["status"], calendar["updated_at"] = status, now
        calendar["status_changes"].append({"status": status, "created_at": iso(now)})
        self.store.put(CALENDAR, calendar["id"], calendar)
        if announce:
            self._webhook("calendar.update", {"calendar_id": calendar["id"]})

    @due("calendar_connect")
    def _on_calendar_connect(self, payload: dict) -> None:
        calendar = self.store.get(CALENDAR, payload["calendar"])
        if calendar is None or calendar["status"] != "connecting":
            return
        if calendar["oauth_refresh_token"].startswith("revoked"):  # a token the provider refuses
            self._calendar_status(calendar, "disconnected")
            return
        calendar["platform_email"] = calendar["oauth_email"] or f"user-{calendar['id'][:8]}@example.com"
        self._calendar_status(calendar, "connected")
        if not calendar["synced"]:
            calendar["synced"] = True
            self.store.put(CALENDAR, calendar["id"], calendar)
            for i in range(self.setting("calendar_events")):
                start = (self.clock.now() // 3600 + 1) * 3600 + i * 86400  # on the hour, a day apart
                url = ("https://meet.google.com/abc-defg-hij", "https://zoom.us/j/84315550123")[i % 2]
                self._new_event(calendar, {"start_time": start, "end_time": start + 1800, "meeting_url": url,
                                           "title": f"Weekly sync {i + 1}"})
            self._sync_webhook(calendar)

    # -- events ----------------------------------------------------------------------------
    def _new_event(self, calendar: dict, spec: dict) -> dict:
        now = self.clock.now()
        event_id = self._uuid("calendar_event")
        event = {"id": event_id, "calendar_id": calendar["id"], "platform": calendar["platform"],
                 "platform_id": self.engine.ids.hex(f"{NAME}.calendar_platform_id", 26),
                 "ical_uid": spec.get("ical_uid") or f"{self.engine.ids.hex(f'{NAME}.ical', 24)}@google.com",
                 "title": spec.get("title") or "Meeting", "start_time": spec["start_time"], "end_time": spec["end_time"],
                 "meeting_url": spec.get("meeting_url"), "created_at": now, "updated_at": now, "is_deleted": False,
                 "bots": [], "organizer": person_name(self.engine.config.seed, event_id)}
        self.store.put(CALENDAR_EVENT, event_id, event, calendar["id"])
        return event

    def calendar_event(self, event_id: str) -> dict:
        event = self.store.get(CALENDAR_EVENT, event_id)
        calendar = self.store.get(CALENDAR, event["calendar_id"]) if event else None
        if calendar is None or not visible(calendar["workspace"]):
            raise NotFound("Not found.")
        return event

    def calendar_events(self) -> list[dict]:
        """The events of the workspace's calendars inside the synced window (a day back, 28 days ahead)."""
        now = self.clock.now()
        ids = {c["id"] for c in self.calendars()}
        return [e for e in self.store.find(CALENDAR_EVENT) if e["calendar_id"] in ids
                and now + WINDOW[0] <= e["start_time"] <= now + WINDOW[1]]

    def add_event(self, calendar_id: str, spec: dict) -> dict:
        """A new event on the calendar (control API): synced, with a calendar.sync_events webhook."""
        with self.store.transaction():
            calendar = self.calendar(calendar_id)
            spec = _times(spec)
            event = self._new_event(calendar, {**spec, "end_time": spec.get("end_time") or spec["start_time"] + 1800})
            self._sync_webhook(calendar)
            return event

    def change_event(self, event_id: str, spec: dict) -> dict:
        """The user moved, edited or deleted an event (control API). A deleted event loses its bots;
        a moved one keeps them where they were until Add Bot is called again, as Recall documents."""
        with self.store.transaction():
            event = self.calendar_event(event_id)
            spec = _times(spec)
            for field in ("start_time", "end_time", "meeting_url", "title"):
                if field in spec:
                    event[field] = spec[field]
            if spec.get("is_deleted"):
                event["is_deleted"] = True
                self._unschedule(event)
            event["updated_at"] = self.clock.now()
            self.store.put(CALENDAR_EVENT, event_id, event, event["calendar_id"])
            self._sync_webhook(self.store.get(CALENDAR, event["calendar_id"]))
            return event

    def _sync_webhook(self, calendar: dict) -> None:
        self._webhook("calendar.sync_events", {"calendar_id": calendar["id"], "last_updated_ts": iso(self.clock.now())})

    # -- scheduling bots -------------------------------------------------------------------
    def schedule_event_bot(self, event_id: str, body: dict) -> dict:
        """Add Bot: one bot per deduplication key in the workspace, shared by every event that names
        it; a repeated call replaces the bot's whole config (no partial updates)."""
        with self.store.transaction():
            event = self.calendar_event(event_id)
            if event["is_deleted"]:
                raise Invalid("The calendar event was deleted.", {"code": "calendar_event_deleted"})
            if event["end_time"] <= self.clock.now():
                raise Invalid("The calendar event has already ended.", {"code": "calendar_event_ended"})
            config = dict(body["bot_config"])
            meeting_url = config.pop("meeting_url", None) or event["meeting_url"]
            if not meeting_url:
                raise Invalid("The calendar event has no meeting URL.",
                              {"bot_config": {"meeting_url": ["Give a meeting_url: the event has none."]}})
            config.pop("join_at", None)
            key = self._dedup_key(event, body["deduplication_key"])
            shared = self.store.get(DEDUPLICATION, key)
            bot = self.store.get(BOT, shared["bot_id"]) if shared else None
            join_at = iso(max(event["start_time"], self.clock.now()))
            if bot is not None and not bot["dispatched"] and bot["join_at"] is not None:
                self.update(bot["id"], {**config, "meeting_url": meeting_url, "join_at": join_at}
                            if bot["join_at"] != parse_iso(join_at) else {**config, "meeting_url": meeting_url})
            else:  # deduplication applies to future bots only: one already sent means a new bot
                _, bot = self.create({**config, "meeting_url": meeting_url, "join_at": join_at}, None)
                self.store.put(DEDUPLICATION, key, {"bot_id": bot["id"]})
            event["bots"] = [b for b in event["bots"] if b["deduplication_key"] != body["deduplication_key"]]
            event["bots"].append({"bot_id": bot["id"], "start_time": join_at,
                                  "deduplication_key": body["deduplication_key"], "meeting_url": meeting_url})
            event["updated_at"] = self.clock.now()
            return self.store.put(CALENDAR_EVENT, event_id, event, event["calendar_id"])

    def unschedule_event_bot(self, event_id: str) -> dict:
        """Remove Bot (idempotent): the bot goes unless another event still shares it."""
        with self.store.transaction():
            event = self.calendar_event(event_id)
            self._unschedule(event)
            event["updated_at"] = self.clock.now()
            return self.store.put(CALENDAR_EVENT, event_id, event, event["calendar_id"])

    def _dedup_key(self, event: dict, key: str) -> str:
        """Deduplication keys are scoped to the workspace of the event's calendar."""
        return f"{self.store.get(CALENDAR, event['calendar_id'])['workspace'] or ''}:{key}"

    def _unschedule(self, event: dict) -> None:
        for entry in event["bots"]:
            others = [e for e in self.store.find(CALENDAR_EVENT) if e["id"] != event["id"]
                      and any(b["bot_id"] == entry["bot_id"] for b in e["bots"])]
            bot = self.store.get(BOT, entry["bot_id"])
            if not others and bot is not None and not bot["dispatched"]:
                self.store.delete(BOT, bot["id"])
                self.store.delete(DEDUPLICATION, self._dedup_key(event, entry["deduplication_key"]))
        event["bots"] = [b for b in event["bots"] if (self.store.get(BOT, b["bot_id"]) or {}).get("dispatched")]
        self.store.put(CALENDAR_EVENT, event["id"], event, event["calendar_id"])


def _times(spec: dict) -> dict:
    out = dict(spec)
    for field in ("start_time", "end_time"):
        if isinstance(out.get(field), str):
            out[field] = parse_iso(out[field])
    return out
