"""The dashboard at /_emulator/ over HTTP: every platform's objects with the body its API answers,
the forms that move the clock, reset and re-send, signature checks, links with their time left,
escaping, and ``--no-control``. The browser drives it in test_dashboard_browser.py."""
from __future__ import annotations

import html
import json
import re

import pytest
import requests

from emulator.app import create_app, new_engine
from emulator.core.engine import Config
from emulator.dashboard.routes import parse_duration
from emulator.dashboard.state import links


def page(emulator, path: str = "") -> str:
    answer = requests.get(emulator.control_url(path))
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    return answer.text


def api_json(text: str) -> object:
    block = re.search(r'<pre class="json" id="api-json">(.*?)</pre>', text, re.S).group(1)
    return json.loads(html.unescape(block))


def detail_links(text: str) -> list[str]:
    return re.findall(r'href="(/_emulator/ui/[^"]+)"', text)


def test_each_platform_lists_its_objects_and_shows_what_its_api_answers(emulator, ls, spotme, hms, ms, recall):
    space = ls.launch(id="lesson-1")
    ls.run_session(space["room_id"])
    workspace = spotme.workspace()
    room = hms.room(name="standup")
    recording = hms.start(room["id"])
    meetstream_bot = ms.create(meeting_link="https://meet.google.com/abc-defg-hij")
    recall_bot = recall.create(bot_name="Notes")
    emulator.advance(seconds=30)

    text = page(emulator)
    for platform, family, object_id in (("lessonspace", "spaces", space["room_id"]),
                                        ("spotme", "workspaces", workspace["id"]),
                                        ("100ms", "rooms", room["id"]), ("100ms", "recordings", recording["id"]),
                                        ("meetstream", "bots", meetstream_bot["bot_id"]),
                                        ("recall", "bots", recall_bot["id"])):
        assert f"/_emulator/ui/{platform}/{family}/{object_id}" in text
    # each detail page carries the body the vendor's API answers for the object, and its history
    recall_page = page(emulator, f"ui/recall/bots/{recall_bot['id']}")
    assert api_json(recall_page) == recall.bot(recall_bot["id"])
    assert 'id="object-status">in_call_recording<' in recall_page
    assert recall_page.index("joining_call") < recall_page.index("in_call_not_recording")
    assert api_json(page(emulator, f"ui/100ms/recordings/{recording['id']}")) == hms.recording(recording["id"])
    assert api_json(page(emulator, f"ui/100ms/rooms/{room['id']}")) == hms.get(f"/rooms/{room['id']}").json()
    workspace_page = api_json(page(emulator, f"ui/spotme/workspaces/{workspace['id']}"))
    assert workspace_page == spotme.get(f"/workspace/{workspace['id']}").json()
    bot_status = requests.get(f"{emulator.url('meetstream')}/bots/{meetstream_bot['bot_id']}/detail",
                              headers={"Authorization": "Token ms_test_key"}).json()
    assert api_json(page(emulator, f"ui/meetstream/bots/{meetstream_bot['bot_id']}")) == bot_status
    # every object listed opens
    for link in set(detail_links(text)):
        assert requests.get(emulator.base_url + link).status_code == 200, link


def test_an_unknown_object_is_a_404_page(emulator):
    answer = requests.get(emulator.control_url("ui/recall/bots/no-such-bot"))
    assert answer.status_code == 404 and "No bots no-such-bot on recall." in answer.text
    assert requests.get(emulator.control_url("ui/nowhere/bots/x")).status_code == 404
    assert requests.get(emulator.control_url("ui/webhooks/msg_nope")).status_code == 404


def test_the_bare_path_redirects_to_the_page(emulator):
    answer = requests.get(emulator.base_url + "/_emulator", allow_redirects=False)
    assert answer.status_code == 301 and answer.headers["Location"].endswith("/_emulator/")


def test_what_it_shows_is_escaped(emulator, recall):
    recall.create(bot_name='<img src=x onerror="alert(1)">')
    text = page(emulator)
    assert '<img src=x' not in text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in text


def test_the_clock_forms_advance_freeze_and_unfreeze(emulator):
    url = emulator.control_url("ui/clock")
    start = emulator.now
    answer = requests.post(url, data={"seconds": "3600"}, allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/_emulator/#clock")
    assert emulator.now == pytest.approx(start + 3600)
    requests.post(url, data={"custom": "15m"})
    assert emulator.now == pytest.approx(start + 3600 + 900)
    assert requests.post(url, data={"mode": "unfreeze"}).status_code == 200
    assert emulator.engine.clock.describe()["frozen"] is False
    requests.post(url, data={"mode": "freeze"})
    assert emulator.engine.clock.describe()["frozen"] is True
    for wrong in ("", "soon", "-5", "0", "400d"):
        answer = requests.post(url, data={"custom": wrong})
        assert answer.status_code == 400 and "Advance by a number of seconds" in answer.text


def test_reset_needs_its_box_ticked(emulator, recall):
    recall.create()
    url = emulator.control_url("ui/reset")
    assert requests.post(url).status_code == 400
    assert recall.get("/bot/").json()["count"] == 1
    assert requests.post(url, data={"confirm": "yes"}, allow_redirects=False).status_code == 303
    assert recall.get("/bot/").json()["count"] == 0


def test_a_form_posted_from_another_site_is_refused(emulator):
    start = emulator.now
    for headers in ({"Origin": "http://attacker.example"}, {"Sec-Fetch-Site": "cross-site"}):
        answer = requests.post(emulator.control_url("ui/clock"), data={"seconds": "60"}, headers=headers)
        assert answer.status_code == 403
    assert emulator.now == start
    same = {"Origin": emulator.base_url, "Sec-Fetch-Site": "same-origin"}
    assert requests.post(emulator.control_url("ui/clock"), data={"seconds": "60"}, headers=same).status_code == 200
    assert emulator.now == pytest.approx(start + 60)


@pytest.mark.parametrize("text, seconds", [("90", 90), ("90s", 90), ("15m", 900), ("15 min", 900), ("2h", 7200),
                                           ("1d", 86400), ("1.5h", 5400), ("x", None), ("0", None), ("", None)])
def test_advance_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_resend_makes_one_more_signed_attempt_of_the_same_message(emulator, recall, receiver):
    from svix.webhooks import Webhook

    secret = recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]}).json()["webhook_secret"]
    recall.create()
    emulator.advance(seconds=10)
    first = emulator.webhooks[0]
    assert first["status"] == "delivered" and first["event"] == "bot.joining_call"
    before = len(receiver.requests)

    answer = requests.post(emulator.control_url(f"webhooks/{first['id']}/resend"))
    assert answer.status_code == 200 and answer.json()["id"] == first["id"]
    resent = next(d for d in emulator.webhooks if d["id"] == first["id"])
    assert resent["status"] == "delivered" and resent["attempts"] == 2
    assert [a["manual"] for a in resent["attempt_log"]] == [False, True]
    again = receiver.requests[before:]
    assert len(again) == 1
    headers = {k.lower(): v for k, v in again[0]["headers"].items()}
    assert headers["svix-id"] == first["attempt_log"][0]["request_headers"]["svix-id"]
    Webhook(secret).verify(again[0]["body"], headers)
    assert requests.post(emulator.control_url("webhooks/msg_missing/resend")).status_code == 404


def test_a_failed_resend_is_not_retried(emulator, ms, receiver):
    receiver.answers = [500]
    ms.create(callback_url=receiver.url)
    emulator.advance(seconds=10)
    delivery = emulator.webhooks[0]
    assert delivery["status"] == "failed"  # MeetStream never retries
    receiver.answers = [500]
    assert emulator.resend(delivery["id"])["attempt_log"][-1]["status_code"] == 500
    emulator.advance(hours=1)
    resent = next(d for d in emulator.webhooks if d["id"] == delivery["id"])
    assert resent["status"] == "failed" and resent["attempts"] == 2


def test_the_dashboard_resend_button_posts_and_shows_the_new_attempt(emulator, ls, receiver):
    space = ls.launch(id="hooked", webhooks={"session": {"start": receiver.url}})
    ls.run_session(space["room_id"])
    emulator.advance(seconds=5)
    delivery = next(d for d in emulator.webhooks if d["event"] == "session.start")
    answer = requests.post(emulator.control_url(f"ui/webhooks/{delivery['id']}/resend"))
    assert answer.status_code == 200 and answer.url.endswith(f"/ui/webhooks/{delivery['id']}")
    assert "#2 at" in answer.text and "(re-sent)" in answer.text
    assert answer.text.count('<span class="signature">valid</span>') == 2


def test_signature_checks_are_the_receivers_checks(emulator, recall, ms, ls, hms, receiver):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    recall.create()
    ms.create(callback_url=receiver.url)
    space = ls.launch(id="signed", webhooks={"session": {"start": receiver.url}})
    ls.run_session(space["room_id"])
    emulator.advance(seconds=10)
    deliveries = emulator.webhooks
    assert {d["platform"] for d in deliveries} >= {"recall", "meetstream", "lessonspace"}
    dispatcher = emulator.engine.webhooks
    for delivery in deliveries:
        attempt = delivery["attempt_log"][0]
        assert dispatcher.check_signature(delivery, attempt) is None, delivery["event"]
        forged = {**attempt, "request_headers": {k: (v[:-4] + "AAA=" if "signature" in k.lower() else v)
                                                 for k, v in attempt["request_headers"].items()}}
        assert "does not match" in dispatcher.check_signature(delivery, forged)
        stripped = {**attempt, "request_headers": {"Content-Type": "application/json"}}
        assert dispatcher.check_signature(delivery, stripped)


def test_links_show_the_time_they_have_left(emulator):
    engine = emulator.engine
    engine.links.put("files/a.txt", b"hello", "text/plain", "a.txt")
    url = engine.links.mint("files/a.txt", 600)
    [link] = links(engine, {"nested": [{"download_url": url}], "other": "https://example.com/x"})
    assert link.seconds_left == pytest.approx(600, abs=1)
    emulator.advance(seconds=599)
    assert links(engine, [url])[0].seconds_left == pytest.approx(1, abs=1)
    assert requests.get(url).status_code == 200
    emulator.advance(seconds=2)
    assert links(engine, [url])[0].seconds_left == 0
    assert requests.get(url).status_code == 403


def test_the_timeline_lists_what_is_due_in_order(emulator, recall, receiver):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    receiver.answers = [503]  # Svix retries after 5 s
    recall.create(join_at="2099-01-01T00:00:00Z")
    recall.create()
    emulator.advance(seconds=1)
    text = page(emulator)
    section = text[text.index('id="timeline"'):text.index('id="webhooks"')]
    dues = re.findall(r"<tr><td>(\d{4}-[^<]+)</td>", section)
    assert dues and dues == sorted(dues)
    assert "recall: join" in section and "2099-01-01T00:00:00.000Z" in section
    assert "attempt 2 of recall bot.joining_call to " + receiver.url in section


def test_the_requests_section_shows_the_journal(emulator, recall):
    recall.get("/bot/")
    recall.get("/nowhere/")
    text = page(emulator)
    section = text[text.index('id="requests"'):]
    assert "<td>recall.list_bots</td>" in section
    assert "no endpoint" in section


def test_no_control_serves_only_the_apis_and_health(tmp_path):
    engine = new_engine(Config(frozen=True, control=False))
    try:
        client = create_app(engine).test_client()
        assert client.get("/_emulator/health").json["status"] == "ok"
        for path in ("/_emulator/", "/_emulator/clock", "/_emulator/openapi.json", "/_emulator/webhooks",
                     "/_emulator/recall/settings"):
            assert client.get(path).status_code == 404, path
        assert client.post("/_emulator/clock/advance", json={"seconds": 60}).status_code == 404
        assert client.post("/_emulator/inbox/x", json={}).status_code == 404
        assert "control" not in client.get("/").json
        answer = client.get("/recall/api/v1/bot/", headers={"Authorization": "Token k"})
        assert answer.status_code == 200 and answer.json["results"] == []
    finally:
        engine.close()


def test_the_webhook_and_request_lists_filter_by_platform_event_operation_and_status(emulator, recall, receiver):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    recall.create(bot_name="Filtered")
    recall.get("/bot/nope/")  # a 404 in the journal
    emulator.advance(hours=1)
    page = lambda **query: requests.get(emulator.control_url(""), params=query).text  # noqa: E731
    events = lambda text: re.findall(r'tr data-delivery="[^"]+" data-event="([^"]+)"', text)  # noqa: E731
    assert len(set(events(page()))) > 1
    assert set(events(page(event="bot.done"))) == {"bot.done"}
    assert events(page(webhook_platform="100ms")) == []
    assert set(events(page(webhook_status="delivered"))) == set(events(page()))
    assert set(events(page(webhook_status="bogus"))) == set(events(page()))  # an unknown value is no filter
    requested = page(request_status="4xx", webhook_platform="recall")
    assert "1 request match" in requested and "/recall/api/v1/bot/nope/" in requested
    assert 'name="webhook_platform" value="recall"' in requested  # the other list's filter is kept
    assert "recall.get_bot" in page(operation="recall.get_bot") and "0 requests match" in page(operation="recall.nothing")
    assert "1 request match" not in page(request_status="9" * 5000)  # refused as a filter, no 500


def test_a_favicon_is_served_and_linked(emulator):
    icon = requests.get(emulator.base_url + "/favicon.ico")
    assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/svg+xml"
    assert icon.content.startswith(b"<svg")
    assert 'rel="icon" type="image/svg+xml"' in requests.get(emulator.control_url("")).text


def test_an_objects_page_draws_its_life_on_the_emulator_clock(emulator, recall, receiver):
    """A band per status it reached, a tick per webhook attempt about it, a bar per download link
    ending where it expires (further right than now while it lives), and the line for now."""
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    bot = recall.create(bot_name="Drawn")
    emulator.advance(hours=1)
    text = requests.get(emulator.control_url(f"ui/recall/bots/{bot['id']}")).text
    svg = re.search(r'<svg class="life".*?</svg>', text, re.S).group(0)
    statuses = [s["code"] for s in recall.get(f"/bot/{bot['id']}/").json()["status_changes"]]
    assert re.findall(r'<rect class="band shade-\d" [^>]*><title>([^<]+)</title>', svg) == statuses
    attempts = [a for d in emulator.webhooks if bot["id"] in d["body"] for a in d["attempt_log"]]
    assert attempts and len(re.findall(r'<line class="tick', svg)) == len(attempts)
    links = re.findall(r'<rect class="link" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    now_x = float(re.search(r'<line class="now" x1="([\d.]+)"', svg).group(1))
    assert links and all(float(x) + float(width) > now_x for x, width in links)  # alive: they end after now


def test_the_life_picture_puts_every_mark_at_its_time():
    """Pure geometry: statuses in order, a failed attempt marked, an expired link grey, now at the right end."""
    from emulator.dashboard.pictures import LEFT, RIGHT, WIDTH, life

    history = [("joining_call", "2026-01-01T00:00:00Z"), ("in_call", "2026-01-01T00:10:00Z"),
               ("done", "2026-01-01T00:30:00Z")]
    delivery = {"event": "bot.done", "attempt_log": [
        {"at": "2026-01-01T00:30:00Z", "attempt": 1, "error": "receiver answered 500"},
        {"at": "2026-01-01T00:30:10Z", "attempt": 2, "error": None}]}
    now = parse("2026-01-01T01:00:00Z")
    picture = life(history, [delivery], [("http://e/s3/a.mp4?X=1", parse("2026-01-01T00:40:00Z"))], now, "now")
    usable = WIDTH - LEFT - RIGHT
    assert [b.label for b in picture.bands] == ["joining_call", "in_call", "done"]
    assert [round(b.x - LEFT) for b in picture.bands] == [0, round(usable / 6), round(usable / 2)]
    assert round(picture.now_x) == WIDTH - RIGHT
    assert [(t.failed, round(t.x - LEFT)) for t in picture.ticks] == [(True, round(usable / 2)),
                                                                       (False, round(usable * 1810 / 3600))]
    assert [(b.label, b.expired, round(b.width)) for b in picture.bars] == [("a.mp4", True, round(usable * 2 / 3))]
    assert life([], [], [], now, "now") is None


def parse(text: str) -> float:
    from emulator.core.clock import parse_iso

    return parse_iso(text)
