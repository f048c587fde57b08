"""Fixtures shared by the project's tests."""
from __future__ import annotations

from typing import Iterator

import pytest

from emulator.core.contract import hypothesis_without_traces
from helpers import HmsClient, LessonspaceClient, MeetStreamClient, RecallClient, SpotMeClient, Receiver


hypothesis_without_traces()

@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _client(cls: type) -> object:
    """A fixture giving a client of one platform on the test's emulator."""
    return pytest.fixture(lambda emulator: cls(emulator))  # named by the attribute it is bound to


ls = _client(LessonspaceClient)
spotme = _client(SpotMeClient)
hms = _client(HmsClient)
ms = _client(MeetStreamClient)
recall = _client(RecallClient)


@pytest.fixture(scope="session")
def recall_oracle():
    from helpers import RecallOracle

    return RecallOracle()


@pytest.fixture
def ws():
    from helpers import WsReceiver

    receivers: list = []

    def make(**options):
        receivers.append(WsReceiver(**options))
        return receivers[-1]

    yield make
    for receiver in receivers:
        receiver.close()
