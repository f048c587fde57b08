"""What happens inside a running Lessonspace session besides joining and leaving: going idle,
chatting, co-browsing and knocking to get in. Each fires the webhook the space registered for it
(``session.idle``, ``user.idle``, ``chat.message``, ``cobrowser.start`` / ``stop``,
``knock.request`` / ``admit`` / ``deny``). No HTTP here.

Lessonspace does not publish these payloads; each is the common envelope (``event``, ``room``,
``space``, ``session``, ``user``) that the documented events carry, plus one object naming what
happened (``message``, ``cobrowser``, ``knock``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.clock import iso
from ...core.errors import Conflict, NotFound
from .constants import NAME, SESSION, SPACE

if TYPE_CHECKING:
    from .models import Lessonspace

KNOCK = f"{NAME}.knock"


class Activity:
    def __init__(self, model: "Lessonspace") -> None:
        self.model = model
        self.store = model.store
        self.engine = model.engine

    def _running(self, uuid: str) -> tuple[dict, dict]:
        session = self.model.require(SESSION, uuid, f"No session {uuid}.")
        if session["end"] is not None:
            raise Conflict("This session has already ended.")
        return self.store.get(SPACE, session["room_id"]), session

    def _present(self, session: dict, user_id: int | None) -> dict:
        """A participant still in the session (the first one when ``user_id`` is not given)."""
        here = [p for p in session["participants"] if p["left"] is None]
        chosen = next((p for p in here if user_id is None or p["user_id"] == user_id), None)
        if chosen is None:
            raise NotFound(f"User {user_id} is not in session {session['uuid']}." if user_id is not None
                           else f"Nobody is in session {session['uuid']}.")
        return {"id": chosen["user_id"], "name": chosen["name"], "role": chosen["role"]}

    def _send(self, space: dict, session: dict, group: str, name: str, user: dict | None, **extra: dict) -> dict:
        body = {**self.model._event_body(f"{group}.{name}", space, session, user), **extra}
        self.model._notify(space, group, name, body)
        return body

    def idle(self, uuid: str, user_id: int | None) -> dict:
        """``user.idle`` for one participant, or ``session.idle`` when no user is named."""
        with self.store.transaction():
            space, session = self._running(uuid)
            if user_id is None:
                return self._send(space, session, "session", "idle", None, idle_since=iso(self.model.clock.now()))
            user = self._present(session, user_id)
            return self._send(space, session, "user", "idle", user, idle_since=iso(self.model.clock.now()))

    def chat(self, uuid: str, user_id: int | None, text: str) -> dict:
        with self.store.transaction():
            space, session = self._running(uuid)
            user = self._present(session, user_id)
            message = {"id": self.engine.ids.uuid("lessonspace.chat"), "text": text,
                       "sent_at": iso(self.model.clock.now())}
            return self._send(space, session, "chat", "message", user, message=message)

    def cobrowse(self, uuid: str, action: str, user_id: int | None, url: str | None) -> dict:
        with self.store.transaction():
            space, session = self._running(uuid)
            user = self._present(session, user_id)
            state = dict(session.get("cobrowser") or {})
            if action == "start":
                if state.get("active"):
                    raise Conflict("Co-browsing is already running in this session.")
                state = {"active": True, "url": url or "https://www.example.com/", "started_at":
                         iso(self.model.clock.now()), "stopped_at": None}
            else:
                if not state.get("active"):
                    raise Conflict("Co-browsing is not running in this session.")
                state = {**state, "active": False, "stopped_at": iso(self.model.clock.now())}
            session["cobrowser"] = state
            self.store.put(SESSION, uuid, session, str(space["org_id"]))
            return self._send(space, session, "cobrowser", action, user, cobrowser=state)

    def knock(self, uuid: str, name: str) -> dict:
        """Someone outside asks to be let in: ``knock.request``; the knock waits for admit or deny."""
        with self.store.transaction():
            space, session = self._running(uuid)
            knock = {"id": self.engine.ids.uuid("lessonspace.knock"), "session": uuid, "name": name,
                     "status": "waiting", "requested_at": iso(self.model.clock.now()), "answered_at": None}
            self.store.put(KNOCK, knock["id"], knock, str(space["org_id"]))
            self._send(space, session, "knock", "request", None, knock=_public(knock))
            return _public(knock)

    def answer(self, knock_id: str, admit: bool) -> dict:
        """``knock.admit`` (the person joins the session) or ``knock.deny``."""
        with self.store.transaction():
            knock = self.model.require(KNOCK, knock_id, f"No knock {knock_id}.")
            if knock["status"] != "waiting":
                raise Conflict(f"This knock was already answered: {knock['status']}.")
            space, session = self._running(knock["session"])
            knock["status"] = "admitted" if admit else "denied"
            knock["answered_at"] = iso(self.model.clock.now())
            self.store.put(KNOCK, knock_id, knock, str(space["org_id"]))
            self._send(space, session, "knock", "admit" if admit else "deny", None, knock=_public(knock))
            if admit:
                guest = self.model._fake_user(space, knock["name"], "student", self.engine.config.seed)
                self.model._add_participant(space, session, guest)
                self.model.after(self.model.setting("join_stay_seconds"), "user_leave",
                                           {"session": knock["session"], "user": guest["id"]})
            return _public(knock)


def _public(knock: dict) -> dict:
    return {"id": knock["id"], "name": knock["name"], "status": knock["status"],
            "requested_at": knock["requested_at"], "answered_at": knock["answered_at"]}
