"""MeetStream signed-in bots: Microsoft Teams login domains and accounts (``/teams-login-domains``,
``/teams-logins``), and the lease that gives a bot one account of a registered domain, Teams or
Google, for as long as it is in the meeting. A part of ``MeetStream`` (models.py). No HTTP.

Teams domains are the vendor's global names: a domain another API key registered answers 403, as
the vendor's error table says. Every error carries ``error`` as well as ``message``: the vendor's
login endpoints answer ``{"error": "Domain not found"}`` (MeetStream labs, teams-signed-in-bots)."""
from __future__ import annotations

from urllib.parse import urlsplit

from ...core.clock import iso
from ...core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, TooBusy
from .constants import LEASE, LOGIN, LOGIN_CAPACITY, LOGIN_DOMAIN, NAME, TEAMS_DOMAIN, TEAMS_LOGIN

DOMAIN_KEYS = {"teams": "teams_login_domain", "google_meet": "google_login_domain"}
PLATFORM_NAMES = {"teams": "Teams", "google_meet": "Google"}


def _error(kind: type[DomainError], message: str) -> DomainError:
    return kind(message, {"error": message})


def display_name(login: dict) -> str:
    """The name a signed-in bot shows: the account's (the emulator makes one from the address)."""
    if login.get("display_name"):
        return login["display_name"]
    local = login["email"].split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").replace("-", ".").split(".") if part)


def session_result(status: str) -> str:
    """A login's ``last_session_result`` after a bot it ran has stopped (the emulator's names)."""
    return {"Stopped": "success", "NotAllowed": "not_admitted", "Denied": "denied"}.get(status, "error")


class SignedIn:
    # -- Teams login domains ---------------------------------------------------------------
    def _owned(self, kind: str, key: str, api_key: str, missing: str, name: str) -> dict:
        """The stored Teams domain or login: 404 when there is none, 403 when another key holds it."""
        stored = self.store.get(kind, key)
        if stored is None:
            raise _error(NotFound, missing)
        if stored["api_key"] != api_key:
            raise _error(Forbidden, f"{name} belongs to another MeetStream account.")
        return stored

    def _own_domain(self, api_key: str, domain: str) -> dict:
        return self._owned(TEAMS_DOMAIN, domain.lower(), api_key, "Domain not found", f"Domain {domain.lower()}")

    def create_teams_domain(self, api_key: str, body: dict) -> dict:
        with self.store.transaction():
            domain = body["domain"].lower()
            held = self.store.get(TEAMS_DOMAIN, domain)
            if held is not None:
                if held["api_key"] != api_key:
                    raise _error(Forbidden, f"Domain {domain} is registered by another MeetStream account.")
                raise _error(Conflict, f"Domain {domain} is already registered.")
            now = iso(self.clock.now())
            stored = {"domain": domain, "name": body.get("name", domain), "login_mode": body.get("login_mode", "always"),
                      "api_key": api_key, "created_at": now, "updated_at": now}
            return self.store.put(TEAMS_DOMAIN, domain, stored, api_key)

    def teams_domain(self, api_key: str, domain: str) -> dict:
        return self._own_domain(api_key, domain)

    def teams_domains(self, api_key: str) -> list[dict]:
        return self.store.find(TEAMS_DOMAIN, api_key)

    def update_teams_domain(self, api_key: str, domain: str, body: dict) -> dict:
        with self.store.transaction():
            stored = self._own_domain(api_key, domain)
            stored.update(body, updated_at=iso(self.clock.now()))
            return self.store.put(TEAMS_DOMAIN, stored["domain"], stored, api_key)

    def delete_teams_domain(self, api_key: str, domain: str) -> dict:
        """The domain and, as the vendor does, every login under it."""
        with self.store.transaction():
            stored = self._own_domain(api_key, domain)
            for login in self.teams_logins_of(stored["domain"]):
                self.store.delete(TEAMS_LOGIN, login["login_id"])
            self.store.delete(TEAMS_DOMAIN, stored["domain"])
            return {"message": f"Domain {stored['domain']} and its logins deleted"}

    # -- Teams logins ----------------------------------------------------------------------
    def teams_logins_of(self, domain: str) -> list[dict]:
        return self.store.find(TEAMS_LOGIN, domain)

    def _own_login(self, api_key: str, login_id: str) -> dict:
        return self._owned(TEAMS_LOGIN, login_id, api_key, "Login not found", f"Login {login_id}")

    def create_teams_login(self, api_key: str, body: dict) -> dict:
        with self.store.transaction():
            domain = self._own_domain(api_key, body["domain"])["domain"]
            email = body["email"].lower()  # the vendor states no rule tying the address to the domain
            if any(login["email"] == email for login in self.teams_logins_of(domain)):
                raise _error(Conflict, f"{email} is already registered under {domain}.")
            now = iso(self.clock.now())
            login_id = self.engine.ids.uuid(f"{NAME}.teams_login")
            stored = {"login_id": login_id, "domain": domain, "email": email, "is_active": body.get("is_active", True),
                      "last_session_result": None, "last_login_error": None, "created_at": now, "updated_at": now,
                      "api_key": api_key}
            return self.store.put(TEAMS_LOGIN, login_id, stored, domain)  # the password is never kept

    def teams_logins(self, api_key: str, domain: str | None) -> list[dict]:
        if not domain:
            raise _error(Invalid, "domain is required: GET /teams-logins?domain=<domain>.")
        stored = self.store.get(TEAMS_DOMAIN, domain.lower())
        if stored is None:
            raise _error(NotFound, f"Domain {domain} not registered")
        return self.teams_logins_of(self._own_domain(api_key, domain)["domain"])

    def teams_login(self, api_key: str, login_id: str) -> dict:
        return self._own_login(api_key, login_id)

    def update_teams_login(self, api_key: str, login_id: str, body: dict) -> dict:
        """A new password also reactivates an account whose sign-in failed."""
        with self.store.transaction():
            stored = self._own_login(api_key, login_id)
            if "password" in body:
                stored.update(is_active=True, last_login_error=None)
            if "is_active" in body:
                stored["is_active"] = body["is_active"]
            stored["updated_at"] = iso(self.clock.now())
            return self.store.put(TEAMS_LOGIN, login_id, stored, stored["domain"])

    def delete_teams_login(self, api_key: str, login_id: str) -> dict:
        with self.store.transaction():
            self._own_login(api_key, login_id)
            self.store.delete(TEAMS_LOGIN, login_id)
            return {"message": f"Login {login_id} deleted"}

    def reject_teams_password(self, login_id: str, message: str | None = None) -> dict:
        """What Microsoft rejecting an account's password does: the account is deactivated until a
        new password is set (an emulator control)."""
        with self.store.transaction():
            stored = self.require(TEAMS_LOGIN, login_id, "Login not found")
            stored.update(is_active=False, last_session_result="login_failed", updated_at=iso(self.clock.now()),
                          last_login_error=message or "Microsoft rejected the password at sign-in.")
            return self.store.put(TEAMS_LOGIN, login_id, stored, stored["domain"])

    def leases_of(self, login_id: str) -> int:
        return len(self.store.find(LEASE, login_id))

    # -- a signed-in bot -------------------------------------------------------------------
    def _sign_in_request(self, api_key: str, body: dict, platform: str) -> dict | None:
        """What a create_bot body's ``teams`` / ``google_meet`` block asks for, checked against the
        account (400 unregistered, 403 another account's, 404 an unknown sign_in_email); None for a
        guest. The vendor drops a malformed block and the bot joins as a guest; so does this."""
        block = body.get("teams" if platform == "teams" else "google_meet")
        key = DOMAIN_KEYS.get(platform)
        if key is None or not isinstance(block, dict) or block.get("login_required") is not True \
                or not isinstance(block.get(key), str) or not block[key]:
            return None
        if platform == "teams" and (urlsplit(body["meeting_link"]).hostname or "").lower() == "teams.live.com":
            raise _error(Invalid, "Signed-in Teams bots join Microsoft 365 work or school meetings, not teams.live.com.")
        domain = block[key].lower()
        logins = self._domain_logins(api_key, platform, domain)
        email = block.get("sign_in_email") if isinstance(block.get("sign_in_email"), str) else None
        if email and not any(login["email"].lower() == email.lower() for login in logins):
            raise _error(NotFound, f"sign_in_email {email} is not registered under {domain}.")
        return {"platform": platform, "domain": domain, "email": email and email.lower(),
                "strict": block.get("strict_email") is True, "login_id": None}

    def _domain_logins(self, api_key: str, platform: str, domain: str) -> list[dict]:
        if platform == "teams":
            stored = self.store.get(TEAMS_DOMAIN, domain)
            if stored is None:
                raise _error(Invalid, f"teams.teams_login_domain '{domain}' is not registered")
            if stored["api_key"] != api_key:
                raise _error(Forbidden, f"teams.teams_login_domain '{domain}' belongs to another MeetStream account")
            return self.teams_logins_of(domain)
        if self.store.get(LOGIN_DOMAIN, f"{api_key}:{domain}") is None:
            raise _error(Invalid, f"google_meet.google_login_domain '{domain}' is not registered")
        return [login for login in self.store.find(LOGIN, api_key) if login["domain"] == domain]

    def _lease(self, bot: dict) -> None:
        """Give the bot an account of its domain, the least used first (which spreads bots evenly,
        the vendor's round robin); 409 when the pinned account or every active one is unavailable, 429 when
        every account is in use. The bot then shows the account's name, not bot_name."""
        ask = bot.get("sign_in")
        if not ask or ask["login_id"]:
            return
        platform, domain, capacity = ask["platform"], ask["domain"], LOGIN_CAPACITY[ask["platform"]]
        logins = self._domain_logins(bot["api_key"], platform, domain)
        used = {self._login_id(login): self.leases_of(self._login_id(login)) for login in logins}
        free = [login for login in logins if login.get("is_active", True) and used[self._login_id(login)] < capacity]
        if ask["email"]:
            pinned = [login for login in free if login["email"].lower() == ask["email"]]
            if pinned or ask["strict"]:
                if not pinned:
                    raise _error(Conflict, f"sign_in_email {ask['email']} is busy or deactivated.")
                free = pinned
        if not free:
            name = PLATFORM_NAMES[platform]
            if logins and all(login.get("is_active", True) for login in logins):
                raise _error(TooBusy, f"All {name} logins in {domain} are in use.")
            raise _error(Conflict, f"No {name} login in {domain} is both active and free.")
        chosen = min(free, key=lambda login: used[self._login_id(login)])  # the first of the least used
        login_id, kind = self._login_id(chosen), TEAMS_LOGIN if platform == "teams" else LOGIN
        self.store.put(LEASE, bot["bot_id"], {"bot_id": bot["bot_id"], "kind": kind}, login_id)
        ask.update(login_id=login_id, email=chosen["email"])
        bot["bot_name"] = display_name(chosen)

    def _lease_at_join(self, bot: dict) -> bool:
        """A scheduled signed-in bot takes its account when it joins; with none to be had it stops
        as an error (nobody is waiting on an HTTP answer by then)."""
        try:
            self._lease(bot)
            return True
        except DomainError:
            bot["stop"] = "failed"
            self._on_stopped({"bot": bot["bot_id"]}, bot)
            return False

    def _release_login(self, bot: dict) -> None:
        lease = self.store.get(LEASE, bot["bot_id"]) if bot.get("sign_in") else None
        if lease is None:
            return
        self.store.delete(LEASE, bot["bot_id"])
        login = self.store.get(lease["kind"], bot["sign_in"]["login_id"])
        if login is not None and lease["kind"] == TEAMS_LOGIN:
            login.update(last_session_result=session_result(bot["status"]))
            self.store.put(TEAMS_LOGIN, login["login_id"], login, login["domain"])

    @staticmethod
    def _login_id(login: dict) -> str:
        return login.get("login_id") or login["id"]
