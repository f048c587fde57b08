"""What the contract suite knows of a target: its API base URL, credentials and, when the target
is a meeting-emulator, its control API. Everything goes over HTTP, so a target may be this process,
a running ``serve``, or the real vendor (then only the checks that need no clock run).
"""
from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import requests


CONTRACT_AGENT = "meeting-emulator-contract"  # the User-Agent of every request the suite makes to a target


class Control:
    """The ``/_emulator/`` control API of a running emulator."""

    def __init__(self, root: str) -> None:
        self.root = root.rstrip("/")
        self.http = requests.Session()

    def url(self, path: str) -> str:
        return f"{self.root}/_emulator/{path.lstrip('/')}"

    def call(self, method: str, path: str, json: Any = None, expect: tuple[int, ...] = (200, 201)) -> Any:
        answer = self.http.request(method, self.url(path), json=json)
        if answer.status_code not in expect:
            raise AssertionError(f"control {method} {path} answered {answer.status_code}: {answer.text}")
        return answer.json()

    def now(self) -> float:
        return self.call("GET", "clock")["timestamp"]

    def advance(self, seconds: float) -> None:
        self.call("POST", "clock/advance", {"seconds": seconds})

    def freeze(self, frozen: bool = True) -> None:
        self.call("POST", "clock/set", {"frozen": frozen})

    def inbox_url(self, name: str) -> str:
        return self.url(f"inbox/{name}")

    def inbox(self, name: str) -> list[dict]:
        """The inbox once everything due now was delivered (a zero advance waits for the webhooks)."""
        self.advance(0)
        return self.call("GET", f"inbox/{name}")["messages"]

    def in_use(self) -> str | None:
        """Why the contract suite must not run against this emulator, or None. The suite moves the
        clock by months and makes objects; it resets the emulator when it is done, so it runs only
        where nobody else has made a request (its own carry ``CONTRACT_AGENT``; downloads and the
        control API do not count)."""
        entries = self.call("GET", "requests")["requests"]
        foreign = sum(1 for entry in entries if entry.get("platform") != "s3"
                      and not str(entry.get("headers", {}).get("User-Agent", "")).startswith(CONTRACT_AGENT))
        if not foreign:
            return None
        return (f"{self.root} is in use ({foreign} request(s) in its journal that the contract suite did not make): "
                "a run moves its clock by months, makes objects and resets it at the end; start an emulator for "
                "it, 'meeting-emulator serve --port 8766', and pass --base-url http://127.0.0.1:8766")

    @staticmethod
    def probe(root: str) -> "Control | None":
        """The control API if ``root`` is a meeting-emulator, else None."""
        try:
            answer = requests.get(f"{root.rstrip('/')}/_emulator/health", timeout=5)
            if answer.status_code == 200 and answer.json().get("status") == "ok":
                return Control(root)
        except (requests.RequestException, ValueError):
            pass
        return None


@dataclass
class Target:
    platform: str
    api_base: str  # e.g. http://127.0.0.1:8765/lessonspace/v2 or https://api.thelessonspace.com/v2
    api_key: str
    http: requests.Session  # carries the platform's auth header
    control: Control | None
    document_base: str = ""  # what the OpenAPI document's paths are relative to, when not api_base

    @property
    def paths_base(self) -> str:
        return self.document_base or self.api_base


@dataclass
class WebhookScenario:
    """What a contract's webhook scenario caused: the events expected (each exactly this many
    times), the secret that signs them, and which inbox messages are its own. A target may hold
    other objects whose webhooks reach the same endpoint (a Recall workspace's endpoints serve all
    its bots), so the check counts only the messages ``ours`` accepts."""

    expected: Counter
    secret: str
    ours: Callable[[dict], bool] = lambda message: True


def scheme_auth(scheme: str) -> Callable[[str], dict[str, str]]:
    """A contract's ``auth_headers`` for an ``Authorization: <scheme> <key>`` platform."""
    return lambda api_key: {"Authorization": f"{scheme} {api_key}"}


def body_event(field: str) -> Callable[[dict], str]:
    """A contract's ``event_of`` for webhooks that name their event in a JSON body field."""
    return lambda message: json.loads(message["body"])[field]


def read_twice(target: Target, url: str, what: str) -> dict:
    """A resource read twice in a row: both 200 and the same, since reading never moves state."""
    first, second = target.http.get(url), target.http.get(url)
    assert first.status_code == 200 and first.json() == second.json(), f"a read changed the {what}"
    return first.json()


def hypothesis_without_traces() -> None:
    """Hypothesis keeps no example database and writes its caches to a scratch folder removed at
    exit: a run leaves nothing in the working directory and never depends on an earlier one."""
    import atexit
    import shutil
    import tempfile

    from hypothesis import configuration, settings

    scratch = tempfile.mkdtemp(prefix="meeting-emulator-hypothesis-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    configuration.set_hypothesis_home_dir(scratch)
    settings.register_profile("meeting-emulator", database=None)
    settings.load_profile("meeting-emulator")


def contract_module(platform: Any) -> ModuleType | None:
    return importlib.import_module(platform.contract) if platform.contract else None


def link_expiry_check(target: Target, url: str, minted: float, lifetime: int, replaced: bool = False) -> None:
    """A download link answers 200 while ``now < minted + lifetime`` (404 once its content was
    replaced) and 403 from that instant on, as S3 does."""
    now = target.control.now()
    status = requests.get(url).status_code
    valid = now < int(minted) + lifetime
    expected = (404 if replaced else 200) if valid else 403
    assert status == expected, (f"a link minted at {minted} for {lifetime} s answered {status} at {now} "
                                f"({now - minted:.0f} s later); expected {expected}")
