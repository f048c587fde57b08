"""meeting-emulator's benchmark suite: one command, one table.

    python benchmarks/run.py [--quick]

HTTP figures come from wrk (Debian package `wrk`) and are ratios against WireMock (the jar of the
npm `wiremock` package, on the machine's Java) answering a static stub of the same body, in the
same run, with a bare Flask app on the same WSGI server for context. Without wrk the HTTP rows say
so; without Java, the WireMock ratios say so; the rest still runs.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

import connections
import streams
import wiremock
from processes import PYTHON, free_port, serve, stop, wait_up

HERE = Path(__file__).resolve().parent
ROWS: list[tuple[str, str, str, str]] = []  # what, measured, target, verdict


def row(what: str, measured: str, target: str, ok: bool | None) -> None:
    ROWS.append((what, measured, target, "n/a" if ok is None else ("met" if ok else "NOT met")))
    print(f"  {what}: {measured} ({'met' if ok else 'not met' if ok is not None else 'n/a'})", flush=True)


def wrk(url: str, seconds: int, headers: dict[str, str], script: str | None = None) -> dict:
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale, "requests": total,
            "errors": int(non2xx.group(1)) if non2xx else 0}


def bare_flask(body: bytes, server: str = "waitress") -> tuple[subprocess.Popen | None, str]:
    if server == "granian" and not shutil.which("granian", path=str(Path(PYTHON).parent)):
        return None, ""
    port = free_port()
    path = Path(tempfile.mkstemp(suffix=".json")[1])
    path.write_bytes(body)
    process = subprocess.Popen([PYTHON, str(HERE / "bare_app.py"), str(port), str(path), server],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(HERE)})  # granian's worker imports it
    base = f"http://127.0.0.1:{port}"
    wait_up(base + "/object")
    return process, base


# -- HTTP --------------------------------------------------------------------------------------
def seed_objects(base: str) -> dict[str, tuple[str, dict]]:
    """One stored object per platform asked for: (url, auth headers)."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from helpers import hms_token

    out = {}
    auth = {"Authorization": "Token bench-key"}
    bot = requests.post(f"{base}/recall/api/v1/bot/", json={"meeting_url": "https://zoom.us/j/1"}, headers=auth).json()
    out["Recall bot"] = (f"{base}/recall/api/v1/bot/{bot['id']}/", auth)
    now = requests.get(f"{base}/_emulator/clock").json()["timestamp"]
    hms = {"Authorization": f"Bearer {hms_token(now, valid_for=86400 * 7)}"}
    room = requests.post(f"{base}/100ms/v2/rooms", json={"name": "bench"}, headers=hms).json()
    recording = requests.post(f"{base}/100ms/v2/recordings/room/{room['id']}/start", json={}, headers=hms).json()
    out["100ms recording"] = (f"{base}/100ms/v2/recordings/{recording['id']}", hms)
    ls = {"Authorization": "Organisation 6b1f2c3d-1111-4222-8333-944455566677"}
    space = requests.post(f"{base}/lessonspace/v2/spaces/launch/", json={"id": "bench"}, headers=ls).json()
    session = requests.post(f"{base}/_emulator/lessonspace/spaces/{space['room_id']}/sessions", json={}).json()
    out["Lessonspace session"] = (f"{base}/lessonspace/v2/organisations/sessions/{session['uuid']}/", ls)
    return out


def bench_http(seconds: int) -> None:
    if not shutil.which("wrk"):
        for what in ("serve: GET of a stored object", "serve: create", "serve --workers N", "WSGI servers"):
            row(what, "wrk is not installed (apt-get install wrk)", "-", None)
        return
    jar_path, why = wiremock.jar()
    mock = wiremock.WireMock(jar_path, free_port()) if jar_path else None
    if mock is None:
        row("WireMock beside the emulator", why, "-", None)
    else:  # the JVM needs seconds of traffic before its JIT settles; a short warm-up gives it a third of its speed
        wrk(mock.stub("GET", "/warm-up", b'{"warm": true}'), 15, {})
    emulator, base = serve()
    try:
        for name, (url, headers) in seed_objects(base).items():
            body = requests.get(url, headers=headers).content
            ours = wrk(url, seconds, headers)
            bare, bare_base = bare_flask(body)
            try:
                flask = wrk(bare_base + "/object", seconds, {})
            finally:
                bare.terminate()
            context = f"{ours['rps'] / flask['rps']:.2f} x bare Flask"
            if mock is None:
                row(f"serve: GET {name} ({len(body)} B), 16 connections", f"{ours['rps']:.0f} req/s = {context}",
                    ">= 1.0 x WireMock", None)
                continue
            stub = mock.stub("GET", f"/{name.replace(' ', '-')}", body)
            wrk(stub, 3, {})  # the JVM warms up first
            theirs = wrk(stub, seconds, {})
            ratio = ours["rps"] / theirs["rps"]
            row(f"serve: GET {name} ({len(body)} B), 16 connections",
                f"{ours['rps']:.0f} req/s = {ratio:.2f} x WireMock ({theirs['rps']:.0f}); {context}; "
                f"p99 {ours['p99_ms']:.1f} ms vs {theirs['p99_ms']:.1f} ms",
                ">= 1.0 x WireMock; p99 no worse", ratio >= 1.0 and ours["p99_ms"] <= theirs["p99_ms"])
        script = str(HERE / "create_bot.lua")
        auth = {"Authorization": "Token bench-key"}
        created = requests.post(f"{base}/recall/api/v1/bot/", json={"meeting_url": "https://zoom.us/j/1"},
                                headers=auth).content
        ours = wrk(f"{base}/recall/api/v1/bot/", seconds, auth, script)
        if mock is None:
            row("serve: create a Recall bot (validated, stored)", f"{ours['rps']:.0f} req/s", ">= 0.5 x WireMock", None)
        else:
            stub = mock.stub("POST", "/create", created, 201)
            wrk(stub, 3, {}, script)
            theirs = wrk(stub, seconds, {}, script)
            ratio = ours["rps"] / theirs["rps"]
            row("serve: create a Recall bot (validated, stored)",
                f"{ours['rps']:.0f} req/s = {ratio:.2f} x WireMock's static POST stub ({theirs['rps']:.0f})",
                ">= 0.5 x WireMock", ratio >= 0.5)
    finally:
        stop(emulator)
        if mock is not None:
            mock.stop()
    bench_servers(seconds)
    bench_workers(seconds)
    bench_hms_reads(seconds)


def bench_hms_reads(seconds: int) -> None:
    """Every 100ms read against the recording GET, in one run of serve: none may be slower."""
    if not shutil.which("wrk"):
        row("100ms: every read vs the recording GET", "wrk is not installed (apt-get install wrk)", "-", None)
        return
    sys.path.insert(0, str(HERE.parent / "tests"))
    from helpers import hms_token

    emulator, base = serve()
    try:
        now = requests.get(f"{base}/_emulator/clock").json()["timestamp"]
        auth = {"Authorization": f"Bearer {hms_token(now, valid_for=86400 * 7)}"}
        api = f"{base}/100ms/v2"
        room = requests.post(f"{api}/rooms", json={"name": "bench"}, headers=auth).json()["id"]
        recording = requests.post(f"{api}/recordings/room/{room}/start", json={}, headers=auth).json()["id"]
        live = requests.post(f"{api}/live-streams/room/{room}/start", json={}, headers=auth).json()["id"]
        external = requests.post(f"{api}/external-streams/room/{room}/start",
                                 json={"rtmp_urls": ["rtmp://live.example.com/a/b"]}, headers=auth).json()["id"]
        poll = requests.post(f"{api}/polls", json={"title": "bench", "questions": [{"text": "q", "options": [{}, {}]}]},
                             headers=auth).json()["id"]
        requests.post(f"{api}/room-codes/room/{room}", headers=auth)
        session = requests.get(f"{api}/sessions", params={"room_id": room}, headers=auth).json()["data"][0]
        peer = next(p for p in session["peers"].values() if p["role"] != "__internal_recorder")["id"]
        template = requests.get(f"{api}/rooms/{room}", headers=auth).json()["template_id"]
        reads = {"recording": f"recordings/{recording}", "room": f"rooms/{room}", "rooms": "rooms",
                 "session": f"sessions/{session['id']}", "sessions": "sessions", "active room": f"active-rooms/{room}",
                 "active-room peers": f"active-rooms/{room}/peers", "active-room peer": f"active-rooms/{room}/peers/{peer}",
                 "template": f"templates/{template}", "templates": "templates", "live stream": f"live-streams/{live}",
                 "live streams": "live-streams", "external stream": f"external-streams/{external}",
                 "room codes": f"room-codes/room/{room}", "poll": f"polls/{poll}", "poll results": f"polls/{poll}/results",
                 "analytics events": f"analytics/events?room_id={room}", "recordings": "recordings",
                 "recording assets": "recording-assets"}
        rates = {name: wrk(f"{api}/{path}", seconds, auth)["rps"] for name, path in reads.items()}
        again = wrk(f"{api}/{reads['recording']}", seconds, auth)["rps"]  # the floor, measured at both ends
    finally:
        stop(emulator)
    floor = min(rates["recording"], again)
    slowest = min(rates, key=rates.get)
    # within 15 %: two wrk runs of the same endpoint differ about that much on this machine
    row("100ms: every read vs the recording GET", f"recording GET {floor:.0f} req/s; slowest {slowest} "
        f"{rates[slowest]:.0f} req/s ({rates[slowest] / floor:.2f} x); "
        + ", ".join(f"{n} {r / floor:.2f}" for n, r in rates.items() if n != "recording"),
        ">= 0.85 x the recording GET", rates[slowest] >= 0.85 * floor)


def bench_servers(seconds: int) -> None:
    """The WSGI server candidates, each serving the same bare Flask app in one process."""
    body = json.dumps({"id": "x" * 32, "status": "done", "items": list(range(100))}).encode()
    results = {}
    for server in ("waitress", "granian"):
        process, base = bare_flask(body, server)
        if process is None:
            results[server] = None
            continue
        try:
            wrk(base + "/object", 2, {})
            results[server] = wrk(base + "/object", seconds, {})
        finally:
            process.terminate()
            process.wait(10)
    text = "; ".join(f"{name}: {r['rps']:.0f} req/s, p99 {r['p99_ms']:.1f} ms" if r else f"{name}: not installed"
                     for name, r in results.items())
    row("WSGI servers: bare Flask, one process, 16 connections", text, "choose by the numbers", None)


def bench_journal(requests: int = 5000) -> None:
    """What the journal costs a GET of a stored bot, and what a fault rule that does not match costs
    it: the time spent in each, timed inside real requests through the WSGI app in this process, as
    a share of the whole request. A share, not two throughputs: on two shared cores the run-to-run
    noise of a throughput (5-10 %) is larger than the 5 % to be measured; a share is not moved by it."""
    from emulator import app as app_module
    from emulator.core import intercept
    from emulator.core.engine import Config
    from emulator.app import new_engine

    engine = new_engine(Config(frozen=True))
    client = app_module.create_app(engine).test_client()
    auth = {"Authorization": "Token bench-key"}
    bot = client.post("/recall/api/v1/bot/", json={"meeting_url": "https://zoom.us/j/1"}, headers=auth).json
    url = f"/recall/api/v1/bot/{bot['id']}/"
    spent = {"record": 0.0, "faults": 0.0}

    def timed(name: str, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
        return wrapper

    original_record, original_match = intercept.record, engine.faults.for_request
    intercept.record = timed("record", original_record)
    engine.faults.for_request = timed("faults", original_match)
    try:
        def run() -> float:
            for key in spent:
                spent[key] = 0.0
            started = time.perf_counter()
            for _ in range(requests):
                client.get(url, headers=auth)
            return time.perf_counter() - started

        run()  # warm up
        total = run()
        journal_share, no_rule = spent["record"] / total, spent["faults"] / total
        engine.faults.add({"on": "api", "platform": "100ms", "action": "error", "status": 500})
        total = run()
        rule_share = spent["faults"] / total - no_rule
    finally:
        intercept.record = original_record
        engine.faults.for_request = original_match
    row("request journal: its share of a GET of a stored bot (in process)",
        f"{journal_share * 100:.1f} % of the request ({total / requests * 1e6:.0f} us)", "<= 5 %", journal_share <= 0.05)
    row("fault rules: what a rule that does not match adds to a GET",
        f"{rule_share * 100:+.2f} % of the request", "<= 1 %", rule_share <= 0.01)


def bench_workers(seconds: int) -> None:
    cores = os.cpu_count() or 1
    results = []
    for workers in sorted({1, min(2, cores), cores}):
        state = Path(tempfile.mkdtemp()) / "state.sqlite3"
        process, base = serve("--state", str(state), "--workers", str(workers))
        try:
            run = wrk(f"{base}/recall/api/v1/bot/", seconds, {"Authorization": "Token bench-key"},
                      str(HERE / "create_bot.lua"))
            stored = requests.get(f"{base}/recall/api/v1/bot/", headers={"Authorization": "Token bench-key"}).json()["count"]
        finally:
            stop(process)
        results.append((workers, run["rps"], run["requests"] - run["errors"], stored))
    text = "; ".join(f"{w} worker(s): {rps:.0f} creates/s, {ok} created, {stored} readable"
                     for w, rps, ok, stored in results)
    grows = all(b[1] >= a[1] * 1.1 for a, b in zip(results, results[1:]))
    # wrk counts the answers it read within its window; a few more may land as it stops
    lost = any(stored < ok for _, _, ok, stored in results)
    row(f"serve --workers N on one state file ({cores} cores)", text, "grows with workers; nothing lost",
        grows and not lost)


# -- in-process --------------------------------------------------------------------------------
def bench_startup() -> None:
    # As installed: pip compiles a package's bytecode when it installs it. A clone (or a machine with
    # PYTHONDONTWRITEBYTECODE) would compile every module on every start instead, so the bytecode is
    # made first, into a cache outside the clone.
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path.home() / ".cache" / "meeting-emulator" / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([PYTHON, "-c", "import emulator.cli, emulator.app, emulator.platforms; emulator.platforms.registered()"],
                   env=env, check=True)
    times = []
    for _ in range(5):
        port = free_port()
        start = time.perf_counter()
        process = subprocess.Popen([PYTHON, "-m", "emulator", "serve", "--port", str(port)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_up(f"http://127.0.0.1:{port}/_emulator/health")
        times.append(time.perf_counter() - start)
        stop(process)
    median = statistics.median(times)
    row("start-up: process start to first answered health", f"{median * 1000:.0f} ms median", "< 300 ms",
        median < 0.3)


def bench_reset() -> None:
    from emulator.core.engine import Config
    from emulator.app import new_engine

    engine = new_engine(Config(frozen=True))
    times = []
    for _ in range(300):
        start = time.perf_counter()
        engine.reset(at=math.floor(time.time()), frozen=True)
        times.append(time.perf_counter() - start)
    engine.close()
    median = statistics.median(times)
    row("pytest fixture: reset between tests", f"{median * 1000:.2f} ms median", "< 1 ms", median < 0.001)


def bench_advance() -> None:
    from emulator.core.engine import Config
    from emulator.app import new_engine

    figures = []
    for count in (1000, 10000):
        engine = new_engine(Config(frozen=True))
        engine.timeline.register("bench.touch", lambda p, e=engine: e.store.put("bench", p["id"], p))
        now = engine.clock.now()
        with engine.store.transaction():
            for i in range(count):
                engine.timeline.at(now + 1 + i % 3600, "bench.touch", {"id": str(i)})
        start = time.perf_counter()
        ran = engine.advance(3601)
        figures.append((count, time.perf_counter() - start, ran))
        engine.close()
    (small, t_small, _), (big, t_big, ran) = figures
    linear = (t_big / big) / (t_small / small)
    row("clock advance over 10,000 due actions", f"{t_big * 1000:.0f} ms ({ran} ran); per action {linear:.2f} x the 1,000 case",
        "< 100 ms, linear", t_big < 0.1 and linear < 1.5)


def bench_lookups() -> None:
    from emulator.app import create_app
    from emulator.core.engine import Config
    from emulator.app import new_engine

    auth = {"Authorization": "Token bench-key"}
    results = {}
    for count in (100, 100000):
        engine = new_engine(Config(frozen=True))
        client = create_app(engine).test_client()
        bot = client.post("/recall/api/v1/bot/", json={"meeting_url": "https://zoom.us/j/1"}, headers=auth).json
        template = engine.store.get("recall.bot", bot["id"])
        with engine.store.transaction():
            for i in range(count - 1):
                engine.store.put("recall.bot", f"00000000-0000-4000-8000-{i:012d}", {**template, "id": str(i)})
        url = f"/recall/api/v1/bot/{bot['id']}/"
        for _ in range(200):
            client.get(url, headers=auth)
        times = []
        for _ in range(2000):
            start = time.perf_counter()
            client.get(url, headers=auth)
            times.append(time.perf_counter() - start)
        results[count] = statistics.median(times)
        engine.close()
    ratio = results[100000] / results[100]
    row("lookup (GET a bot) with 100,000 stored objects", f"{results[100000] * 1e6:.0f} us vs {results[100] * 1e6:.0f} us "
        f"with 100 = {ratio:.2f} x", "within 10 %", ratio <= 1.10)


def bench_webhook() -> None:
    from emulator.pytest_plugin import EmulatorHandle  # noqa: F401 - the same server the fixture uses

    arrived = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            arrived.set()
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    process, base = serve()
    try:
        ls = {"Authorization": "Organisation 6b1f2c3d-1111-4222-8333-944455566677"}
        hook = f"http://127.0.0.1:{receiver.server_port}/"
        times = []
        for i in range(40):
            link = requests.post(f"{base}/lessonspace/v2/spaces/launch/", headers=ls, json={
                "id": f"hook-{i}", "webhooks": {"session": {"start": hook}}}).json()["client_url"]
            arrived.clear()
            start = time.perf_counter()
            requests.get(link)  # joining starts the session: session.start goes out
            arrived.wait(5)
            times.append(time.perf_counter() - start)
    finally:
        stop(process)
        receiver.shutdown()
    median = statistics.median(times)
    row("webhook: state change to receiver answered (loopback)", f"{median * 1000:.1f} ms median", "< 20 ms",
        median < 0.02)


def bench_validate(megabytes: float) -> None:
    out = subprocess.run([PYTHON, str(HERE / "validate_speed.py"), "--megabytes", str(megabytes)],
                         capture_output=True, text=True).stdout
    ratio = float(re.search(r"ratio: ([\d.]+)", out).group(1))
    row(f"validate a {megabytes:.0f} MB transcript", f"{ratio:.2f} x json.loads", "< 2 x", ratio < 2)


def bench_memory(bots: int) -> None:
    code = f"""
import resource
from emulator.core.engine import Config
from emulator.app import new_engine
engine = new_engine(Config(frozen=True))
model = engine.models["recall"]
for i in range({bots}):
    model.create({{"meeting_url": "https://zoom.us/j/1", "recording_config": {{"transcript": {{"provider": {{"recallai_streaming": {{}}}}}}}}}}, None)
engine.advance(3600)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
done = sum(1 for b in model.bots() if b["status_changes"][-1]["code"] == "done")  # counting loads them all
print(done, rss)
"""
    start = time.perf_counter()
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True).stdout.split()
    done, rss_kb = int(out[0]), int(out[1])
    row(f"memory with {bots:,} Recall bots and their finished recordings",
        f"{rss_kb / 1024:.0f} MB peak resident ({done} done, built in {time.perf_counter() - start:.0f} s)",
        "< 300 MB", rss_kb / 1024 < 300)


def bench_streams(hour: int, bots: int, each: int) -> None:
    one = streams.stream(1, hour)
    growth = one["peak_mb"] - one["before_mb"]
    raw_mb = hour * streams.RATE * 2 / 2**20
    row(f"{hour // 60} min of Recall mixed audio to a websocket receiver, frozen clock",
        f"{one['heard']:.0f} s in {one['took']:.1f} s: {hour / one['took']:.0f}x real time",
        "> 50x real time", one["heard"] >= hour - 1e-6 and hour / one["took"] > 50)
    row("emulator memory while it streams",
        f"{one['before_mb']:.0f} MB before, {one['peak_mb']:.0f} MB at peak (+{growth:.0f} MB; the audio is "
        f"{raw_mb:.0f} MB raw)", "flat: < 10% of the audio", growth < raw_mb / 10)
    many = streams.stream(bots, each)
    row(f"{bots} bots streaming mixed audio at once, {each // 60} min each",
        f"{many['heard']:.0f} s of {bots * each} s in {many['took']:.1f} s: "
        f"{bots * each / many['took']:.0f}x real time in all", "all of it, faster than real time",
        many["heard"] >= bots * each - 1e-6 and many["took"] < each)


def bench_connections(seconds: float) -> None:
    measured, ok = connections.verdict(connections.measure(2000, 200, seconds))
    row("fresh clients while 2,000 idle + 200 slowloris connections are open", measured,
        f"all answered, slowest < {connections.TARGET_SECONDS:g} s", ok)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs, smaller sizes (for a smoke check)")
    args = parser.parse_args()
    seconds = 2 if args.quick else 5
    print(f"meeting-emulator benchmarks on {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
    bench_startup()
    bench_reset()
    bench_advance()
    bench_lookups()
    bench_webhook()
    bench_journal(1000 if args.quick else 5000)
    bench_validate(5 if args.quick else 50)
    bench_memory(1000 if args.quick else 10000)
    bench_http(seconds)
    bench_connections(10 if args.quick else 30)
    bench_streams(600 if args.quick else 3600, 20, 60 if args.quick else 300)
    print()
    print("| what | measured | target | |")
    print("|---|---|---|---|")
    for what, measured, target, verdict in ROWS:
        print(f"| {what} | {measured} | {target} | {verdict} |")


if __name__ == "__main__":
    main()
