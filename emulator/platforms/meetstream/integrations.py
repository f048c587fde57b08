"""MeetStream account resources: MIA agent configs (``/mia``), Google sign-in domains and logins
for signed-in bots, Zoom OAuth connections, and the storage (bring-your-own bucket) config. Each
belongs to the API key that made it. A part of ``MeetStream`` (models.py). No HTTP."""
from __future__ import annotations

from ...core.clock import iso
from ...core.errors import Conflict, Invalid, NotFound
from .constants import AGENT, LOGIN, LOGIN_DOMAIN, NAME, STORAGE, ZOOM

REALTIME_VOICES = {"openai": {"alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer",
                              "verse"},
                   "xai": {"Ara", "Eve", "Leo", "Rex", "Sal"},
                   "google": {"Puck", "Charon", "Kore", "Fenrir", "Aoede", "Leda", "Orus", "Zephyr"}}
PIPELINE_MODELS = ("openai", "anthropic")
PIPELINE_ONLY = ("voice", "transcriber", "wake_word")
AGENT_FIELDS = ("agent_name", "mode", "model", "voice", "transcriber", "agent", "wake_word", "audio", "avatar")


class Integrations:
    # -- MIA agent configs -----------------------------------------------------------------
    def _check_agent(self, config: dict) -> None:
        """The rules the vendor's reference states across fields (a schema checks each field)."""
        mode, model = config["mode"], config["model"]
        if mode == "realtime":
            provider = model.get("provider")
            if provider not in REALTIME_VOICES:
                raise Invalid(f"model.provider must be one of openai, xai, google in realtime mode, not {provider!r}.")
            if provider == "openai" and not model.get("model"):
                raise Invalid("model.model is required for the openai realtime provider.")
            if model.get("voice") not in REALTIME_VOICES[provider]:
                raise Invalid(f"model.voice must be one of {', '.join(sorted(REALTIME_VOICES[provider]))} "
                              f"for {provider}.")
            extra = [f for f in PIPELINE_ONLY if config.get(f)]
            if extra:
                raise Invalid(f"{extra[0]} is only for pipeline mode.")
        else:
            if model.get("provider") not in PIPELINE_MODELS:
                raise Invalid("model.provider must be openai or anthropic in pipeline mode.")
        avatar = config.get("avatar") or {}
        if avatar.get("enabled") and avatar.get("provider") == "anam" and not avatar.get("avatar_id"):
            raise Invalid("avatar.avatar_id is required when the avatar provider is anam.")

    def create_agent(self, api_key: str, body: dict) -> dict:
        with self.store.transaction():
            config = {k: body[k] for k in AGENT_FIELDS if k in body}
            self._check_agent(config)
            agent_id = self.engine.ids.uuid(f"{NAME}.agent")
            now = iso(self.clock.now())
            stored = {"agent_config_id": agent_id, "api_key": api_key, "config": config, "created_at": now,
                      "updated_at": now}
            self.store.put(AGENT, agent_id, stored, api_key)
            return stored

    def agent(self, api_key: str, agent_id: str) -> dict:
        stored = self.require(AGENT, agent_id, f"Agent config {agent_id} not found.",
                              where=lambda stored: stored["api_key"] == api_key)
        return stored

    def agents(self, api_key: str) -> list[dict]:
        return self.store.find(AGENT, api_key)

    def update_agent(self, api_key: str, body: dict) -> dict:
        with self.store.transaction():
            stored = self.agent(api_key, body["agent_config_id"])
            config = {**stored["config"], **{k: body[k] for k in AGENT_FIELDS if k in body}}
            self._check_agent(config)
            stored.update(config=config, updated_at=iso(self.clock.now()))
            self.store.put(AGENT, stored["agent_config_id"], stored, api_key)
            return stored

    def delete_agent(self, api_key: str, agent_id: str) -> dict:
        with self.store.transaction():
            self.agent(api_key, agent_id)
            self.store.delete(AGENT, agent_id)
            return {"message": "Agent configuration deleted successfully"}

    # -- Google sign-in ----------------------------------------------------------------------
    def create_domain(self, api_key: str, body: dict) -> dict:
        with self.store.transaction():
            domain = body["domain"].lower()
            if self.store.get(LOGIN_DOMAIN, f"{api_key}:{domain}"):
                raise Conflict(f"Domain {domain} is already registered.")
            now = iso(self.clock.now())
            stored = {"domain": domain, **{k: v for k, v in body.items() if k != "domain"}, "created_at": now,
                      "updated_at": now}
            self.store.put(LOGIN_DOMAIN, f"{api_key}:{domain}", stored, api_key)
            return stored

    def domain(self, api_key: str, domain: str) -> dict:
        return self.require(LOGIN_DOMAIN, f"{api_key}:{domain.lower()}", f"Domain {domain} not found.")

    def domains(self, api_key: str) -> list[dict]:
        return self.store.find(LOGIN_DOMAIN, api_key)

    def update_domain(self, api_key: str, domain: str, body: dict) -> dict:
        with self.store.transaction():
            stored = self.domain(api_key, domain)
            stored.update({k: v for k, v in body.items() if k != "domain"}, updated_at=iso(self.clock.now()))
            return self.store.put(LOGIN_DOMAIN, f"{api_key}:{stored['domain']}", stored, api_key)

    def delete_domain(self, api_key: str, domain: str) -> dict:
        with self.store.transaction():
            stored = self.domain(api_key, domain)
            for login in self.store.find(LOGIN, api_key):
                if login["domain"] == stored["domain"]:
                    self.store.delete(LOGIN, login["id"])
            self.store.delete(LOGIN_DOMAIN, f"{api_key}:{stored['domain']}")
            return {"message": f"Domain {stored['domain']} deleted"}

    def create_login(self, api_key: str, body: dict) -> dict:
        with self.store.transaction():
            email = body["email"]
            domain = email.rsplit("@", 1)[-1].lower()
            self.domain(api_key, body.get("domain", domain))
            login_id = self.engine.ids.uuid(f"{NAME}.login")
            now = iso(self.clock.now())
            stored = {"id": login_id, "email": email, "domain": body.get("domain", domain).lower(),
                      **{k: v for k, v in body.items() if k not in ("email", "domain", "password")},
                      "created_at": now, "updated_at": now}
            self.store.put(LOGIN, login_id, {**stored, "api_key": api_key}, api_key)
            return stored

    def _login(self, api_key: str, login_id: str) -> dict:
        stored = self.require(LOGIN, login_id, f"Google login {login_id} not found.",
                              where=lambda stored: stored["api_key"] == api_key)
        return stored

    def logins(self, api_key: str) -> list[dict]:
        return [{k: v for k, v in login.items() if k != "api_key"} for login in self.store.find(LOGIN, api_key)]

    def update_login(self, api_key: str, login_id: str, body: dict) -> dict:
        with self.store.transaction():
            stored = self._login(api_key, login_id)
            stored.update({k: v for k, v in body.items() if k not in ("id", "password", "api_key")},
                          updated_at=iso(self.clock.now()))
            self.store.put(LOGIN, login_id, stored, api_key)
            return {k: v for k, v in stored.items() if k != "api_key"}

    def delete_login(self, api_key: str, login_id: str) -> dict:
        with self.store.transaction():
            self._login(api_key, login_id)
            self.store.delete(LOGIN, login_id)
            return {"message": f"Google login {login_id} deleted"}

    # -- Zoom OAuth --------------------------------------------------------------------------
    def zoom_authorize_url(self, api_key: str) -> dict:
        state = self.engine.ids.hex(f"{NAME}.zoom_state", 24)
        return {"authorize_url": f"https://zoom.us/oauth/authorize?response_type=code&client_id=emulator&state={state}",
                "state": state}

    def create_zoom(self, api_key: str, body: dict) -> dict:
        with self.store.transaction():
            zoom_user = f"zu_{self.engine.ids.hex(f'{NAME}.zoom', 16)}"
            stored = {"zoom_user_id": zoom_user, "email": body.get("email", f"{zoom_user}@example.com"),
                      "status": "connected", "created_at": iso(self.clock.now())}
            self.store.put(ZOOM, f"{api_key}:{zoom_user}", stored, api_key)
            return stored

    def zoom_connection(self, api_key: str, zoom_user: str) -> dict:
        return self.require(ZOOM, f"{api_key}:{zoom_user}", f"Zoom connection {zoom_user} not found.")

    def zoom_connections(self, api_key: str) -> list[dict]:
        return self.store.find(ZOOM, api_key)

    def delete_zoom(self, api_key: str, zoom_user: str) -> dict:
        with self.store.transaction():
            self.zoom_connection(api_key, zoom_user)
            self.store.delete(ZOOM, f"{api_key}:{zoom_user}")
            return {"message": f"Zoom connection {zoom_user} deleted"}

    # -- storage -----------------------------------------------------------------------------
    def set_storage(self, api_key: str, body: dict) -> dict:
        with self.store.transaction():
            stored = {**body, "key_name": body.get("key_name", "aws"), "updated_at": iso(self.clock.now())}
            self.store.put(STORAGE, f"{api_key}:{stored['key_name']}", stored, api_key)
            return {"message": "Storage configuration saved", "config": _masked(stored)}

    def storage(self, api_key: str) -> dict:
        return {"configs": [_masked(c) for c in self.store.find(STORAGE, api_key)]}

    def delete_storage(self, api_key: str, key_name: str) -> dict:
        with self.store.transaction():
            if not self.store.delete(STORAGE, f"{api_key}:{key_name}"):
                raise NotFound(f"No storage configuration named {key_name}.")
            return {"message": f"Storage configuration {key_name} deleted"}


def _masked(config: dict) -> dict:
    """Secrets are never read back: only their last four characters."""
    return {k: ("****" + str(v)[-4:] if "secret" in k or "password" in k or k.endswith("_key") and k != "key_name"
                else v) for k, v in config.items()}
