"""A crowd of open connections does not lock new clients out: idle keep-alive clients and slow ones
that never finish their headers each hold a connection, and a fresh client is still answered, by a
real ``serve`` process (one, and several workers)."""
import socket

import pytest
import requests

from test_cli import start_server, stop_server

REQUEST = b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def open_crowd(port: int, idle: int, slow: int) -> list[socket.socket]:
    crowd = []
    for _ in range(idle):  # each gets its answer, then keeps the connection open
        conn = socket.create_connection(("127.0.0.1", port), timeout=10)
        crowd.append(conn)
        conn.sendall(REQUEST + b"\r\n")
        assert conn.recv(65536).startswith(b"HTTP/1.1 200")
    for _ in range(slow):  # headers begun, never finished
        conn = socket.create_connection(("127.0.0.1", port), timeout=10)
        crowd.append(conn)
        conn.sendall(REQUEST + b"X-Slow: still sending\r\n")
    return crowd


@pytest.mark.parametrize("extra", [(), ("--workers", "2")], ids=["one process", "two workers"])
def test_a_fresh_client_is_answered_while_300_connections_stay_open(tmp_path, extra):
    """Three hundred is three times waitress's default limit of 100 connections (per process), past
    which new clients used to wait until someone closed."""
    process, base = start_server(tmp_path / "state.sqlite3", "--quiet", *extra)
    crowd: list[socket.socket] = []
    try:
        crowd = open_crowd(int(base.rsplit(":", 1)[1]), idle=250, slow=50)
        for _ in range(5):
            assert requests.get(base + "/_emulator/health", timeout=10).status_code == 200
    finally:
        for conn in crowd:
            conn.close()
        stop_server(process)
