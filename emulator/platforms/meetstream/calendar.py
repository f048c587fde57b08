"""MeetStream calendars: connecting a Google or Outlook calendar, the events it syncs, bots scheduled
for events (once, every occurrence, or the next one after each), auto-scheduling at midnight UTC,
and disconnecting. A part of ``MeetStream`` (models.py). No HTTP."""
from __future__ import annotations

import math

from ...core.clock import iso, parse_iso
from ...core.content import person_name
from ...core.errors import Conflict, Invalid, NotFound
from .constants import BOT, CALENDAR, EVENT, NAME, SCHEDULE, TRANSCRIPT

DAY, WEEK = 86400, 7 * 86400
PLATFORMS = {"google": ("google_calendar", "google_meet", "https://meet.google.com/{code}"),
             "outlook": ("microsoft_outlook", "teams", "https://teams.microsoft.com/l/meetup-join/{code}")}
AUTO_SCHEDULE_LEAD = 60  # auto-scheduled bots join a minute before the meeting


class Calendars:
    # -- connecting ------------------------------------------------------------------------
    def connect(self, api_key: str, kind: str, body: dict) -> dict:
        with self.store.transaction():
            seq = self.store.next_seq(f"{NAME}.calendar")
            calendar_id = f"cal_{self.engine.ids.hex(f'{NAME}.calendar', 16)}"
            name = person_name(self.engine.config.seed, f"{api_key}:calendar:{seq}")
            email = name.lower().replace(" ", ".") + ("@example.com" if kind == "google" else "@example.onmicrosoft.com")
            platform = PLATFORMS[kind][0]
            calendar = {"calendar_id": calendar_id, "api_key": api_key, "kind": kind, "platform": platform,
                        "user_email": email, "user_name": name, "primary_calendar_id": email,
                        "connected_at": self.clock.now()}
            self.store.put(CALENDAR, calendar_id, calendar, api_key)
            for day in range(self.setting("calendar_events")):
                self._new_event(calendar, title=("Weekly sync" if day == 0 else f"Customer call {day}"),
                                start=_day(self.clock.now()) + (day + 1) * DAY + 10 * 3600, minutes=30,
                                weekly=day == 0)
            return {"calendar_id": calendar_id, "platform": platform, "user_email": email, "user_name": name,
                    "primary_calendar_id": email, "message": "Calendar connected successfully",
                    "calendars": [self._calendar_entry(calendar)],
                    "watch_setup": {"channel_id": f"ch_{calendar_id[4:]}", "resource_id": f"res_{calendar_id[4:]}",
                                    "expiration": iso(self.clock.now() + WEEK), "status": "active"}}

    def _calendar_entry(self, calendar: dict) -> dict:
        return {"id": calendar["primary_calendar_id"], "summary": calendar["user_name"], "description": "",
                "isPrimary": True, "accessRole": "owner", "timeZone": "UTC", "backgroundColor": "#9fe1e7",
                "foregroundColor": "#000000", "selected": True}

    def calendars(self, api_key: str) -> dict:
        found = self.store.find(CALENDAR, api_key)
        return {"total": len(found), "user_id": _user(api_key), "calendars": [
            {**self._calendar_entry(c), "calendar_id": c["calendar_id"], "platform": c["platform"]} for c in found]}

    def disconnect(self, api_key: str) -> dict:
        with self.store.transaction():
            found = self.store.find(CALENDAR, api_key)
            if not found:
                raise NotFound("No calendar is connected.")
            events = cancelled = 0
            for calendar in found:
                for event in self.store.find(EVENT, calendar["calendar_id"]):
                    cancelled += self._cancel_bots(event["id"])
                    self.store.delete(EVENT, event["id"])
                    events += 1
                self.store.delete(CALENDAR, calendar["calendar_id"])
            settings = self._auto(api_key)
            settings["auto_schedule_enabled"] = False
            self.store.set_meta(f"{NAME}.auto:{api_key}", settings)
            return {"disconnected": True, "user_id": _user(api_key), "watch_channel_stopped": True,
                    "events_deleted": events, "schedules_cancelled": cancelled,
                    "message": "Calendar disconnected successfully. All events and scheduled bots have been removed."}

    # -- events ----------------------------------------------------------------------------
    def _new_event(self, calendar: dict, title: str, start: float, minutes: float, weekly: bool = False,
                   meeting_url: str | None = None) -> dict:
        event_id = f"evt_{self.engine.ids.hex(f'{NAME}.event', 16)}"
        platform, meeting_platform, pattern = PLATFORMS[calendar["kind"]]
        code = event_id[4:7] + "-" + event_id[7:11] + "-" + event_id[11:14]
        now = self.clock.now()
        event = {"id": event_id, "calendar_id": calendar["calendar_id"], "api_key": calendar["api_key"],
                 "title": title, "start": start, "end": start + minutes * 60, "platform": platform,
                 "meeting_platform": meeting_platform, "meeting_url": meeting_url or pattern.format(code=code),
                 "created_at": now, "updated_at": now, "is_deleted": False, "weekly": weekly,
                 "recurring_enabled": weekly}
        self.store.put(EVENT, event_id, event, calendar["calendar_id"])
        return event

    def calendar_event(self, api_key: str, event_id: str) -> dict:
        event = self.require(EVENT, event_id, f"Event {event_id} not found.",
                             where=lambda event: event["api_key"] == api_key and not event["is_deleted"])
        return event

    def events(self, api_key: str) -> list[dict]:
        now = self.clock.now()
        found = [e for c in self.store.find(CALENDAR, api_key) for e in self.store.find(EVENT, c["calendar_id"])]
        return sorted((e for e in found if e["end"] > now and not e["is_deleted"]), key=lambda e: e["start"])

    def move_event(self, event_id: str, changes: dict) -> dict:
        """Simulation: the organiser moves, relinks or cancels an event; scheduled bots follow."""
        with self.store.transaction():
            event = self.require(EVENT, event_id, f"Event {event_id} not found.")
            shift = 0.0
            if "start_time" in changes:
                start = parse_iso(changes["start_time"])
                shift = start - event["start"]
                event["end"] = parse_iso(changes["end_time"]) if "end_time" in changes else event["end"] + shift
                event["start"] = start
            elif "end_time" in changes:
                event["end"] = parse_iso(changes["end_time"])
            if event["end"] <= event["start"]:
                raise Invalid("end_time must be after start_time.")
            event["meeting_url"] = changes.get("meeting_url", event["meeting_url"])
            event["title"] = changes.get("title", event["title"])
            event["updated_at"] = self.clock.now()
            if changes.get("is_deleted"):
                event["is_deleted"] = True
                self._cancel_bots(event_id)
            self.store.put(EVENT, event_id, event, event["calendar_id"])
            for schedule in self.store.find(SCHEDULE, event_id):
                bot = self.store.get(BOT, schedule["bot_id"])
                if bot is not None and bot["status"] == "Scheduled" and shift:
                    self._reschedule(bot, schedule, bot["join_at"] + shift)
            return event

    def add_event(self, api_key: str, body: dict) -> dict:
        with self.store.transaction():
            calendars = self.store.find(CALENDAR, api_key)
            if not calendars:
                raise Conflict("Connect a calendar first (POST /calendar/create_calendar).")
            calendar = next((c for c in calendars if c["calendar_id"] == body.get("calendar_id")), calendars[0])
            start = parse_iso(body["start_time"])
            end = parse_iso(body["end_time"]) if body.get("end_time") else start + 1800
            if end <= start:
                raise Invalid("end_time must be after start_time.")
            event = self._new_event(calendar, body.get("title", "Meeting"), start, (end - start) / 60,
                                    weekly=body.get("weekly", False), meeting_url=body.get("meeting_url"))
            return event

    # -- scheduling ------------------------------------------------------------------------
    def schedule(self, api_key: str, event_id: str, body: dict) -> dict:
        with self.store.transaction():
            event = self.calendar_event(api_key, event_id)
            occurrences = self._occurrences(event, body)
            group = f"grp_{self.engine.ids.hex(f'{NAME}.group', 12)}"
            made = [self._schedule_one(event, start, body.get("bot_config") or {}, group,
                                       recurring=bool(body.get("recurring_event")), duplicate_check=True)
                    for start in occurrences]
            first = made[0]
            return {"scheduled": True, "schedule_id": first["schedule_id"], "bot_id": first["bot_id"],
                    "schedule_group": group, "event_id": event_id, "scheduled_time": iso(first["join_at"]),
                    "bot_config": body.get("bot_config") or {}, "is_recurring_occurrence": event["weekly"],
                    **({"scheduled_count": len(made)} if len(made) > 1 else {})}

    def _occurrences(self, event: dict, body: dict) -> list[float]:
        now = self.clock.now()
        if body.get("occurrence_date"):
            wanted = parse_iso(body["occurrence_date"])
            if not event["weekly"]:
                if abs(wanted - event["start"]) > 60:
                    raise Invalid("occurrence_date is not an occurrence of this event.")
                return [event["start"]]
            weeks = round((wanted - event["start"]) / WEEK)
            if weeks < 0 or abs(event["start"] + weeks * WEEK - wanted) > 60:
                raise Invalid("occurrence_date is not an occurrence of this event.")
            return [event["start"] + weeks * WEEK]
        first = event["start"]
        if event["weekly"] and first + (event["end"] - event["start"]) < now:
            first += math.ceil((now - first) / WEEK) * WEEK
        if body.get("schedule_all_occurrences") and event["weekly"]:
            return [first + i * WEEK for i in range(body.get("occurrence_limit", 52))]
        return [first]

    def _schedule_one(self, event: dict, start: float, config: dict, group: str, recurring: bool,
                      duplicate_check: bool, lead: float = 0) -> dict:
        if duplicate_check:
            for existing in self.store.find(SCHEDULE, event["id"]):
                bot = self.store.get(BOT, existing["bot_id"])
                if bot is not None and abs(existing["occurrence"] - start) < 1 and bot["status"] in ("Scheduled",
                                                                                                     "Joining"):
                    raise Conflict(f"A bot is already scheduled for this event: {existing['bot_id']}",
                                   {"message": f"A bot is already scheduled for this event: {existing['bot_id']}",
                                    "bot_id": existing["bot_id"]})
        body = _bot_body(event, config)
        join_at = max(self.clock.now(), start - lead)
        bot = self._new_bot(event["api_key"], body, join_at=join_at)
        schedule = {"schedule_id": f"sch_{self.engine.ids.hex(f'{NAME}.schedule', 16)}", "bot_id": bot["bot_id"],
                    "event_id": event["id"], "occurrence": start, "join_at": join_at, "group": group,
                    "recurring": recurring, "config": config}
        self.store.put(SCHEDULE, schedule["schedule_id"], schedule, event["id"])
        bot["calendar_event"] = {"event_id": event["id"], "schedule_id": schedule["schedule_id"]}
        self._save(bot)
        self._start(bot)
        return schedule

    def _next_occurrence(self, bot: dict) -> None:
        """A recurring schedule's bot finished: schedule the event's next occurrence."""
        link = bot.get("calendar_event")
        schedule = self.store.get(SCHEDULE, link["schedule_id"]) if link else None
        event = self.store.get(EVENT, schedule["event_id"]) if schedule else None
        if not schedule or not schedule["recurring"] or not event or not event["weekly"] or not event[
                "recurring_enabled"] or event["is_deleted"]:
            return
        self._schedule_one(event, schedule["occurrence"] + WEEK, schedule["config"], schedule["group"], True,
                           duplicate_check=False)

    def unschedule(self, api_key: str, event_id: str, body: dict) -> dict:
        with self.store.transaction():
            event = self.calendar_event(api_key, event_id)
            since = parse_iso(body["from_date"]) if body.get("from_date") else None
            every = bool(body.get("cancel_all_occurrences"))
            schedules = self.store.find(SCHEDULE, event_id)
            if not every and since is None:  # the next occurrence only
                upcoming = sorted((s for s in schedules if self._waiting(s)), key=lambda s: s["occurrence"])
                schedules = upcoming[:1]
            elif since is not None:
                schedules = [s for s in schedules if s["occurrence"] >= since]
            cancelled = [s["schedule_id"] for s in schedules if self._waiting(s)]
            for schedule in schedules:
                if self._waiting(schedule):
                    self._drop_bot(schedule)
            return {"unscheduled": bool(cancelled), "event_id": event_id, "cancelled_schedules": cancelled,
                    "schedules_cancelled": len(cancelled), "bots_deleted": len(cancelled),
                    "cancel_all_occurrences": every, "is_recurring_series": event["weekly"]}

    def _waiting(self, schedule: dict) -> bool:
        bot = self.store.get(BOT, schedule["bot_id"])
        return bot is not None and bot["status"] == "Scheduled"

    def _drop_bot(self, schedule: dict) -> None:
        bot = self.store.get(BOT, schedule["bot_id"])
        if bot is not None:
            for record in self.store.find(TRANSCRIPT, bot["bot_id"]):
                self.store.delete(TRANSCRIPT, record["transcript_id"])
            self.store.delete(BOT, bot["bot_id"])
        self.store.delete(SCHEDULE, schedule["schedule_id"])

    def _cancel_bots(self, event_id: str) -> int:
        waiting = [s for s in self.store.find(SCHEDULE, event_id) if self._waiting(s)]
        for schedule in waiting:
            self._drop_bot(schedule)
        return len(waiting)

    def scheduled_bots(self, api_key: str) -> dict:
        out = []
        for calendar in self.store.find(CALENDAR, api_key):
            for event in self.store.find(EVENT, calendar["calendar_id"]):
                for schedule in self.store.find(SCHEDULE, event["id"]):
                    bot = self.store.get(BOT, schedule["bot_id"])
                    if bot is not None and bot["status"] == "Scheduled":
                        out.append({"bot_id": bot["bot_id"], "schedule_id": schedule["schedule_id"],
                                    "schedule_group": schedule["group"], "event_id": event["id"],
                                    "scheduled_join_time": iso(bot["join_at"]), "bot_username": bot["bot_name"],
                                    "meeting_link": bot["meeting_link"], "custom_attributes": bot["custom_attributes"],
                                    "is_recurring": schedule["recurring"], "status": bot["status"]})
        out.sort(key=lambda s: s["scheduled_join_time"])
        return {"count": len(out), "scheduled_bots": out}

    def _scheduled(self, api_key: str, bot_id: str) -> tuple[dict, dict]:
        bot = self.bot(bot_id, api_key)
        link = bot.get("calendar_event")
        schedule = self.store.get(SCHEDULE, link["schedule_id"]) if link else None
        if schedule is None:
            raise NotFound(f"Bot {bot_id} was not scheduled from a calendar.")
        if bot["status"] != "Scheduled":
            raise Conflict(f"Bot {bot_id} has already joined (status {bot['status']}).")
        return bot, schedule

    def update_scheduled(self, api_key: str, bot_id: str, body: dict) -> dict:
        with self.store.transaction():
            bot, schedule = self._scheduled(api_key, bot_id)
            updated = []
            if "bot_username" in body:
                bot["bot_name"] = body["bot_username"]
                updated.append("bot_username")
            if "custom_attributes" in body:
                bot["custom_attributes"] = body["custom_attributes"]
                updated.append("custom_attributes")
            self._save(bot)
            moved = "scheduled_join_time" in body
            if moved:
                when = parse_iso(body["scheduled_join_time"])
                if when < self.clock.now():
                    raise Invalid("scheduled_join_time must be in the future.")
                self._reschedule(bot, schedule, when)
                updated.append("scheduled_join_time")
            return {"message": "Scheduled bot updated", "bot_id": bot_id, "updated_fields": updated,
                    "schedule_updated": moved}

    def _reschedule(self, bot: dict, schedule: dict, when: float) -> None:
        bot["join_at"] = when
        self._save(bot)
        schedule["join_at"] = when
        self.store.put(SCHEDULE, schedule["schedule_id"], schedule, schedule["event_id"])
        self.at(when, "join", {"bot": bot["bot_id"], "at": when})

    def delete_scheduled(self, api_key: str, bot_id: str) -> dict:
        with self.store.transaction():
            _, schedule = self._scheduled(api_key, bot_id)
            self._drop_bot(schedule)
            return {"message": "Scheduled bot deleted", "bot_id": bot_id}


def _bot_body(event: dict, config: dict) -> dict:
    """A calendar ``bot_config`` as a create_bot body: ``transcription`` is the provider object,
    ``recording_config.video_recording`` is video_required."""
    body = {k: v for k, v in config.items() if k not in ("transcription", "recording_config", "audio_required",
                                                         "automatic_leave")}
    body["meeting_link"] = event["meeting_url"]
    body.setdefault("bot_name", "MeetStream Bot")
    recording = dict(config.get("recording_config") or {})
    if "video_recording" in recording:
        body.setdefault("video_required", bool(recording.pop("video_recording")))
    if config.get("transcription"):
        recording["transcript"] = {"provider": config["transcription"]}
    if recording:
        body["recording_config"] = recording
    leave = dict(config.get("automatic_leave") or {})
    if "no_one_joined_timeout" in leave:
        leave.setdefault("waiting_room_timeout", leave.pop("no_one_joined_timeout"))
    if leave:
        body["automatic_leave"] = leave
    return body


def _day(now: float) -> float:
    return now - now % DAY


def _user(api_key: str) -> str:
    return f"usr_{api_key[-6:]}"
