"""No update is lost or half-applied under concurrent requests."""
from concurrent.futures import ThreadPoolExecutor

import requests

from helpers import LessonspaceClient


def test_concurrent_launches_of_one_id_create_exactly_one_space(emulator):
    ls = LessonspaceClient(emulator)

    def launch(i):
        return ls.http.post(ls.base + "/spaces/launch/", json={"id": "shared", "user": {"id": i, "name": f"u{i}"}})

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(launch, range(64)))
    assert sorted(a.status_code for a in answers).count(201) == 1
    assert all(a.status_code in (200, 201) for a in answers)
    assert len({a.json()["room_id"] for a in answers}) == 1
    assert len({a.json()["user_id"] for a in answers}) == 64
    org = ls.get("/my-organisation/").json()
    assert org["usage"]["spaces"] == 1
    # every user who got a link is a member: a run session with 64 users uses them all
    session = ls.run_session(answers[0].json()["room_id"], duration=200, users=64)
    assert {p["user_id"] for p in session["participants"]} == {a.json()["user_id"] for a in answers}


def test_concurrent_launches_and_sessions_across_spaces(emulator):
    ls = LessonspaceClient(emulator)

    def work(i):
        space = ls.launch(id=f"space-{i}", transcribe=True)
        return requests.post(emulator.control_url(f"lessonspace/spaces/{space['room_id']}/sessions"),
                             json={"duration": 600}).json()["uuid"]

    with ThreadPoolExecutor(8) as pool:
        uuids = list(pool.map(work, range(40)))
    assert len(set(uuids)) == 40
    emulator.advance(minutes=15)
    org = ls.org_id()
    listing = ls.get(f"/organisations/{org}/sessions/", params={"page": 1}).json()
    assert listing["count"] == 40
    for uuid in uuids:
        assert ls.session(uuid)["transcription"]["status"] == "ready"
