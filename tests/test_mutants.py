"""The contract suite has teeth: each deliberately broken emulator fails it."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mutants import MUTANTS

ROOT = Path(__file__).resolve().parent.parent


def run_contracts(mutant: str | None, module: str) -> subprocess.CompletedProcess:
    """The contract module that should catch the mutant (the rest of the suite runs elsewhere unmutated)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    if mutant:
        env["MEETING_EMULATOR_MUTANT"] = mutant
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(ROOT / "contracts" / module), "-p", "mutants", "-p", "no:cacheprovider",
         "-q", "--tb=line", "--contract-examples", "10", "--platform", "lessonspace"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)


@pytest.mark.parametrize("mutant, caught_by", [
    ("renamed-field", "test_contract_openapi.py"),
    ("link-an-hour-too-long", "test_contract_links.py"),
    ("skipped-webhook", "test_contract_webhooks.py"),
])
def test_each_mutant_fails_the_contract_suite(mutant, caught_by):
    assert mutant in MUTANTS
    result = run_contracts(mutant, caught_by)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert any(caught_by in line for line in failed), result.stdout[-3000:]
