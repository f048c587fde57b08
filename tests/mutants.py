"""Deliberately broken emulators, chosen with MEETING_EMULATOR_MUTANT, for the mutation test.

Loaded with ``-p mutants`` into a contract-suite run, it breaks one rule before the emulator starts.
"""
from __future__ import annotations

import os

import pytest


def _renamed_field() -> None:
    from emulator.platforms.lessonspace.models import Lessonspace

    original = Lessonspace.launch

    def launch(self, org, body):
        created, response = original(self, org, body)
        response["roomId"] = response.pop("room_id")
        return created, response

    Lessonspace.launch = launch


def _link_an_hour_too_long() -> None:
    from emulator.platforms.lessonspace import sessions

    sessions.API_LINK_LIFETIME += 3600


def _skipped_webhook() -> None:
    from emulator.platforms.lessonspace.models import Lessonspace

    original = Lessonspace._notify

    def notify(self, space, group, name, body):
        if (group, name) != ("transcription", "finish"):
            original(self, space, group, name, body)

    Lessonspace._notify = notify


MUTANTS = {"renamed-field": _renamed_field, "link-an-hour-too-long": _link_an_hour_too_long,
           "skipped-webhook": _skipped_webhook}


def pytest_configure(config: pytest.Config) -> None:
    name = os.environ.get("MEETING_EMULATOR_MUTANT")
    if name:
        MUTANTS[name]()
