"""100ms analytics: the events the analytics API serves (track add, update and remove for every
peer's audio and video, beam.recording.success, and the client error events the control API makes
a peer report), kept as they happen; peer quality stats once a session has ended (quality.py); the
webhook delivery history read from the emulator's own deliveries; and the replay of deliveries
(``is_replay: true``). A part of ``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

import json

from ...core.clock import iso, parse_iso
from ...core.errors import Invalid, NotFound
from .constants import ANALYTICS_EVENT, NAME, RECORDER, REPLAY, ROOM, TEMPLATE
from .quality import peer_stats
from .templates import default_role

RECORDED = ("beam.recording.success",)  # webhook events the analytics API also serves
# Each client error's code, name, message and action, as the reference's examples give them.
CLIENT_ERRORS = {
    "client.publish.failed": (4006, "ICEDisconnected", "[PUBLISH]: Ice connection state DISCONNECTED", "PUBLISH"),
    "client.subscribe.failed": (4006, "ICEDisconnected", "[SUBSCRIBE]: Ice connection state DISCONNECTED",
                                "SUBSCRIBE"),
    "client.join.failed": (500, "ServerErrors", "sfu join failed", "JOIN"),
    "client.disconnected": (1003, "WebSocketConnectionLost", "Network connection lost ", "RECONNECT_SIGNAL"),
    "client.connect.failed": (2003, "EndpointUnreachable", "Endpoint is not reachable - Failed to fetch", "INIT"),
}
AGENT = {"sdk": "web", "sdk_version": "0.12.15", "device_model": "Chrome_125.0.0.0", "os": "web_Mac_OS",
         "os_version": "10.15.7", "is_prebuilt": True, "framework": "react-web", "framework_version": "18.2.0",
         "framework_sdk_version": "0.10.15", "domain": "HMS",
         "string": "os:web_Mac_OS,os_version:10.15.7,sdk:web,sdk_version:0.12.15,device_model:Chrome_125.0.0.0,"
                   "env:prod,domain:HMS,is_prebuilt:true,framework:react-web,framework_version:18.2.0,"
                   "framework_sdk_version:0.10.15"}
HISTORY_DAYS, WINDOW_DAYS = 30, 14


class Analytics:
    def _analytics(self, room_id: str, event: str, data: dict) -> None:
        entry = {"version": "2.0", "id": self._uuid(), "timestamp": iso(self.clock.now()), "type": event, "data": data}
        self.store.put(ANALYTICS_EVENT, entry["id"], entry, room_id)

    def _track_events(self, session: dict, peer_id: str, event: str, kinds: tuple[str, ...] = ("audio", "video")) -> None:
        peer = session["peers"][peer_id]
        room = self.room(session["room_id"])
        for track in session["_live"][peer_id]["tracks"].values():
            if track["type"] not in kinds:
                continue
            data = {"room_id": room["id"], "session_id": session["id"], "room_name": room["name"], "peer_id": peer_id,
                    "user_id": peer["user_id"], "user_name": peer["name"], "joined_at": peer["joined_at"],
                    "role": peer["role"], "track_id": track["id"], "stream_id": track["stream_id"], "type": track["type"],
                    "source": track["source"], "mute": track["mute"], "started_at": track["started_at"]}
            if event == "track.remove.success":
                data["stopped_at"] = iso(self.clock.now())
            self._analytics(room["id"], event, data)

    def client_error(self, session_id: str, peer_id: str, body: dict) -> dict:
        """A peer's client SDK reports an error (control API): one analytics event of that type."""
        with self.store.transaction():
            session = self.session(session_id)
            peer = session["peers"].get(peer_id)
            if peer is None or peer["role"] == RECORDER:
                raise NotFound(f"peer not in the session: {peer_id}")
            room = self.room(session["room_id"])
            kind = body["type"]
            code, name, message, action = CLIENT_ERRORS[kind]
            data = {"user_id": peer["user_id"], "user_name": peer["name"], "peer_id": peer_id,
                    "account_id": self.customer_id, "room_id": room["id"]}
            if kind == "client.connect.failed":  # before joining: no session, role or template yet
                data.update(endpoint="", transport_state="Connecting")
            else:
                data.update(session_id=session_id, room_name=room["name"], template_id=room["template_id"],
                            role=peer["role"], domain="HMS")
            data.update(error_code=body.get("error_code", code), error_name=body.get("error_name", name),
                        error_message=body.get("error_message", message),
                        error_description=body.get("error_description", ""), action=action,
                        is_terminal=body.get("is_terminal", False), agent=AGENT)
            if kind == "client.publish.failed":
                data.update(audio={"maxBitrate": 0, "deviceId": "", "volume": 0, "codec": ""},
                            video={"deviceId": "", "maxFramerate": 0, "maxBitrate": 0, "codec": "", "height": 0,
                                   "width": 0},
                            devices={"videoInput": [], "audioInput": [], "audioOutput": []})
            self._analytics(room["id"], kind, data)
            return self.analytics_events(room["id"])[-1]

    def quality_stats(self, session_id: str, peer_id: str) -> dict:
        """A peer's quality time series; empty while the session is still on (the API is not real-time)."""
        session = self.session(session_id)
        peer = session["peers"].get(peer_id)
        if peer is None or peer["role"] == RECORDER:
            raise NotFound(f"peer not found in session {session_id}: {peer_id}")
        if session["active"]:
            return {"peer_id": peer_id, "session_id": session_id, "room_id": session["room_id"],
                    "publisher": {"video": [], "audio": []}, "subscriber": {"video": [], "audio": []}}
        room = self.store.get(ROOM, session["room_id"])
        template = self.store.get(TEMPLATE, room["template_id"]) if room else None
        role = (template or {}).get("roles", {}).get(peer["role"]) or default_role(peer["role"], [peer["role"]])
        ended = max((parse_iso(p["left_at"]) for p in session["peers"].values() if p["left_at"]),
                    default=parse_iso(session["updated_at"]))
        return peer_stats(session, peer_id, role, ended)

    def analytics_events(self, room_id: str | None = None) -> list[dict]:
        """In time order; one room's only (they are stored under their room) when ``room_id`` is given."""
        return sorted(self.store.find(ANALYTICS_EVENT, room_id), key=lambda e: e["timestamp"])

    # -- webhook history and replay --------------------------------------------------------
    def webhook_history(self, filters: dict) -> list[dict]:
        """The 100ms deliveries in a time range, as the analytics API reports them."""
        start, end = self._history_window(filters)
        wanted = filters.get("event_names") or []
        status = filters.get("status") or "all"
        out = []
        for delivery in self.engine.webhooks.log(NAME):
            if delivery["status"] not in ("delivered", "failed"):
                continue
            body = json.loads(delivery["body"])
            at = parse_iso(delivery["created_at"])
            ok = delivery["status"] == "delivered"
            if not start <= at <= end or (wanted and delivery["event"] not in wanted) \
                    or (status == "failed" and ok) or (status == "success" and not ok) \
                    or (filters.get("room_id") and body.get("data", {}).get("room_id") != filters["room_id"]):
                continue
            data = body.get("data", {})
            payload = {"event_data": {k: data[k] for k in ("session_id", "peer_id", "user_id", "recording_id")
                                      if data.get(k)},
                       "webhook_url": delivery["url"], "original_event_name": delivery["event"]}
            if not ok:
                payload["error_reason"] = (delivery["attempt_log"][-1]["error"] if delivery["attempt_log"]
                                           else "not delivered")
            out.append({"event_id": delivery["id"], "room_id": data.get("room_id", ""), "event_timestamp":
                        delivery["created_at"], "event_name": "reporter.webhook.delivery." + ("success" if ok else "failed"),
                        "payload": payload})
        return out

    def replay_webhooks(self, filters: dict) -> dict:
        """Send the matching deliveries again, each a new delivery with ``is_replay: true`` (failed
        ones by default); all at once rather than 10 a second."""
        start, end = self._history_window(filters)
        chosen = self.webhook_history({**filters, "status": filters.get("status") or "failed"})
        offset, limit = filters.get("offset", 0), filters.get("limit", 50000)
        chosen = chosen[offset:][:limit]
        sent = {}
        for entry in chosen:
            original = next(d for d in self.engine.webhooks.log(NAME) if d["id"] == entry["event_id"])
            body = {**json.loads(original["body"]), "is_replay": True}
            sent[entry["event_id"]] = self.engine.webhooks.enqueue(
                NAME, original["event"], original["url"], body,
                {k: v for k, v in original["headers"].items() if k.lower() != "content-type"},
                order_key=entry["room_id"] or None)
        scope = {"start_time": iso(start), "end_time": iso(end), "room_id": filters.get("room_id", ""),
                 "event_types": filters.get("event_names") or []}
        workflow = {"workflow_id": f"webhook-replay-{self.customer_id}-{self._uuid()[:8]}",
                    "started_at": iso(self.clock.now()), "filters": {**scope, "limit": limit, "offset": offset},
                    "deliveries": sent}
        self.store.put(REPLAY, workflow["workflow_id"], workflow)
        return {"workflow_id": workflow["workflow_id"], "status": "started",
                "message": "Webhook replay has been queued for processing", "filters": scope}

    def replay_status(self, workflow_id: str) -> dict:
        """A replay's progress, from the state of the deliveries it queued."""
        workflow = self.require(REPLAY, workflow_id, f"workflow not found: {workflow_id}")
        log = {d["id"]: d for d in self.engine.webhooks.log(NAME)}
        states = {event: log.get(delivery, {}) for event, delivery in workflow["deliveries"].items()}
        completed = [e for e, d in states.items() if d.get("status") == "delivered"]
        failed = [e for e, d in states.items() if d.get("status") == "failed"]
        total = len(states)
        finished = len(completed) + len(failed) == total
        status = ("Running" if not finished else "completed" if not failed
                  else "failed" if not completed else "completed_with_failures")
        ends = [a["at"] for d in states.values() for a in d.get("attempt_log", []) if a.get("at")]
        counts = {"total": total, "completed": len(completed), "failed": len(failed)}
        return {"workflow_id": workflow_id, "status": status, "started_at": workflow["started_at"],
                "completed_at": (max(ends) if ends else workflow["started_at"]) if finished else None,
                "filters": workflow["filters"], "progress": counts, "result": {**counts, "failed_events": failed}}

    def _history_window(self, filters: dict) -> tuple[float, float]:
        now = self.clock.now()
        start = parse_iso(filters["start_time"]) if filters.get("start_time") else now - 86400
        end = parse_iso(filters["end_time"]) if filters.get("end_time") else now
        if start < now - HISTORY_DAYS * 86400:
            raise Invalid("start_time must be within the last 30 days")
        if end < start or end - start > WINDOW_DAYS * 86400:
            raise Invalid("end_time must be within 14 days after start_time")
        return start, end
