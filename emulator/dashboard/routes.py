"""``GET /_emulator/``: the dashboard, server-rendered with Jinja2. Its forms drive the clock, reset
the emulator and re-send webhooks; small static files refresh the page in place (no build step, no
network). Everything it shows is escaped by Jinja2's autoescaping."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask import Blueprint, Response, redirect, render_template, request, url_for

from ..core.clock import parse_iso
from . import pictures, state

if TYPE_CHECKING:
    from ..core.engine import Engine

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
MAX_ADVANCE = 366 * 86400


def parse_duration(text: str) -> float | None:
    """"90", "90s", "15m", "2h", "1d" -> seconds; None when it is not one of those or out of range."""
    match = DURATION.match(text or "")
    if not match:
        return None
    seconds = float(match.group(1)) * UNIT_SECONDS[(match.group(2) or "s").lower()]
    return seconds if 0 < seconds <= MAX_ADVANCE else None


def dashboard_blueprint(engine: "Engine") -> Blueprint:
    bp = Blueprint("dashboard", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/ui/static")

    def page(template: str, status: int = 200, **context: object) -> Response:
        body = render_template(template, clock=state.clock(engine), since_text=state.since_text, **context)
        return Response(body, status, content_type="text/html; charset=utf-8")

    @bp.get("")
    def bare() -> Response:
        return redirect(url_for("dashboard.index"), 301)

    @bp.get("/")
    def index() -> Response:
        filters = state.Filters.read(engine, request.args)
        timeline = state.timeline(engine)
        return page("index.html", platforms=state.platforms(engine), timeline=timeline, due=pictures.due(timeline),
                    deliveries=state.deliveries(engine, filters), events=state.events(engine),
                    inboxes=state.inboxes(engine), requests=state.requests(engine, filters), streams=state.streams(engine),
                    failures=engine.timeline.failures(), filters=filters,
                    platform_names=sorted(engine.platforms), statuses=state.DELIVERY_STATUSES)

    @bp.get("/ui/<platform>/<family>/<path:object_id>")
    def detail(platform: str, family: str, object_id: str) -> Response:
        found = state.find(engine, platform, family, object_id)
        if found is None:
            return page("error.html", 404, message=f"No {family} {object_id} on {platform}.")
        title, item = found
        api = item.api()
        links = state.links(engine, api)
        picture = pictures.life(item.history, state.deliveries_about(engine, item.id),
                                [(link.url, parse_iso(link.expires_at)) for link in links],
                                engine.clock.now(), state.clock(engine)["now"])
        meeting = item.meeting() if item.meeting else None
        return page("object.html", platform=engine.platforms[platform], family=family, family_title=title,
                    item=item, api=state.pretty(api), links=links, picture=picture,
                    meeting=pictures.meeting(meeting, engine.clock.now()) if meeting else None)

    @bp.get("/ui/webhooks/<delivery_id>")
    def delivery(delivery_id: str) -> Response:
        found = state.delivery(engine, delivery_id)
        if found is None:
            return page("error.html", 404, message=f"No webhook delivery {delivery_id}.")
        return page("delivery.html", delivery=found)

    @bp.post("/ui/clock")
    def clock() -> Response:
        form = request.form
        if form.get("mode") in ("freeze", "unfreeze"):
            engine.set_clock_mode(frozen=form["mode"] == "freeze")
        else:
            seconds = parse_duration(form.get("seconds") or form.get("custom", ""))
            if seconds is None:
                return page("error.html", 400, message="Advance by a number of seconds, or with a unit: "
                                                        "90, 90s, 15m, 2h, 1d (at most a year).")
            engine.advance(seconds)
        return redirect(url_for("dashboard.index") + "#clock", 303)

    @bp.post("/ui/reset")
    def reset() -> Response:
        if request.form.get("confirm") != "yes":
            return page("error.html", 400, message="Tick the box to confirm: a reset forgets every object, "
                                                    "due action, file, delivery and inbox message.")
        engine.reset()
        return redirect(url_for("dashboard.index"), 303)

    @bp.post("/ui/webhooks/<delivery_id>/resend")
    def resend(delivery_id: str) -> Response:
        if engine.webhooks.resend(delivery_id) is None:
            return page("error.html", 404, message=f"No webhook delivery {delivery_id}.")
        engine.settle()  # the re-send is due now: make it before the page shows its outcome
        return redirect(url_for("dashboard.delivery", delivery_id=delivery_id), 303)

    @bp.app_template_filter("short_id")
    def short_id(value: str) -> str:
        """Enough of an id to tell objects apart in a table; the whole id is its title and link."""
        return value if len(value) <= 14 else value[:12] + "…"

    @bp.app_template_filter("short_time")
    def short_time(value: str | None) -> str:
        """2026-12-02T19:45:40.000Z -> 12-02 19:45:40 (the full time is the cell's title)."""
        return f"{value[5:10]} {value[11:19]}" if value and len(value) >= 19 else "—"

    return bp
