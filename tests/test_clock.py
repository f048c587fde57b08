import time

from freezegun import freeze_time

from emulator.core.clock import Clock, ClockState, iso, parse_iso


def test_advance_and_set_move_now():
    clock = Clock(ClockState(anchor_real=time.time(), anchor_emulated=1000.0, frozen=True))
    assert clock.now() == 1000.0
    clock.advance(60)
    assert clock.now() == 1060.0
    clock.set(5000.0)
    assert clock.now() == 5000.0


def test_frozen_clock_does_not_move_with_real_time():
    clock = Clock()
    clock.freeze(at=42.0)
    with freeze_time("2030-01-01", tick=False) as frozen:
        frozen.tick(3600)
        assert clock.now() == 42.0


def test_unfrozen_clock_follows_freezegun():
    with freeze_time("2030-01-01 00:00:00") as frozen:
        clock = Clock()
        start = clock.now()
        frozen.tick(90)
        assert clock.now() - start == 90
        clock.advance(10)
        frozen.tick(5)
        assert clock.now() - start == 105


def test_speed_factor_scales_real_time():
    with freeze_time("2030-01-01 00:00:00") as frozen:
        clock = Clock()
        clock.set_speed(60)
        start = clock.now()
        frozen.tick(2)
        assert clock.now() - start == 120


def test_pinned_time_is_per_thread_and_restored():
    clock = Clock()
    clock.freeze(at=10.0)
    with clock.pinned(3.0):
        assert clock.now() == 3.0
        with clock.pinned(4.0):
            assert clock.now() == 4.0
        assert clock.now() == 3.0
    assert clock.now() == 10.0


def test_iso_round_trip():
    assert iso(0) == "1970-01-01T00:00:00.000Z"
    assert parse_iso("2026-11-22T10:00:00Z") == parse_iso("2026-11-22T11:00:00+01:00")
    assert parse_iso(iso(1795306463.5)) == 1795306463.5
