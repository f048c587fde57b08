"""Recall RTMP real-time endpoints against a real RTMP server: Debian's nginx with its RTMP module
records what the bot publishes, and ffprobe reads the recording as H.264 and AAC, as long as the
stretch the clock moved. Skipped where nginx's RTMP module or ffmpeg is not installed (.ci/run
installs them)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not (MODULE.exists() and os.path.exists(NGINX) and shutil.which("ffmpeg")),
                                reason="needs nginx with its RTMP module and ffmpeg "
                                       "(apt-get install nginx-light libnginx-mod-rtmp ffmpeg)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def rtmp_server(tmp_path):
    """nginx-rtmp on a free port, recording each stream published to /live/<key> as <key>.flv."""
    port = free_port()
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""load_module {MODULE};
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
master_process off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{}}
rtmp {{ server {{ listen 127.0.0.1:{port}; application live {{ live on; record all; record_path {recorded};
  record_unique off; }} }} }}
""")
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
        time.sleep(0.05)
    yield f"rtmp://127.0.0.1:{port}/live", recorded
    process.terminate()
    process.wait(timeout=10)


def probe(path: Path) -> dict:
    return json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                                      "stream=codec_name,width,height,sample_rate:format=duration", "-of", "json",
                                      str(path)], capture_output=True, text=True, check=True).stdout)


def test_the_bot_publishes_the_calls_video_as_flv_the_rtmp_server_records(recall, rtmp_server, emulator):
    url, recorded = rtmp_server
    bot = recall.create(recording_config={"realtime_endpoints": [
        {"type": "rtmp", "url": f"{url}/meeting-key", "events": ["video_mixed_flv.data"]}]})
    recall.emulator.advance(5 + 20)
    recall.post(f"/bot/{bot['id']}/stop_recording/")  # 20 s of the call, then the stream ends
    deadline = time.monotonic() + 30
    while not any(s["close_code"] == 1000 for s in emulator.streams("recall")["sessions"]):
        assert time.monotonic() < deadline, emulator.streams("recall")
        time.sleep(0.1)
    flv = recorded / "meeting-key.flv"
    deadline = time.monotonic() + 10
    while not (flv.exists() and flv.stat().st_size > 0):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(0.5)  # nginx closes the recording after the publisher goes
    probed = probe(flv)
    assert sorted(s["codec_name"] for s in probed["streams"]) == ["aac", "h264"]
    assert float(probed["format"]["duration"]) == pytest.approx(20, abs=0.5)
    endpoint = recall.get("/realtime_endpoint/").json()["results"][0]
    assert endpoint["type"] == "rtmp" and endpoint["status"]["code"] == "done"


def test_an_rtmp_server_that_is_not_there_is_retried_every_3_seconds(recall, emulator):
    url = f"rtmp://127.0.0.1:{free_port()}/live/nobody"
    recall.create(recording_config={"realtime_endpoints": [
        {"type": "rtmp", "url": url, "events": ["video_mixed_flv.data"]}]})
    recall.emulator.advance(5 + 1)

    def attempts() -> list[dict]:
        return [s for s in emulator.streams("recall")["sessions"] if s["url"] == url]

    deadline = time.monotonic() + 20
    while not (attempts() and attempts()[0]["error"]):
        assert time.monotonic() < deadline, attempts()
        time.sleep(0.1)
    assert "did not take the stream" in attempts()[0]["error"]
    recall.emulator.advance(3)
    deadline = time.monotonic() + 20
    while len(attempts()) < 2:
        assert time.monotonic() < deadline, attempts()
        time.sleep(0.1)


def test_an_rtmp_endpoint_takes_rtmp_urls_and_the_flv_event(recall):
    for url, events in (("https://example.com/live", ["video_mixed_flv.data"]),
                        ("rtmp://example.com/live", ["audio_mixed_raw.data"])):
        answer = recall.post("/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij", "recording_config": {
            "realtime_endpoints": [{"type": "rtmp", "url": url, "events": events}]}})
        assert answer.status_code == 400, answer.text
