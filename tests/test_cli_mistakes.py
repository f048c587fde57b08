"""Every mistake on the command line is one line naming the problem and the fix, exit status 2;
the help reads like a finished tool; serve's banner and request log; the contract CLI's guards."""
import json
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from test_cli import CLI, run, start_server, stop_server


def one_line_error(result) -> str:
    """The one line a mistake prints; the exit status and the single line are checked here, what
    the line must name is asserted by each test."""
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def names_all(line: str, *words: str) -> bool:
    return all(word in line for word in words)


def test_serve_on_a_port_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert names_all(one_line_error(run("serve", "--port", str(port))), f"port {port}", "in use", "--port")


def test_serve_with_a_state_path_that_cannot_be_used(tmp_path):
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("hello")
    assert names_all(one_line_error(run("serve", "--port", "0", "--state", str(not_a_db))), "not a meeting-emulator state file")
    assert names_all(one_line_error(run("serve", "--port", "0", "--state", str(tmp_path / "missing" / "s.db"))), "does not exist")
    assert names_all(one_line_error(run("serve", "--port", "0", "--state", str(tmp_path))), "is a directory")
    assert names_all(one_line_error(run("serve", "--port", "0", "--state", "/proc/no-state-here.db")), "--state")


@pytest.mark.parametrize("args,words", [
    (["--port", "-1"], ["--port", "0 to 65535"]),
    (["--port", "99999"], ["--port", "0 to 65535"]),
    (["--speed", "-1"], ["--speed", "greater than 0"]),
    (["--speed", "nan"], ["--speed"]),
    (["--threads", "0"], ["--threads"]),
    (["--platform", "zoom"], ["zoom", "recall"]),
    (["--setting", "recall.nope=1"], ["recall has no setting 'nope'", "webhook_endpoints"]),
    (["--setting", "recall.webhook_endpoints=not-a-list"], ["webhook_endpoints", "not of type 'array'"]),
    (["--setting", "zoom.x=1"], ["unknown platform 'zoom'"]),
    (["--setting", "nodot=1"], ["PLATFORM.NAME=VALUE"]),
    (["--host", "999.1.1.1"], ["--host", "'999.1.1.1' is not an address to listen on"]),
    (["--host", "nosuchhost.invalid"], ["--host", "nosuchhost.invalid", "IP address"]),
    (["--host", ""], ["--host", "'' is not an address"]),
    (["--public-url", "notaurl"], ["--public-url", "'notaurl' is not an http(s) URL"]),
    (["--public-url", "http://host:port"], ["--public-url", "http://host:port"]),
    (["--public-url", "ftp://example.com"], ["--public-url", "ftp://example.com"]),
])
def test_serve_refuses_bad_options_in_one_line(args, words):
    assert names_all(one_line_error(run("serve", *args)), *words)


def test_settings_are_checked_the_same_way_on_the_command_line_and_over_http(emulator):
    answer = requests.patch(emulator.control_url("recall/settings"), json={"webhook_endpoints": "not-a-list"})
    assert answer.status_code == 400
    assert names_all(one_line_error(run("serve", "--setting", "recall.webhook_endpoints=not-a-list")), "not of type 'array'")


def test_help_names_every_command_and_every_default():
    top = run("--help")
    assert top.returncode == 0 and "``" not in top.stdout
    for command in ("serve", "validate", "schemas", "openapi", "contract"):
        assert re.search(rf"^\s+{command}\s+\S", top.stdout, re.M), command
    version = run("--version")
    assert version.returncode == 0 and re.fullmatch(r"meeting-emulator \d+\.\d+\.\d+\n", version.stdout)
    serve = run("serve", "--help").stdout
    for text in ("(default: 127.0.0.1)", "(default: 8765)", "(default: 16)", "spotme, lessonspace, 100ms, meetstream, recall"):
        assert text in " ".join(serve.split()), text


def test_validate_reports_every_file_with_short_lines(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"id": "space-1"}))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "x" * 2000, "transcribe": {"nested": ["y" * 1000] * 5}}))
    result = run("validate", "--schema", "lessonspace/launch.request", str(good), str(bad),
                 str(tmp_path / "missing.json"), str(tmp_path))
    assert result.returncode == 2
    assert f"{good}: valid lessonspace/launch.request" in result.stdout
    bad_lines = [line for line in result.stdout.splitlines() if line.startswith(str(bad))]
    assert bad_lines and all(len(line) < len(str(bad)) + 200 for line in bad_lines), bad_lines
    assert f"{tmp_path / 'missing.json'}: no such file" in result.stderr
    assert f"{tmp_path}: is a directory" in result.stderr
    assert run("validate", "--schema", "lessonspace/launch.request", str(good)).returncode == 0
    assert names_all(one_line_error(run("validate", "--schema", "launch.request", str(good))), "--platform")


def test_validate_suggests_the_closest_schema_names(tmp_path):
    document = tmp_path / "bot.json"
    document.write_text("{}")
    line = one_line_error(run("validate", "--schema", "recall/bot.create", str(document)))
    assert names_all(line, "unknown schema 'bot.create'", "did you mean bot.create.request",
                     "'meeting-emulator schemas --platform recall' lists all")
    assert len(line) < 250  # not every name on one line
    line = one_line_error(run("validate", "--schema", "recall/qqqqqq", str(document)))
    assert "did you mean" not in line and "lists all" in line


def test_validate_names_the_alternatives_a_one_of_expected(tmp_path):
    document = tmp_path / "settings.json"
    document.write_text(json.dumps({"default_retention": {"type": "timed"}}))
    result = run("validate", "--schema", "recall/control.settings.request", str(document))
    assert result.returncode == 1
    assert (f'{document}: $.default_retention: expected null or an object with type="forever" or an object with '
            f'type="timed", hours; got {{"type": "timed"}}') in result.stdout, result.stdout


def test_contract_guards(emulator):
    assert names_all(one_line_error(run("contract", "--examples", "0")), "--examples")
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    assert names_all(one_line_error(run("contract", "--base-url", f"http://127.0.0.1:{port}")), "cannot connect")
    line = one_line_error(run("contract", "--platform", "recall", "--base-url", emulator.url("recall")))
    assert names_all(line, "points inside a meeting-emulator")
    assert f"--base-url {emulator.base_url}" in line


def serve_logged(tmp_path, name, *extra):
    """serve with its output going to a file, read whole once it has stopped."""
    log = tmp_path / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen([*CLI, "serve", "--port", "0", *extra], stdout=out, stderr=subprocess.STDOUT,
                                   text=True)
    deadline = time.monotonic() + 30
    while "listening on" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    base = re.search(r"listening on (http://\S+)", log.read_text()).group(1)
    return process, base, log


def stopped(process, log):
    process.send_signal(signal.SIGINT)
    process.wait(30)
    assert process.returncode == 0
    return log.read_text()


def test_the_banner_shows_auth_headers_and_serve_logs_each_request(tmp_path):
    process, base, log = serve_logged(tmp_path, "loud")
    try:
        requests.get(f"{base}/recall/api/v1/bot/?page=1", headers={"Authorization": "Token k"})
    finally:
        output = stopped(process, log)
    assert "Authorization: Organisation <any UUID" in output and "Authorization: Token <any API key" in output
    assert "quickstarts: README.md" in output
    assert re.search(r"^GET /recall/api/v1/bot/\?page=1 200 \d+\.\d ms$", output, re.M), output
    process, base, log = serve_logged(tmp_path, "quiet", "--quiet")
    try:
        requests.get(f"{base}/_emulator/health")
    finally:
        output = stopped(process, log)
    assert "listening on" in output and "GET /_emulator/health" not in output


def test_with_a_public_url_the_banner_still_tells_the_port_it_listens_on(tmp_path):
    """--port 0 with --public-url: the bound address (the only place the port is told) comes first,
    then the URL clients are to use; the platforms' URLs are the public ones."""
    process, base, log = serve_logged(tmp_path, "public", "--quiet", "--public-url", "https://emulator.example.com/x/")
    try:
        assert requests.get(f"{base}/_emulator/health").status_code == 200  # the bound address answers
    finally:
        output = stopped(process, log)
    first = output.splitlines()[0]
    assert re.fullmatch(r"meeting-emulator listening on http://127\.0\.0\.1:\d+ \(clients use "
                        r"https://emulator\.example\.com/x\)", first), first
    assert "https://emulator.example.com/x/recall/api/v1" in output


def test_a_missing_trailing_slash_answers_as_each_vendor_does(emulator):
    # Lessonspace and Recall are Django: 301 to the path with its slash, empty body.
    answer = requests.get(emulator.url("recall") + "/bot?page=2", headers={"Authorization": "Token k"},
                          allow_redirects=False)
    assert answer.status_code == 301 and answer.headers["Location"] == "/recall/api/v1/bot/?page=2"
    assert answer.content == b""
    answer = requests.post(emulator.url("lessonspace") + "/spaces/launch", allow_redirects=False)
    assert answer.status_code == 301 and answer.headers["Location"] == "/lessonspace/v2/spaces/launch/"
    # requests follows it as the vendor's would be followed
    followed = requests.get(emulator.url("recall") + "/bot", headers={"Authorization": "Token k"})
    assert followed.status_code == 200 and followed.json()["results"] == []
    # elsewhere it is the platform's own 404, never Flask's HTML
    answer = requests.get(emulator.control_url("recall/settings/"))
    assert answer.status_code == 404 and answer.json()["error"]


def test_unknown_filter_values_on_the_control_api_are_400s(emulator):
    answer = requests.get(emulator.control_url("webhooks"), params={"status": "bogus"})
    assert answer.status_code == 400 and "status" in answer.json()["message"]
    assert requests.get(emulator.control_url("webhooks"), params={"status": "failed"}).status_code == 200


def test_the_help_lists_the_registered_platforms():
    """The CLI names the platforms without importing them; the names must be the registered ones."""
    from emulator.platforms import NAMES, registered

    assert tuple(p.name for p in registered()) == NAMES


def test_contract_refuses_an_emulator_someone_is_using(tmp_path):
    """A run would move the clock by months and reset the emulator: against one a person or program
    has used, it is one line saying how to start an emulator for it, and the server is untouched."""
    process, base = start_server(tmp_path / "state.sqlite3", "--quiet")
    try:
        auth = {"Authorization": "Token my-own-key"}
        assert requests.post(f"{base}/recall/api/v1/bot/", headers=auth,
                             json={"meeting_url": "https://meet.google.com/abc-defg-hij"}).status_code == 201
        before = requests.get(f"{base}/_emulator/clock").json()
        result = run("contract", "--platform", "lessonspace", "--base-url", base, "--examples", "2")
        line = one_line_error(result)
        assert "is in use (1 request(s) in its journal that the contract suite did not make)" in line
        assert "meeting-emulator serve --port 8766" in line
        assert requests.get(f"{base}/recall/api/v1/bot/", headers=auth).json()["count"] == 1
        after = requests.get(f"{base}/_emulator/clock").json()
        assert after["frozen"] == before["frozen"] and after["timestamp"] - before["timestamp"] < 60
        direct = subprocess.run([sys.executable, "-m", "pytest", str(Path(__file__).resolve().parent.parent / "contracts"), "-p", "no:cacheprovider",
                                 "--platform", "lessonspace", "--base-url", base, "-q"],
                                capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert direct.returncode == pytest.ExitCode.USAGE_ERROR and "is in use" in direct.stderr, direct.stderr
    finally:
        stop_server(process)
