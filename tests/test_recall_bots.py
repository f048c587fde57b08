"""Recall.ai bots beyond the core lifecycle: every meeting platform's URL, repeated list filters,
ad-hoc versus scheduled bots and the ad-hoc pool, and which status changes are announced."""
import json
from datetime import timedelta

import pytest

from emulator.core.clock import iso


@pytest.mark.parametrize("url, expected", [
    ("https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef",
     {"meeting_subdomain": "acme", "meeting_mtid": "m0123456789abcdef", "meeting_path": "acme/j.php", "platform": "webex"}),
    ("https://acme.webex.com/meet/jane.doe",
     {"meeting_subdomain": "acme", "meeting_personal_room_id": "jane.doe", "platform": "webex"}),
    ("https://meet.goto.com/680504437", {"meeting_id": "680504437", "platform": "goto_meeting"}),
    ("https://global.gotomeeting.com/join/680504437", {"meeting_id": "680504437", "platform": "goto_meeting"}),
    ("https://teams.live.com/meet/9876543210123?p=secret",
     {"meeting_id": "9876543210123", "meeting_password": "secret", "organizer_id": None, "tenant_id": None,
      "message_id": None, "thread_id": None, "business_meeting_id": None, "business_meeting_password": None,
      "platform": "microsoft_teams_live"}),
])
def test_every_platform_url_is_parsed(recall, recall_oracle, url, expected):
    bot = recall.create(url)
    assert bot["meeting_url"] == expected
    assert recall_oracle.response_errors("post", "/api/v1/bot/", 201, bot) == []


@pytest.mark.parametrize("url", ["https://acme.webex.com/", "https://meet.goto.com/abc", "https://teams.live.com/x"])
def test_malformed_platform_urls_are_400s(recall, url):
    answer = recall.post("/bot/", json={"meeting_url": url})
    assert answer.status_code == 400 and "meeting_url" in answer.json()


def test_array_filters_take_repeated_values(recall):
    zoom = recall.create("https://zoom.us/j/123")
    meet = recall.create("https://meet.google.com/abc-defg-hij")
    webex = recall.create("https://acme.webex.com/meet/jane")
    recall.emulator.advance(5)  # joined and recording
    recall.post(f"/bot/{zoom['id']}/leave_call/")  # call_ended (done once its recording is processed)

    def ids(query: str) -> set:
        return {b["id"] for b in recall.get(f"/bot/?{query}").json()["results"]}

    assert ids("platform=zoom&platform=webex") == {zoom["id"], webex["id"]}
    assert ids("platform=google_meet") == {meet["id"]}
    assert ids("status=call_ended&status=in_call_recording") == {zoom["id"], meet["id"], webex["id"]}
    assert ids("status=call_ended&status=fatal") == {zoom["id"]}
    answer = recall.get("/bot/?status=done&status=bogus")
    assert answer.status_code == 400 and "status" in answer.json()


def test_a_join_at_less_than_10_minutes_ahead_is_an_ad_hoc_bot(recall):
    now = recall.emulator.now
    soon = recall.create(join_at=iso(now + 300))
    later = recall.create(join_at=iso(now + 3600))
    # ad hoc: dispatched at once, so it can no longer be changed or deleted; it still joins at join_at
    assert recall.http.delete(f"{recall.base}/bot/{soon['id']}/").status_code == 405
    answer = recall.http.patch(f"{recall.base}/bot/{soon['id']}/", json={"bot_name": "x"})
    assert answer.status_code == 400 and answer.json()["code"] == "update_bot_failed"
    assert recall.http.patch(f"{recall.base}/bot/{later['id']}/", json={"bot_name": "x"}).status_code == 200
    recall.emulator.advance(299)
    assert recall.codes(soon["id"]) == []
    recall.emulator.advance(1)
    assert recall.codes(soon["id"])[0][0] == "joining_call"


def test_the_ad_hoc_pool_can_run_dry(recall):
    recall.control("PATCH", "settings", json={"adhoc_pool": 2, "adhoc_pool_refill_seconds": 60})
    recall.create()
    recall.create(join_at=iso(recall.emulator.now + 120))
    answer = recall.post("/bot/", json={"meeting_url": "https://zoom.us/j/1"})
    assert answer.status_code == 507 and "ad-hoc bot pool" in answer.json()["detail"]
    assert len(recall.get("/bot/").json()["results"]) == 2  # the refused bot was not created
    recall.create(join_at=iso(recall.emulator.now + 3600))  # scheduled bots are reserved, not pooled
    recall.emulator.advance(60)
    recall.create()  # the pool refilled


def test_media_expired_changes_status_without_a_webhook(recall, receiver, recall_oracle):
    recall.control("PATCH", "settings", json={"webhook_endpoints": [receiver.url]})
    bot = recall.create(recording_config={"retention": {"type": "timed", "hours": 1}})
    recall.emulator.advance(recall.until_media_done())
    recall.emulator.advance(timedelta(hours=1).total_seconds())
    assert recall.codes(bot["id"])[-1][0] == "media_expired"
    recall.emulator.settle()
    events = [json.loads(r["body"])["event"] for r in receiver.requests]
    assert "bot.done" in events and "recording.deleted" in events
    assert all(e in recall_oracle.events for e in events), set(events) - set(recall_oracle.events)


def test_automatic_leave_defaults_include_participant_names(recall, recall_oracle):
    bot = recall.create()
    names = bot["automatic_leave"]["bot_detection"]["using_participant_names"]
    assert names == {"timeout": 3600, "activate_after": 1200, "matches": []}
    custom = recall.create(automatic_leave={"bot_detection": {"using_participant_names": {
        "timeout": 60, "activate_after": 10, "matches": ["notetaker"]}}})
    detection = custom["automatic_leave"]["bot_detection"]
    assert detection["using_participant_names"]["matches"] == ["notetaker"]
    assert detection["using_participant_events"] == {"timeout": 600, "activate_after": 1200}


def test_every_operation_of_recalls_openapi_document_is_served(emulator, recall_oracle):
    """Each method and path of Recall's own document is in the emulator's (path parameters renamed)."""
    import re

    import requests as http

    def shape(path: str) -> str:
        return re.sub(r"\{[^}]+\}", "{}", path)

    ours = http.get(emulator.base_url + "/recall/openapi.json").json()["paths"]
    served = {(method, shape(path)) for path, ops in ours.items() for method in ops}
    wanted = {(method, shape(path)) for path, ops in recall_oracle.spec["paths"].items()
              for method in ops if method in ("get", "post", "patch", "put", "delete")}
    assert wanted - served == set()
