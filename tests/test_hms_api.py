"""100ms over real HTTP: management tokens, rooms, recordings, assets, transcription, webhooks."""
import csv
import io
import re
import time
from datetime import datetime, timezone

import pytest
import requests
from freezegun import freeze_time

from helpers import HMS_SECRET, assert_valid, hms_token

TRANSCRIBE = {"enabled": True, "output_modes": ["txt", "srt", "json"], "custom_vocabulary": ["WebSDK", "Pichai"],
              "summary": {"enabled": True, "context": "a planning call", "temperature": 0.5,
                          "sections": [{"title": "Agenda", "format": "bullets"},
                                       {"title": "Short Summary", "format": "paragraph"}]}}


def record(hms, room_id, seconds=600, **body):
    """Start, let it run ``seconds``, stop, and let it complete."""
    recording = hms.start(room_id, **body)
    hms.emulator.advance(hms.seconds("starting", seconds))
    assert hms.post(f"/recordings/{recording['id']}/stop").status_code == 200
    hms.emulator.advance(10)
    return hms.recording(recording["id"])


# -- auth --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["expired", "not-yet-valid", "wrong-secret", "wrong-type", "wrong-version",
                                  "unknown-access-key", "missing", "not-a-jwt", "basic"])
def test_bad_tokens_are_401(emulator, kind):
    now = time.time()
    token = {
        "expired": lambda: hms_token(now - 7200, valid_for=3600),
        "not-yet-valid": lambda: hms_token(now, nbf_offset=60),
        "wrong-secret": lambda: hms_token(now, secret="another-secret-of-the-right-length-000"),
        "wrong-type": lambda: hms_token(now, type="app"),
        "wrong-version": lambda: hms_token(now, version=1),
        "unknown-access-key": lambda: hms_token(now, access_key="6500000000000000000000bb"),
        "missing": lambda: None,
        "not-a-jwt": lambda: "abc.def",
        "basic": lambda: "basic",
    }[kind]()
    headers = {} if token is None else {"Authorization": token if kind == "basic" else f"Bearer {token}"}
    answer = requests.get(emulator.url("100ms") + "/recordings", headers=headers)
    assert answer.status_code == 401
    body = answer.json()
    assert_valid("100ms", "error", body)
    assert body["code"] == 401 and body["message"] == "Token validation error" and body["details"]


def rooms_status(emulator, token):
    return requests.get(emulator.url("100ms") + "/rooms", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_pyjwt_token_works_with_a_few_seconds_of_skew(emulator):
    for offset in (0, 5):  # nbf a little in the future is tolerated
        assert rooms_status(emulator, hms_token(nbf_offset=offset)) == 200
    minted = int(time.time())
    token = hms_token(minted, valid_for=60)
    with freeze_time(datetime.fromtimestamp(minted + 69, timezone.utc)):  # the real clock, not the emulator's
        assert rooms_status(emulator, token) == 200
    with freeze_time(datetime.fromtimestamp(minted + 70, timezone.utc)):  # exp + 10 s of skew
        assert rooms_status(emulator, token) == 401


def test_token_validity_is_real_time_whatever_the_emulator_clock_says(emulator):
    """The SDKs mint tokens on the real clock; moving the emulator clock two days keeps them valid."""
    token = hms_token(valid_for=86400)
    emulator.advance(days=2)
    assert rooms_status(emulator, token) == 200
    stale = hms_token(time.time() - 2 * 86400, valid_for=86400)  # valid in emulator time, expired in real time
    assert rooms_status(emulator, stale) == 401


@pytest.mark.parametrize("valid_for", [14 * 86400 + 11, 10**12, 1e308])
def test_tokens_longer_than_the_vendor_issues_are_refused(emulator, valid_for):
    import jwt
    now = int(time.time())
    claims = {"access_key": "6500000000000000000000aa", "type": "management", "version": 2, "iat": now,
              "nbf": now, "exp": now + valid_for, "jti": "x"}
    token = jwt.encode(claims, HMS_SECRET, algorithm="HS256")
    answer = requests.get(emulator.url("100ms") + "/rooms", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401 and answer.json()["details"] == ["token lifetime exceeds 14 days"]
    assert rooms_status(emulator, hms_token(valid_for=14 * 86400)) == 200


def test_credentials_are_configurable(emulator, hms):
    hms.control("PATCH", "settings", json={"access_key": "abcdefabcdefabcdefabcdef", "app_secret": "my-own-secret-0123456789abcdef012"})
    old = requests.get(hms.base + "/rooms", headers=hms.http.headers)
    assert old.status_code == 401
    token = hms_token(access_key="abcdefabcdefabcdefabcdef", secret="my-own-secret-0123456789abcdef012")
    assert requests.get(hms.base + "/rooms", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    minted = hms.control("GET", "token").json()["token"]
    assert requests.get(hms.base + "/rooms", headers={"Authorization": f"Bearer {minted}"}).status_code == 200


# -- ids and rooms -----------------------------------------------------------------------------
def test_ids_are_object_ids_with_the_emulator_time(hms):
    first = hms.room(name="a")
    hms.emulator.advance(days=3)
    second = hms.room(name="b")
    assert re.fullmatch(r"[0-9a-f]{24}", first["id"])
    assert int(first["id"][:8], 16) == int(hms.emulator.now) - 3 * 86400
    assert int(second["id"][:8], 16) == int(hms.emulator.now)


def test_rooms_create_update_get_list(hms):
    room = hms.room(name="standup", description="daily", webhook={"url": "http://127.0.0.1:9/h", "headers": {"X-Passcode": "x"}})
    assert_valid("100ms", "room", room)
    assert "webhook" not in room  # secret headers are not echoed
    again = hms.room(name="standup", description="renamed")
    assert again["id"] == room["id"] and again["description"] == "renamed"
    assert hms.get(f"/rooms/{room['id']}").json() == again
    listing = hms.get("/rooms").json()
    assert_valid("100ms", "rooms.list.response", listing)
    assert [r["id"] for r in listing["data"]] == [room["id"]]
    assert hms.get("/rooms/000000000000000000000000").status_code == 404
    bad = hms.post("/rooms", json={"name": "no spaces allowed"})
    assert bad.status_code == 400 and bad.json()["message"].startswith("name")
    assert hms.post("/rooms", json={"max_duration_seconds": 60}).status_code == 400


# -- starting recordings ---------------------------------------------------------------------
@pytest.mark.parametrize("transcription, field", [
    ({"enabled": True, "summary": {"enabled": True, "context": "x" * 301}}, "context"),
    ({"enabled": True, "summary": {"enabled": True, "temperature": 0.05}}, "temperature"),
    ({"enabled": True, "summary": {"enabled": True, "temperature": 1.1}}, "temperature"),
    ({"enabled": True, "summary": {"enabled": True, "sections": [{"title": "s", "format": "bullets"}] * 7}}, "sections"),
    ({"enabled": True, "summary": {"enabled": True, "sections": [{"title": "t" * 101, "format": "bullets"}]}}, "title"),
    ({"enabled": True, "summary": {"enabled": True, "sections": [{"title": "t", "format": "table"}]}}, "format"),
    ({"enabled": True, "summary": {"enabled": True, "sections": [{"format": "bullets"}]}}, "title"),
    ({"enabled": True, "output_modes": ["pdf"]}, "output_modes"),
    ({"enabled": "yes"}, "enabled"),
])
def test_transcription_limits_are_enforced(hms, transcription, field):
    room = hms.room(name="limits")
    answer = hms.post(f"/recordings/room/{room['id']}/start", json={"transcription": transcription})
    assert answer.status_code == 400
    assert_valid("100ms", "error", answer.json())
    assert field in answer.json()["message"]


def test_the_limits_themselves_are_accepted(hms):
    room = hms.room(name="edges")
    summary = {"enabled": True, "context": "x" * 300, "temperature": 0.1,
               "sections": [{"title": "t" * 100, "format": "paragraph"}] * 6}
    started = hms.post(f"/recordings/room/{room['id']}/start", json={"transcription": {"enabled": True, "summary": summary}})
    assert started.status_code == 200, started.text
    room = hms.room(name="edges2")
    started = hms.post(f"/recordings/room/{room['id']}/start",
                       json={"transcription": {"enabled": True, "summary": {"enabled": True, "temperature": 1.0}}})
    assert started.status_code == 200, started.text


@pytest.mark.parametrize("resolution, ok", [({"width": 1920, "height": 1080}, True), ({"width": 1080, "height": 1920}, True),
                                            ({"width": 1920, "height": 1200}, False), ({"width": 400, "height": 480}, False),
                                            ({"width": 1200, "height": 1920}, False)])
def test_resolution_bounds(hms, resolution, ok):
    room = hms.room(name="res")
    answer = hms.post(f"/recordings/room/{room['id']}/start", json={"resolution": resolution})
    assert answer.status_code == (200 if ok else 400), answer.text


def test_start_errors(hms):
    assert hms.post("/recordings/room/000000000000000000000000/start", json={}).status_code == 404
    room = hms.room(name="twice")
    first = hms.start(room["id"])
    assert_valid("100ms", "recording", first)
    assert first["status"] == "starting" and first["asset_types"] == ["room-composite", "chat"]
    again = hms.post(f"/recordings/room/{room['id']}/start", json={})
    assert again.status_code == 409 and first["id"] in again.json()["message"]
    assert hms.post(f"/recordings/room/{room['id']}/start", data="{", headers={"Content-Type": "application/json"}).status_code == 400


# -- the state machine -----------------------------------------------------------------------
def test_status_moves_through_the_documented_machine(hms):
    room = hms.room(name="machine")
    recording = hms.start(room["id"], transcription=TRANSCRIBE)
    assert recording["asset_types"] == ["room-composite", "chat", "transcript", "summary"]
    hms.emulator.advance(2)
    assert hms.recording(recording["id"])["status"] == "starting"
    hms.emulator.advance(1)
    running = hms.recording(recording["id"])
    assert running["status"] == "running" and running["started_at"] and running["recording_assets"] is None
    hms.emulator.advance(120)
    stopped = hms.post(f"/recordings/{recording['id']}/stop").json()
    assert stopped["status"] == "stopping" and stopped["stopped_by"] == ""
    hms.emulator.advance(2)
    assert hms.recording(recording["id"])["status"] == "post_processing"
    hms.emulator.advance(8)
    done = hms.recording(recording["id"])
    assert_valid("100ms", "recording", done)
    assert done["status"] == "completed"
    kinds = {(a["type"], a["metadata"].get("output_mode")): a["status"] for a in done["recording_assets"]}
    assert kinds == {("room-composite", None): "completed", ("chat", None): "completed",
                     ("transcript", "txt"): "processing", ("transcript", "srt"): "processing",
                     ("transcript", "json"): "processing", ("summary", "json"): "processing"}
    assert all("job_id" not in a for a in done["recording_assets"])
    again = hms.post(f"/recordings/{recording['id']}/stop")
    assert again.status_code == 400 and "not running" in again.json()["message"]


def test_pause_and_resume_keep_running(hms):
    room = hms.room(name="pause")
    recording = hms.start(room["id"])
    assert hms.post(f"/recordings/room/{room['id']}/pause").status_code == 404  # still starting
    hms.emulator.advance(3)
    paused = hms.post(f"/recordings/room/{room['id']}/pause")
    assert paused.status_code == 200 and paused.json()["status"] == "running" and paused.json()["asset_types"] is None
    assert hms.post(f"/recordings/room/{room['id']}/pause").status_code == 409
    hms.emulator.advance(100)
    assert hms.post(f"/recordings/room/{room['id']}/resume").json()["status"] == "running"
    hms.emulator.advance(50)
    hms.post(f"/recordings/{recording['id']}/stop")
    hms.emulator.advance(10)
    composite = [a for a in hms.recording(recording["id"])["recording_assets"] if a["type"] == "room-composite"][0]
    assert composite["duration"] == 50  # the paused 100 s are not recorded


def test_stop_all_in_a_room_answers_the_envelope(hms):
    room = hms.room(name="all")
    recording = hms.start(room["id"])
    hms.emulator.advance(3)
    answer = hms.post(f"/recordings/room/{room['id']}/stop")
    assert answer.status_code == 200
    assert_valid("100ms", "recordings.stop.response", answer.json())
    assert [r["id"] for r in answer.json()["data"]] == [recording["id"]]
    assert answer.json()["data"][0]["status"] == "stopping"


def test_stopping_while_starting_fails_with_beam_stopped(hms, receiver):
    room = hms.room(name="early", webhook={"url": receiver.url + "/h", "headers": {}})
    recording = hms.start(room["id"])
    hms.post(f"/recordings/{recording['id']}/stop")
    hms.emulator.settle()
    assert hms.recording(recording["id"])["status"] == "failed"
    [failure] = [b for b in receiver.bodies() if b["type"].startswith("beam.")]
    assert failure["type"] == "beam.failure" and failure["data"]["error_type"] == "BEAM_STOPPED"


def test_max_duration_and_last_peer_left_stop_it_on_the_clock(hms, receiver):
    hms.control("PATCH", "settings", json={"max_duration_seconds": 900, "session_seconds": 3600})
    room = hms.room(name="long", webhook={"url": receiver.url, "headers": {}})
    recording = hms.start(room["id"])
    hms.emulator.advance(hms.seconds("starting", 899))  # a second short of max_duration
    assert hms.recording(recording["id"])["status"] == "running"
    hms.emulator.advance(1)
    assert hms.recording(recording["id"])["status"] == "stopping"
    hms.emulator.advance(20)
    stopped = [b for b in receiver.bodies() if b["type"] == "beam.stopped.success"][0]
    assert stopped["data"]["reason"] == "max duration reached" and stopped["data"]["duration"] == 900

    room = hms.room(name="left", webhook={"url": receiver.url, "headers": {}})
    hms.control("PATCH", "settings", json={"session_seconds": 120})
    recording = hms.start(room["id"])
    assert hms.get("/sessions", params={"room_id": room["id"]}).json()["data"][0]["active"] is True
    hms.emulator.advance(120)  # the people leave; the recording goes on for 5 more minutes
    assert hms.recording(recording["id"])["status"] == "running"
    hms.emulator.advance(299)
    assert hms.recording(recording["id"])["status"] == "running"
    hms.emulator.advance(1)
    assert hms.recording(recording["id"])["status"] == "stopping"
    hms.emulator.advance(20)
    reasons = [b["data"]["reason"] for b in receiver.bodies() if b["type"] == "beam.stopped.success"]
    assert reasons[-1] == "last peer left"
    assert hms.get("/sessions", params={"room_id": room["id"], "active": "true"}).json()["data"] == []
    session = hms.get("/sessions", params={"room_id": room["id"]}).json()["data"][0]
    assert_valid("100ms", "session", session)
    assert session["active"] is False and all(p["left_at"] for p in session["peers"].values())


@pytest.mark.parametrize("error_type", ["INTERNAL_ERROR", "MAX_RETRIES_REACHED", "UPLOAD_ERROR"])
def test_forced_failures(hms, receiver, error_type):
    room = hms.room(name="fail", webhook={"url": receiver.url, "headers": {}})
    recording = hms.start(room["id"])
    hms.emulator.advance(3)
    failed = hms.control("POST", f"recordings/{recording['id']}/fail", json={"error_type": error_type})
    assert failed.status_code == 200 and failed.json()["status"] == "failed"
    hms.emulator.settle()
    failure = [b for b in receiver.bodies() if b["type"].startswith("beam.")][-1]
    assert_valid("100ms", "webhook.beam.failure", failure)
    assert failure["data"]["error_type"] == error_type
    assert hms.control("POST", f"recordings/{recording['id']}/fail", json={}).status_code == 409


# -- transcription timing --------------------------------------------------------------------
@pytest.mark.parametrize("seconds, minimum, ready_after", [(1000, 60, 200), (100, 60, 60), (600, 300, 300)])
def test_transcript_assets_complete_after_max_of_minimum_and_20_percent(hms, seconds, minimum, ready_after):
    hms.control("PATCH", "settings", json={"transcription_min_seconds": minimum, "session_seconds": 7200})
    room = hms.room(name="timing")
    recording = record(hms, room["id"], seconds, transcription=TRANSCRIBE)  # completed now
    transcripts = lambda: {a["status"] for a in hms.recording(recording["id"])["recording_assets"]
                           if a["type"] in ("transcript", "summary")}
    assert transcripts() == {"processing"}
    hms.emulator.advance(ready_after - 1)
    assert transcripts() == {"processing"}
    hms.emulator.advance(1)
    assert transcripts() == {"completed"}


def test_failed_transcription(hms, receiver):
    room = hms.room(name="tfail", webhook={"url": receiver.url, "headers": {}})
    recording = record(hms, room["id"], 60, transcription=TRANSCRIBE)
    assert hms.control("POST", f"recordings/{recording['id']}/fail", json={"transcription": True}).status_code == 200
    hms.emulator.advance(hours=1)
    events = [b["type"] for b in receiver.bodies() if b["type"].startswith(("beam.", "transcription."))]
    assert events[-1] == "transcription.failure" and "transcription.success" not in events
    assert {a["status"] for a in hms.recording(recording["id"])["recording_assets"] if a["type"] == "transcript"} == {"failed"}


# -- assets, links and files -----------------------------------------------------------------
def test_assets_list_filters_pagination_and_presigned_urls(hms):
    room = hms.room(name="assets")
    for _ in range(3):
        record(hms, room["id"], 30, transcription=TRANSCRIBE)
        hms.emulator.advance(400)
    listing = hms.get("/recording-assets").json()
    assert_valid("100ms", "assets.list.response", listing)
    assert listing["limit"] == 10 and len(listing["data"]) == 10
    rest = hms.get("/recording-assets", params={"start": listing["last"]}).json()
    assert len(rest["data"]) == 8 and {a["id"] for a in rest["data"]}.isdisjoint(a["id"] for a in listing["data"])
    assert hms.get("/recording-assets", params={"start": rest["last"]}).json() == {"limit": 10, "data": [], "last": ""}
    assert len(hms.get("/recording-assets", params={"type": "transcript", "limit": 100}).json()["data"]) == 9
    assert hms.get("/recording-assets", params={"limit": 9}).status_code == 400
    assert hms.get("/recording-assets", params={"limit": 101}).status_code == 400
    assert hms.get("/recording-assets", params={"type": "pdf"}).status_code == 400
    recordings = hms.get("/recordings", params={"room_id": room["id"]}).json()
    assert_valid("100ms", "recordings.list.response", recordings)
    assert len(recordings["data"]) == 3 and all("recording_assets" not in r for r in recordings["data"])
    assert hms.get("/recordings", params={"status": "running"}).json()["data"] == []

    asset = listing["data"][0]
    assert_valid("100ms", "asset", hms.get(f"/recording-assets/{asset['id']}").json())
    default = hms.get(f"/recording-assets/{asset['id']}/presigned-url").json()
    assert_valid("100ms", "presigned_url.response", default)
    assert default["expiry"] == 3 * 86400 and default["path"] == asset["path"]
    short = hms.get(f"/recording-assets/{asset['id']}/presigned-url", params={"presign_duration": 600}).json()
    hms.emulator.advance(599)
    assert requests.get(short["url"]).status_code == 200
    hms.emulator.advance(1)
    assert requests.get(short["url"]).status_code == 403
    hms.emulator.advance(3 * 86400 - 601)
    assert requests.get(default["url"]).status_code == 200
    hms.emulator.advance(1)
    assert requests.get(default["url"]).status_code == 403
    assert hms.get(f"/recording-assets/{asset['id']}/presigned-url", params={"presign_duration": 0}).status_code == 400


def test_files_are_real_and_in_the_documented_formats(hms, tmp_path):
    room = hms.room(name="files")
    hms.control("PATCH", "settings", json={"transcription_min_seconds": 10})
    recording = record(hms, room["id"], 300, transcription=TRANSCRIBE)
    hms.emulator.advance(60)
    assets = {(a["type"], a["metadata"].get("output_mode")): a for a in hms.recording(recording["id"])["recording_assets"]}
    get = lambda kind, mode=None: requests.get(
        hms.get(f"/recording-assets/{assets[(kind, mode)]['id']}/presigned-url").json()["url"])
    video = get("room-composite")
    assert video.headers["Content-Type"] == "video/mp4" and video.content[4:8] == b"ftyp"
    assert assets[("room-composite", None)]["size"] == len(video.content)
    chat = list(csv.reader(io.StringIO(get("chat").text)))
    assert chat[0] == ["timestamp", "peer_id", "name", "role", "message"]
    txt = get("transcript", "txt").text
    assert re.match(r"^[^:\n]+: .+\n\n", txt)
    srt = get("transcript", "srt").text
    assert re.match(r"^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n[^:]+: ", srt)
    words = get("transcript", "json").json()
    assert_valid("100ms", "file.transcript", words)
    assert {w["word"].strip(".,") for w in words["words"]} & {"WebSDK", "Pichai"}  # custom vocabulary is heard
    summary = get("summary", "json").json()
    assert_valid("100ms", "file.summary", summary)
    assert [s["title"] for s in summary["summary"]["sections"]] == ["Speakers", "Agenda", "Short Summary"]
    assert summary["summary"]["sections"][2]["paragraph"]


# -- webhooks ----------------------------------------------------------------------------------
def test_webhooks_in_order_with_custom_headers_and_24_hour_links(hms, receiver):
    hms.control("PATCH", "settings", json={"transcription_min_seconds": 60})
    room = hms.room(name="hooks", webhook={"url": receiver.url + "/100ms", "headers": {"X-Passcode": "s3cret"}})
    recording = record(hms, room["id"], 120, transcription=TRANSCRIBE)
    hms.emulator.advance(60)
    for request, body in zip(receiver.requests, receiver.bodies()):
        assert request["headers"]["X-Passcode"] == "s3cret"
        assert_valid("100ms", f"webhook.{body['type']}", body)
    bodies = [b for b in receiver.bodies() if b["type"].startswith(("beam.", "transcription."))]
    assert [b["type"] for b in bodies] == ["beam.started.success", "beam.stopped.success", "beam.recording.success",
                                           "transcription.started.success", "transcription.success"]
    for body in bodies:
        assert body["data"].get("job_id", body["data"].get("recording_id")) == recording["id"]
    assert len({b["id"] for b in bodies}) == 5
    done = bodies[-1]["data"]
    started = bodies[3]["data"]
    assert started["transcript_txt_asset_id"] == done["transcript_txt_asset_id"]
    link = done["transcript_txt_presigned_url"]
    assert "X-Amz-Expires=86400" in link and requests.get(link).status_code == 200
    assert bodies[2]["data"]["recording_presigned_url"].count("X-Amz-Expires=86400") == 1


def test_webhook_retries_at_1_3_and_10_seconds_and_only_200_counts(hms, receiver):
    receiver.answers = [200, 200, 200, 500, 204, 503, 500]  # the session opens and two peers join, then Beam
    hms.control("PATCH", "settings", json={"session_seconds": 43200})  # nothing else happens in that hour
    room = hms.room(name="retry", webhook={"url": receiver.url, "headers": {}})
    hms.start(room["id"])
    hms.emulator.settle()
    assert len(receiver.requests) == 3
    hms.emulator.advance(3)
    assert len(receiver.requests) == 4
    hms.emulator.advance(1)
    assert len(receiver.requests) == 5  # +1 s
    hms.emulator.advance(2)
    assert len(receiver.requests) == 5
    hms.emulator.advance(1)
    assert len(receiver.requests) == 6  # +3 s after the first retry
    hms.emulator.advance(10)
    assert len(receiver.requests) == 7  # +10 s: the last of three retries
    hms.emulator.advance(hours=1)
    assert len(receiver.requests) == 7
    [delivery] = [d for d in hms.emulator.webhooks if d["event"] == "beam.started.success"]
    assert delivery["status"] == "failed" and [a["status_code"] for a in delivery["attempt_log"]] == [500, 204, 503, 500]


def test_workspace_webhook_applies_when_the_room_has_none(hms, receiver):
    hms.control("PATCH", "settings", json={"webhook_url": receiver.url + "/ws", "webhook_headers": {"X-Env": "dev"}})
    room = hms.room(name="ws-hook")
    hms.start(room["id"])
    hms.emulator.advance(3)
    assert receiver.requests[0]["path"] == "/ws" and receiver.requests[0]["headers"]["X-Env"] == "dev"
