"""The dashboard's pictures over HTTP and as geometry: a bot's meeting drawn from the same speech as
its transcript and speaker timeline, the home page's due actions, and owners shown one way on every
platform. The browser draws them in test_dashboard_browser.py."""
from __future__ import annotations

import html
import re

import requests

from emulator.core.clock import parse_iso
from emulator.core.objects import Meeting, Owner, Presence, Turn
from emulator.dashboard.pictures import NAMES, RIGHT, WIDTH, due, meeting

RECALL_CALL = 5 + 600 + 2 + 60 + 5  # joined, people stay 10 minutes, everyone-left timeout, processing
MS_CALL = 5 + 2 + 600 + 600 + 2 + 90
TURN = re.compile(r'<rect class="turn shade-\d" [^>]*data-who="([^"]*)" data-start="([^"]+)" data-end="([^"]+)"')


def page(emulator, path: str = "") -> str:
    answer = requests.get(emulator.control_url(path))
    assert answer.status_code == 200, answer.text
    return answer.text


def svg(text: str, kind: str) -> str:
    return re.search(rf'<svg class="{kind}".*?</svg>', text, re.S).group(0)


def test_a_recall_bots_page_draws_who_spoke_when_as_its_speaker_timeline_says(emulator, recall):
    bot = recall.create(bot_name="Drawn meeting", recording_config={
        "transcript": {"provider": {"recallai_streaming": {}}}})
    recall.emulator.advance(RECALL_CALL)
    recording = recall.get(f"/recording/{recall.bot(bot['id'])['recordings'][0]['id']}/").json()
    shortcuts = recording["media_shortcuts"]
    timeline = requests.get(shortcuts["participant_events"]["data"]["speaker_timeline_download_url"]).json()
    transcript = requests.get(shortcuts["transcript"]["data"]["download_url"]).json()

    drawn = TURN.findall(svg(page(emulator, f"ui/recall/bots/{bot['id']}"), "meeting"))
    assert len(drawn) > 20
    assert [(html.unescape(who), start, end) for who, start, end in drawn] == [
        (t["participant"]["name"], t["start_timestamp"]["absolute"], t["end_timestamp"]["absolute"]) for t in timeline]
    # the transcript heard the same turns: same speakers, each starting where the timeline's does
    assert [(t["participant"]["name"], t["words"][0]["start_timestamp"]["relative"]) for t in transcript] == [
        (t["participant"]["name"], t["start_timestamp"]["relative"]) for t in timeline]


def test_a_meetstream_bots_page_draws_the_turns_of_its_transcript(emulator, ms):
    bot = ms.create(recording_config={"transcript": {"provider": {"deepgram": {"model": "nova-3"}}}},
                    video_required=False)
    ms.emulator.advance(MS_CALL)
    transcript = ms.get(f"/transcript/{bot['transcript_id']}/get_transcript").json()
    text = page(emulator, f"ui/meetstream/bots/{bot['bot_id']}")
    drawn = TURN.findall(svg(text, "meeting"))
    assert drawn and [(html.unescape(who), start, end) for who, start, end in drawn] == [
        (s["speaker"], s["absolute_start_time"], s["absolute_end_time"]) for s in transcript]
    names = {p["displayName"] for p in ms.get(f"/bots/{bot['bot_id']}/get_participants").json()}
    assert set(re.findall(r'<text class="who" [^>]*>([^<]+)<title>', svg(text, "meeting"))) == names


def test_a_bot_still_in_its_call_is_drawn_up_to_now(emulator, recall):
    bot = recall.create(bot_name="Still talking", recording_config={
        "transcript": {"provider": {"recallai_streaming": {}}}})
    recall.emulator.advance(120)
    picture = svg(page(emulator, f"ui/recall/bots/{bot['id']}"), "meeting")
    ends = [parse_iso(end) for _, _, end in TURN.findall(picture)]
    assert ends and max(ends) <= emulator.now + 0.001 and '<line class="now"' in picture
    assert picture.count('<rect class="presence"') == 2


def test_a_bot_nobody_joined_has_no_meeting_picture(emulator, recall):
    bot = recall.create(bot_name="Alone", join_at="2099-01-01T00:00:00Z")
    text = page(emulator, f"ui/recall/bots/{bot['id']}")
    assert 'id="object-status">' in text and '<svg class="meeting"' not in text


def test_the_home_page_draws_every_due_action_by_platform(emulator, recall, ms, receiver):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    recall.create(bot_name="Due soon")
    ms.create(bot_name="Due too")
    text = page(emulator)
    picture = svg(text, "due")
    rows = len(re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td><code>", text.split('id="timeline"')[1]
                          .split("</section>")[0]))
    counts = [int(c) for c in re.findall(r'<g class="due-mark" data-count="(\d+)"', picture)]
    assert rows >= 2 and sum(counts) == rows
    lanes = re.findall(r'<text class="who" x="4" y="[\d.]+">([^<]+)</text>', picture)
    assert {"recall", "meetstream"} <= set(lanes) and len(lanes) == len(set(lanes))
    assert ">now</text>" in picture


def test_nothing_due_draws_nothing(emulator):
    text = page(emulator)
    assert '<svg class="due"' not in text and "nothing is due" in text


def test_owners_read_the_same_way_on_every_platform(emulator, ls, spotme, hms, ms, recall):
    ls.launch(id="owner-space")
    spotme.workspace()
    hms.room(name="owned-room")
    ms.create(bot_name="Owned")
    recall.create(bot_name="Owned")
    text = page(emulator)
    owners = [html.unescape(re.sub(r"<[^>]+>", "", o)).strip()
              for o in re.findall(r'<span class="owner" title="[^"]*">(.*?)</span>', text)]
    kinds = {o.split(" ")[0] for o in owners}
    assert {"workspace", "organisation", "app", "API"} <= kinds
    assert all(re.fullmatch(r"(workspace|organisation|app|API key) \S+", o) for o in owners), owners
    assert "ms_test_key" not in text and "…_key" in owners[0] + " ".join(owners)  # a key: its last four characters


def test_an_owner_key_shows_only_its_last_four_characters():
    assert Owner.key("sk_live_0123456789abcdef") == Owner("API key", "…cdef")
    assert Owner.key("short") == Owner("API key", "…")


def test_the_meeting_picture_puts_each_turn_at_its_time():
    """Pure geometry: two people, one leaving early; turns on their own lanes; marks every minute."""
    start = 1_800_000_000.0
    drawn = Meeting([Presence("Ada", start, start + 240), Presence("Bo", start + 60, None)],
                    [Turn("Ada", start + 10, start + 20, "hello"), Turn("Bo", start + 120, start + 180, "hi")])
    picture = meeting(drawn, start + 240)
    usable = WIDTH - NAMES - RIGHT
    assert [(t.lane, round(t.x - NAMES), round(t.width)) for t in picture.turns] == [
        (0, round(usable * 10 / 240), round(usable * 10 / 240)), (1, round(usable / 2), round(usable / 4))]
    assert [(lane.who, round(lane.x - NAMES)) for lane in picture.lanes] == [("Ada", 0), ("Bo", round(usable / 4))]
    assert round(picture.lanes[1].x + picture.lanes[1].width) == WIDTH - RIGHT  # still there: up to now
    assert [m.label for m in picture.marks] == ["0:00", "0:30", "1:00", "1:30", "2:00", "2:30", "3:00", "3:30", "4:00"]
    assert picture.turns[0].start.endswith(":10.000Z") and round(picture.now_x) == WIDTH - RIGHT
    assert meeting(Meeting([], []), start) is None


def test_the_due_picture_is_logarithmic_and_groups_what_is_due_together():
    actions = [{"in_seconds": 0, "action": "webhooks.send", "does": "send"},
               {"in_seconds": 0, "action": "webhooks.send", "does": "send <b>"},
               {"in_seconds": 3600, "action": "recall.bot_step", "does": "join"},
               {"in_seconds": 86400 * 2, "action": "recall.bot_step", "does": "leave"}]
    picture = due(actions)
    assert picture.lanes == ["webhooks", "recall"]
    assert [(m.lane, m.count) for m in picture.marks] == [(0, 2), (1, 1), (1, 1)]
    usable = WIDTH - NAMES - RIGHT
    # an hour sits at log(3601)/log(172801) of the way: over two thirds, not 2 % as on a straight axis
    assert abs((picture.marks[1].x - NAMES) / usable - 0.6790) < 0.001
    assert "send <b>" in picture.marks[0].label  # escaped by the template, not here
    assert [a.label for a in picture.axis] == ["now", "10 s", "1 min", "10 min", "1 h", "6 h", "1 d"]
    assert due([]) is None


def test_what_the_pictures_show_is_escaped(emulator):
    """Labels reach the SVG through the templates' autoescaping (an action's subjects are its payload)."""
    emulator.engine.timeline.after(90, "recall.join", {"bot": '<img src=x onerror="alert(1)">'})
    picture = svg(page(emulator), "due")
    assert "<img" not in picture and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in picture
