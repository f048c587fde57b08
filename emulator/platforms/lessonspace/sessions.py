"""Lessonspace's sessions: simulated sessions with their participants and breakouts, the end of a
session, transcription and the recording's playback, the webhooks they send, and reading them
back. No HTTP here."""
from __future__ import annotations

import json
from typing import Any


from ...core.clock import iso
from ...core.content import Room, person_name, speech
from ...core.errors import Conflict, NotFound
from ...core.ids import stable_int
from ...core.model import due
from .constants import (API_LINK_LIFETIME, NAME, PLAYBACK_LINK_LIFETIME, SESSION, SPACE, USER,
                        WEBHOOK_LINK_LIFETIME)


class Sessions:
    """Mixed into the Lessonspace model (models.py)."""

    # -- simulated sessions ----------------------------------------------------------------
    def run_session(self, room_id: str, options: dict) -> dict:
        """Start a session now with the given users and breakouts; everyone leaves after ``duration``."""
        seed = self.engine.config.seed
        with self.store.transaction():
            space = self.require(SPACE, room_id, f"No space with room_id {room_id}.")
            if space["active_session"]:
                raise Conflict(f"A session is already running in this space: {space['active_session']}.")
            duration = options.get("duration", self.setting("default_session_seconds"))
            users = self._session_users(space, options.get("users"), seed)
            session = self._start_session(space, options.get("name"))
            count = options.get("breakouts", 0)
            session["breakouts"] = [
                {"id": self.engine.ids.uuid("lessonspace.breakout"), "name": f"Breakout Room {i + 1}"}
                for i in range(count if isinstance(count, int) else 0)
            ]
            self.store.put(SESSION, session["uuid"], session, str(space["org_id"]))
            for user in users:
                self._add_participant(space, session, user)
                self.after(duration, "user_leave",
                                           {"session": session["uuid"], "user": user["id"]})
            return self.store.get(SESSION, session["uuid"])

    def _session_users(self, space: dict, wanted: Any, seed: int) -> list[dict]:
        """Explicit users, or a count, or by default the space's members padded to two people."""
        if isinstance(wanted, list):
            users = []
            for given in wanted:
                if "id" in given:
                    known = self.store.get(USER, f"{space['org_id']}:{given['id']}")
                    if known:
                        users.append(known)
                        continue
                users.append(self._fake_user(space, given.get("name"), given.get("role"), seed))
            return users
        target = wanted if isinstance(wanted, int) else max(2, len(space["members"]))
        users = list(space["members"][:target])
        while len(users) < target:
            users.append(self._fake_user(space, None, "student", seed))
        return users

    def _fake_user(self, space: dict, name: str | None, role: str | None, seed: int) -> dict:
        user_id = self.engine.ids.integer("lessonspace.user", start=3077485)
        return {"id": user_id, "name": name or person_name(seed, f"{NAME}:{user_id}"), "email": None,
                "role": role}

    def end_session(self, uuid: str) -> dict:
        """Everyone still in the session leaves now."""
        with self.store.transaction():
            session = self.require(SESSION, uuid, f"No session {uuid}.")
            if session["end"] is not None:
                raise Conflict("This session has already ended.")
            for p in [p for p in session["participants"] if p["left"] is None]:
                self._on_user_leave({"session": uuid, "user": p["user_id"]})
            return self.store.get(SESSION, uuid)

    def _active_session(self, space: dict) -> dict | None:
        return self.store.get(SESSION, space["active_session"]) if space["active_session"] else None

    def _start_session(self, space: dict, name: str | None) -> dict:
        now = self.clock.now()
        session = {
            "uuid": space["next_session_id"], "org_id": space["org_id"], "room_id": space["room_id"],
            "name": name or space["name"], "start": now, "end": None, "participants": [], "breakouts": [],
            "transcription": {"requested": False, "status": "pending",
                              "detail": "The session is still in progress.", "finished_at": None},
            "blob_key": None, "ptpm": 0, "tags": [],
        }
        space["next_session_id"] = self.engine.ids.uuid("lessonspace.session")
        space["active_session"] = session["uuid"]
        self.store.put(SPACE, space["room_id"], space, str(space["org_id"]))
        self.store.put(SESSION, session["uuid"], session, str(space["org_id"]))
        self._notify(space, "session", "start", self._event_body("session.start", space, session))
        return session

    def _add_participant(self, space: dict, session: dict, user: dict) -> None:
        session = self.store.get(SESSION, session["uuid"])
        if any(p["user_id"] == user["id"] and p["left"] is None for p in session["participants"]):
            return  # already in: a second tab of the same link
        session["participants"].append({"user_id": user["id"], "name": user["name"], "email": user.get("email"),
                                        "role": user.get("role"), "joined": self.clock.now(), "left": None})
        self.store.put(SESSION, session["uuid"], session, str(space["org_id"]))
        self._notify(space, "user", "join", self._event_body("user.join", space, session, user))

    @due("user_leave", recover="_recover_session")
    def _on_user_leave(self, payload: dict) -> None:
        session = self.store.get(SESSION, payload["session"])
        if session is None or session["end"] is not None:
            return
        space = self.store.get(SPACE, session["room_id"])
        present = [p for p in session["participants"] if p["user_id"] == payload["user"] and p["left"] is None]
        if not present:
            return
        now = self.clock.now()
        for p in present:
            p["left"] = now
        self.store.put(SESSION, session["uuid"], session, str(session["org_id"]))
        user = {"id": present[0]["user_id"], "name": present[0]["name"], "role": present[0]["role"]}
        self._notify(space, "user", "leave", self._event_body("user.leave", space, session, user))
        if all(p["left"] is not None for p in session["participants"]):
            self._finish_session(space, session)

    def _recover_session(self, payload: dict, error: str) -> None:
        """A step of a session raised: it ends now, everyone leaves, and a transcript that was not yet
        ready is ``not_eligible`` (Lessonspace has no failed state); no webhooks are sent for it."""
        session = self.store.get(SESSION, payload["session"])
        if session is None:
            return
        now = self.clock.now()
        if session["end"] is None:
            for person in session["participants"]:
                person["left"] = now if person["left"] is None else person["left"]
            session["end"] = now
            space = self.store.get(SPACE, session["room_id"])
            if space is not None and space.get("active_session") == session["uuid"]:
                space["active_session"] = None
                self.store.put(SPACE, space["room_id"], space, str(space["org_id"]))
        if session["transcription"]["status"] in ("pending", "processing"):
            session["transcription"] = {**session["transcription"], "status": "not_eligible"}
        self.store.put(SESSION, session["uuid"], session, str(session["org_id"]))

    def _finish_session(self, space: dict, session: dict) -> None:
        session["end"] = self.clock.now()
        session["transcription"] = self._transcription_decision(space, session)
        session["recorded"] = bool(space["record_av"])
        if session["recorded"]:  # a real mp4 (at most 30 s of it), made when first downloaded
            self.engine.links.put_media(recording_key(session["uuid"]), "mp4", min(max(_duration(session), 1), 30),
                                        stable_int(session["uuid"]), f"{session['uuid']}.mp4")
        space["active_session"] = None
        self.store.put(SPACE, space["room_id"], space, str(space["org_id"]))
        self.store.put(SESSION, session["uuid"], session, str(session["org_id"]))
        self._notify(space, "session", "end", self._event_body("session.end", space, session))
        if session["transcription"]["status"] == "processing":
            self.after(self.setting("transcription_delay_seconds"), "transcription_ready",
                       {"session": session["uuid"]})

    def _transcription_decision(self, space: dict, session: dict) -> dict:
        """Decided as the session ends: the flag then, AV on, long enough, at least two unique users."""
        duration = _duration(session)
        minimum = self.setting("min_transcription_seconds")
        users = len({p["user_id"] for p in session["participants"]})
        requested = bool(space["transcribe"])
        if not requested:
            status, detail = "not_requested", "Transcription was not enabled for this space when the session ended."
        elif not space["record_av"]:
            status, detail = "not_eligible", "AV recording was off for this space; transcription needs record_av."
        elif duration < minimum:
            status, detail = "not_eligible", (f"The session lasted {duration:g} seconds; sessions shorter than "
                                              f"{minimum} seconds are not transcribed.")
        elif users < self.setting("min_unique_users"):
            status, detail = "not_eligible", ("The session had only one unique user; sessions with a single "
                                              "user are not transcribed.")
        else:
            status, detail = "processing", "The transcript is still being processed."
        return {"requested": requested, "status": status, "detail": detail, "finished_at": None}

    @due("transcription_ready", recover="_recover_session")
    def _on_transcription_ready(self, payload: dict) -> None:
        session = self.store.get(SESSION, payload["session"])
        if session is None or session["transcription"]["status"] != "processing":
            return
        space = self.store.get(SPACE, session["room_id"])
        key = f"{NAME}/transcripts/{session['org_id']}/{session['uuid']}/{self.engine.ids.token('ls.file')[:16]}.json"
        content = json.dumps(self.transcript(session), ensure_ascii=False, indent=2).encode()
        self.engine.links.put(key, content, "application/json", f"transcript-{session['uuid']}.json")
        session["blob_key"] = key
        session["ptpm"] = round(sum(_seconds_in(p, session) for p in session["participants"]) / 60, 2)
        session["transcription"].update(status="ready", detail="The transcript is ready.",
                                        finished_at=iso(self.clock.now()))
        self.store.put(SESSION, session["uuid"], session, str(session["org_id"]))
        link = self.engine.links.mint(key, WEBHOOK_LINK_LIFETIME)
        self._notify(space, "transcription", "finish", {"transcriptionUrl": link})

    def transcript(self, session: dict) -> list[dict]:
        """The transcript file: who said what, when (seconds from start), in which room."""
        duration = _duration(session)
        speakers = tuple({p["user_id"]: {"id": p["user_id"], "name": p["name"]}
                          for p in session["participants"]}.values())
        rooms: list[Room] = []
        if session["breakouts"]:
            split_start, split_end = round(duration * 0.3, 3), round(duration * 0.7, 3)
            rooms.append(Room("main", 0, split_start, speakers))
            for i, breakout in enumerate(session["breakouts"]):
                members = speakers[i::len(session["breakouts"])]
                rooms.append(Room(breakout["id"], split_start, split_end, members))
            rooms.append(Room("main", split_end, duration, speakers))
        else:
            rooms.append(Room("main", 0, duration, speakers))
        return [
            {"start_time": s.start, "end_time": s.end, "user": dict(s.speaker), "breakout_id": s.room, "text": s.text}
            for s in speech(self.engine.config.seed, f"{NAME}:{session['uuid']}", rooms)
        ]

    # -- webhooks --------------------------------------------------------------------------
    def _event_body(self, event: str, space: dict, session: dict, user: dict | None = None) -> dict:
        body = {
            "event": event,
            "room": {"id": space["room_id"]},
            "space": {"uuid": space["room_id"], "name": space["name"], "launch_id": space["launch_id"]},
            "session": {"id": session["uuid"], "start_time": iso(session["start"]),
                        "end_time": iso(session["end"]) if session["end"] is not None else None},
        }
        if user is not None:
            body["user"] = {"id": user["id"], "name": user["name"], "role": user.get("role")}
        return body

    def _notify(self, space: dict, group: str, name: str, body: dict) -> None:
        url = space["webhooks"].get(group, {}).get(name)
        if not url:
            return
        delivery_id = self.engine.ids.uuid("lessonspace.webhook")
        headers = {"x-webhook-id": delivery_id, "x-webhook-event": f"{group}.{name}",
                   "x-webhook-timestamp": iso(self.clock.now())}
        self.engine.webhooks.enqueue(NAME, f"{group}.{name}", url, body, headers, space["secret"], delivery_id,
                                     order_key=space["room_id"])

    # -- reading ---------------------------------------------------------------------------
    def session(self, org: dict, uuid: str) -> dict:
        session = self.require(SESSION, uuid, "Not found.",
                               where=lambda session: session["org_id"] == org["id"])
        return session

    def sessions(self, org: dict) -> list[dict]:
        return self.store.find(SESSION, str(org["id"]))

    def space_of(self, session: dict) -> dict:
        return self.store.get(SPACE, session["room_id"])

    def transcript_link(self, org: dict, uuid: str) -> str:
        session = self.session(org, uuid)
        transcription = session["transcription"]
        if transcription["status"] != "ready":
            raise NotFound(transcription["detail"])
        return self.engine.links.mint(session["blob_key"], API_LINK_LIFETIME)

    def update_session(self, org: dict, uuid: str, body: dict) -> dict:
        with self.store.transaction():
            session = self.session(org, uuid)
            session["name"] = body["name"]
            if "recording_access_policy" in body:
                session["recording_access_policy"] = body["recording_access_policy"]
            self.store.put(SESSION, uuid, session, str(org["id"]))
            return session

    def playback(self, org: dict, uuid: str) -> dict:
        """``preparing`` until shortly after the session ends, then ``ready`` with the recording's
        page (or ``no_recording`` for a space launched with ``record_av`` off)."""
        state = self._playback_state(self.session(org, uuid))
        url = f"{self.engine.config.public_url}/{NAME}/playback/{uuid}" if state == "ready" else None
        return {"state": state, "recording_url": url}

    def _playback_state(self, session: dict) -> str:
        if session["end"] is not None and not session.get("recorded"):
            return "no_recording"
        if session["end"] is None or self.clock.now() < session["end"] + self.setting("playback_delay_seconds"):
            return "preparing"
        return "ready"

    def playback_video(self, uuid: str) -> str | None:
        """A fresh link to the recording a playback page shows (None: nothing to play)."""
        session = self.store.get(SESSION, uuid)
        if session is None or self._playback_state(session) != "ready":
            return None
        return self.engine.links.mint(recording_key(uuid), PLAYBACK_LINK_LIFETIME)


def recording_key(uuid: str) -> str:
    return f"{NAME}/recordings/{uuid}.mp4"


def _duration(session: dict, now: float | None = None) -> float:
    end = session["end"] if session["end"] is not None else now
    return round((end if end is not None else session["start"]) - session["start"], 3)


def _seconds_in(participant: dict, session: dict) -> float:
    left = participant["left"] if participant["left"] is not None else session["end"]
    return max(0.0, left - participant["joined"])


def _billable_seconds(session: dict, now: float) -> float:
    """Seconds during which at least two connections were present (when billing runs)."""
    edges = []
    for p in session["participants"]:
        edges.append((p["joined"], 1))
        edges.append((p["left"] if p["left"] is not None else now, -1))
    edges.sort(key=lambda e: (e[0], e[1]))
    total, present, since = 0.0, 0, None
    for at, change in edges:
        if present >= 2 and since is not None:
            total += at - since
        present += change
        since = at
    return round(total, 3)
