"""Every shell quickstart in the README and the reference under docs/ runs as written against a
real ``serve`` (on a free port instead of 8765, the only change), and shows what its comments promise."""
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import CLI

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *(ROOT / "docs" / f"{name}.md" for name in ("spotme", "100ms", "meetstream", "recall"))]
# the heading or sentence a quickstart follows -> what its output must show
EXPECTED = {
    "Quickstart: a Lessonspace transcript": ["Request has expired", "transcript.json: valid lessonspace/file.transcript",
                                             "\"X-Webhook-Event\":\"transcription.finish\""],
    "SpotMe": ['"status":"completed"', "codec_type=video", "Request has expired"],
    "100ms": ["transcript completed", "summary completed", "'beam.recording.success'"],
    "MeetStream": ["bot.joining", "transcription.processed"],
    "Recall.ai": ["transcript.json: valid recall/file.transcript", "rawvideo", "mp3"],
}


def quickstarts() -> list[tuple[str, str, list[str]]]:
    """(section, script, serve settings) for each ```sh block introduced as a quickstart."""
    found, section, intro, block = [], "", None, None
    for line in "\n".join(page.read_text() for page in PAGES).splitlines():
        if block is not None:
            if line == "```":
                found.append((section, "\n".join(block) + "\n", re.findall(r"--setting '([^']*)'", intro)))
                intro = block = None
            else:
                block.append(line)
        elif line.startswith("## "):
            section = line[3:].strip()
            intro = line if "Quickstart" in line else None
        elif line.startswith("Quickstart"):
            intro = line
        elif intro is not None and line == "```sh":
            block = []
        elif intro is not None:
            intro += " " + line
    return found


def test_the_readme_has_a_quickstart_for_every_platform():
    assert [section for section, _, _ in quickstarts()] == [
        "Quickstart: a Lessonspace transcript, end to end", "SpotMe Backstage", "100ms", "MeetStream", "Recall.ai"]


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="the SpotMe and Recall quickstarts call ffprobe (ffmpeg)")
@pytest.mark.parametrize("section,script,settings", quickstarts(), ids=[q[0].split(",")[0] for q in quickstarts()])
def test_a_quickstart_runs_as_written(tmp_path, section, script, settings):
    port = free_port()
    options = [f"--setting={s.replace('8765', str(port))}" for s in settings]
    server = subprocess.Popen([*CLI, "serve", "--port", str(port), "--quiet", *options],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    try:
        assert b"listening on" in server.stdout.readline()
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               "TMPDIR": str(tmp_path)}  # the scratch folder it makes lands here
        result = subprocess.run(["bash", "-e", "-c", script.replace("8765", str(port))], capture_output=True,
                                text=True, timeout=120, env=env, cwd=tmp_path)
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in output, output
    assert not re.search(r"[}\]][{\[<]", result.stdout), "two outputs run together on one line:\n" + result.stdout
    for expected in EXPECTED[next(k for k in EXPECTED if section.startswith(k))]:
        assert expected in output, f"{expected!r} not in:\n{output}"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
