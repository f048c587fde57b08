"""Input that is stored must be servable: lone surrogates, deep nesting, oversized bodies, float
counts, bounded inboxes, and due actions that raise."""
import json

import pytest
import requests

from helpers import ORG_KEY, HmsClient, LessonspaceClient, MeetStreamClient, RecallClient, SpotMeClient

LONE = "x\ud800"  # requests escapes it as \ud800: valid JSON text, not valid Unicode


def recall_case(emulator):
    client = RecallClient(emulator)
    return (lambda: client.post("/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij", "bot_name": LONE}),
            lambda: client.post("/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij",
                                               "metadata": {"k": LONE}}),
            lambda: client.get("/bot/"), "detail")


def meetstream_case(emulator):
    client = MeetStreamClient(emulator)
    create = lambda: client.http.post(client.base + "/bots/create_bot", json={  # noqa: E731
        "meeting_link": "https://zoom.us/j/123456789", "bot_name": LONE})
    return create, create, lambda: client.get("/bots"), "message"


def spotme_case(emulator):
    client = SpotMeClient(emulator)
    ws = client.workspace()["id"]
    create = lambda: client.post(f"/workspace/{ws}/glossaries", json={"title": LONE, "language": "en"})  # noqa: E731
    return create, create, lambda: client.get(f"/workspace/{ws}/glossaries"), "error"


def lessonspace_case(emulator):
    client = LessonspaceClient(emulator)
    create = lambda: client.post("/spaces/launch/", json={"id": "s", "name": LONE})  # noqa: E731
    other = lambda: client.post("/spaces/launch/", json={"id": "s", "user": {"id": 1, "name": LONE}})  # noqa: E731
    org = client.get("/my-organisation/").json()["id"]
    return create, other, lambda: client.get(f"/organisations/{org}/sessions/"), "detail"


def hms_case(emulator):
    client = HmsClient(emulator)
    create = lambda: client.post("/rooms", json={"name": "room-1", "description": LONE})  # noqa: E731
    return create, create, lambda: client.get("/rooms"), "message"


CASES = {"recall": recall_case, "meetstream": meetstream_case, "spotme": spotme_case,
         "lessonspace": lessonspace_case, "100ms": hms_case}


@pytest.mark.parametrize("platform", sorted(CASES))
def test_a_lone_surrogate_is_the_platforms_400_and_nothing_is_stored(emulator, platform):
    first, second, listing, error_field = CASES[platform](emulator)
    before = listing()
    for attempt in (first, second):
        answer = attempt()
        assert answer.status_code == 400, answer.text
        assert error_field in answer.json() and "surrogate" in answer.text
    after = listing()
    assert after.status_code == 200 and after.json() == before.json()


def test_a_lone_surrogate_in_a_control_body_is_a_400(emulator):
    answer = requests.post(emulator.control_url("clock/set"), json={"now": LONE})
    assert answer.status_code == 400 and "surrogate" in answer.json()["message"]


def test_the_inbox_keeps_what_it_received_and_serves_it(emulator):
    inbox = emulator.inbox_url("odd")
    assert requests.post(inbox, json={"text": LONE}).status_code == 200
    deep = "[" * 1000 + "]" * 1000
    assert requests.post(inbox, data=deep, headers={"Content-Type": "application/json"}).status_code == 200
    listing = requests.get(inbox)
    assert listing.status_code == 200
    first, second = listing.json()["messages"]
    assert first["json"] == {"text": LONE}  # lossless: the escape comes back as it went in
    assert second["json"] is None and second["body"] == deep  # too deep to parse: kept as raw text


def test_deep_json_is_a_400_on_every_platform(emulator):
    deep = "[" * 1000 + "]" * 1000
    for platform, path in [("recall", "/bot/"), ("meetstream", "/bots/create_bot"), ("100ms", "/rooms"),
                           ("lessonspace", "/spaces/launch/")]:
        answer = requests.post(emulator.url(platform) + path, data=deep, headers={
            "Content-Type": "application/json", "Authorization": {
                "lessonspace": f"Organisation {ORG_KEY}", "100ms": HmsClient(emulator).http.headers["Authorization"]
            }.get(platform, "Token k")})
        assert answer.status_code == 400, (platform, answer.text)
    nested = {"a": 1}
    for _ in range(70):
        nested = {"n": nested}
    answer = RecallClient(emulator).post("/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij",
                                                         "metadata": nested})
    assert answer.status_code == 400 and "deeper than 64" in answer.text


@pytest.mark.parametrize("platform,path,shape", [
    ("recall", "/bot/", {"detail"}), ("meetstream", "/bots/create_bot", {"message"}),
    ("100ms", "/rooms", {"code", "message", "details"}), ("lessonspace", "/spaces/launch/", {"detail"}),
    ("spotme", "/workspace/{ws}/glossaries", {"error", "message"})])
def test_an_oversized_body_is_a_413_in_the_platforms_shape(emulator, platform, path, shape):
    clients = {"recall": RecallClient, "meetstream": MeetStreamClient, "100ms": HmsClient,
               "lessonspace": LessonspaceClient, "spotme": SpotMeClient}
    client = clients[platform](emulator)
    if platform == "spotme":
        path = path.format(ws=client.workspace()["id"])
    big = b'{"x": "' + b"a" * (emulator.engine.config.max_body_bytes + 1) + b'"}'
    answer = client.http.post(client.base + path, data=big, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert set(answer.json()) == shape and "limit" in answer.text


def test_the_inbox_has_the_same_limit_and_keeps_only_its_newest_messages(emulator):
    inbox = emulator.inbox_url("bounded")
    big = b"a" * (emulator.engine.config.max_body_bytes + 1)
    answer = requests.post(inbox, data=big)
    assert answer.status_code == 413 and answer.json()["error"]
    config = emulator.engine.config
    saved = config.inbox_messages, config.inbox_bytes
    try:
        config.inbox_messages = 3
        for n in range(5):
            requests.post(inbox, json={"n": n})
        assert [m["json"]["n"] for m in requests.get(inbox).json()["messages"]] == [2, 3, 4]
        config.inbox_messages, config.inbox_bytes = 1000, 3000
        for n in range(5, 10):
            requests.post(inbox, json={"n": n, "pad": "p" * 500})
        kept = [m["json"]["n"] for m in requests.get(inbox).json()["messages"]]
        assert kept and kept == list(range(10 - len(kept), 10)) and len(kept) < 5
    finally:
        config.inbox_messages, config.inbox_bytes = saved


def test_a_whole_float_count_is_stored_as_an_integer_and_the_job_completes(emulator, spotme):
    ws = spotme.control("POST", "workspaces", json={"name": "Floats"}).json()
    session = spotme.control("POST", f"workspaces/{ws['id']}/live-sessions",
                             json={"title": "Float", "duration": 600, "vod_delay": 60, "speakers": 3.0})
    assert session.status_code == 201 and len(session.json()["speakers"]) == 3
    emulator.advance(660)
    job = spotme.post(f"/workspace/{ws['id']}/live-sessions/{session.json()['id']}/transcript", json={})
    assert job.status_code == 202, job.text
    emulator.advance(hours=2)
    done = spotme.get(f"/workspace/{ws['id']}/transcript-jobs/{job.json()['job_id']}").json()
    assert done["status"] == "completed"


def test_a_due_action_that_raises_leaves_its_object_in_a_documented_state(emulator, spotme, monkeypatch):
    model = emulator.engine.models["spotme"]

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(model, "segments", broken)
    ws = spotme.workspace()
    session = next(iter(ws["sessions"].values()))
    job = spotme.post(f"/workspace/{ws['id']}/live-sessions/{session['id']}/transcript", json={}).json()
    emulator.advance(hours=2)
    detail = spotme.get(f"/workspace/{ws['id']}/transcript-jobs/{job['job_id']}").json()
    assert detail["status"] == "failed" and "disk on fire" in detail["error"]["message"]
    failures = requests.get(emulator.control_url("failures")).json()
    assert failures["count"] == 1
    [failure] = failures["failures"]
    assert failure["action"] == "spotme.job_done" and failure["outcome"] == "recovered"
    assert failure["payload"] == {"job": job["job_id"]} and "RuntimeError: disk on fire" == failure["error"]


def test_a_failure_without_recovery_is_still_visible(emulator, monkeypatch):
    timeline = emulator.engine.timeline
    timeline.register("test.explodes", lambda payload: json.loads("{"))
    try:
        with emulator.engine.store.transaction():
            timeline.at(emulator.now, "test.explodes", {"n": 1})
        emulator.advance(1)
        [failure] = requests.get(emulator.control_url("failures")).json()["failures"]
        assert failure["action"] == "test.explodes" and failure["outcome"].startswith("no recovery")
    finally:
        timeline._handlers.pop("test.explodes")
