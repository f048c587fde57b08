"""A state file has one owner and holds only the emulator's state: a second server on a file in use,
another program's SQLite database and a damaged file are each refused in one line (exit 2), by real
processes."""
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor

import requests

from test_cli import CLI, start_server, stop_server
from test_cli_mistakes import one_line_error


def serve(state, *extra):
    return subprocess.run([*CLI, "serve", "--port", "0", "--state", str(state), *extra],
                          capture_output=True, text=True, timeout=60)


def test_a_second_server_on_a_file_in_use_is_refused(tmp_path):
    state = tmp_path / "state.sqlite3"
    first, base = start_server(state)
    try:
        line = one_line_error(serve(state))
        assert "another meeting-emulator is serving this file" in line, line
        assert "another meeting-emulator" in one_line_error(serve(state, "--workers", "2"))
        assert requests.get(f"{base}/_emulator/health").status_code == 200  # the first carries on
    finally:
        stop_server(first)
    second, base = start_server(state)  # once the first has stopped, the file is free
    try:
        assert requests.get(f"{base}/_emulator/health").status_code == 200
    finally:
        stop_server(second)


def test_workers_share_the_file_they_hold_and_others_are_refused(tmp_path):
    state = tmp_path / "state.sqlite3"
    workers, base = start_server(state, "--workers", "2")
    try:
        answers = [requests.get(f"{base}/_emulator/health").status_code for _ in range(20)]
        assert answers == [200] * 20
        assert "another meeting-emulator" in one_line_error(serve(state))
    finally:
        stop_server(workers)


def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path):
    state = tmp_path / "shop.sqlite3"
    with sqlite3.connect(state) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers (name) VALUES ('Ada')")
    line = one_line_error(serve(state))
    assert "another program's database" in line and "customers" in line, line
    with sqlite3.connect(state) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"customers"}


def test_a_damaged_state_file_is_refused_at_start(tmp_path):
    state = tmp_path / "state.sqlite3"
    process, base = start_server(state)
    auth = {"Authorization": "Token k"}
    for i in range(300):  # enough bots for several pages of the file
        requests.post(f"{base}/recall/api/v1/bot/", json={"meeting_url": f"https://zoom.us/j/{1000 + i}",
                                                           "metadata": {"pad": "x" * 200}}, headers=auth)
    stop_server(process)
    data = bytearray(state.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8192] = b"\x5a" * 8192
    state.write_bytes(bytes(data))
    line = one_line_error(serve(state))
    assert "is damaged" in line, line


def test_parallel_clock_advances_on_workers_all_count(tmp_path):
    """Four workers, four advances of 900 s at once, five times over: every second of them is kept
    (each advance reads and moves the shared clock in one transaction)."""
    workers, base = start_server(tmp_path / "state.sqlite3", "--workers", "4", "--frozen")
    try:
        before = requests.get(f"{base}/_emulator/clock").json()["timestamp"]

        def advance(_: int) -> int:  # a new connection each time, so the workers share the moves
            return requests.post(f"{base}/_emulator/clock/advance", json={"seconds": 900}, timeout=60).status_code

        with ThreadPoolExecutor(4) as pool:
            for _ in range(5):
                assert list(pool.map(advance, range(4))) == [200] * 4
        after = [requests.get(f"{base}/_emulator/clock").json()["timestamp"] for _ in range(8)]
        assert {round(t - before) for t in after} == {5 * 4 * 900}  # every worker reads the same clock
    finally:
        stop_server(workers)
