"""``meeting-emulator contract``: run the contract suite and print a summary a person can read."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlsplit
from typing import TextIO

GROUPS = {
    "test_contract_openapi": "openapi",
    "test_contract_lifecycle": "lifecycle",
    "test_contract_webhooks": "webhooks",
    "test_contract_links": "links",
    "test_contract_faults": "faults",
    "test_schemathesis_all_checks": "all-checks",
}
WHAT = {
    "all-checks": "schemathesis run --checks all: the OpenAPI document and a served emulator agree",
    "lifecycle": "statuses only move forward, reads change nothing, each event's webhook arrives once",
    "webhooks": "each event once, schema-valid, signature verified independently, links live their lifetime",
    "links": "links valid one second before their lifetime ends, refused from the instant it ends",
    "faults": "an injected {status} answers in the platform's error shape, with Retry-After, and is journaled",
}
MODES = {"positive": "valid input", "negative": "invalid input"}


def contracts_dir() -> Path:
    """The installed copy inside the package, or the checkout's top-level folder."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "contracts", here.parent / "contracts"):
        if (candidate / "conftest.py").is_file():
            return candidate
    raise FileNotFoundError("the contract suite was not found next to the emulator package")


class Summary:
    """A pytest plugin that keeps one line per check instead of pytest's own output."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []  # outcome, group, check, message

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.rows.append(("FAIL", "collect", report.nodeid, _first_line(report.longreprtext)))

    def pytest_runtest_logreport(self, report) -> None:
        if report.when != "call" and not (report.failed or report.skipped):
            return
        outcome = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[report.outcome]
        module = report.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
        group = GROUPS.get(module, module)
        params = re.sub(r"^[^\[]*\[?", "", report.nodeid.split("::")[-1]).rstrip("]")
        platform, _, operation = params.partition(":")
        if group == "faults":  # parametrized platform-status: spotme-429
            platform, _, status = params.rpartition("-")
            check = f"{platform:<12} {WHAT['faults'].format(status=status)}"
        elif operation:
            label, _, mode = operation.rpartition(":")
            check = f"{platform:<12} {label} with {MODES.get(mode, mode)}"
        else:
            check = f"{platform:<12} {WHAT.get(group, '')}"
        message = ""
        if report.failed:
            message = _failure_message(report.longreprtext)
        elif report.skipped and isinstance(report.longrepr, tuple):
            message = report.longrepr[2].removeprefix("Skipped: ")
        self.rows.append((outcome, group, check, message))

    def print(self, out: TextIO, title: str) -> None:
        print(title, file=out)
        for outcome, group, check, message in self.rows:
            line = f"  {outcome}  {group:<9} {check}"
            print(line + (f"\n          {message}" if message else ""), file=out)
        counts = {o: sum(1 for r in self.rows if r[0] == o) for o in ("PASS", "FAIL", "SKIP")}
        print(f"{len(self.rows)} checks: {counts['PASS']} passed, {counts['FAIL']} failed, "
              f"{counts['SKIP']} skipped", file=out)

    @property
    def failed(self) -> bool:
        return any(r[0] == "FAIL" for r in self.rows)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:300]


def _failure_message(text: str) -> str:
    """The most telling line of a failure: an assertion message or a schemathesis finding."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for marker in ("AssertionError:", "- ", "E   "):
        for line in lines:
            if line.startswith(marker) and len(line) > len(marker) + 3:
                return line.removeprefix("E   ")[:300]
    return lines[-1][:300] if lines else "failed"


def target_problem(base_url: str) -> str | None:
    """Why the suite cannot usefully run against ``base_url``, in one line, or None."""
    import requests

    from .core.contract import Control

    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"--base-url {base_url!r} is not an http(s) URL"
    root = f"{parts.scheme}://{parts.netloc}"
    try:
        requests.get(base_url, timeout=5)
    except requests.RequestException as exc:
        return f"--base-url {base_url}: cannot connect ({type(exc).__name__}); is the target running?"
    control = Control.probe(root)
    if parts.path.strip("/") and control is not None:
        return (f"--base-url {base_url} points inside a meeting-emulator: give its root, --base-url {root}, "
                "so the lifecycle, link and webhook checks can use its control API")
    return control.in_use() if control is not None else None


def run(platforms: list[str] | None, base_url: str | None, api_key: str | None, examples: int,
        out: TextIO = sys.stdout) -> int:
    try:
        import pytest
        import schemathesis  # noqa: F401 - the suite needs it
    except ImportError:
        print("the contract suite needs its extras: pip install 'meeting-emulator[contract]'", file=sys.stderr)
        return 2

    from .platforms import contract_platforms

    try:
        names = [p.name for p in contract_platforms(platforms)]
    except ValueError as exc:
        print(f"meeting-emulator: {exc}", file=sys.stderr)
        return 2
    problem = target_problem(base_url) if base_url else None
    if problem:
        print(f"meeting-emulator: {problem}", file=sys.stderr)
        return 2
    args = [str(contracts_dir()), "-p", "no:terminal", "-p", "no:cacheprovider",
            "--contract-examples", str(examples), "--rootdir", str(contracts_dir())]
    for name in names:
        args += ["--platform", name]
    if base_url:  # the all-checks run serves its own emulator: it says nothing of another target
        args += ["--base-url", base_url, "--ignore", str(contracts_dir() / "test_schemathesis_all_checks.py")]
    if api_key:
        args += ["--api-key", api_key]
    summary = Summary()
    code = pytest.main(args, plugins=[summary])
    where = base_url or "an emulator in this process"
    summary.print(out, f"meeting-emulator contract: {', '.join(names)} against {where}")
    if code not in (0, 1) and not summary.failed:
        print(f"the suite did not run (pytest exit code {int(code)})", file=out)
        return 1
    return 1 if summary.failed or code != 0 else 0
