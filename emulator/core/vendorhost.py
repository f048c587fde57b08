"""Answering for a vendor's own host: a request whose ``Host`` is a platform's real API host (for
example ``api.100ms.live``) is served under that platform's mount, as if it had been sent to
``/<platform>/...``.

An SDK whose base URL is fixed in its source can then be pointed at the emulator unchanged, through
an HTTP proxy setting (``HTTPS_PROXY=http://127.0.0.1:8080``) for clients that send the request to
the proxy in plain HTTP with an absolute-form target, as axios 0.x does. Paths already under a
platform's mount, and hosts no platform claims, pass through untouched.
"""
from __future__ import annotations

from typing import Callable, Iterable, Mapping


class VendorHosts:
    def __init__(self, app: Callable, mounts: Mapping[str, str]) -> None:
        self.app = app
        self.mounts = dict(mounts)  # host (lower case, no port) -> "/<platform>"

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
        mount = self.mounts.get(host)
        path = environ.get("PATH_INFO", "")
        if mount and not (path == mount or path.startswith(mount + "/")):
            environ["PATH_INFO"] = mount + path
        return self.app(environ, start_response)
