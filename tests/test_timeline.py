from emulator.core.clock import Clock
from emulator.core.store import Store
from emulator.core.timeline import Timeline


def make():
    store, clock = Store(), Clock()
    clock.freeze(at=1000.0)
    return store, clock, Timeline(store, clock)


def test_actions_run_in_time_order_with_the_clock_pinned_to_their_due_time():
    store, clock, timeline = make()
    seen = []
    timeline.register("note", lambda p: seen.append((p["name"], clock.now())))
    timeline.at(1030, "note", {"name": "late"})
    timeline.at(1010, "note", {"name": "early"})
    timeline.at(2000, "note", {"name": "future"})
    clock.advance(60)
    assert timeline.catch_up() == 2
    assert seen == [("early", 1010), ("late", 1030)]


def test_an_action_can_schedule_more_work_that_is_caught_up_in_the_same_pass():
    store, clock, timeline = make()
    seen = []

    def chain(p):
        seen.append(clock.now())
        if p["left"]:
            timeline.after(10, "chain", {"left": p["left"] - 1})

    timeline.register("chain", chain)
    timeline.after(10, "chain", {"left": 3})
    timeline.catch_up(until=1100)
    assert seen == [1010, 1020, 1030, 1040]


def test_a_failing_action_is_rolled_back_and_does_not_block_the_rest():
    store, clock, timeline = make()

    def broken(p):
        store.put("thing", "half", {})
        raise RuntimeError("bug")

    timeline.register("broken", broken)
    timeline.register("fine", lambda p: store.put("thing", "done", {}))
    timeline.at(1001, "broken", {})
    timeline.at(1002, "fine", {})
    assert timeline.catch_up(until=1005) == 2
    assert store.get("thing", "half") is None
    assert store.get("thing", "done") == {}
    assert store.next_due() is None
