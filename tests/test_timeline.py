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


def test_a_failure_in_an_optimistic_batch_redoes_the_batch_once_with_every_effect_once():
    """A batch runs without a savepoint per action; one that raises rolls the batch back and it runs
    again carefully: the actions before it take effect exactly once, the failure is kept once."""
    store, clock, timeline = make()

    def count(p):
        doc = store.get("counter", "c") or {"n": 0, "seen": []}
        store.put("counter", "c", {"n": doc["n"] + 1, "seen": doc["seen"] + [p["i"]]})

    def broken(p):
        store.put("thing", "half", {})
        raise RuntimeError("bug")

    timeline.register("count", count)
    timeline.register("broken", broken)
    for i in range(5):
        timeline.at(1001 + i, "count", {"i": i})
    timeline.at(1003.5, "broken", {})
    assert timeline.catch_up(until=1010) == 6
    assert store.get("counter", "c") == {"n": 5, "seen": [0, 1, 2, 3, 4]}
    assert store.get("thing", "half") is None
    assert [f["action"] for f in timeline.failures()] == ["broken"]
    timeline.at(1011, "count", {"i": 5})  # the next batch is optimistic again
    assert timeline.catch_up(until=1012) == 1 and store.get("counter", "c")["n"] == 6


def test_inside_a_callers_transaction_actions_run_carefully():
    store, clock, timeline = make()
    timeline.register("broken", lambda p: (store.put("thing", "half", {}), 1 / 0))
    timeline.register("fine", lambda p: store.put("thing", "done", {}))
    timeline.at(1001, "fine", {})
    timeline.at(1002, "broken", {})
    with store.transaction():
        store.put("thing", "mine", {})
        assert timeline.catch_up(until=1005) == 2
    assert store.get("thing", "mine") == {} and store.get("thing", "done") == {}
    assert store.get("thing", "half") is None
