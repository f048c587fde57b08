"""The request journal, API faults and the vendors' rate limits, over real HTTP."""
from __future__ import annotations

import time

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from emulator.core.journal import Entry, Journal


def test_every_platform_request_is_journaled_with_credentials_redacted(recall, emulator):
    bot = recall.create(bot_name="Notetaker")
    recall.get(f"/bot/{bot['id']}/", params={"x": "1"})
    requests.get(emulator.control_url("health"))  # the control plane is not a platform API
    listed = requests.get(emulator.control_url("requests")).json()
    assert listed["count"] == 2
    create, read = listed["requests"]
    assert (create["method"], create["path"], create["operation"], create["status"]) == \
        ("POST", "/recall/api/v1/bot/", "recall.create_bot", 201)
    assert create["body"]["bot_name"] == "Notetaker" and create["response_body"]["id"] == bot["id"]
    assert create["headers"]["Authorization"] == "[redacted]"
    assert read["operation"] == "recall.get_bot" and read["query"] == {"x": ["1"]}
    assert read["at"] == create["at"]  # emulator time: the clock is frozen


def test_journal_filters_and_clearing(recall, ms, emulator):
    recall.create()
    recall.get("/bot/")
    recall.get("/bot/00000000-0000-4000-8000-000000000000/")
    ms.get("/bots/nope/status")
    url = emulator.control_url("requests")
    assert [r["operation"] for r in requests.get(url, params={"platform": "recall"}).json()["requests"]] == \
        ["recall.create_bot", "recall.list_bots", "recall.get_bot"]
    assert requests.get(url, params={"status": "4xx"}).json()["count"] == 2
    assert requests.get(url, params={"status": "201"}).json()["count"] == 1
    assert requests.get(url, params={"path": "/recall/api/v1/bot/*/"}).json()["count"] == 1
    assert requests.get(url, params={"method": "post"}).json()["count"] == 1
    emulator.advance(60)
    recall.get("/bot/")
    later = requests.get(url, params={"since": emulator.requests()[-1]["at"]}).json()
    assert later["count"] == 1
    assert requests.get(url, params={"status": "abc"}).status_code == 400
    assert requests.delete(url).json()["count"] == 0
    assert requests.get(url).json()["count"] == 0


def test_a_typo_in_a_path_is_kept_with_its_near_misses(recall, emulator):
    recall.get("/bots/")  # the real path is /bot/
    miss = emulator.requests(matched=False)[0]
    assert miss["status"] == 404 and miss["operation"] is None
    assert miss["near_misses"][0] == {"operation": "recall.list_bots", "method": "GET", "path": "/recall/api/v1/bot/",
                                      "similarity": miss["near_misses"][0]["similarity"]}
    with pytest.raises(AssertionError) as failure:
        emulator.assert_requested("recall", "recall.list_bots")
    assert "GET /recall/api/v1/bots/ -> 404 (no endpoint)" in str(failure.value)
    assert "near miss: GET /recall/api/v1/bot/ (recall.list_bots" in str(failure.value)


def test_assert_requested_counts(recall, emulator):
    recall.create()
    recall.create()
    assert len(emulator.assert_requested("recall", "recall.create_bot", times=2)) == 2
    with pytest.raises(AssertionError, match="expected 3 request"):
        emulator.assert_requested("recall", "recall.create_bot", times=3)


def test_the_journal_keeps_the_newest_within_its_bounds():
    journal = Journal(max_entries=3, max_bytes=10_000)

    def entry(size: int) -> Entry:
        return Entry(0, 0.0, 0.0, "recall", "recall.list_bots", "GET", "/recall/api/v1/bot/", "", [], b"x" * size,
                     200, [], b"", 1.0)

    for _ in range(5):
        journal.record(entry(10))
    assert [e.id for e in journal.entries()] == [3, 4, 5]
    journal.record(entry(9_000))
    assert [e.id for e in journal.entries()] == [6]  # the big one pushed out the rest


# -- faults on the API --------------------------------------------------------------------------------
def test_a_client_that_retries_on_429_gets_through(recall, emulator):
    """The worked example: two 429s in Recall's own words, then the real answer."""
    emulator.fault("recall", "error", operation="recall.list_bots", status=429, retry_after=0, times=2)
    session = requests.Session()
    session.headers["Authorization"] = "Token recall-test-key"
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=3, status_forcelist=[429], backoff_factor=0,
                                                           respect_retry_after_header=True)))
    answer = session.get(recall.base + "/bot/")
    assert answer.status_code == 200 and answer.json()["results"] == []
    seen = emulator.requests("recall", "recall.list_bots")
    assert [r["status"] for r in seen] == [429, 429, 200]
    assert seen[0]["response_body"] == {"detail": "Request was throttled. Expected available in 0 seconds."}
    assert seen[0]["response_headers"]["Retry-After"] == "0" and seen[0]["fault"] and seen[2]["fault"] is None
    assert emulator.faults() == []  # spent


def test_an_error_fault_answers_before_anything_changes(recall, emulator):
    emulator.fault("recall", "error", operation="recall.create_bot", status=507, times=1)
    refused = recall.post("/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij"})
    assert refused.status_code == 507 and "ad-hoc bot pool" in refused.json()["detail"]
    assert recall.get("/bot/").json()["count"] == 0
    assert recall.post("/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij"}).status_code == 201


@pytest.mark.parametrize("platform, path, shape", [
    ("lessonspace", "/hello/", {"detail"}), ("100ms", "/rooms", {"code", "message", "details"}),
    ("meetstream", "/bots", {"message"}), ("spotme", "/workspaces", {"error", "message"}),
])
def test_faults_answer_in_each_platform_shape(emulator, platform, path, shape):
    emulator.fault(platform, "error", path=emulator.engine.platforms[platform].api_prefix + path, status=503)
    answer = requests.get(emulator.url(platform) + path)
    assert answer.status_code == 503 and set(answer.json()) == shape


def test_a_dropped_connection_before_and_after_the_work(recall, emulator):
    emulator.fault("recall", "drop", operation="recall.create_bot", times=1)
    with pytest.raises(requests.ConnectionError):
        recall.post("/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij"})
    assert recall.get("/bot/").json()["count"] == 0  # dropped before: nothing happened
    # Dropped after: the bot exists but the client never heard; its Idempotency-Key retry gets the same bot.
    emulator.fault("recall", "drop", operation="recall.create_bot", when="after", times=1)
    headers = {"Idempotency-Key": "5f0c3c5e-0d44-4a5e-9a57-2f1f4c1a6e01"}
    body = {"meeting_url": "https://meet.google.com/abc-defg-hij"}
    with pytest.raises(requests.ConnectionError):
        recall.post("/bot/", json=body, headers=headers)
    retried = recall.post("/bot/", json=body, headers=headers)
    assert retried.status_code == 201
    assert recall.get("/bot/").json()["count"] == 1
    assert [r["status"] for r in emulator.requests("recall", "recall.create_bot")] == [0, 0, 201]


def test_a_malformed_answer_keeps_its_status(recall, emulator):
    bot = recall.create()
    emulator.fault("recall", "malformed", operation="recall.get_bot")
    answer = recall.get(f"/bot/{bot['id']}/")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        answer.json()


def test_latency_is_real_and_only_for_the_matching_requests(recall, emulator):
    emulator.fault("recall", "delay", operation="recall.list_bots", delay_ms=300)
    started = time.monotonic()
    assert recall.get("/bot/").status_code == 200
    assert time.monotonic() - started >= 0.3
    assert emulator.requests("recall", "recall.list_bots")[0]["duration_ms"] >= 300
    bot = recall.create()
    assert emulator.requests("recall", "recall.create_bot")[0]["duration_ms"] < 300 and bot["id"]


def test_a_fault_for_some_seconds_of_emulator_time(recall, emulator):
    rule = emulator.fault("recall", "error", method="GET", path="/recall/api/v1/bot/", status=502, for_seconds=60)
    assert recall.get("/bot/").status_code == 502
    assert requests.get(emulator.control_url(f"faults/{rule['id']}")).json()["hits"] == 1
    emulator.advance(60)
    assert recall.get("/bot/").status_code == 200
    assert requests.get(emulator.control_url(f"faults/{rule['id']}")).status_code == 404


def test_probability_picks_the_same_requests_after_a_reset(recall, emulator):
    def pattern() -> list[int]:
        emulator.fault("recall", "error", operation="recall.list_bots", status=500, probability=0.5)
        return [recall.get("/bot/").status_code for _ in range(20)]

    first = pattern()
    assert set(first) == {200, 500}
    emulator.reset()
    assert emulator.faults() == []  # a reset removes fault rules, like every setting
    assert pattern() == first


def test_a_download_link_fault_answers_as_s3(recall, emulator):
    emulator.fault("s3", "error", status=503, times=1)
    bot = recall.create()
    emulator.advance(hours=1)
    url = recall.bot(bot["id"])["recordings"][0]["media_shortcuts"]["video_mixed"]["data"]["download_url"]
    refused = requests.get(url)
    assert refused.status_code == 503 and "<Code>SlowDown</Code>" in refused.text
    assert requests.get(url).status_code == 200
    assert [r["operation"] for r in emulator.requests("s3")] == ["s3.download", "s3.download"]
    assert emulator.requests("s3")[1]["response_body"].startswith("<")  # media shown by its size only


def test_fault_rules_are_listed_removed_and_checked(emulator):
    url = emulator.control_url("faults")
    rule = requests.post(url, json={"platform": "recall", "action": "error", "status": 500}).json()
    other = requests.post(url, json={"on": "webhooks", "platform": "recall", "action": "duplicate"}).json()
    assert [f["id"] for f in requests.get(url).json()["faults"]] == [rule["id"], other["id"]]
    assert [f["id"] for f in requests.get(url, params={"on": "webhooks"}).json()["faults"]] == [other["id"]]
    assert requests.delete(f"{url}/{rule['id']}").json() == {"deleted": 1}
    assert requests.delete(f"{url}/{rule['id']}").status_code == 404
    assert requests.delete(url).json() == {"deleted": 1}
    typo = requests.post(url, json={"platform": "recall", "action": "error", "status": 500,
                                    "operation": "recall.list_bot"})
    assert typo.status_code == 400 and "closest: recall.list_bots" in typo.json()["message"]
    never = requests.post(url, json={"platform": "recall", "action": "error", "status": 500, "path": "/api/v1/bot/"})
    assert never.status_code == 400, never.text  # Recall's paths start /recall/: it could never act
    assert "matches no path of recall" in never.json()["message"]
    assert "closest: /recall/api/v1/bot/" in never.json()["message"]
    assert requests.get(url).json()["faults"] == []
    assert requests.post(url, json={"platform": "recall", "action": "error", "status": 500,
                                    "path": "/recall/api/v1/bot/*/leave_call/"}).status_code == 201
    mixed = requests.post(url, json={"platform": "recall", "action": "drop", "event": "bot.done"})
    assert mixed.status_code == 400 and "for webhooks or streams rules" in mixed.json()["message"]
    with pytest.raises(ValueError, match="an error rule needs a status"):
        emulator.fault("recall", "error")


# -- the vendors' rate limits -------------------------------------------------------------------------
def test_recall_rate_limits_per_workspace_on_the_emulator_clock(recall, emulator):
    recall.control("PATCH", "settings", json={"rate_limit": True})
    for _ in range(60):
        assert recall.get("/bot/").status_code == 200
    throttled = recall.get("/bot/")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "60"
    assert throttled.json() == {"detail": "Request was throttled. Expected available in 60 seconds."}
    other = requests.get(recall.base + "/bot/", headers={"Authorization": "Token another-workspace"})
    assert other.status_code == 200  # each workspace counts on its own
    assert requests.get(recall.base + "/bot/").status_code == 401  # no credentials: the 401 comes first
    assert recall.post("/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij"}).status_code == 201
    emulator.advance(30)
    assert recall.get("/bot/").headers.get("Retry-After") == "30"
    emulator.advance(30)
    assert recall.get("/bot/").status_code == 200


def test_recall_rate_limits_are_off_by_default(recall):
    assert all(recall.get("/bot/").status_code == 200 for _ in range(70))


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_a_fault_path_taken_from_a_real_request_is_never_refused(data):
    """Any concrete path of any route, or its beginning followed by ``*``, could match that route."""
    from emulator.core.faults import glob_could_match

    template = data.draw(st.sampled_from(ROUTE_TEMPLATES))
    segment = st.text(st.characters(codec="ascii", categories=("L", "N"), include_characters="-_."), min_size=1)
    path = "/".join(data.draw(segment) if part.startswith("{") else part for part in template.split("/"))
    assert glob_could_match(path, template)
    assert glob_could_match(path[:data.draw(st.integers(0, len(path)))] + "*", template)


ROUTE_TEMPLATES = ["/recall/api/v1/bot/{bot_id}/", "/recall/api/v1/bot/", "/100ms/v2/recordings/{recording_id}",
                   "/lessonspace/v2/spaces/{space_id}/sessions/{session_id}/transcript/",
                   "/meetstream/api/v1/bots/{bot_id}/get_audio"]
