"""The command line: validate's exit codes, schemas, and serve with a state file across a restart."""
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

from helpers import ORG_KEY

CLI = [sys.executable, "-m", "emulator"]


def run(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60)


def test_schemas_lists_names(tmp_path):
    result = run("schemas", "--platform", "lessonspace")
    assert result.returncode == 0
    assert {"launch.request", "file.transcript", "webhook.transcription.finish"} <= set(result.stdout.split())
    assert run("schemas", "--platform", "nope").returncode == 2


def test_validate_exit_codes(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"start_time": 1.0, "end_time": 2.5, "user": {"id": 1, "name": "A"},
                                 "breakout_id": "main", "text": "hi"}]))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"start_time": "1", "end_time": 2.5, "user": {"id": 1},
                                "breakout_id": "main", "text": "hi"}]))
    not_json = tmp_path / "broken.json"
    not_json.write_text("{nope")
    ok = run("validate", "--platform", "lessonspace", "--schema", "file.transcript", str(good))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    failed = run("validate", "--platform", "lessonspace", "--schema", "file.transcript", str(good), str(bad))
    assert failed.returncode == 1
    assert f"{bad}: $[0].start_time: '1' is not of type 'number'" in failed.stdout
    assert f"{bad}: $[0].user: 'name' is a required property" in failed.stdout
    for args, message in [
        (("--platform", "zoom", "--schema", "x", str(good)), "unknown platform"),
        (("--platform", "lessonspace", "--schema", "nope", str(good)), "unknown schema"),
        (("--platform", "lessonspace", "--schema", "file.transcript", str(tmp_path / "missing.json")), "no such file"),
        (("--platform", "lessonspace", "--schema", "file.transcript", str(not_json)), "not JSON"),
    ]:
        result = run("validate", *args)
        assert result.returncode == 2 and message in result.stderr


def start_server(state, *extra):
    # Unbuffered bytes: readline takes exactly the first line, so communicate() later gets the rest of
    # the banner (a text pipe's buffer would swallow lines that arrived with the first).
    process = subprocess.Popen([*CLI, "serve", "--port", "0", "--state", str(state), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    line = process.stdout.readline().decode()
    match = re.search(r"listening on (http://\S+)", line)
    assert match, line + process.stderr.read().decode()
    return process, match.group(1)


def stop_server(process):
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    out, err = out.decode(), err.decode()
    assert process.returncode == 0, err
    assert "stopped" in out
    return out


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_state_survives_a_restart_and_pending_work_carries_on(tmp_path, receiver):
    state = tmp_path / "state.sqlite3"
    receiver.answers = [500]  # the first attempt fails, so a retry is pending across the restart
    process, base = start_server(state, "--frozen")
    try:
        auth = {"Authorization": f"Organisation {ORG_KEY}"}
        space = requests.post(f"{base}/lessonspace/v2/spaces/launch/", headers=auth, json={
            "id": "durable", "transcribe": True,
            "webhooks": {"transcription": {"finish": receiver.url + "/finish"}}}).json()
        session = requests.post(f"{base}/_emulator/lessonspace/spaces/{space['room_id']}/sessions",
                                json={"duration": 600}).json()
        requests.post(f"{base}/_emulator/clock/advance", json={"seconds": 720})
        assert len(receiver.requests) == 1
    finally:
        stop_server(process)

    process, base = start_server(state)
    try:
        clock = requests.get(f"{base}/_emulator/clock").json()
        assert clock["frozen"] is True  # the clock's state survived too
        again = requests.post(f"{base}/lessonspace/v2/spaces/launch/", headers=auth, json={"id": "durable"})
        assert again.status_code == 200 and again.json()["room_id"] == space["room_id"]
        detail = requests.get(f"{base}/lessonspace/v2/organisations/sessions/{session['uuid']}/", headers=auth)
        assert detail.json()["transcription"]["status"] == "ready"
        requests.post(f"{base}/_emulator/clock/advance", json={"seconds": 10})  # the pending retry is due
        assert len(receiver.requests) == 2
        hooks = requests.get(f"{base}/_emulator/webhooks", params={"event": "transcription.finish"}).json()
        assert hooks["deliveries"][0]["status"] == "delivered"
        url = requests.get(f"{base}/lessonspace/v2/organisations/sessions/{session['uuid']}/transcript/",
                           headers=auth).json()["transcriptionUrl"]
        assert requests.get(url).status_code == 200
    finally:
        stop_server(process)


def test_serve_rejects_an_unknown_platform():
    result = run("serve", "--platform", "zoom", "--port", "0")
    assert result.returncode == 2 and "invalid choice: 'zoom'" in result.stderr


def test_openapi_prints_valid_documents():
    from openapi_spec_validator import validate

    for platform in ("lessonspace", "emulator"):
        result = run("openapi", "--platform", platform)
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)
        validate(document)
        assert document["openapi"] == "3.1.0" and document["paths"]
    assert run("openapi", "--platform", "zoom").returncode == 2


def test_contract_against_a_running_serve_prints_a_readable_summary_and_leaves_no_trace(tmp_path):
    process, base = start_server(tmp_path / "state.sqlite3", "--quiet")  # nobody reads its log pipe
    workdir = tmp_path / "work"
    workdir.mkdir()
    try:  # run from an empty folder: hypothesis keeps no example database or cache there
        result = subprocess.run([*CLI, "contract", "--platform", "lessonspace", "--base-url", base, "--examples", "5"],
                                capture_output=True, text=True, timeout=120, cwd=workdir)
        # the server is left as it was found: its clock at real now, nothing in it
        assert abs(requests.get(f"{base}/_emulator/clock").json()["timestamp"] - time.time()) < 60
        assert requests.get(f"{base}/_emulator/requests").json()["count"] == 0
        assert requests.get(f"{base}/_emulator/webhooks").json()["deliveries"] == []
        again = subprocess.run([*CLI, "contract", "--platform", "spotme", "--base-url", base, "--examples", "2"],
                               capture_output=True, text=True, timeout=120, cwd=workdir)
        assert again.returncode == 0, again.stdout + again.stderr  # a second run is welcome
    finally:
        stop_server(process)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(workdir.iterdir()) == []
    lines = result.stdout.splitlines()
    assert lines[0] == f"meeting-emulator contract: lessonspace against {base}"
    assert any(line.startswith("  PASS  webhooks  lessonspace") for line in lines)
    assert "  PASS  faults    lessonspace  an injected 429 answers in the platform's error shape, with Retry-After, " \
           "and is journaled" in lines
    assert any("POST /spaces/launch/ with invalid input" in line for line in lines)
    assert re.fullmatch(r"\d+ checks: \d+ passed, 0 failed, 0 skipped", lines[-1])


def test_contract_against_something_that_is_not_an_emulator_skips_clock_checks(receiver):
    result = run("contract", "--platform", "lessonspace", "--base-url", receiver.url, "--examples", "2")
    assert result.returncode == 1  # the receiver answers 200 "ok" to everything: a breach
    assert "SKIP  lifecycle" in result.stdout and "FAIL  openapi" in result.stdout


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked processes")
def test_workers_share_one_state_file_and_lose_nothing(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    process, base = start_server(tmp_path / "state.sqlite3", "--workers", "2", "--frozen")
    auth = {"Authorization": "Token k"}
    try:
        def create(i):
            return requests.post(f"{base}/recall/api/v1/bot/", headers=auth,
                                 json={"meeting_url": f"https://zoom.us/j/{1000 + i}"}).json()["id"]

        with ThreadPoolExecutor(16) as pool:
            ids = list(pool.map(create, range(60)))
        assert len(set(ids)) == 60
        listing = requests.get(f"{base}/recall/api/v1/bot/", headers=auth).json()
        assert listing["count"] == 60
        before = requests.get(f"{base}/_emulator/clock").json()["timestamp"]
        requests.post(f"{base}/_emulator/clock/advance", json={"hours": 2})
        seen = {round(requests.get(f"{base}/_emulator/clock").json()["timestamp"] - before) for _ in range(20)}
        assert seen == {7200}  # every worker sees the moved clock
        done = [requests.get(f"{base}/recall/api/v1/bot/{i}/", headers=auth).json()["status_changes"][-1]["code"]
                for i in ids]
        assert set(done) == {"done"}  # each due action ran exactly once, in some worker
    finally:
        stop_server(process)


def test_workers_need_a_state_file():
    result = run("serve", "--workers", "2", "--port", "0")
    assert result.returncode == 2 and "--state" in result.stderr


def test_serve_no_control_turns_the_control_plane_off(tmp_path):
    process, base = start_server(tmp_path / "state.sqlite3", "--no-control")
    try:
        assert requests.get(f"{base}/_emulator/health").json()["status"] == "ok"
        assert requests.get(f"{base}/_emulator/").status_code == 404
        assert requests.post(f"{base}/_emulator/reset").status_code == 404
        assert requests.get(f"{base}/recall/api/v1/bot/", headers={"Authorization": "Token k"}).status_code == 200
    finally:
        output = stop_server(process)
    assert "control            off (--no-control)" in output

