"""How fast ``meeting-emulator validate`` checks a big transcript, against ``json.loads`` alone.

    python benchmarks/validate_speed.py [--megabytes 50]

Prints the file size, the time of ``json.loads``, the time of the whole validate command (read,
parse, compiled check) and the ratio. The target is under 2x ``json.loads``.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
from pathlib import Path

from emulator.cli import run_validate


def transcript(megabytes: float) -> bytes:
    segment = {"start_time": 0.0, "end_time": 1.2, "user": {"id": 3077485, "name": "Teddy Transcriber"},
               "breakout_id": "main", "text": "We will look at the second derivative of the function next."}
    count = int(megabytes * 1e6 / len(json.dumps(segment)))
    segments = [dict(segment, start_time=i * 1.5, end_time=i * 1.5 + 1.2, user={"id": 3077485 + i % 5,
                                                                             "name": f"Speaker {i % 5}"})
                for i in range(count)]
    return json.dumps(segments).encode()


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    raw = transcript(args.megabytes)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "transcript.json"
        path.write_bytes(raw)
        run_validate("lessonspace", "file.transcript", [str(path)])  # compile the schema once, as serve does
        parse = best_of(args.runs, lambda: json.loads(path.read_bytes()))

        def validate() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert run_validate("lessonspace", "file.transcript", [str(path)]) == 0

        check = best_of(args.runs, validate)
    print(f"file: {len(raw) / 1e6:.1f} MB transcript")
    print(f"json.loads:                {parse:.3f} s")
    print(f"meeting-emulator validate: {check:.3f} s")
    print(f"ratio: {check / parse:.2f} x json.loads (target: under 2 x)")


if __name__ == "__main__":
    main()
