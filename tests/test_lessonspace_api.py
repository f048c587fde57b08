"""Lessonspace over real HTTP: auth, launch, sessions, transcripts, links and webhooks."""
import hashlib
import hmac
import json

import pytest
import requests

from emulator.platforms.lessonspace.constants import RETRY_POLICY
from helpers import ORG_KEY, LessonspaceClient, assert_valid


# -- auth ------------------------------------------------------------------------------------
@pytest.mark.parametrize("header, detail", [
    (None, "Authentication credentials were not provided."),
    (f"Token {ORG_KEY}", "Invalid token."),
    ("Organisation not-a-uuid", "Invalid token."),
    ("Organisation", "Invalid token."),
    (f"Bearer {ORG_KEY}", "Invalid token."),
])
def test_bad_auth_is_401_with_a_detail(emulator, header, detail):
    headers = {"Authorization": header} if header else {}
    answer = requests.get(emulator.url("lessonspace") + "/hello/", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"detail": detail}
    assert answer.headers["WWW-Authenticate"] == "Organisation"


def test_hello_and_my_organisation(ls):
    hello = ls.get("/hello/")
    assert hello.status_code == 200
    assert hello.json() == {"response": "The sun is shining and so are you 🌞"}
    org = ls.get("/my-organisation/").json()
    assert_valid("lessonspace", "organisation.response", org)
    assert org["id"] == ls.org_id()  # derived from the key: stable
    other = LessonspaceClient(ls.emulator, "00000000-0000-4000-8000-000000000001")
    assert other.org_id() != org["id"]


# -- launch ----------------------------------------------------------------------------------
def test_launch_creates_then_returns_the_same_space(ls):
    first = ls.post("/spaces/launch/", json={"id": "room-1", "user": {"id": 7, "name": "Ada", "role": "teacher"}})
    assert first.status_code == 201
    body = first.json()
    assert_valid("lessonspace", "launch.response", body)
    assert body["room_settings"] == {"record_av": True, "record_content": True, "waiting_room": False,
                                     "transcribe": False}
    again = ls.post("/spaces/launch/", json={"id": "room-1", "user": {"id": 7, "name": "Ada"}})
    assert again.status_code == 200
    assert again.json()["room_id"] == body["room_id"]
    assert again.json()["secret"] == body["secret"]
    assert again.json()["user_id"] == body["user_id"]  # same user.id, same Lessonspace user
    assert again.json()["session_id"] == body["session_id"]  # stays until a session starts


@pytest.mark.parametrize("body, errors", [
    ({}, {"id": ["This field is required."]}),
    ({"id": "x" * 65}, {"id": ["Ensure this field has no more than 64 characters."]}),
    ({"id": ""}, {"id": ["This field may not be blank."]}),
    ({"id": 5}, {"id": ["Not a valid string."]}),
    ({"id": "a", "transcribe": "yes"}, {"transcribe": ["Must be a valid boolean."]}),
    ({"id": "a", "user": []}, {"user": ['Expected a dictionary of items but got type "list".']}),
    ({"id": "a", "user": {"name": 3}}, {"user": {"name": ["Not a valid string."]}}),
    ({"id": "a", "user": {"email": "nope"}}, {"user": {"email": ["Enter a valid email address."]}}),
    ({"id": "a", "webhooks": {"session": {"start": "not a url"}}},
     {"webhooks": {"session": {"start": ["Enter a valid URL."]}}}),
    ({"id": "a", "timeouts": {"not_before": "yesterday"}},
     {"timeouts": {"not_before": ["Datetime has wrong format. Use one of these formats instead: "
                                  "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}}),
    ({"id": "a", "timeouts": {"not_before": "2030-01-01T00:00:00Z", "not_after": "2030-01-09T00:00:00Z"}},
     {"timeouts": {"not_after": ["Must be at most 7 days after not_before."]}}),
    ([1, 2], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
])
def test_launch_validation_answers_drf_field_errors(ls, body, errors):
    answer = ls.post("/spaces/launch/", json=body)
    assert answer.status_code == 400
    assert answer.json() == errors
    assert_valid("lessonspace", "error.fields", answer.json())


def test_malformed_json_and_wrong_media_type(ls):
    answer = ls.post("/spaces/launch/", data="{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["detail"].startswith("JSON parse error")
    answer = ls.post("/spaces/launch/", data="id=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 400 and "unsupported media type" in answer.json()["detail"]


def test_summarise_needs_av_and_transcription(ls):
    answer = ls.post("/spaces/launch/", json={"id": "s", "summarise": True})
    assert answer.status_code == 400
    assert answer.json() == {"transcribe": ["Summaries require both AV recording (record_av) and transcription "
                                            "(transcribe) to be enabled."]}
    answer = ls.post("/spaces/launch/", json={"id": "s", "summarise": True, "transcribe": True, "record_av": False})
    assert answer.status_code == 400
    ok = ls.launch(id="s", summarise=True, transcribe=True)
    assert ok["room_settings"]["summarise"] is True


def test_webhooks_are_set_only_by_the_creating_call(ls, receiver):
    space = ls.launch(id="hooks", webhooks={"session": {"start": receiver.url + "/first"}})
    ls.launch(id="hooks", webhooks={"session": {"start": receiver.url + "/second"}})
    ls.run_session(space["room_id"])
    ls.emulator.settle()
    assert [r["path"] for r in receiver.requests] == ["/first"]


# -- sessions, joining -----------------------------------------------------------------------
def test_opening_a_client_url_joins_that_user(ls, receiver):
    hooks = {"session": {"start": receiver.url + "/start", "end": receiver.url + "/end"},
             "user": {"join": receiver.url + "/join", "leave": receiver.url + "/leave"}}
    teacher = ls.launch(id="live", user={"id": "t", "name": "Tess"}, webhooks=hooks)
    student = ls.launch(id="live", user={"id": "s", "name": "Sam"})
    page = requests.get(teacher["client_url"])
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    requests.get(student["client_url"])
    ls.emulator.settle()
    assert [r["path"] for r in receiver.requests] == ["/start", "/join", "/join"]
    joined = receiver.bodies("/join")
    assert [b["user"]["name"] for b in joined] == ["Tess", "Sam"]
    assert joined[0]["session"]["id"] == teacher["session_id"]
    ls.emulator.advance(minutes=5)  # the default stay is 300 s
    assert [r["path"] for r in receiver.requests][-3:] == ["/leave", "/leave", "/end"]
    session = ls.session(teacher["session_id"])
    assert session["in_progress"] is False and session["duration"] == 300
    assert ls.launch(id="live")["session_id"] != teacher["session_id"]  # next session gets a new id


def test_a_forged_or_expired_client_url_does_not_join(ls):
    link = ls.launch(id="x", timeouts={"not_after": "2099-01-01T00:00:00Z", "not_before": "2098-12-31T00:00:00Z"})
    assert requests.get(link["client_url"]).status_code == 403  # not valid yet
    link = ls.launch(id="y")
    assert requests.get(link["client_url"][:-3] + "abc").status_code == 403
    ls.emulator.advance(days=7)
    assert requests.get(link["client_url"]).status_code == 403  # 7 days by default


def test_session_detail_and_list_with_filters_and_pages(ls):
    space = ls.launch(id="busy", transcribe=True)
    uuids = []
    for minutes in range(1, 24):
        uuids.append(ls.run_session(space["room_id"], duration=60 * minutes)["uuid"])
        ls.emulator.advance(minutes=minutes)
    ls.run_session(space["room_id"], users=1, duration=60)
    ls.emulator.advance(minutes=1)
    org = ls.org_id()
    first = ls.get(f"/organisations/{org}/sessions/").json()
    assert_valid("lessonspace", "sessions.list.response", first)
    assert first["count"] == 23  # the single-user session is hidden by default
    assert len(first["results"]) == 20 and first["previous"] is None
    assert first["results"][0]["uuid"] == uuids[-1]  # newest first
    second = requests.get(first["next"], headers=ls.http.headers).json()
    assert len(second["results"]) == 3 and second["next"] is None
    assert ls.get(f"/organisations/{org}/sessions/", params={"include_single_user": "true"}).json()["count"] == 24
    long = ls.get(f"/organisations/{org}/sessions/", params={"duration_min": 600, "duration_max": 900}).json()
    assert long["count"] == 6
    assert ls.get(f"/organisations/{org}/sessions/", params={"search": uuids[3]}).json()["count"] == 1
    assert ls.get(f"/organisations/{org}/sessions/", params={"launch_id": "nope"}).json()["count"] == 0
    assert ls.get(f"/organisations/{org}/sessions/", params={"page": 9}).status_code == 404
    bad = ls.get(f"/organisations/{org}/sessions/", params={"duration_min": "long"})
    assert bad.status_code == 400 and bad.json() == {"duration_min": ["Enter a number."]}
    assert ls.get(f"/organisations/{org + 1}/sessions/").status_code == 403
    detail = ls.get(f"/organisations/{org}/sessions/{uuids[0]}/").json()
    assert_valid("lessonspace", "session", detail)
    assert detail["transcription"]["status"] == "not_eligible"  # 60 s is too short


def test_unknown_session_and_unknown_route_are_404_detail(ls):
    answer = ls.get("/organisations/sessions/00000000-0000-4000-8000-000000000000/")
    assert answer.status_code == 404 and answer.json() == {"detail": "Not found."}
    answer = ls.get("/no/such/thing/")
    assert answer.status_code == 404 and answer.json() == {"detail": "Not found."}
    answer = ls.http.delete(ls.base + "/hello/")
    assert answer.status_code == 405 and "detail" in answer.json()


# -- transcription ---------------------------------------------------------------------------
def transcribed_session(ls, receiver=None, **options):
    hooks = {"transcription": {"finish": receiver.url + "/finish"}} if receiver else None
    space = ls.launch(id="lesson", transcribe=True, **({"webhooks": hooks} if hooks else {}))
    session = ls.run_session(space["room_id"], **{"duration": 600, **options})
    return space, session


def test_full_transcription_flow_with_webhook_and_links(ls, receiver):
    space, session = transcribed_session(ls, receiver, breakouts=2, users=4)
    answer = ls.get(f"/organisations/sessions/{session['uuid']}/transcript/")
    assert answer.status_code == 404 and "in progress" in answer.json()["detail"]
    ls.emulator.advance(600)
    answer = ls.get(f"/organisations/sessions/{session['uuid']}/transcript/")
    assert answer.status_code == 404 and answer.json() == {"detail": "The transcript is still being processed."}
    assert receiver.requests == []
    ls.emulator.advance(120)  # the default processing delay
    [hook] = receiver.requests
    assert hook["headers"]["x-webhook-event"] == "transcription.finish"
    expected = hmac.new(space["secret"].encode(), hook["body"], hashlib.sha256).hexdigest()
    assert hook["headers"]["x-webhook-signature"] == expected
    payload = json.loads(hook["body"])
    assert_valid("lessonspace", "webhook.transcription.finish", payload)
    assert "X-Amz-Expires=86400" in payload["transcriptionUrl"]

    org = ls.org_id()
    forms = [f"/organisations/sessions/{session['uuid']}/transcript/",
             f"/organisations/{org}/sessions/{session['uuid']}/transcript/",
             f"/organisations/sessions/transcript/?session={session['uuid']}"]
    for form in forms:
        answer = ls.get(form)
        assert answer.status_code == 200, form
        assert_valid("lessonspace", "transcript.response", answer.json())
    url = ls.get(forms[0]).json()["transcriptionUrl"]
    assert "X-Amz-Expires=43200" in url
    transcript = requests.get(url).json()
    assert_valid("lessonspace", "file.transcript", transcript)
    assert {s["breakout_id"] for s in transcript} == {"main", *(b["id"] for b in session["breakouts"])}
    assert {s["user"]["id"] for s in transcript} == {p["user_id"] for p in session["participants"]}
    assert all(0 <= s["start_time"] < s["end_time"] <= 600 for s in transcript)
    assert requests.get(payload["transcriptionUrl"]).json() == transcript
    detail = ls.session(session["uuid"])
    assert detail["transcription"]["status"] == "ready"
    assert detail["transcribed_participant_minutes"] == 40  # 4 people x 10 minutes


def test_api_link_lives_12_hours_and_webhook_link_24(ls, receiver):
    _, session = transcribed_session(ls, receiver)
    ls.emulator.advance(720)
    api_url = ls.get(f"/organisations/sessions/{session['uuid']}/transcript/").json()["transcriptionUrl"]
    hook_url = receiver.bodies()[0]["transcriptionUrl"]
    ls.emulator.advance(12 * 3600 - 1)
    assert requests.get(api_url).status_code == 200
    ls.emulator.advance(1)
    assert requests.get(api_url).status_code == 403
    assert requests.get(hook_url).status_code == 200
    ls.emulator.advance(12 * 3600 - 1)
    assert requests.get(hook_url).status_code == 200
    ls.emulator.advance(1)
    expired = requests.get(hook_url)
    assert expired.status_code == 403 and "Request has expired" in expired.text


@pytest.mark.parametrize("duration, users, status", [
    (149, 2, "not_eligible"),
    (150, 2, "ready"),
    (600, 1, "not_eligible"),
    (600, 2, "ready"),
])
def test_eligibility_edges(ls, duration, users, status):
    _, session = transcribed_session(ls, users=users, duration=duration)
    ls.emulator.advance(duration + 120)
    detail = ls.session(session["uuid"])
    assert detail["transcription"]["status"] == status, detail["transcription"]
    answer = ls.get(f"/organisations/sessions/{session['uuid']}/transcript/")
    assert answer.status_code == (200 if status == "ready" else 404)


def test_flag_is_read_as_the_session_ends(ls):
    space = ls.launch(id="flip", transcribe=True)
    session = ls.run_session(space["room_id"], duration=600)
    ls.launch(id="flip")  # a later call without transcribe switches it off before the end
    ls.emulator.advance(900)
    detail = ls.session(session["uuid"])
    assert detail["transcription"]["status"] == "not_requested"
    answer = ls.get(f"/organisations/sessions/{session['uuid']}/transcript/")
    assert answer.status_code == 404 and "not enabled" in answer.json()["detail"]


def test_record_av_off_means_no_transcript(ls):
    space = ls.launch(id="noav", transcribe=True, record_av=False)
    session = ls.run_session(space["room_id"], duration=600)
    ls.emulator.advance(900)
    assert ls.session(session["uuid"])["transcription"]["status"] == "not_eligible"


def test_settings_change_the_rules(ls):
    control = ls.emulator.control_url("lessonspace/settings")
    answer = requests.patch(control, json={"min_transcription_seconds": 300, "transcription_delay_seconds": 5})
    assert answer.status_code == 200 and answer.json()["min_transcription_seconds"] == 300
    _, session = transcribed_session(ls, duration=299)
    ls.emulator.advance(310)
    assert ls.session(session["uuid"])["transcription"]["status"] == "not_eligible"
    assert requests.patch(control, json={"min_transcription_seconds": "x"}).status_code == 400
    assert requests.patch(control, json={"nope": 1}).status_code == 400


def test_webhook_retries_until_the_receiver_recovers(ls, receiver):
    receiver.answers = [500, 502, 503]
    space, session = transcribed_session(ls, receiver)
    ls.emulator.advance(720)
    assert len(receiver.requests) == 1
    ls.emulator.advance(sum(RETRY_POLICY.delays[:3]))  # three retries on Lessonspace's schedule
    assert len(receiver.requests) == 4
    ids = {r["headers"]["x-webhook-id"] for r in receiver.requests}
    assert len(ids) == 1  # the same id on every retry
    [delivery] = [d for d in ls.emulator.webhooks if d["event"] == "transcription.finish"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 4


def test_webhook_gives_up_after_five_attempts(ls, receiver):
    receiver.answers = [500] * 9
    transcribed_session(ls, receiver)
    ls.emulator.advance(hours=2)
    assert len(receiver.requests) == 5
    [delivery] = ls.emulator.webhooks
    assert delivery["status"] == "failed"


def test_control_errors(ls):
    assert requests.post(ls.emulator.control_url("lessonspace/spaces/nope/sessions"), json={}).status_code == 404
    space = ls.launch(id="c")
    url = ls.emulator.control_url(f"lessonspace/spaces/{space['room_id']}/sessions")
    assert requests.post(url, json={"duration": -1}).status_code == 400
    assert requests.post(url, json={"users": "many"}).status_code == 400
    assert requests.post(url, data="{", headers={"Content-Type": "application/json"}).status_code == 400
    session = requests.post(url, json={}).json()
    again = requests.post(url, json={})
    assert again.status_code == 409
    end = requests.post(ls.emulator.control_url(f"lessonspace/sessions/{session['uuid']}/end"))
    assert end.status_code == 200 and end.json()["in_progress"] is False
    assert requests.post(ls.emulator.control_url(f"lessonspace/sessions/{session['uuid']}/end")).status_code == 409
