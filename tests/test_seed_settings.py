"""Where a seed document and the live vendor disagree, the emulator does what the vendor does, and
one setting restores the seed (the README's table). Each case: the vendor's default, then the seed's
behaviour after the setting, as a receiver sees it."""
import pytest

from helpers import assert_valid
from test_hms_api import TRANSCRIBE, record

CALL = 5 + 2 + 600 + 600 + 2  # join, recording, the people stay, everyone_left_timeout, leaving


def lifecycle_codes(receiver) -> dict:
    return {b["event"]: b["status_code"] for b in receiver.bodies() if b["event"] in ("bot.joining", "bot.stopped")}


@pytest.mark.parametrize("seed, codes", [(False, {"bot.joining": 200, "bot.stopped": 200}),
                                         (True, {"bot.joining": 102, "bot.stopped": 500})])
def test_meetstream_callback_status_codes(ms, receiver, seed, codes):
    ms.expect(ms.control("PATCH", "settings", json={"seed_status_codes": seed}))
    ms.create(callback_url=receiver.url + "/cb")
    ms.emulator.advance(CALL)
    ms.emulator.settle()
    assert lifecycle_codes(receiver) == codes
    for body in receiver.bodies():
        if body["event"] in codes:
            assert_valid("meetstream", f"webhook.{body['event']}", body)


@pytest.mark.parametrize("hours", [24, 168])
def test_meetstream_default_retention(ms, receiver, hours):
    if hours != 24:
        ms.expect(ms.control("PATCH", "settings", json={"retention_hours": hours}))
    bot = ms.create(callback_url=receiver.url + "/cb")
    ms.emulator.advance(CALL + 120)
    ms.emulator.advance(hours=hours - 1)
    ms.emulator.settle()
    assert "data_deletion" not in [b["event"] for b in receiver.bodies()]
    ms.emulator.advance(hours=1)
    ms.emulator.settle()
    deleted = [b for b in receiver.bodies() if b["event"] == "data_deletion"]
    assert [b["bot_id"] for b in deleted] == [bot["bot_id"]]


@pytest.mark.parametrize("name", ["transcription.failure", "transcription.failed"])
def test_100ms_failed_transcription_event_name(hms, receiver, name):
    if name != "transcription.failure":
        hms.expect(hms.control("PATCH", "settings", json={"transcription_failure_event": name}))
    room = hms.room(name="seed-fail", webhook={"url": receiver.url, "headers": {}})
    recording = record(hms, room["id"], 60, transcription=TRANSCRIBE)
    hms.expect(hms.control("POST", f"recordings/{recording['id']}/fail", json={"transcription": True}))
    hms.emulator.settle()
    failed = [b for b in receiver.bodies() if b["type"].startswith("transcription.f")]
    assert [b["type"] for b in failed] == [name]
    assert_valid("100ms", f"webhook.{name}", failed[0])
