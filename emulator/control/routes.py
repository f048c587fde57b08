"""The ``/_emulator/`` control plane: health, reset, the clock, the webhook log, the inbox, the request
journal and fault rules."""
from __future__ import annotations

import json
import math
from flask import Blueprint, Response, request

from .. import __version__
from ..core.clock import PastHorizon, iso, parse_iso
from ..core.control import check_query, control_body, control_error
from ..core.engine import Engine
from ..core.http import MAX_DEPTH, depth, json_response
from ..core.operations import Param, operation
from .traffic import add_traffic_routes


def health_body(engine: Engine) -> dict:
    return {"status": "ok", "version": __version__, "platforms": sorted(engine.platforms),
            "now": iso(engine.clock.now()), "state": engine.config.state or "memory"}


def control_blueprint(engine: Engine) -> Blueprint:
    bp = Blueprint("control", __name__)
    bp.before_request(check_query)

    def clock_body(ran: int | None = None) -> dict:
        body = engine.clock.describe()
        if ran is not None:
            body["actions_run"] = ran
        return body

    @bp.get("/health")
    @operation("Is the emulator up", {200: "health.response"})
    def health() -> Response:
        return json_response(health_body(engine))

    @bp.post("/reset")
    @operation("Forget every object, action, file, delivery and inbox message", {200: "clock.response"})
    def reset() -> Response:
        engine.reset()
        return json_response({"reset": True, **clock_body()})

    @bp.get("/clock")
    @operation("The emulator clock", {200: "clock.response"})
    def clock() -> Response:
        return json_response(clock_body())

    @bp.post("/clock/advance")
    @operation("Move the clock forward; everything due on the way happens in time order",
               {200: "clock.response", 400: "error"}, request="clock.advance.request")
    def advance() -> Response:
        body = control_body(engine, "clock.advance.request")
        seconds = (body.get("seconds", 0) + 60 * body.get("minutes", 0) + 3600 * body.get("hours", 0)
                   + 86400 * body.get("days", 0))
        try:
            return json_response(clock_body(engine.advance(seconds)))
        except PastHorizon as exc:  # refused before the clock moved
            raise control_error(400, str(exc)) from None

    @bp.post("/clock/set")
    @operation("Jump the clock forward, freeze it or change its speed",
               {200: "clock.response", 400: "error", 409: "error"}, request="clock.set.request")
    def set_clock() -> Response:
        body = control_body(engine, "clock.set.request")
        frozen, speed = body.get("frozen"), body.get("speed")
        if "now" not in body:
            engine.set_clock_mode(frozen=frozen, speed=speed)
            return json_response(clock_body())
        try:
            when = parse_iso(body["now"])
        except ValueError:
            raise control_error(400, f"'now' is not an ISO 8601 date-time: {body['now']!r}") from None
        if not math.isfinite(when):
            raise control_error(400, "'now' is out of range")
        if when < engine.clock.now():
            raise control_error(409, f"the clock only moves forward; it is already {iso(engine.clock.now())}")
        try:
            return json_response(clock_body(engine.set_time(when, frozen=frozen, speed=speed)))
        except PastHorizon as exc:  # refused before the clock moved
            raise control_error(400, str(exc)) from None

    @bp.get("/webhooks")
    @operation("The webhook delivery log", {200: "webhooks.response"},
               query=(Param("platform", {"type": "string"}), Param("event", {"type": "string"}),
                      Param("status", {"enum": ["pending", "queued", "sending", "delivered", "failed"]})))
    def webhooks() -> Response:
        deliveries = engine.webhooks.log(request.args.get("platform"))
        for field in ("event", "status"):
            if request.args.get(field):
                deliveries = [d for d in deliveries if d[field] == request.args[field]]
        return json_response({"count": len(deliveries), "deliveries": deliveries})

    @bp.post("/webhooks/<delivery_id>/resend")
    @operation("Send a delivery once more, now, outside its retry schedule (same message id, signed afresh); "
               "a delivery still on its schedule keeps it", {200: "delivery", 404: "error"})
    def resend(delivery_id: str) -> Response:
        delivery = engine.webhooks.resend(delivery_id)
        if delivery is None:
            raise control_error(404, f"no such webhook delivery: {delivery_id}")
        return json_response(delivery)

    @bp.get("/streams")
    @operation("The live streams (websockets the platforms' bots opened to your servers) and every connection "
               "each made: when, how it closed, messages and bytes each way", {200: "streams.response"},
               query=(Param("platform", {"type": "string"}),))
    def streams() -> Response:
        platform = request.args.get("platform")
        sessions = engine.streams.sessions(platform)
        live = [s for s in engine.streams.live() if platform is None or s["platform"] == platform]
        return json_response({"count": len(sessions), "live": live, "sessions": sessions})

    @bp.get("/failures")
    @operation("Due actions that raised (the last hundred), with the state their object was moved to",
               {200: "failures.response"})
    def failures() -> Response:
        listed = [{**f, "due": iso(f["due"])} for f in engine.timeline.failures()]
        return json_response({"count": len(listed), "failures": listed})

    @bp.route("/inbox/<name>", methods=["POST", "PUT"])
    @operation("Receive a webhook into a named inbox", {200: "inbox.received"})
    def receive(name: str) -> Response:
        raw = request.get_data()
        try:
            parsed = json.loads(raw) if raw.strip() else None
        except (ValueError, UnicodeDecodeError, RecursionError):
            parsed = None
        if parsed is not None and depth(parsed) > MAX_DEPTH:  # kept as raw text only
            parsed = None
        engine.store.add_inbox(name, {
            "received_at": iso(engine.clock.now()), "method": request.method,
            "headers": dict(request.headers), "body": raw.decode(errors="replace"), "json": parsed,
        }, engine.config.inbox_messages, engine.config.inbox_bytes, engine.config.inboxes_bytes)
        return json_response({"received": True})

    @bp.get("/inbox/<name>")
    @operation("The requests an inbox received", {200: "inbox.response"})
    def inbox(name: str) -> Response:
        messages = engine.store.inbox(name)
        return json_response({"name": name, "url": f"{engine.config.public_url}/_emulator/inbox/{name}",
                              "count": len(messages), "messages": messages})

    @bp.delete("/inbox/<name>")
    @operation("Empty an inbox", {200: "inbox.response"})
    def clear_inbox(name: str) -> Response:
        engine.store.clear_inbox(name)
        return json_response({"name": name, "count": 0, "messages": []})

    add_traffic_routes(bp, engine, control_body, control_error)
    return bp
