"""Lessonspace beyond join and leave: idle, chat, co-browsing and knocks with their webhooks; the
playback, session update, space sessions and organisation spaces endpoints."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import shutil
import subprocess

import pytest
import requests

from helpers import assert_valid

HOOKS = ("session.idle", "user.idle", "chat.message", "cobrowser.start", "cobrowser.stop", "knock.request",
         "knock.admit", "knock.deny")


def hooks(receiver) -> dict:
    out: dict = {}
    for event in HOOKS:
        group, name = event.split(".")
        out.setdefault(group, {})[name] = f"{receiver.url}/{event}"
    return out


def control(emulator, path: str, **body) -> requests.Response:
    return requests.post(emulator.control_url(f"lessonspace/{path}"), json=body)


def test_every_activity_sends_its_signed_webhook(ls, receiver, emulator):
    space = ls.launch(id="activity", webhooks=hooks(receiver))
    session = ls.run_session(space["room_id"], users=[{"name": "Tess", "role": "teacher"}, {"name": "Sam"}],
                             duration=600)
    tess = session["participants"][0]["user_id"]
    uuid = session["uuid"]
    assert control(emulator, f"sessions/{uuid}/idle").json()["event"] == "session.idle"
    assert control(emulator, f"sessions/{uuid}/idle", user_id=tess).json()["user"]["name"] == "Tess"
    assert control(emulator, f"sessions/{uuid}/chat", user_id=tess, text="Page 4").json()["message"]["text"] == "Page 4"
    assert control(emulator, f"sessions/{uuid}/cobrowser", action="start", url="https://docs.example.com/").status_code == 200
    assert control(emulator, f"sessions/{uuid}/cobrowser", action="start").status_code == 409
    assert control(emulator, f"sessions/{uuid}/cobrowser", action="stop").json()["cobrowser"]["active"] is False
    knock = control(emulator, f"sessions/{uuid}/knock", name="Late Lucy").json()
    assert knock["status"] == "waiting"
    assert control(emulator, f"knocks/{knock['id']}/admit").json()["status"] == "admitted"
    assert control(emulator, f"knocks/{knock['id']}/deny").status_code == 409
    other = control(emulator, f"sessions/{uuid}/knock").json()
    assert control(emulator, f"knocks/{other['id']}/deny").json()["status"] == "denied"
    emulator.settle()
    arrived = [r["path"].lstrip("/") for r in receiver.requests]
    assert arrived == ["session.idle", "user.idle", "chat.message", "cobrowser.start", "cobrowser.stop",
                       "knock.request", "knock.admit", "knock.request", "knock.deny"]
    for request in receiver.requests:
        body = request["body"]
        event = request["path"].lstrip("/")
        assert request["headers"]["x-webhook-event"] == event
        expected = hmac.new(space["secret"].encode(), body, hashlib.sha256).hexdigest()
        assert request["headers"]["x-webhook-signature"] == expected
        assert_valid("lessonspace", f"webhook.{event}", json.loads(body))
    # The admitted guest is in the session now.
    assert "Late Lucy" in [p["name"] for p in ls.session(uuid)["participants"]]


def test_activity_needs_a_running_session_and_a_present_user(ls, emulator):
    space = ls.launch(id="gone")
    session = ls.run_session(space["room_id"], duration=60)
    assert control(emulator, f"sessions/{session['uuid']}/chat", user_id=999).status_code == 404
    emulator.advance(61)
    assert control(emulator, f"sessions/{session['uuid']}/idle").status_code == 409
    assert control(emulator, "sessions/6b1f2c3d-1111-4222-8333-944455566677/idle").status_code == 404
    assert control(emulator, "knocks/6b1f2c3d-1111-4222-8333-944455566677/admit").status_code == 404


def test_webhooks_on_relaunch_can_overwrite(ls, receiver, emulator):
    requests.patch(emulator.control_url("lessonspace/settings"), json={"webhooks_on_relaunch": "overwrite"})
    space = ls.launch(id="hooks", webhooks={"session": {"start": receiver.url + "/first"}})
    ls.launch(id="hooks", webhooks={"session": {"start": receiver.url + "/second"}})
    ls.launch(id="hooks")  # no "webhooks": the registered ones stay
    ls.run_session(space["room_id"])
    emulator.settle()
    assert [r["path"] for r in receiver.requests] == ["/second"]


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs ffprobe (ffmpeg) to open the recording")
def test_playback_prepares_then_plays_a_real_recording(ls, emulator, tmp_path):
    space = ls.launch(id="rec")
    session = ls.run_session(space["room_id"], duration=120)
    url = f"/organisations/sessions/{session['uuid']}/playback/"
    assert ls.get(url).json() == {"state": "preparing", "recording_url": None}
    emulator.advance(120 + ls.setting("playback_delay_seconds") - 1)
    assert ls.get(url).json()["state"] == "preparing"  # "shortly after": 60 s by default
    emulator.advance(1)
    ready = ls.get(url).json()
    assert ready["state"] == "ready"
    assert_valid("lessonspace", "playback.response", ready)
    page = requests.get(ready["recording_url"])
    video = re.search(r'src="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    mp4 = tmp_path / "recording.mp4"
    mp4.write_bytes(requests.get(video).content)
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
                            str(mp4)], capture_output=True, text=True)
    assert probe.returncode == 0 and "video" in probe.stdout
    emulator.advance(hours=3)
    assert requests.get(video).status_code == 403  # the page's video link lives 3 hours
    assert requests.get(ready["recording_url"]).status_code == 200  # the page itself does not expire


def test_playback_without_av_recording(ls, emulator):
    space = ls.launch(id="norec", record_av=False)
    session = ls.run_session(space["room_id"], duration=60)
    emulator.advance(300)
    assert ls.get(f"/organisations/sessions/{session['uuid']}/playback/").json() == \
        {"state": "no_recording", "recording_url": None}


def test_updating_a_session(ls):
    space = ls.launch(id="upd")
    session = ls.run_session(space["room_id"])
    url = ls.base + f"/organisations/sessions/{session['uuid']}/"
    changed = ls.http.patch(url, json={"name": "Algebra", "recording_access_policy": ["teacher"]})
    assert changed.status_code == 200
    assert ls.session(session["uuid"])["name"] == "Algebra"
    assert ls.session(session["uuid"])["recording_access_policy"] == ["teacher"]
    assert ls.http.patch(url, json={"recording_access_policy": []}).json() == {"name": ["This field is required."]}
    assert ls.http.patch(url, json={"name": "x", "recording_access_policy": ["nobody"]}).status_code == 400


def test_a_space_sessions_and_the_organisation_spaces(ls, emulator):
    first = ls.launch(id="maths-101", name="Maths")
    emulator.advance(1)
    second = ls.launch(id="physics", name="Physics")
    for _ in range(2):
        ls.run_session(first["room_id"], duration=60)
        emulator.advance(61)
    sessions = ls.get(f"/spaces/{first['room_id']}/sessions/").json()
    assert sessions["count"] == 2 and sessions["results"][0]["start_time"] > sessions["results"][1]["start_time"]
    assert ls.get(f"/spaces/{second['room_id']}/sessions/").json()["count"] == 0
    org = ls.org_id()
    listed = ls.get(f"/organisations/{org}/spaces/").json()
    assert [s["name"] for s in listed["results"]] == ["Physics", "Maths"]
    assert [s["name"] for s in ls.get(f"/organisations/{org}/spaces/", params={"sort_by": "old-new"}).json()["results"]] \
        == ["Maths", "Physics"]
    assert [s["launch_id"] for s in ls.get(f"/organisations/{org}/spaces/", params={"search": "MATHS"}).json()["results"]] \
        == ["maths-101"]
    assert ls.get(f"/organisations/{org}/spaces/", params={"sort_by": "a-z"}).status_code == 400
    assert ls.get(f"/organisations/{org + 1}/spaces/").status_code == 403


@pytest.mark.parametrize("path", ["/spaces/{room}/sessions/", "/organisations/sessions/{session}/playback/"])
def test_another_organisation_sees_nothing(ls, emulator, path):
    from helpers import LessonspaceClient

    space = ls.launch(id="mine")
    session = ls.run_session(space["room_id"])
    other = LessonspaceClient(emulator, key="0b1f2c3d-1111-4222-8333-944455566677")
    assert other.get(path.format(room=space["room_id"], session=session["uuid"])).status_code == 404
