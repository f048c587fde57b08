"""SpotMe Backstage over real HTTP: auth, workspaces, generation jobs, transcripts, glossaries, files."""
import io
import re
import subprocess

import pytest
import requests
import webvtt

from helpers import assert_valid

KEYNOTE, DEEP_DIVE, PANEL = "Opening keynote", "Product deep dive", "Closing panel"
ROUNDTABLE, ASK = "Partner roundtable", "Ask the speakers"


def finish(spotme, ws, job_id, minutes=60):
    for _ in range(minutes):
        job = spotme.get(f"/workspace/{ws}/transcript-jobs/{job_id}").json()
        if job["status"] in ("completed", "failed"):
            return job
        spotme.emulator.advance(60)
    raise AssertionError("the job did not finish")


def generate(spotme, ws, path, **body):
    answer = spotme.post(f"/workspace/{ws}/{path}/transcript", json=body)
    assert answer.status_code == 202, answer.text
    return answer.json()


# -- auth --------------------------------------------------------------------------------------
@pytest.mark.parametrize("header", [None, "Bearer", "Bearer short", "Token abcdefghijkl", "bearer abcdefghijkl",
                                    "Bearer has spaces in it"])
def test_missing_or_malformed_auth_is_401(emulator, header):
    headers = {"Authorization": header} if header else {}
    answer = requests.get(emulator.url("spotme") + "/workspaces", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized" and answer.json()["message"]
    assert_valid("spotme", "error", answer.json())


def test_any_token_acts_on_any_workspace(spotme):
    ws = spotme.workspace()["id"]
    other = requests.get(f"{spotme.base}/workspace/{ws}", headers={"Authorization": "Bearer another-token-999"})
    assert other.status_code == 200 and other.json()["id"] == ws


# -- workspaces, sessions, breakouts -----------------------------------------------------------
def test_the_default_workspace_has_sessions_and_breakouts_in_every_state(spotme):
    ws = spotme.workspace()
    assert_valid("spotme", "workspaces.list.response", spotme.get("/workspaces").json())
    assert_valid("spotme", "workspace", spotme.get(f"/workspace/{ws['id']}").json())
    sessions, breakouts = ws["sessions"], ws["breakouts"]
    assert (sessions[KEYNOTE]["status"], sessions[KEYNOTE]["vod"]["status"]) == ("past", "available")
    assert (sessions[DEEP_DIVE]["status"], sessions[DEEP_DIVE]["vod"]["status"]) == ("past", "processing")
    assert (sessions[PANEL]["status"], sessions[PANEL]["vod"]["status"]) == ("scheduled", "none")
    assert breakouts[ROUNDTABLE]["status"] == "finished" and breakouts[ASK]["status"] == "live"
    for s in sessions.values():
        assert_valid("spotme", "live_session", s)
        assert spotme.get(f"/workspace/{ws['id']}/live-sessions/{s['id']}").json() == s
    for b in breakouts.values():
        assert_valid("spotme", "breakout", b)


def test_states_follow_the_clock(spotme):
    ws = spotme.workspace()
    spotme.emulator.advance(minutes=25)
    detail = spotme.get(f"/workspace/{ws['id']}/live-sessions/{ws['sessions'][DEEP_DIVE]['id']}").json()
    assert detail["vod"]["status"] == "available"
    assert spotme.get(f"/workspace/{ws['id']}/breakouts/{ws['breakouts'][ASK]['id']}").json()["status"] == "finished"


def test_unknown_ids_are_404(spotme):
    ws = spotme.workspace()["id"]
    for path in ["/workspace/nope", "/workspace/nope/live-sessions", f"/workspace/{ws}/live-sessions/nope",
                 f"/workspace/{ws}/breakouts/nope/transcript",
                 f"/workspace/{ws}/transcript-jobs/00000000-0000-4000-8000-000000000000",
                 f"/workspace/{ws}/glossaries/00000000-0000-4000-8000-000000000000", "/nothing/here"]:
        answer = spotme.get(path)
        assert answer.status_code == 404, path
        assert_valid("spotme", "error", answer.json())
    assert spotme.post(f"/workspace/{ws}/live-sessions/nope/transcript", json={}).status_code == 404


# -- generation --------------------------------------------------------------------------------
def test_generation_preconditions_are_409(spotme):
    ws = spotme.workspace()
    for path in [f"live-sessions/{ws['sessions'][DEEP_DIVE]['id']}", f"live-sessions/{ws['sessions'][PANEL]['id']}",
                 f"breakouts/{ws['breakouts'][ASK]['id']}"]:
        answer = spotme.post(f"/workspace/{ws['id']}/{path}/transcript", json={})
        assert answer.status_code == 409, path
        assert answer.json()["error"] == "conflict" and "not" in answer.json()["message"]
    spotme.emulator.advance(minutes=25)  # the deep dive's VOD is out, the breakout has finished
    generate(spotme, ws["id"], f"live-sessions/{ws['sessions'][DEEP_DIVE]['id']}")
    generate(spotme, ws["id"], f"breakouts/{ws['breakouts'][ASK]['id']}")


def test_a_job_moves_pending_processing_completed_with_timestamps(spotme):
    ws = spotme.workspace()
    session = ws["sessions"][KEYNOTE]  # one hour long
    job = generate(spotme, ws["id"], f"live-sessions/{session['id']}")
    assert_valid("spotme", "generate.response", job)
    url = f"/workspace/{ws['id']}/transcript-jobs/{job['job_id']}"
    first = spotme.get(url).json()
    assert first["status"] == "pending" and first["started_at"] is None
    assert first["target"] == {"type": "live_session", "id": session["id"]}
    spotme.emulator.advance(5)
    assert spotme.get(url).json()["status"] == "processing"
    spotme.emulator.advance(6 * 60 - 1)  # 6 s per minute of a 60-minute session
    assert spotme.get(url).json()["status"] == "processing"
    spotme.emulator.advance(1)
    done = spotme.get(url).json()
    assert_valid("spotme", "job", done)
    assert done["status"] == "completed" and done["completed_at"] and done["failed_at"] is None


def test_processing_time_is_proportional_and_configurable(spotme):
    ws = spotme.workspace()
    spotme.control("PATCH", "settings", json={"processing_seconds_per_minute": 1, "pending_seconds": 0})
    breakout = ws["breakouts"][ROUNDTABLE]  # 30 minutes: 30 s at 1 s a minute
    job = generate(spotme, ws["id"], f"breakouts/{breakout['id']}")
    spotme.emulator.advance(29)
    assert spotme.get(f"/workspace/{ws['id']}/transcript-jobs/{job['job_id']}").json()["status"] == "processing"
    spotme.emulator.advance(1)
    assert spotme.get(f"/workspace/{ws['id']}/transcript-jobs/{job['job_id']}").json()["status"] == "completed"


def test_a_job_can_be_forced_to_fail(spotme):
    ws = spotme.workspace()
    job = generate(spotme, ws["id"], f"live-sessions/{ws['sessions'][KEYNOTE]['id']}")
    failed = spotme.control("POST", f"jobs/{job['job_id']}/fail", json={"message": "VOD corrupted"})
    assert failed.status_code == 200 and failed.json()["status"] == "failed"
    spotme.emulator.advance(hours=1)
    detail = spotme.get(f"/workspace/{ws['id']}/transcript-jobs/{job['job_id']}").json()
    assert detail["status"] == "failed" and detail["error"]["message"] == "VOD corrupted"
    assert spotme.control("POST", f"jobs/{job['job_id']}/fail", json={}).status_code == 409
    assert spotme.get(f"/workspace/{ws['id']}/live-sessions/{ws['sessions'][KEYNOTE]['id']}/transcript").status_code == 404


def test_retrieve_links_files_and_the_6_hour_boundary(spotme):
    ws = spotme.workspace()
    session = ws["sessions"][KEYNOTE]
    url = f"/workspace/{ws['id']}/live-sessions/{session['id']}/transcript"
    before = spotme.get(url)
    assert before.status_code == 404 and "No transcript has been generated" in before.json()["message"]
    job = finish(spotme, ws["id"], generate(spotme, ws["id"], f"live-sessions/{session['id']}")["job_id"])
    answer = spotme.get(url).json()
    assert_valid("spotme", "transcript.response", answer)
    assert answer["live_session_id"] == session["id"] and answer["job_id"] == job["job_id"]
    assert answer["glossary_id"] is None and answer["language_code"] == "en"
    files = {name: requests.get(link) for name, link in answer["files"].items()}
    assert all(f.status_code == 200 for f in files.values())
    assert files["vtt"].headers["Content-Type"].startswith("text/vtt")
    captions = webvtt.from_buffer(io.StringIO(files["vtt"].text))
    assert len(captions) > 10 and all(c.voice for c in captions)
    lines = files["txt"].text.splitlines()
    assert all(re.fullmatch(r"\[\d\d:\d\d:\d\d\] [^:]+: .+", line) for line in lines)
    assert {line.split("] ", 1)[1].split(":")[0] for line in lines} <= set(session["speakers"])
    assert files["mp4"].headers["Content-Type"] == "video/mp4"
    assert files["mp4"].content[4:8] == b"ftyp"

    spotme.emulator.advance(30)
    again = spotme.get(url).json()
    assert again["files"]["vtt"] != answer["files"]["vtt"]  # freshly minted
    assert again["generated_at"] == answer["generated_at"]  # nothing regenerated
    assert requests.get(again["files"]["txt"]).text == files["txt"].text
    spotme.emulator.advance(6 * 3600 - 31)
    assert requests.get(answer["files"]["mp4"]).status_code == 200
    spotme.emulator.advance(1)
    expired = requests.get(answer["files"]["mp4"])
    assert expired.status_code == 403 and "Request has expired" in expired.text
    assert requests.get(again["files"]["mp4"]).status_code == 200  # minted 30 s later


@pytest.mark.skipif(subprocess.run(["which", "ffprobe"], capture_output=True).returncode,
                    reason="ffprobe is installed by .ci/run")
def test_the_mp4_opens_in_ffprobe(spotme, tmp_path):
    ws = spotme.workspace()
    session = ws["sessions"][KEYNOTE]
    finish(spotme, ws["id"], generate(spotme, ws["id"], f"live-sessions/{session['id']}")["job_id"])
    link = spotme.get(f"/workspace/{ws['id']}/live-sessions/{session['id']}/transcript").json()["files"]["mp4"]
    path = tmp_path / "recording.mp4"
    path.write_bytes(requests.get(link).content)
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
                            str(path)], capture_output=True, text=True)
    assert probe.returncode == 0 and set(probe.stdout.split()) == {"video", "audio"}
    decode = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"], capture_output=True)
    assert decode.returncode == 0, decode.stderr


def test_triggering_again_replaces_the_transcript_when_the_new_job_completes(spotme):
    ws = spotme.workspace()
    breakout = ws["breakouts"][ROUNDTABLE]
    url = f"/workspace/{ws['id']}/breakouts/{breakout['id']}/transcript"
    finish(spotme, ws["id"], generate(spotme, ws["id"], f"breakouts/{breakout['id']}")["job_id"])
    old = spotme.get(url).json()
    second = generate(spotme, ws["id"], f"breakouts/{breakout['id']}")
    spotme.emulator.advance(10)  # processing: the old transcript stays available
    assert spotme.get(url).json()["job_id"] == old["job_id"]
    assert requests.get(old["files"]["vtt"]).status_code == 200
    finish(spotme, ws["id"], second["job_id"])
    new = spotme.get(url).json()
    assert new["job_id"] == second["job_id"] and new["generated_at"] > old["generated_at"]
    for link in old["files"].values():
        gone = requests.get(link)
        assert gone.status_code == 404 and "<Code>NoSuchKey</Code>" in gone.text
    assert all(requests.get(link).status_code == 200 for link in new["files"].values())


# -- glossaries --------------------------------------------------------------------------------
def test_glossary_crud(spotme):
    ws = spotme.workspace()["id"]
    created = spotme.post(f"/workspace/{ws}/glossaries", json={
        "title": "Product names", "language": "en", "recognize": ["SpotMe", "Kubernetes"],
        "replace": [{"from": "GDPR", "to": "data protection"}], "block": ["OKRs"]})
    assert created.status_code == 201
    glossary = created.json()
    assert_valid("spotme", "glossary", glossary)
    assert glossary["word_count"] == 4
    assert spotme.get(f"/workspace/{ws}/glossaries").json()["data"] == [glossary]
    changed = spotme.http.patch(f"{spotme.base}/workspace/{ws}/glossaries/{glossary['id']}", json={"block": []})
    assert changed.status_code == 200 and changed.json()["word_count"] == 3
    assert spotme.http.delete(f"{spotme.base}/workspace/{ws}/glossaries/{glossary['id']}").status_code == 204
    assert spotme.get(f"/workspace/{ws}/glossaries/{glossary['id']}").status_code == 404


@pytest.mark.parametrize("body, path", [
    ({"language": "en"}, "$"), ({"title": "", "language": "en"}, "$.title"),
    ({"title": "x", "language": "english"}, "$.language"), ({"title": "x", "language": "en", "replace": [{"from": "a"}]},
                                                            "$.replace[0]"),
    ({"title": "x", "language": "en", "recognize": "SpotMe"}, "$.recognize"),
])
def test_glossary_validation(spotme, body, path):
    answer = spotme.post(f"/workspace/{spotme.workspace()['id']}/glossaries", json=body)
    assert answer.status_code == 400
    assert_valid("spotme", "error", answer.json())
    assert answer.json()["details"][0]["path"] == path


def test_a_glossary_visibly_changes_the_generated_text(spotme):
    ws = spotme.workspace()
    session = ws["sessions"][KEYNOTE]
    url = f"/workspace/{ws['id']}/live-sessions/{session['id']}/transcript"
    finish(spotme, ws["id"], generate(spotme, ws["id"], f"live-sessions/{session['id']}")["job_id"])
    plain = requests.get(spotme.get(url).json()["files"]["txt"]).text
    assert "kubernetes" in plain and "spot me" in plain and "gdpr" in plain  # misheard without a glossary
    glossary = spotme.post(f"/workspace/{ws['id']}/glossaries", json={
        "title": "Terms", "language": "en", "recognize": ["SpotMe", "Kubernetes"],
        "replace": [{"from": "GDPR", "to": "data protection"}], "block": ["OKRs"]}).json()
    job = generate(spotme, ws["id"], f"live-sessions/{session['id']}", glossaryId=glossary["id"], languageCode="en")
    finish(spotme, ws["id"], job["job_id"])
    answer = spotme.get(url).json()
    assert answer["glossary_id"] == glossary["id"]
    text = requests.get(answer["files"]["txt"]).text
    captions = requests.get(answer["files"]["vtt"]).text
    for rendered in (text, captions):
        assert "SpotMe" in rendered and "Kubernetes" in rendered and "data protection" in rendered
        assert "spot me" not in rendered and "kubernetes" not in rendered and "gdpr" not in rendered.lower()
        assert "okrs" not in rendered.lower() and "****" in rendered


def test_glossary_language_must_match_and_unknown_glossary_is_404(spotme):
    ws = spotme.workspace()
    path = f"/workspace/{ws['id']}/live-sessions/{ws['sessions'][KEYNOTE]['id']}/transcript"
    glossary = spotme.post(f"/workspace/{ws['id']}/glossaries", json={"title": "FR", "language": "fr"}).json()
    mismatch = spotme.post(path, json={"glossaryId": glossary["id"], "languageCode": "en"})
    assert mismatch.status_code == 400 and "does not match" in mismatch.json()["message"]
    unknown = spotme.post(path, json={"glossaryId": "00000000-0000-4000-8000-000000000000"})
    assert unknown.status_code == 404
    job = spotme.post(path, json={"glossaryId": glossary["id"]}).json()
    detail = spotme.get(f"/workspace/{ws['id']}/transcript-jobs/{job['job_id']}").json()
    assert detail["language_code"] == "fr" and detail["glossary_id"] == glossary["id"]
    assert spotme.post(path, json={"languageCode": 7}).status_code == 400
    assert spotme.post(path, json={"glossary_id": glossary["id"]}).status_code == 400  # a typo is not ignored


# -- rate limit --------------------------------------------------------------------------------
def test_rate_limit_when_switched_on(spotme):
    for _ in range(10):
        assert spotme.get("/workspaces").status_code == 200  # off by default
    assert spotme.control("PATCH", "settings", json={"rate_limit": True}).json()["rate_limit"] is True
    answers = [spotme.get("/workspaces") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[-1].headers["Retry-After"] == "1" and answers[-1].json()["error"] == "rate_limited"
    other = requests.get(spotme.base + "/workspaces", headers={"Authorization": "Bearer someone-else-1"})
    assert other.status_code == 200  # per token
    spotme.emulator.advance(1)
    assert [spotme.get("/workspaces").status_code for _ in range(4)] == [200, 200, 200, 429]


# -- simulation endpoints ----------------------------------------------------------------------
def test_control_creates_workspaces_sessions_and_breakouts(spotme):
    ws = spotme.control("POST", "workspaces", json={"name": "Sales kickoff"}).json()
    session = spotme.control("POST", f"workspaces/{ws['id']}/live-sessions",
                             json={"title": "Kickoff", "duration": 600, "vod_delay": 60, "speakers": ["Ann", "Bo"]})
    assert session.status_code == 201 and session.json()["status"] == "live"
    breakout = spotme.control("POST", f"workspaces/{ws['id']}/breakouts", json={"starts_in": 60, "duration": 60})
    assert breakout.json()["status"] == "scheduled"
    spotme.emulator.advance(660)
    detail = spotme.get(f"/workspace/{ws['id']}/live-sessions/{session.json()['id']}").json()
    assert detail["vod"]["status"] == "available"
    assert spotme.control("POST", "workspaces/nope/breakouts", json={}).status_code == 404
    assert spotme.control("POST", f"workspaces/{ws['id']}/breakouts", json={"duration": 0}).status_code == 400
