"""The contract suite's targets: the emulator in this process by default, or any base URL.

    pytest contracts/ [--platform lessonspace] [--base-url URL] [--api-key KEY] [--contract-examples N]

``--base-url`` is either a meeting-emulator's root (``http://127.0.0.1:8765``) or a vendor's API
base URL (``https://api.thelessonspace.com/v2``). Checks that need the emulator's clock or inbox
are skipped against a vendor. Platforms join by naming a ``contract`` module in their registration.
"""
from __future__ import annotations

from typing import Iterator

import pytest
import requests

from emulator.core.contract import CONTRACT_AGENT, Control, Target, contract_module, hypothesis_without_traces
from emulator.platforms import contract_platforms, registered


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("meeting-emulator contract")
    group.addoption("--platform", action="append", dest="contract_platforms", default=None,
                    help="check this platform (repeatable); default: every platform with a contract")
    group.addoption("--base-url", dest="contract_base_url", default=None,
                    help="target: an emulator root or a vendor API base URL; default: an emulator in this process")
    group.addoption("--api-key", dest="contract_api_key", default=None, help="credentials for the target")
    group.addoption("--contract-examples", dest="contract_examples", type=int, default=25,
                    help="hypothesis examples per check")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse an emulator someone is using before any check runs (in the controller, under xdist)."""
    base_url = session.config.getoption("contract_base_url")
    control = Control.probe(base_url) if base_url and not hasattr(session.config, "workerinput") else None
    problem = control.in_use() if control is not None else None
    if problem:
        raise pytest.UsageError(problem)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Leave an emulator target as it was found: nothing in it, its clock at real now. In the
    controller only: under xdist a worker that finishes first must not reset the others' target."""
    base_url = session.config.getoption("contract_base_url")
    control = Control.probe(base_url) if base_url and not hasattr(session.config, "workerinput") else None
    if control is not None:
        control.call("POST", "reset")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "platform_name" in metafunc.fixturenames and "operation" not in metafunc.fixturenames:
        names = [p.name for p in contract_platforms(metafunc.config.getoption("contract_platforms"))]
        metafunc.parametrize("platform_name", names, scope="session")


hypothesis_without_traces()

@pytest.fixture(scope="session")
def target_root(request: pytest.FixtureRequest) -> Iterator[tuple[str, Control | None]]:
    base_url = request.config.getoption("contract_base_url")
    if base_url:
        control = Control.probe(base_url)
    else:
        server = request.getfixturevalue("emulator_server")  # from the meeting-emulator pytest plugin
        base_url, control = server.base_url, Control(server.base_url)
    was_frozen = None
    if control is not None:
        was_frozen = control.call("GET", "clock")["frozen"]
        control.freeze(True)  # link lifetimes are checked to the second
    yield base_url.rstrip("/"), control
    if control is not None and was_frozen is False and not request.config.getoption("contract_base_url"):
        control.freeze(False)


@pytest.fixture(scope="session")
def target(platform_name: str, target_root: tuple[str, Control | None], request: pytest.FixtureRequest) -> Target:
    root, control = target_root
    platform = next(p for p in registered() if p.name == platform_name)
    contract = contract_module(platform)
    api_key = request.config.getoption("contract_api_key") or contract.DEFAULT_API_KEY
    http = requests.Session()
    http.headers.update(contract.auth_headers(api_key))
    http.headers["User-Agent"] = CONTRACT_AGENT  # so a later run knows its own requests from a user's
    api_base = root + platform.api_prefix if control is not None else root
    # Recall's document is rooted at the host (/api/v1/..., /api/v2/...), the API base one level down.
    document_base = api_base.removesuffix(platform.api_prefix[len(platform.document_prefix):]) \
        if platform.document_prefix else ""
    return Target(platform_name, api_base, api_key, http, control, document_base)


@pytest.fixture(scope="session")
def contract(target: Target):
    return contract_module(next(p for p in registered() if p.name == target.platform))


@pytest.fixture
def control(target: Target) -> Control:
    if target.control is None:
        pytest.skip("needs a meeting-emulator target (its clock and inbox)")
    return target.control


@pytest.fixture(scope="session")
def examples(request: pytest.FixtureRequest) -> int:
    return request.config.getoption("contract_examples")
