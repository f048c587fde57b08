"""Fixtures shared by the project's tests."""
from __future__ import annotations

from typing import Iterator

import pytest

from emulator.core.contract import hypothesis_without_traces
from helpers import LessonspaceClient, Receiver


hypothesis_without_traces()

@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def ls(emulator) -> LessonspaceClient:
    return LessonspaceClient(emulator)


@pytest.fixture
def spotme(emulator):
    from helpers import SpotMeClient

    return SpotMeClient(emulator)


@pytest.fixture
def hms(emulator):
    from helpers import HmsClient

    return HmsClient(emulator)


@pytest.fixture
def ms(emulator):
    from helpers import MeetStreamClient

    return MeetStreamClient(emulator)


@pytest.fixture
def recall(emulator):
    from helpers import RecallClient

    return RecallClient(emulator)


@pytest.fixture(scope="session")
def recall_oracle():
    from helpers import RecallOracle

    return RecallOracle()
