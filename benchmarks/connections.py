"""Does serve keep answering new clients while a crowd holds connections open?

    python benchmarks/connections.py [--idle 2000] [--slow 200] [--seconds 30]

Starts ``meeting-emulator serve``, opens ``--idle`` keep-alive connections (each makes one request,
then sits idle) and ``--slow`` slowloris clients (each sends its headers one line a second and
never finishes), then, while they hold on for ``--seconds``, times fresh clients' GETs of
``/_emulator/health`` (a new connection each). The target: every fresh GET answered, the slowest
in under 1 s.
"""
from __future__ import annotations

import argparse
import resource
import socket
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from processes import serve, stop  # noqa: E402  (run as a script or imported by run.py)

TARGET_SECONDS = 1.0


def open_idle(port: int, count: int) -> tuple[list[socket.socket], int]:
    """Keep-alive connections that each got one answer; returns them and how many got no answer
    within 2 s (the server stopped accepting); after 20 of those it stops opening more."""
    crowd, stuck = [], 0
    request = b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    for _ in range(count):
        conn = socket.create_connection(("127.0.0.1", port), timeout=2)
        crowd.append(conn)
        try:
            conn.sendall(request)
            if not conn.recv(65536).startswith(b"HTTP/1.1 200"):
                stuck += 1
        except OSError:
            stuck += 1
        if stuck >= 20:  # the server stopped answering new connections: no need to wait out the rest
            break
    return crowd, stuck


def slowloris(port: int, count: int, stop: threading.Event) -> list[socket.socket]:
    """Clients that never finish their headers: one more header line a second each."""
    crowd = []
    for _ in range(count):
        conn = socket.create_connection(("127.0.0.1", port), timeout=2)
        conn.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        crowd.append(conn)

    def drip() -> None:
        n = 0
        while not stop.wait(1):
            n += 1
            for conn in crowd:
                try:
                    conn.sendall(f"X-Slow-{n}: still sending\r\n".encode())
                except OSError:
                    pass

    threading.Thread(target=drip, daemon=True).start()
    return crowd


def fresh_gets(base: str, count: int, seconds: float) -> list[float | None]:
    """``count`` GETs spread over ``seconds``, each on a new connection; None: no answer in 5 s."""
    times: list[float | None] = []
    for _ in range(count):
        started = time.monotonic()
        try:
            ok = requests.get(base + "/_emulator/health", timeout=5).status_code == 200
            times.append(time.monotonic() - started if ok else None)
        except requests.RequestException:
            times.append(None)
        time.sleep(seconds / count)
    return times


def measure(idle: int = 2000, slow: int = 200, seconds: float = 30) -> dict:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # the crowd needs a descriptor per client here too
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    process, base = serve("--quiet")
    port = int(base.rsplit(":", 1)[1])
    stopping = threading.Event()
    crowd: list[socket.socket] = []
    try:
        crowd, stuck = open_idle(port, idle)
        crowd += slowloris(port, slow, stopping)
        times = fresh_gets(base, 20, seconds)
    except OSError as exc:
        return {"error": f"{type(exc).__name__}: {exc} after {len(crowd)} connections"}
    finally:
        stopping.set()
        for conn in crowd:
            conn.close()
        stop(process)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    answered = [t for t in times if t is not None]
    return {"idle": len(crowd) - slow, "idle_unanswered": stuck, "slow": slow, "fresh": len(times),
            "fresh_answered": len(answered), "slowest": max(answered) if answered else None}


def verdict(result: dict) -> tuple[str, bool]:
    if "error" in result:
        return result["error"], False
    slowest = "none answered" if result["slowest"] is None else f"slowest {result['slowest']:.3f} s"
    measured = (f"{result['fresh_answered']}/{result['fresh']} fresh GETs answered, {slowest}, "
                f"with {result['idle']} idle keep-alive "
                f"({result['idle_unanswered']} unanswered) + {result['slow']} slowloris clients open")
    ok = (result["fresh_answered"] == result["fresh"] and result["idle_unanswered"] == 0
          and result["slowest"] is not None and result["slowest"] < TARGET_SECONDS)
    return measured, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    measured, ok = verdict(measure(args.idle, args.slow, args.seconds))
    print(f"{measured}: target (all answered, slowest < {TARGET_SECONDS:g} s) {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
