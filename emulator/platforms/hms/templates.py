"""100ms templates (policy): the blueprint a room takes its roles and settings from; create, list,
retrieve, update, roles (create or update, retrieve, delete), settings, destinations and the
recording configuration, whose ``maxDuration`` stops a room's recordings. The account starts with
one template (roles host and guest). A part of ``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

import copy

from ...core.clock import iso
from ...core.errors import Invalid, NotFound
from .constants import TEMPLATE

DEFAULT_ROLES = ("host", "guest")
SETTINGS = {"region": "auto", "recording": None,
            "roomState": {"messageInterval": 5, "sendPeerList": False, "stopRoomStateOnJoin": True, "enabled": False},
            "retry": {}}


# A template's destinations before any are set: the reference's retrieve-destinations example.
DESTINATIONS = {"rtmpDestinations": {}, "hlsDestinations": {}, "transcriptions": {}}


def default_role(name: str, roles: list[str]) -> dict:
    """A role as 100ms fills it in when created with an empty object (the reference's example values)."""
    return {"name": name,
            "publishParams": {"allowed": ["audio", "video", "screen"], "audio": {"bitRate": 32, "codec": "opus"},
                              "video": {"bitRate": 300, "codec": "vp8", "frameRate": 30, "width": 480, "height": 360},
                              "screen": {"codec": "vp8", "frameRate": 10, "width": 1920, "height": 1080},
                              "simulcast": {"video": {"layers": []}, "screen": {}}},
            "subscribeParams": {"subscribeToRoles": list(roles), "maxSubsBitRate": 3200,
                                "subscribeDegradation": {"packetLossThreshold": 25, "degradeGracePeriodSeconds": 1,
                                                         "recoverGracePeriodSeconds": 4}},
            "permissions": {"endRoom": name == "host", "removeOthers": name == "host", "mute": name == "host",
                            "unmute": name == "host", "changeRole": name == "host", "hlsStreaming": name == "host",
                            "rtmpStreaming": name == "host", "browserRecording": name == "host",
                            "sendRoomState": False, "pollRead": True, "pollWrite": name == "host"},
            "priority": 1, "maxPeerCount": 0}


def _merged(base: dict, given: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in given.items():
        out[key] = _merged(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) else value
    return out


class Templates:
    def _default_template(self) -> dict:
        template = self.store.get(TEMPLATE, self.template_id)
        if template is None:
            now = iso(self.clock.now())
            template = {"id": self.template_id, "name": "emulator-template", "customerId": self.customer_id,
                        "roles": {r: default_role(r, list(DEFAULT_ROLES)) for r in DEFAULT_ROLES},
                        "settings": copy.deepcopy(SETTINGS), "destinations": copy.deepcopy(DESTINATIONS), "recordings": [],
                        **self._template_stamps(self.template_id, now)}
            self.store.put(TEMPLATE, template["id"], template)
        return template

    def create_template(self, body: dict) -> dict:
        with self.store.transaction():
            self._default_template()
            if any(t["name"] == body["name"] for t in self.store.find(TEMPLATE)):
                raise Invalid(f"template name already exists: {body['name']}")
            now = iso(self.clock.now())
            names = list(body["roles"])
            template = {"id": self._oid(TEMPLATE), "name": body["name"], "customerId": self.customer_id,
                        "roles": {n: _merged(default_role(n, names), {**r, "name": n}) for n, r in body["roles"].items()},
                        "settings": _merged(SETTINGS, body.get("settings") or {}),
                        "destinations": body.get("destinations") or copy.deepcopy(DESTINATIONS), "recordings": []}
            template.update(self._template_stamps(template["id"], now))
            if "plugins" in body:
                template["plugins"] = body["plugins"]
            return self.store.put(TEMPLATE, template["id"], template)

    def _template_stamps(self, template_id: str, now: str) -> dict:
        """The fields 100ms's template documents carry in camelCase (its examples and the SDK's type)."""
        return {"createdAt": now, "updatedAt": now, "_id": template_id, "customer": self.customer_id}

    def template(self, template_id: str) -> dict:
        self._default_template()
        return self.require(TEMPLATE, template_id, "template not found")

    def templates(self) -> list[dict]:
        self._default_template()
        return self.store.find(TEMPLATE)

    def update_template(self, template_id: str, body: dict) -> dict:
        with self.store.transaction():
            template = self.template(template_id)
            if "name" in body:
                if any(t["name"] == body["name"] and t["id"] != template_id for t in self.store.find(TEMPLATE)):
                    raise Invalid(f"template name already exists: {body['name']}")
                template["name"] = body["name"]
            for name, role in (body.get("roles") or {}).items():
                template["roles"][name] = _merged(template["roles"].get(name) or default_role(name, list(template["roles"])),
                                                  {**role, "name": name})
            for part in ("settings", "destinations", "plugins"):
                if part in body:
                    template[part] = _merged(template.get(part) or {}, body[part])
            return self._save(template)

    def put_role(self, template_id: str, name: str, body: dict) -> dict:
        with self.store.transaction():
            template = self.template(template_id)
            base = template["roles"].get(name) or default_role(name, [*template["roles"], name])
            template["roles"][name] = _merged(base, {**body, "name": name})
            return self._save(template)["roles"][name]

    def role(self, template_id: str, name: str) -> dict:
        role = self.template(template_id)["roles"].get(name)
        if role is None:
            raise NotFound(f"role not found: {name}")
        return role

    def delete_role(self, template_id: str, name: str) -> None:
        with self.store.transaction():
            template = self.template(template_id)
            if name not in template["roles"]:
                raise NotFound(f"role not found: {name}")
            if len(template["roles"]) == 1:
                raise Invalid("a template keeps at least one role")
            del template["roles"][name]
            self._save(template)

    def put_part(self, template_id: str, part: str, body) -> dict | list:
        """settings and destinations merge; the recording configuration (a list of one) replaces."""
        with self.store.transaction():
            template = self.template(template_id)
            if part == "recordings":
                for config in body:
                    if config["role"] not in template["roles"]:
                        raise Invalid(f"recordings[].role: {config['role']!r} is not a role of the template")
                template["recordings"] = body
            else:
                template[part] = _merged(template[part], body)
            return self._save(template)[part]

    def _save(self, template: dict) -> dict:
        template["updatedAt"] = iso(self.clock.now())
        return self.store.put(TEMPLATE, template["id"], template)

    def room_roles(self, room: dict) -> list[str]:
        return list(self.template(room["template_id"])["roles"])

    def room_max_duration(self, room: dict) -> int:
        """The template's recording maxDuration, else the account's (max_duration_seconds)."""
        configs = self.template(room["template_id"])["recordings"]
        return int(configs[0].get("maxDuration") or self.setting("max_duration_seconds")) if configs \
            else self.setting("max_duration_seconds")
