"""The official 100ms Node server SDK (@100mslive/server-sdk), unchanged, against the emulator: its
base URL is fixed to api.100ms.live, so it reaches the emulator through HTTPS_PROXY, which the
emulator answers for that host. Every wrapper the SDK has (rooms, room codes, sessions, active
rooms, recordings, recording assets, live and external streams, analytics, auth tokens) is called
by tests/node/hms_server_sdk.cjs; this test judges what came back and what the emulator saw."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import jwt
import pytest

from helpers import assert_valid

SCRIPT = Path(__file__).parent / "node" / "hms_server_sdk.cjs"
PACKAGE = "@100mslive/server-sdk@0.3"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "meeting-emulator" / "hms-node-sdk"


@pytest.fixture(scope="module")
def node_modules() -> Path:
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("needs Node.js and npm for the official 100ms server SDK")
    modules = CACHE / "node_modules"
    if not (modules / "@100mslive" / "server-sdk" / "package.json").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / "package.json").write_text('{"name": "meeting-emulator-hms-sdk", "private": true}')
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", PACKAGE], cwd=CACHE,
                              capture_output=True, text=True, timeout=300)
        if done.returncode:
            pytest.skip(f"npm install {PACKAGE} failed: {done.stderr.strip()[-300:]}")
    return modules


def run_sdk(emulator, modules: Path, tmp_path: Path) -> dict:
    settings = emulator.engine.models["100ms"]
    env = {**os.environ, "NODE_PATH": str(modules), "HTTPS_PROXY": emulator.base_url, "NO_PROXY": "",
           "HMS_ACCESS_KEY": settings.setting("access_key"), "HMS_SECRET": settings.setting("app_secret"),
           "EMULATOR_CONTROL": f"{emulator.base_url}/_emulator"}
    for name in ("https_proxy", "no_proxy", "http_proxy", "HTTP_PROXY"):
        env.pop(name, None)
    env["HTTPS_PROXY"] = emulator.base_url
    done = subprocess.run(["node", str(SCRIPT)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_wrapper_of_the_node_sdk(emulator, node_modules, tmp_path):
    report = run_sdk(emulator, node_modules, tmp_path)
    room = report["room"]
    assert_valid("100ms", "room", room)
    assert report["roomByName"]["id"] == room["id"]  # names are case-insensitive
    assert report["updated"]["description"] == "renamed"
    assert report["disabled"]["enabled"] is False and report["enabled"]["enabled"] is True
    assert len(report["roomsListed"]) == 12 and "page-10" in report["roomsListed"]  # two pages, start = last
    assert report["missingRoom"]["code"] == 404

    assert {c["role"] for c in report["roomCodes"]} == {"host", "guest"}
    assert report["codeDisabled"]["enabled"] is False
    assert report["guestCode"]["code"] not in {c["code"] for c in report["codesListed"]}

    assert report["activeSession"]["active"] is True
    assert report["activeRoom"]["session"]["id"] == report["activeSession"]["id"]
    peers = report["activePeers"]
    assert sorted(p["name"] for p in peers.values()) == ["Ada", "Bob"]
    assert report["peerDetails"]["tracks"] and report["peerDetails"]["role"] == "host"
    assert report["peerUpdated"]["name"] == "Robert" and report["peerUpdated"]["metadata"] == '{"hand":true}'

    assert report["recording"]["status"] == "starting" and report["recordingRunning"]["status"] == "running"
    assert report["liveStreamRunning"]["status"] == "running"
    assert report["paused"]["id"] == report["resumed"]["id"] == report["liveStream"]["id"]
    assert report["paused"]["status"] == report["resumed"]["status"] == "running"
    assert report["externalRunning"]["status"] == "running"
    assert [s["id"] for s in report["liveStreamsListed"]] == [report["liveStream"]["id"]]
    assert [s["id"] for s in report["externalStreamsListed"]] == [report["externalStream"]["id"]]
    assert report["recordingStopped"]["status"] == "stopping"
    assert report["liveStreamStopped"]["status"] == "stopping"
    assert [s["status"] for s in report["externalStopped"]] == ["stopping"]
    assert report["stopAgain"] == []  # nothing left to stop in the room: an empty page

    assert [r["status"] for r in report["recordingsListed"]] == ["completed"]
    types = {a["type"] for a in report["assets"]}
    assert "room-composite" in types and "room-vod" in types
    assert report["asset"]["status"] == "completed"
    assert report["presigned"]["url"].startswith("http") and report["presigned"]["expiry"] == 600
    assert report["session"]["active"] is False and len(report["sessionsListed"]) == 1
    assert report["trackEvents"] and {e["type"] for e in report["trackEvents"]} == {"track.add.success"}
    assert [e["type"] for e in report["recordingEvents"]] == ["beam.recording.success"]

    claims = jwt.decode(report["token"]["token"], emulator.engine.models["100ms"].setting("app_secret"),
                        algorithms=["HS256"])
    assert claims["room_id"] == room["id"] and claims["role"] == "guest"

    seen = emulator.requests("100ms")
    assert seen and all(r["status"] < 500 for r in seen)
    assert any(r["path"] == f"/100ms/v2/active-rooms/{room['id']}/end-room" for r in seen)
