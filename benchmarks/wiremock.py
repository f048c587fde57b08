"""WireMock beside the emulator in the same benchmark run: the jar that the npm ``wiremock`` package
ships, run by the machine's Java, answering a static stub of the same body the emulator answers.

The jar is taken from ``$WIREMOCK_JAR``, else from a cache outside the working tree
(``~/.cache/meeting-emulator/wiremock``), else fetched there once with ``npm pack wiremock@3``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import requests

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "meeting-emulator" / "wiremock"


def jar() -> tuple[Path | None, str]:
    """The WireMock standalone jar, or None and why not."""
    if os.environ.get("WIREMOCK_JAR"):
        return Path(os.environ["WIREMOCK_JAR"]), ""
    if not shutil.which("java"):
        return None, "Java is not installed (apt-get install default-jre-headless)"
    found = sorted(CACHE.glob("package/build/wiremock-standalone-*.jar"))
    if found:
        return found[-1], ""
    if not shutil.which("npm"):
        return None, "npm is not installed, so the wiremock package's jar cannot be fetched"
    CACHE.mkdir(parents=True, exist_ok=True)
    packed = subprocess.run(["npm", "pack", "wiremock@3", "--silent"], cwd=CACHE, capture_output=True, text=True,
                            timeout=300)
    if packed.returncode != 0:
        return None, f"npm pack wiremock failed: {packed.stderr.strip()[:200]}"
    with tarfile.open(CACHE / packed.stdout.strip().splitlines()[-1]) as archive:
        archive.extractall(CACHE, filter="data")
    found = sorted(CACHE.glob("package/build/wiremock-standalone-*.jar"))
    return (found[-1], "") if found else (None, "the wiremock package holds no standalone jar")


class WireMock:
    def __init__(self, jar_path: Path, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(["java", "-jar", str(jar_path), "--port", str(port), "--disable-banner"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/__admin/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("WireMock did not come up")

    def stub(self, method: str, path: str, body: bytes, status: int = 200) -> str:
        """A static stub answering ``body`` as JSON; returns its URL."""
        mapping = {"request": {"method": method, "url": path},
                   "response": {"status": status, "body": body.decode(), "headers": {"Content-Type": "application/json"}}}
        requests.post(self.base + "/__admin/mappings", json=mapping, timeout=10).raise_for_status()
        return self.base + path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
