"""`schemathesis run --checks all` against every platform's OpenAPI document and the control API's,
served by a real `meeting-emulator serve`: the documents and the server agree in both directions.

Credentials are restricted to one per platform (the `api_keys` / `api_tokens` settings) so that
schemathesis' invalid-credential probe has something to be refused; by default any key works.
The seed is fixed so a run is repeatable (at most 15 examples an operation, fewer with a smaller
--contract-examples); `contracts/schemathesis.toml` holds the two rules no
OpenAPI document can state (state- and time-dependent 400s, and the inbox being a mailbox).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"
SETTINGS = ['recall.api_keys=["rk-contract"]', 'spotme.api_tokens=["st-contract-token"]',
            "meetstream.strict_keys=true", 'meetstream.api_keys=["ms-contract"]']
CREDENTIALS = {"spotme": "Bearer st-contract-token",
               "lessonspace": "Organisation 6b1f2c3d-1111-4222-8333-944455566677",
               "meetstream": "Token ms-contract", "recall": "Token rk-contract"}
SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as out:
        args = [sys.executable, "-m", "emulator", "serve", "--port", "0", "--quiet"]
        for setting in SETTINGS:
            args += ["--setting", setting]
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while "listening on" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    base = re.search(r"listening on (http://\S+)", log.read_text()).group(1)
    yield base
    process.terminate()
    process.wait(30)


def schemathesis(base: str, document: str, examples: int, *extra: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="meeting-emulator-schemathesis-") as scratch:  # whatever it writes
        return subprocess.run([SCHEMATHESIS, "--config-file", str(CONFIG), "--no-color", "run", f"{base}/{document}",
                               "--checks", "all", "--max-examples", str(min(15, examples)), "--seed", "7",
                               # A connection reset seen once in CI on the control API's coverage phase
                               # (not reproduced since): retried twice at the network level only; any
                               # answer the server gives is still checked.
                               "--request-retries", "2", *extra],
                              capture_output=True, text=True, timeout=300, cwd=scratch,
                              env={**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": scratch})


@pytest.mark.skipif(SCHEMATHESIS is None, reason="needs the schemathesis command")
@pytest.mark.parametrize("platform", ["spotme", "lessonspace", "100ms", "meetstream", "recall", "emulator"])
def test_every_check_passes(request, served, platform, examples):
    if request.config.getoption("contract_base_url"):
        pytest.skip("checks the emulator's own documents against its own server, not a --base-url target")
    chosen = request.config.getoption("contract_platforms")
    if chosen and platform not in chosen and platform != "emulator":
        pytest.skip(f"--platform {' '.join(chosen)}")
    if platform == "emulator":
        # Last: it fuzzes the settings and resets. Its stateful use-after-free check is left out: an
        # inbox is a mailbox, and GET answers for any name (per-operation config does not reach it).
        # It starts from a reset, so what it checks does not depend on which platforms ran before
        # (their fuzz leaves hundreds of objects, realtime webhooks to unresolvable hosts among them).
        requests.post(f"{served}/_emulator/reset", json={}, timeout=60).raise_for_status()
        result = schemathesis(served, "_emulator/openapi.json", examples, "--exclude-checks", "use_after_free")
    else:
        credential = CREDENTIALS.get(platform)
        if credential is None:  # 100ms: a management token minted on the real clock
            credential = "Bearer " + requests.get(f"{served}/_emulator/100ms/token").json()["token"]
        result = schemathesis(served, f"{platform}/openapi.json", examples, "-H", f"Authorization: {credential}")
    failures = [line for line in result.stdout.splitlines() if "❌" in line or line.startswith("- ST")]
    assert result.returncode == 0, "\n".join(failures) + "\n" + result.stdout[-3000:] + result.stderr[-2000:]
