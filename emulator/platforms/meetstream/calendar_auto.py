"""MeetStream's automatic scheduling: auto-scheduling at midnight UTC (a bot a minute before every
event of the next day) and the recurrence of scheduled bots. A part of ``MeetStream`` (models.py),
beside the calendars themselves (calendar.py). No HTTP."""
from __future__ import annotations

from ...core.errors import Invalid
from ...core.model import due
from .calendar import AUTO_SCHEDULE_LEAD, DAY, WEEK, _day
from .constants import BOT, EVENT, NAME, SCHEDULE


class AutoScheduling:
    # -- automatic scheduling ----------------------------------------------------------------
    def _auto(self, api_key: str) -> dict:
        return self.store.get_meta(f"{NAME}.auto:{api_key}", {"auto_schedule_enabled": False,
                                                              "default_bot_config": {}})

    def auto_schedule(self, api_key: str, enabled: bool, config: dict | None) -> dict:
        with self.store.transaction():
            settings = self._auto(api_key)
            was = settings["auto_schedule_enabled"]
            settings["auto_schedule_enabled"] = enabled
            if config is not None:
                settings["default_bot_config"] = config
            self.store.set_meta(f"{NAME}.auto:{api_key}", settings)
            if enabled and not was:
                self.at(_day(self.clock.now()) + DAY, "calendar_scan", {"api_key": api_key})
            word = "enabled" if enabled else "disabled"
            return {"message": f"Auto-scheduling {word}", **settings}

    def auto_settings(self, api_key: str) -> dict:
        return self._auto(api_key)

    @due("calendar_scan")
    def _on_calendar_scan(self, payload: dict) -> None:
        """Midnight UTC: a bot a minute before every event of the next 24 hours that has none."""
        api_key = payload["api_key"]
        settings = self._auto(api_key)
        if not settings["auto_schedule_enabled"]:
            return
        now = self.clock.now()
        for event in self.events(api_key):
            starts = [event["start"] + i * WEEK for i in range(60)] if event["weekly"] else [event["start"]]
            for start in (s for s in starts if now <= s < now + DAY):
                taken = any(abs(s["occurrence"] - start) < 1 and self.store.get(BOT, s["bot_id"])
                            for s in self.store.find(SCHEDULE, event["id"]))
                if not taken:
                    self._schedule_one(event, start, settings["default_bot_config"], "auto", recurring=False,
                                       duplicate_check=False, lead=AUTO_SCHEDULE_LEAD)
        self.at(_day(now) + DAY, "calendar_scan", {"api_key": api_key})

    def toggle_recurrence(self, api_key: str, body: dict) -> dict:
        with self.store.transaction():
            event = self.calendar_event(api_key, body["event_id"])
            if not event["weekly"]:
                raise Invalid(f"Event {event['id']} is not a recurring event.")
            event["recurring_enabled"] = body["recurring_enabled"]
            self.store.put(EVENT, event["id"], event, event["calendar_id"])
            return {"event_id": event["id"], "recurring_enabled": event["recurring_enabled"],
                    "message": f"Auto-rescheduling {'enabled' if event['recurring_enabled'] else 'disabled'}"}

    def auto_reschedule(self, api_key: str, body: dict) -> dict:
        """Schedule the next occurrence of each recurring event (or the one named) that has a bot."""
        with self.store.transaction():
            events = [self.calendar_event(api_key, body["event_id"])] if body.get("event_id") else self.events(api_key)
            made = []
            for event in events:
                if not (event["weekly"] and event["recurring_enabled"]):
                    continue
                schedules = sorted(self.store.find(SCHEDULE, event["id"]), key=lambda s: s["occurrence"])
                if not schedules:
                    continue
                last = schedules[-1]
                if self._waiting(last):
                    continue  # the next occurrence already has its bot
                made.append(self._schedule_one(event, last["occurrence"] + WEEK, last["config"], last["group"],
                                               True, duplicate_check=False)["bot_id"])
            return {"message": f"Rescheduled {len(made)} event(s)", "rescheduled_bots": made}
