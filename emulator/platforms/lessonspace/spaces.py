"""Lessonspace's organisations (one per API key), spaces and their launch (users, join links with
their time window), and joining through a client_url. No HTTP here."""
from __future__ import annotations

import math

import jwt

from ...core.clock import iso, parse_iso
from ...core.content import company_name
from ...core.errors import Conflict, Forbidden, Invalid
from ...core.ids import stable_int
from .constants import (LAUNCH, MAX_LINK_WINDOW, NAME, ORG, ORG_KEY, SESSION, SPACE, USER)


class Spaces:
    """Mixed into the Lessonspace model (models.py)."""

    # -- organisations ---------------------------------------------------------------------
    def organisation(self, api_key: str) -> dict:
        """The organisation an API key belongs to, created on first use. Ids are allocated, one per
        key and never shared (a hash of the key would collide after about a thousand keys)."""
        key = api_key.lower()
        known = self.store.get(ORG_KEY, key)
        if known is None:
            with self.store.transaction():
                known = self.store.get(ORG_KEY, key)
                if known is None:
                    org_id = 100000 + stable_int(NAME, "org", self.engine.config.seed, modulo=800000) \
                        + self.store.next_seq(ORG_KEY)
                    self.store.put(ORG, str(org_id), {"id": org_id, "name": company_name(self.engine.config.seed, key),
                                                      "created": iso(self.clock.now())})
                    known = self.store.put(ORG_KEY, key, {"org_id": org_id})
        return self.store.get(ORG, str(known["org_id"]))

    # -- launch ----------------------------------------------------------------------------
    def launch(self, org: dict, body: dict) -> tuple[bool, dict]:
        """Create or fetch the space for ``body["id"]`` and mint a join link; (created, response)."""
        window = self._link_window(body.get("timeouts") or {})
        org_key = str(org["id"])
        with self.store.transaction():
            alias = self.store.get(LAUNCH, f"{org_key}:{body['id']}")
            space = self.store.get(SPACE, alias["room_id"]) if alias else None
            created = space is None
            record_av = body.get("record_av", space["record_av"] if space else True)
            transcribe = body.get("transcribe", False)  # every call sets the flag; omitted means off
            summarise = body.get("summarise", False)
            if summarise and not (record_av and transcribe):
                raise Invalid("Summaries require both AV recording (record_av) and transcription (transcribe) "
                              "to be enabled.")
            if created:
                space = self._new_space(org_key, body)
            if "name" in body and not created:
                space["name"] = body["name"]
            space["record_av"] = record_av
            space["record_content"] = body.get("record_content", space["record_content"])
            space["transcribe"] = transcribe
            space["summarise"] = summarise
            if "allow_guests" in body:
                space["allow_guests"] = body["allow_guests"]
            if not created and "webhooks" in body and self.setting("webhooks_on_relaunch") == "overwrite":
                space["webhooks"] = _webhooks(body)
            user = self._user_for(org_key, body.get("user"))
            if not any(m["id"] == user["id"] for m in space["members"]):
                space["members"].append(user)
            space["launches"] += 1
            self.store.put(SPACE, space["room_id"], space, org_key)
        claims = {
            "sub": str(user["id"]), "name": user["name"], "role": user["role"],
            "leader": bool((body.get("user") or {}).get("leader", False)),
            "room": space["room_id"], "features": body.get("features", {}),
            "iat": int(self.clock.now()), "nbf": int(window[0]), "exp": int(window[1]),
            **(body.get("user") or {}).get("custom_jwt_parameters", {}),
        }
        token = jwt.encode(claims, space["secret"], algorithm="HS256")
        base = f"{self.engine.config.public_url}/{NAME}/room/"
        settings = {"record_av": space["record_av"], "record_content": space["record_content"],
                    "waiting_room": False, "transcribe": space["transcribe"]}
        if "summarise" in body:
            settings["summarise"] = space["summarise"]
        return created, {
            "client_url": f"{base}{space['room_id']}?token={token}",
            "api_base": base,
            "room_id": space["room_id"],
            "secret": space["secret"],
            "session_id": space["next_session_id"],
            "user_id": user["id"],
            "room_settings": settings,
        }

    def _link_window(self, timeouts: dict) -> tuple[float, float]:
        now = self.clock.now()
        not_before = parse_iso(timeouts["not_before"]) if "not_before" in timeouts else now
        not_after = parse_iso(timeouts["not_after"]) if "not_after" in timeouts else not_before + MAX_LINK_WINDOW
        if not_after < not_before:  # equal is an empty window: valid, and nobody can join in it
            raise Invalid("not_after must not be earlier than not_before",
                          {"timeouts": {"not_after": ["Must not be earlier than not_before."]}})
        if not_after - not_before > MAX_LINK_WINDOW:
            raise Invalid("not_after is too far from not_before",
                          {"timeouts": {"not_after": ["Must be at most 7 days after not_before."]}})
        return not_before, not_after

    def _new_space(self, org_key: str, body: dict) -> dict:
        room_id = self.engine.ids.uuid("lessonspace.room")
        self.store.put(LAUNCH, f"{org_key}:{body['id']}", {"room_id": room_id}, org_key)
        webhooks = _webhooks(body)
        return {
            "room_id": room_id, "org_id": int(org_key), "launch_id": body["id"],
            "name": body.get("name", body["id"]), "secret": self.engine.ids.uuid("lessonspace.secret"),
            "next_session_id": self.engine.ids.uuid("lessonspace.session"),
            "record_av": True, "record_content": True, "transcribe": False, "summarise": False,
            "allow_guests": True, "webhooks": webhooks, "members": [], "active_session": None,
            "launches": 0, "created": iso(self.clock.now()),
        }

    def _user_for(self, org_key: str, given: dict | None) -> dict:
        """The Lessonspace user for a launch: stable for a given ``user.id``, a new guest otherwise."""
        given = given or {}
        key = f"{org_key}:{given['id']}" if "id" in given else None
        existing = self.store.get(USER, key) if key else None
        user = existing or {"id": self.engine.ids.integer("lessonspace.user", start=3077485)}
        user["name"] = given.get("name", user.get("name", "Guest" if key is None else str(given["id"])))
        user["email"] = given.get("email", user.get("email"))
        user["role"] = given.get("role", user.get("role"))
        if key:
            self.store.put(USER, key, user, org_key)
        return user

    # -- joining through a client_url ------------------------------------------------------
    def verify_link(self, room_id: str, token: str) -> tuple[dict, dict]:
        """The space and the claims of a join link; Forbidden when it is forged or outside its window."""
        space = self.require(SPACE, room_id, "This space does not exist.")
        try:
            claims = jwt.decode(token, space["secret"], algorithms=["HS256"],
                                options={"verify_exp": False, "verify_nbf": False, "verify_iat": False})
        except jwt.InvalidTokenError:
            raise Forbidden("This join link is not valid for this space.") from None
        now = self.clock.now()
        if now < claims.get("nbf", now):
            raise Forbidden(f"This join link is not valid before {iso(claims['nbf'])}.")
        if now >= claims.get("exp", math.inf):
            raise Forbidden(f"This join link expired at {iso(claims['exp'])}.")
        return space, claims

    def join(self, room_id: str, token: str) -> dict:
        """A user opens their client_url: the session starts if needed and they stay a while."""
        with self.store.transaction():
            space, claims = self.verify_link(room_id, token)
            user = {"id": int(claims["sub"]), "name": claims.get("name") or "Guest",
                    "email": None, "role": claims.get("role")}
            session = self._active_session(space) or self._start_session(space, None)
            self._add_participant(space, session, user)
            self.after(self.setting("join_stay_seconds"), "user_leave",
                                       {"session": session["uuid"], "user": user["id"]})
        return session

    def leave(self, room_id: str, token: str) -> dict:
        with self.store.transaction():
            space, claims = self.verify_link(room_id, token)
            session = self._active_session(space)
            if session is None:
                raise Conflict("There is no session running in this space.")
            self._on_user_leave({"session": session["uuid"], "user": int(claims["sub"])})
            return self.store.get(SESSION, session["uuid"])

    def spaces(self, org: dict) -> list[dict]:
        return self.store.find(SPACE, str(org["id"]))

    def space(self, org: dict, room_id: str) -> dict:
        space = self.require(SPACE, room_id, "Not found.",
                             where=lambda space: space["org_id"] == org["id"])
        return space


def _webhooks(body: dict) -> dict:
    return {group: {event: url for event, url in (events or {}).items() if url}
            for group, events in (body.get("webhooks") or {}).items()}
