"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright (pointed at
the system browser; nothing downloaded). Clicks the clock buttons, watches a bot reach ``done`` and
its webhook arrive without reloading, re-sends the webhook, resets, and checks nothing it shows runs.
Set DASHBOARD_SCREENSHOT=path to keep the screenshot it takes (the README's picture)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import requests

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api")
if not os.path.exists(CHROMIUM):
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)
# The flags a closed network and a root user need: no sandbox, no calls home.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def test_advance_with_the_button_see_the_bot_done_and_resend_its_webhook(emulator, recall, receiver, tab, tmp_path):
    from svix.webhooks import Webhook

    expect = playwright_api.expect
    secret = recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]}).json()["webhook_secret"]
    bot = recall.create(bot_name="Weekly sync notes")
    tab.goto(emulator.control_url(""))
    row = tab.locator(f'tr[data-object="{bot["id"]}"]')
    expect(row.locator(".status")).to_have_text("joining_call")

    tab.get_by_role("button", name="1 h", exact=True).click()
    expect(row.locator(".status")).to_have_text("done")
    done = tab.locator('#webhooks tr[data-event="bot.done"]')
    expect(done.locator(".status")).to_have_text("delivered")
    expect(done).to_contain_text("valid")

    # live: a bot made through the API appears without the page reloading
    tab.evaluate("window.stillHere = true")
    second = recall.create(bot_name="Made while watching")
    expect(tab.locator(f'tr[data-object="{second["id"]}"] .status')).to_have_text("joining_call", timeout=8000)
    assert tab.evaluate("window.stillHere") is True

    Path(tmp_path / "dashboard.png").write_bytes(tab.screenshot())
    if os.environ.get("DASHBOARD_SCREENSHOT"):
        tab.screenshot(path=os.environ["DASHBOARD_SCREENSHOT"], full_page=True)

    before = [r for r in receiver.requests if json.loads(r["body"])["event"] == "bot.done"]
    assert len(before) == 1
    done.get_by_role("button", name="re-send").click()
    expect(tab.locator(".attempt")).to_have_count(2)
    expect(tab.locator('.attempt[data-attempt="2"]')).to_contain_text("(re-sent)")
    expect(tab.locator('.attempt[data-attempt="2"] .signature')).to_have_text("valid")
    after = [r for r in receiver.requests if json.loads(r["body"])["event"] == "bot.done"]
    assert len(after) == 2
    headers = {k.lower(): v for k, v in after[1]["headers"].items()}
    Webhook(secret).verify(after[1]["body"], headers)
    assert headers["svix-id"] == {k.lower(): v for k, v in before[0]["headers"].items()}["svix-id"]


def test_the_object_page_shows_history_json_and_live_links(emulator, recall, tab):
    expect = playwright_api.expect
    bot = recall.create()
    emulator.advance(hours=1)
    recording = recall.bot(bot["id"])["recordings"][0]
    tab.goto(emulator.control_url(f"ui/recall/recordings/{recording['id']}"))
    expect(tab.locator("#object-status")).to_have_text("done")
    shown = json.loads(tab.locator("#api-json").inner_text())
    assert shown["id"] == recording["id"] and shown["status"]["code"] == "done"
    link = tab.locator("table tbody tr").first
    expect(link.locator("td").nth(2)).to_have_text("6 h 0 min")  # Recall mints a 6-hour link on every read
    download = requests.get(link.locator("a").get_attribute("href"))
    assert download.status_code == 200 and download.headers["Content-Type"] == "video/mp4"


def test_nothing_shown_runs_as_markup(emulator, recall, tab):
    recall.create(bot_name='<img src=x onerror="window.pwned=1">')
    tab.goto(emulator.control_url(""))
    playwright_api.expect(tab.get_by_text('<img src=x onerror="window.pwned=1"> · google_meet')).to_be_visible()
    assert tab.evaluate("window.pwned") is None


def test_reset_asks_for_confirmation(emulator, recall, tab):
    expect = playwright_api.expect
    bot = recall.create()
    tab.goto(emulator.control_url(""))
    tab.locator("#reset").click()  # the box is not ticked: the browser does not send the form
    expect(tab.locator(f'tr[data-object="{bot["id"]}"]')).to_have_count(1)
    assert requests.get(f"{emulator.url('recall')}/bot/", headers={"Authorization": "Token recall-test-key"}).json()["count"] == 1
    tab.get_by_label("sure").check()
    tab.locator("#reset").click()
    expect(tab.locator(f'tr[data-object="{bot["id"]}"]')).to_have_count(0)
    expect(tab.locator("#platform-recall")).to_contain_text("none yet: Bots, Recordings, Artifacts")


def test_freeze_and_unfreeze_buttons(emulator, tab):
    expect = playwright_api.expect
    tab.goto(emulator.control_url(""))
    expect(tab.locator("#clock-mode")).to_have_text("frozen")
    tab.get_by_role("button", name="unfreeze").click()
    expect(tab.locator("#clock-mode")).to_have_text("running ×1.0")
    first = tab.locator("#emulator-now").inner_text()
    expect(tab.locator("#emulator-now")).not_to_have_text(first, timeout=5000)  # it ticks, live
    tab.get_by_role("button", name="freeze").click()
    expect(tab.locator("#clock-mode")).to_have_text("frozen")
    assert emulator.engine.clock.describe()["frozen"] is True


def test_an_objects_metadata_never_runs_as_script_in_the_dashboard(emulator, recall, tab):
    trap = "javascript:window.ran=1//x/s3/?X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-Signature=ab"
    bot = recall.create(metadata={"note": trap, "html": "<img src=x onerror=window.ran=2>"})
    tab.goto(emulator.control_url(f"ui/recall/bots/{bot['id']}"))
    assert tab.locator('a[href^="javascript:"]').count() == 0
    tab.get_by_text("window.ran=1", exact=False).first.click()
    # an inline script injected into the page is blocked by the page's Content-Security-Policy
    tab.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.ran = 3';
                             document.body.appendChild(s); }""")
    assert tab.evaluate("window.ran") is None
    assert tab.evaluate("window.top === window")


@pytest.mark.parametrize("width", [1280, 800])
def test_at_1280_and_800_px_no_word_is_broken_and_the_lists_filter(emulator, recall, receiver, browser, width, tmp_path):
    """Statuses, headings and buttons keep their words whole at both widths; the webhook filter
    narrows the list to one event and keeps it across the page's live refresh; the favicon loads."""
    expect = playwright_api.expect
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    recall.create(bot_name="Weekly sync notes")
    emulator.advance(hours=1)
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    missing: list[str] = []
    tab.on("response", lambda answer: missing.append(answer.url) if answer.status == 404 else None)
    try:
        tab.goto(emulator.control_url(""))
        broken = tab.evaluate("""() => [...document.querySelectorAll('.status, th, button')]
            .filter(e => e.offsetParent !== null && e.getClientRects().length > 0)
            .filter(e => { const r = document.createRange(); r.selectNodeContents(e);
                           const lines = new Set([...r.getClientRects()].map(c => Math.round(c.top)));
                           return lines.size > 1; })
            .map(e => e.textContent.trim())""")
        assert broken == []
        spilled = tab.evaluate("""() => [...document.querySelectorAll('section table')]
            .filter(t => t.getBoundingClientRect().right > t.closest('section').getBoundingClientRect().right + 0.5)
            .map(t => t.closest('section').id)""")
        assert spilled == []  # no table, owners included, runs past its card
        webhooks = tab.locator("#webhooks")
        assert webhooks.locator("tr[data-event]").count() > 1
        webhooks.get_by_label("event").select_option("bot.done")
        webhooks.get_by_role("button", name="filter").click()
        expect(webhooks.locator("tr[data-event]")).to_have_count(1)
        expect(webhooks.locator('tr[data-event="bot.done"]')).to_have_count(1)
        tab.wait_for_timeout(1500)  # a live refresh later, still filtered
        expect(webhooks.locator("tr[data-event]")).to_have_count(1)
        assert tab.evaluate("document.querySelector('link[rel=icon]').href").endswith("favicon.svg")
        if os.environ.get("DASHBOARD_SCREENSHOTS"):
            tab.goto(emulator.control_url(""))
            tab.screenshot(path=str(Path(os.environ["DASHBOARD_SCREENSHOTS"]) / f"dashboard-{width}.png"), full_page=False)
    finally:
        context.close()
    assert missing == []


def test_the_object_page_draws_the_bots_life(emulator, recall, receiver, tab):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    bot = recall.create(bot_name="Drawn in the browser")
    emulator.advance(hours=1)
    tab.goto(emulator.control_url(f"ui/recall/bots/{bot['id']}"))
    picture = tab.locator("svg.life")
    playwright_api.expect(picture).to_be_visible()
    assert picture.bounding_box()["width"] > 600 and picture.locator("rect.band").count() >= 4
    assert picture.locator("line.tick").count() >= 4 and picture.locator("line.now").count() == 1
    if os.environ.get("DASHBOARD_SCREENSHOTS"):
        picture.screenshot(path=str(Path(os.environ["DASHBOARD_SCREENSHOTS"]) / "dashboard-life.png"))


def test_a_bots_meeting_and_the_due_actions_are_drawn(emulator, recall, ms, receiver, tab):
    """The bot's page draws a lane per person with their turns; the home page draws what is due,
    and hovering a turn names who spoke and what they said."""
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    bot = recall.create(bot_name="Drawn meeting", recording_config={"transcript": {"provider": {"recallai_streaming": {}}}})
    recall.create(bot_name="Later", join_at="2099-01-01T00:00:00Z")
    emulator.advance(300)
    ms.create(bot_name="Just asked", join_at="2099-01-01T00:00:00Z")
    ms.create(bot_name="Joining")
    tab.goto(emulator.control_url(f"ui/recall/bots/{bot['id']}"))
    picture = tab.locator("svg.meeting")
    playwright_api.expect(picture).to_be_visible()
    assert picture.bounding_box()["width"] > 600 and picture.locator("rect.presence").count() == 2
    turns = picture.locator("rect.turn")
    assert turns.count() > 10 and turns.first.bounding_box()["width"] > 1
    title = turns.first.locator("title").text_content()
    assert title.startswith(turns.first.get_attribute("data-who") + ", ")
    if os.environ.get("DASHBOARD_SCREENSHOTS"):
        picture.screenshot(path=str(Path(os.environ["DASHBOARD_SCREENSHOTS"]) / "dashboard-meeting.png"))
    tab.goto(emulator.control_url(""))
    due = tab.locator("svg.due")
    playwright_api.expect(due).to_be_visible()
    assert due.locator("g.due-mark").count() >= 2 and due.bounding_box()["width"] > 600
    if os.environ.get("DASHBOARD_SCREENSHOTS"):
        due.screenshot(path=str(Path(os.environ["DASHBOARD_SCREENSHOTS"]) / "dashboard-due.png"))
