"""Recall.ai bots: creation, scheduling, the status machine, recording commands and forced outcomes.
A part of ``Recall`` (models.py), which gives it the store, the clock, settings and webhooks. No HTTP here."""
from __future__ import annotations

from ...core.clock import iso, parse_iso
from ...core.content import person_name
from ...core.errors import Conflict, DomainError, Invalid
from ...core.tenancy import current_tenant, visible
from ...core.model import due
from . import meeting_url as urls
from .constants import (ADHOC_NOTICE, ADHOC_POOL, BOT, ENDED, IDEMPOTENCY, LEAVE_DEFAULTS, MESSAGES, RECORDING,
                        UNANNOUNCED, fault_message)


class PoolExhausted(DomainError):
    status = 507


class Bots:
    # -- bots ------------------------------------------------------------------------------
    def create(self, body: dict, idempotency: tuple[str, str] | None) -> tuple[int, dict]:
        with self.store.transaction():
            if idempotency:
                seen = self.store.get(IDEMPOTENCY, ":".join(idempotency))
                if seen and self.clock.now() - seen["at"] < 3600:
                    return 201, self.bot(seen["bot_id"])
            parsed = urls.parse(body["meeting_url"])
            scenario = urls.scenario(body["meeting_url"])
            now = self.clock.now()
            join_at = parse_iso(body["join_at"]) if body.get("join_at") else None
            if join_at is not None and join_at < now:
                raise Invalid("join_at must be in the future.", {"join_at": ["join_at must be in the future."]})
            # Recall: a bot scheduled less than 10 minutes ahead is an ad-hoc bot, taken from the pool now.
            adhoc = join_at is None or join_at - now < ADHOC_NOTICE
            if adhoc:
                self._claim_adhoc_bot(now)
            # recording_config null: the bot records nothing until start_recording (manual recording)
            config = None if "recording_config" in body and body["recording_config"] is None \
                else self._recording_config(body.get("recording_config"))
            bot = {
                "id": self._uuid("bot"), "meeting_url": parsed, "meeting_url_raw": body["meeting_url"],
                "bot_name": body.get("bot_name", "Meeting Notetaker"), "join_at": join_at,
                "recording_config": config, "status_changes": [], "recordings": [],
                "automatic_leave": _merge(LEAVE_DEFAULTS, body.get("automatic_leave") or {}),
                "metadata": body.get("metadata") or {}, "variant": body.get("variant"),
                "chat": body.get("chat"), "zoom": body.get("zoom"), "google_meet": body.get("google_meet"),
                "breakout_room": body.get("breakout_room"), "output_media": body.get("output_media"),
                "automatic_video_output": body.get("automatic_video_output"),
                "automatic_audio_output": body.get("automatic_audio_output"), "output": {}, "chat_messages": [],
                "scenario": scenario, "participants": [], "events": [], "dispatched": False, "created_at": now,
                "recording_on": False, "left_at": None, "workspace": current_tenant(),
            }
            self.store.put(BOT, bot["id"], bot)
            if idempotency:
                self.store.put(IDEMPOTENCY, ":".join(idempotency), {"bot_id": bot["id"], "at": now})
            if join_at is None:
                self._on_dispatch({"bot": bot["id"]})
            elif adhoc:
                bot["dispatched"] = True  # already on its way: it can no longer be changed or deleted
                self.store.put(BOT, bot["id"], bot)
                self.at(join_at, "join", {"bot": bot["id"], "join_at": join_at})
            else:
                self._schedule_join(bot["id"], join_at)
            return 201, self.bot(bot["id"])

    def _claim_adhoc_bot(self, now: float) -> None:
        """The ad-hoc pool: with ``adhoc_pool`` set, that many ad-hoc bots per ``adhoc_pool_refill_seconds``
        of emulator time; the next one is a 507 until the pool refills."""
        size = self.setting("adhoc_pool")
        if size is None:
            return
        window = self.setting("adhoc_pool_refill_seconds")
        claims = [t for t in (self.store.get(ADHOC_POOL, "claims") or {"at": []})["at"] if now - t < window]
        if len(claims) >= size:
            raise PoolExhausted(fault_message(507, None))
        self.store.put(ADHOC_POOL, "claims", {"at": claims + [now]})

    def bot(self, bot_id: str) -> dict:
        """A bot of the workspace acting now (Recall scopes every object to the key's workspace)."""
        bot = self.require(BOT, bot_id, "Not found.",
                           where=lambda bot: visible(bot.get("workspace")))
        return bot

    def bots(self) -> list[dict]:
        return [b for b in self.store.find(BOT) if visible(b.get("workspace"))]

    def workspace_of(self, recording_id: str) -> str | None:
        recording = self.store.get(RECORDING, recording_id)
        bot = self.store.get(BOT, recording["bot_id"]) if recording else None
        return bot.get("workspace") if bot else None

    def status(self, bot: dict) -> str | None:
        return bot["status_changes"][-1]["code"] if bot["status_changes"] else None

    def update(self, bot_id: str, body: dict) -> dict:
        with self.store.transaction():
            bot = self._scheduled_only(bot_id, "update")
            if "meeting_url" in body:
                bot["meeting_url"], bot["meeting_url_raw"] = urls.parse(body["meeting_url"]), body["meeting_url"]
            for field in ("bot_name", "metadata", "variant", "chat", "zoom", "google_meet", "breakout_room"):
                if field in body:
                    bot[field] = body[field]
            if "recording_config" in body:
                bot["recording_config"] = None if body["recording_config"] is None \
                    else self._recording_config(body["recording_config"])
            if "automatic_leave" in body:
                bot["automatic_leave"] = _merge(LEAVE_DEFAULTS, body["automatic_leave"] or {})
            if "join_at" in body:
                if body["join_at"] is None:
                    raise Invalid("A scheduled bot keeps a join_at.", {"join_at": ["This field may not be null."]})
                join_at = parse_iso(body["join_at"])
                if join_at - self.clock.now() < self.setting("dispatch_seconds"):
                    raise Invalid("Not enough time to launch new bot.", {"code": "update_bot_failed"})
                bot["join_at"] = join_at
                self._schedule_join(bot_id, join_at)  # the earlier schedule no longer matches: it does nothing
            return self.store.put(BOT, bot_id, bot)

    def destroy(self, bot_id: str) -> None:
        with self.store.transaction():
            self._scheduled_only(bot_id, "delete", status=405)
            self.store.delete(BOT, bot_id)

    def _scheduled_only(self, bot_id: str, what: str, status: int = 400) -> dict:
        bot = self.bot(bot_id)
        if bot["join_at"] is None or bot["dispatched"]:
            error = Invalid("Only non-dispatched bots can be updated." if what == "update"
                            else "Only scheduled bots that have not been dispatched can be deleted.",
                            {"code": "update_bot_failed" if what == "update" else "cannot_delete_dispatched_bot"})
            error.status = status
            raise error
        return bot

    # -- the status machine ----------------------------------------------------------------
    def _change(self, bot: dict, code: str, sub_code: str | None = None) -> None:
        now = self.clock.now()
        bot["status_changes"].append({"code": code, "message": MESSAGES.get(code, code), "created_at": iso(now),
                                      "sub_code": sub_code})
        self._screenshot(bot, code, now)
        self.store.put(BOT, bot["id"], bot)
        if code in UNANNOUNCED:
            return
        self._webhook(f"bot.{code}", {"data": {"code": code, "sub_code": sub_code, "updated_at": iso(now)},
                                      "bot": {"id": bot["id"], "metadata": bot["metadata"]}})

    def _schedule_join(self, bot_id: str, join_at: float) -> None:
        """Dispatch a scheduled bot before join_at and have it join at join_at."""
        payload = {"bot": bot_id, "join_at": join_at}
        self.at(max(self.clock.now(), join_at - self.setting("dispatch_seconds")), "dispatch", payload)
        self.at(join_at, "join", payload)

    @staticmethod
    def _stale(bot: dict | None, payload: dict) -> bool:
        """A dispatch or join planned for a join_at the bot no longer has (it was changed)."""
        return bot is None or ("join_at" in payload and bot["join_at"] != payload["join_at"])

    @due("dispatch")
    def _on_dispatch(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if self._stale(bot, payload) or bot["dispatched"]:
            return
        bot["dispatched"] = True
        self.store.put(BOT, bot["id"], bot)
        if bot["join_at"] is None:
            self._on_join(payload)

    @due("join")
    def _on_join(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if self._stale(bot, payload) or self.status(bot) is not None:
            return
        bot["join_at"] = None  # cleared once the bot joins
        self._change(bot, "joining_call")
        scenario = bot["scenario"]
        if scenario in ("meeting_not_found", "bot_errored"):
            self.after(self.setting("join_seconds"), "timeout", {"bot": bot["id"], "why": scenario})
        elif scenario == "waiting_room":
            self.after(self.setting("join_seconds"), "timeout", {"bot": bot["id"], "why": "waiting_room_enter"})
        else:
            self.after(self.setting("join_seconds"), "admitted", {"bot": bot["id"]})

    @due("admitted")
    def _on_admitted(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or self.status(bot) not in ("joining_call", "in_waiting_room"):
            return
        self._change(bot, "in_call_not_recording")
        leave = bot["automatic_leave"]
        if bot["scenario"] == "no_one_joined":
            self.after(leave["noone_joined_timeout"], "timeout", {"bot": bot["id"], "why": "noone_joined"})
            return
        seed = self.engine.config.seed
        now = self.clock.now()
        people = [{"id": 100 + i, "name": person_name(seed, f"{bot['id']}:{i}"), "is_host": i == 0,
                   "platform": "desktop", "extra_data": None, "joined": now, "left": None}
                  for i in range(self.setting("participants"))]
        bot["participants"] = people
        if bot["scenario"] == "permission_denied":
            self._change(bot, "recording_permission_denied", "zoom_local_recording_request_denied_by_host")
            self.after(leave["recording_permission_denied_timeout"], "timeout", {"bot": bot["id"], "why": "permission"})
        elif bot["recording_config"] is not None:
            # the people are there as it is admitted: the recording starts with them (start_recording_on),
            # so their joins reach the recording's real-time endpoints with its ids
            self.start_recording(bot, bot["recording_config"])
        for person in people:
            self._participant_event(bot, "join", person)
        self.store.put(BOT, bot["id"], bot)
        for person in people:
            self.after(self.setting("meeting_seconds"), "participant_leave", {"bot": bot["id"], "id": person["id"]})
        if bot["scenario"] == "kicked":
            self.after(60, "timeout", {"bot": bot["id"], "why": "kicked"})
        elif bot["scenario"] == "ended_by_host":
            self.after(120, "timeout", {"bot": bot["id"], "why": "ended_by_host"})

    @due("participant_leave")
    def _on_participant_leave(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or self.status(bot) not in ("in_call_not_recording", "in_call_recording",
                                                    "recording_permission_allowed", "recording_permission_denied"):
            return
        for person in bot["participants"]:
            if person["id"] == payload["id"] and person["left"] is None:
                person["left"] = self.clock.now()
                self._participant_event(bot, "leave", person)
        self.store.put(BOT, bot["id"], bot)
        if all(p["left"] is not None for p in bot["participants"]):
            self.after(bot["automatic_leave"]["everyone_left_timeout"]["timeout"], "everyone_left", {"bot": bot["id"]})

    @due("everyone_left")
    def _on_everyone_left(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is not None and bot["left_at"] is None and all(p["left"] is not None for p in bot["participants"]):
            self._end_call(bot, "timeout_exceeded_everyone_left")

    @due("timeout")
    def _on_timeout(self, payload: dict) -> None:
        bot = self.store.get(BOT, payload["bot"])
        if bot is None or bot["left_at"] is not None:
            return
        why, status = payload["why"], self.status(bot)
        if why in ("meeting_not_found", "bot_errored") and status == "joining_call":
            self._fatal(bot, why)
        elif why == "waiting_room_enter" and status == "joining_call":
            self._change(bot, "in_waiting_room")
            wait, limit = self.setting("waiting_room_seconds"), bot["automatic_leave"]["waiting_room_timeout"]
            if wait < limit:
                self.after(wait, "admitted", {"bot": bot["id"]})
            else:
                self.after(limit, "timeout", {"bot": bot["id"], "why": "waiting_room"})
        elif why == "waiting_room" and status == "in_waiting_room":
            self._end_call(bot, "timeout_exceeded_waiting_room")
        elif why == "noone_joined" and not bot["participants"]:
            self._end_call(bot, "timeout_exceeded_noone_joined")
        elif why == "permission" and status == "recording_permission_denied":
            self._end_call(bot, "timeout_exceeded_recording_permission_denied")
        elif why == "in_call_recording" and status == "in_call_recording":
            self._end_call(bot, "timeout_exceeded_in_call_recording")
        elif why == "kicked" and status in ("in_call_recording", "in_call_not_recording"):
            self._end_call(bot, "bot_kicked_from_call")
        elif why == "ended_by_host" and status in ("in_call_recording", "in_call_not_recording"):
            self._end_call(bot, "call_ended_by_host")

    def leave_call(self, bot_id: str) -> dict:
        with self.store.transaction():
            bot = self.bot(bot_id)
            if self.status(bot) is None or self.status(bot) in ENDED:
                raise Invalid("The bot is not in a call.", {"code": "cannot_command_completed_bot"
                              if self.status(bot) else "cannot_command_unstarted_bot"})
            self._end_call(bot, "bot_received_leave_call")
            return self.bot(bot_id)

    def force(self, bot_id: str, outcome: str) -> dict:
        with self.store.transaction():
            bot = self.bot(bot_id)
            status = self.status(bot)
            if outcome == "fatal" and status in (None, "joining_call", "in_waiting_room"):
                self._fatal(bot, "bot_errored")
            elif outcome == "fatal" and status is not None and status not in ENDED:
                # a bot can also error in the call: what it was recording fails with it
                live = self._live_recording(bot)
                self._fatal(bot, "bot_errored")
                if live is not None:
                    self._fail_recording(live, "bot_errored")
            elif outcome == "admit" and status == "in_waiting_room":
                self._on_admitted({"bot": bot_id})
            elif outcome == "kicked" and status in ("in_call_not_recording", "in_call_recording"):
                self._end_call(bot, "bot_kicked_from_call")
            elif outcome == "host_ends" and status in ("in_call_not_recording", "in_call_recording"):
                self._end_call(bot, "call_ended_by_host")
            elif outcome == "everyone_leaves" and status in ("in_call_not_recording", "in_call_recording"):
                for person in bot["participants"]:
                    if person["left"] is None:
                        self._on_participant_leave({"bot": bot_id, "id": person["id"]})
            else:
                raise Conflict(f"Cannot force {outcome} while the bot is {status or 'not started'}.")
            return self.bot(bot_id)

    def _recover(self, payload: dict, error: str) -> None:
        """A step of a bot raised: a bot still under way ends ``fatal`` / ``bot_errored``."""
        bot = self.store.get(BOT, payload["bot"]) if "bot" in payload else None
        if bot is not None and self.status(bot) not in ENDED:
            self._fatal(bot, "bot_errored")

    def _fatal(self, bot: dict, sub_code: str) -> None:
        bot["left_at"] = self.clock.now()
        self._change(bot, "fatal", sub_code)

    def _end_call(self, bot: dict, sub_code: str) -> None:
        now = self.clock.now()
        bot["left_at"] = now
        for person in bot["participants"]:
            if person["left"] is None:
                person["left"] = now
                self._participant_event(bot, "leave", person)
        self._change(bot, "call_ended", sub_code)
        for recording in self.store.find(RECORDING, bot["id"]):
            if recording["status"]["code"] in ("processing", "paused") and recording["completed_at"] is None:
                self._finish(recording)
        self._settle_bot(bot)


def _merge(defaults: dict, given: dict) -> dict:
    out = dict(defaults)
    for key, value in given.items():
        out[key] = _merge(defaults[key], value) if isinstance(defaults.get(key), dict) and isinstance(value, dict) else value
    return out
