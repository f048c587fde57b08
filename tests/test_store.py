import threading

import pytest

from emulator.core.store import Store


def test_put_get_find_keep_creation_order():
    store = Store()
    store.put("thing", "b", {"n": 1}, parent="p")
    store.put("thing", "a", {"n": 2}, parent="p")
    store.put("thing", "c", {"n": 3}, parent="q")
    store.put("thing", "b", {"n": 4}, parent="p")  # replacing keeps its place
    assert [d["n"] for d in store.find("thing", "p")] == [4, 2]
    assert store.get("thing", "c") == {"n": 3}
    assert store.get("thing", "zzz") is None


def test_failed_transaction_leaves_nothing_behind():
    store = Store()
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.put("thing", "x", {})
            with store.transaction():  # nested joins the outer one
                store.schedule(1.0, "act", {})
            raise RuntimeError("boom")
    assert store.get("thing", "x") is None
    assert store.pending_actions() == []


def test_savepoint_undoes_only_its_own_part():
    store = Store()
    with store.transaction():
        store.put("thing", "kept", {})
        with pytest.raises(ValueError):
            with store.savepoint():
                store.put("thing", "dropped", {})
                raise ValueError
    assert store.get("thing", "kept") == {}
    assert store.get("thing", "dropped") is None


def test_concurrent_read_modify_write_loses_no_update(tmp_path):
    store = Store(str(tmp_path / "state.sqlite3"))
    store.put("counter", "c", {"n": 0})

    def bump():
        for _ in range(50):
            with store.transaction():
                doc = store.get("counter", "c")
                doc["n"] += 1
                store.put("counter", "c", doc)

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("counter", "c")["n"] == 400


def test_two_connections_to_one_file_share_state(tmp_path):
    path = str(tmp_path / "state.sqlite3")
    first, second = Store(path), Store(path)
    first.put("thing", "x", {"v": 1})
    assert second.get("thing", "x") == {"v": 1}
    first.close()
    reopened = Store(path)
    assert reopened.get("thing", "x") == {"v": 1}


def test_due_actions_come_earliest_first_and_ties_in_order():
    store = Store()
    store.schedule(5.0, "b", {"i": 1})
    store.schedule(3.0, "a", {"i": 2})
    store.schedule(5.0, "c", {"i": 3})
    store.schedule(11.0, "d", {"i": 4})
    assert store.next_due() == 3.0
    batch = store.due_batch(10, 100)
    assert [payload["i"] for _, _, _, payload in batch] == [2, 1, 3]
    store.remove_actions([seq for seq, *_ in batch])
    assert store.due_batch(10, 100) == [] and store.next_due() == 11.0


def test_reset_empties_everything():
    store = Store()
    store.put("thing", "x", {})
    store.schedule(1, "a", {})
    store.put_blob("k", b"1", "text/plain", "f.txt")
    store.add_inbox("box", {"m": 1}, 10, 1000)
    store.reset()
    assert store.get("thing", "x") is None and store.next_due() is None
    assert store.get_blob("k") is None and store.inbox("box") == []
