"""Pre-signed download links served by the emulator itself, in the style of S3.

A link carries its issue time and lifetime and an HMAC over key, time and lifetime. It is valid
while ``now < issued + lifetime`` on the emulator clock; from that second on it answers 403
``AccessDenied`` / ``Request has expired``. A changed signature answers 403
``SignatureDoesNotMatch`` and content that was replaced or deleted 404 ``NoSuchKey``, with the XML
bodies S3 uses.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Mapping
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit
from xml.sax.saxutils import escape

from . import media
from .clock import Clock, iso
from .numbers import parse_int
from .store import Store

AMZ_DATE = "%Y%m%dT%H%M%SZ"
MAX_LIFETIME = 7 * 24 * 3600  # S3's own ceiling for pre-signed URLs


@dataclass
class Download:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Links:
    def __init__(self, store: Store, clock: Clock, secret: bytes, base_url: Callable[[], str]) -> None:
        self._store = store
        self._clock = clock
        self.secret = secret
        self._base_url = base_url
        self._renderers: dict[str, Callable[[dict], bytes]] = {}

    # -- content ---------------------------------------------------------------------------
    def put(self, key: str, content: bytes, content_type: str, filename: str) -> None:
        self._store.put_blob(key, content, content_type, filename)

    def register_renderer(self, name: str, render: Callable[[dict], bytes]) -> None:
        """A function that makes a file's bytes from a small recipe (``put_rendered``)."""
        self._renderers[name] = render

    def put_rendered(self, key: str, renderer: str, args: dict, content_type: str, filename: str) -> None:
        """A file made by a registered renderer when it is downloaded: deterministic content from
        state the platform keeps anyway, so stored files cost a few bytes each."""
        self._store.put_blob(key, b"", content_type, filename, {"renderer": renderer, "args": args})

    def put_media(self, key: str, kind: str, duration: float, seed: int, filename: str) -> None:
        """A media file (mp4, wav, mp3, raw) made when it is downloaded, so stored ones cost nothing."""
        self._store.put_blob(key, b"", media.CONTENT_TYPES[kind], filename,
                             {"kind": kind, "duration": duration, "seed": seed})

    def delete(self, key: str) -> None:
        self._store.delete_blob(key)

    # -- minting ---------------------------------------------------------------------------
    def mint(self, key: str, lifetime: int, issued_at: float | None = None) -> str:
        """A URL for ``key`` valid for ``lifetime`` seconds from ``issued_at`` (default: now)."""
        if not 1 <= lifetime <= MAX_LIFETIME:
            raise ValueError(f"lifetime must be 1..{MAX_LIFETIME} seconds")
        issued = math.floor(self._clock.now() if issued_at is None else issued_at)
        amz_date = datetime.fromtimestamp(issued, tz=timezone.utc).strftime(AMZ_DATE)
        query = {
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": f"EMULATOR/{amz_date[:8]}/us-east-1/s3/aws4_request",
            "X-Amz-Date": amz_date,
            "X-Amz-Expires": str(lifetime),
            "X-Amz-SignedHeaders": "host",
            "X-Amz-Signature": self._sign(key, amz_date, str(lifetime)),
        }
        return f"{self._base_url()}/s3/{quote(key)}?{urlencode(query)}"

    def expiry_of(self, url: str) -> float | None:
        """When a link this emulator signed stops working (expired or not); None for anything else:
        not http(s), not on its own base URL, not under /s3/, or a signature that does not check."""
        parts = urlsplit(url)
        base = urlsplit(self._base_url())
        if parts.scheme not in ("http", "https") or (parts.scheme, parts.netloc) != (base.scheme, base.netloc) \
                or not parts.path.startswith("/s3/"):
            return None
        expires_at = self._expiry(unquote(parts.path[len("/s3/"):]), dict(parse_qsl(parts.query)))
        return None if isinstance(expires_at, Download) else expires_at

    def _sign(self, key: str, amz_date: str, expires: str) -> str:
        message = f"{key}\n{amz_date}\n{expires}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def _expiry(self, key: str, query: Mapping[str, str]) -> float | Download:
        """When a link to ``key`` with this query stops working, or S3's answer to what is wrong
        with its signature parameters."""
        amz_date, expires = query.get("X-Amz-Date", ""), query.get("X-Amz-Expires", "")
        signature = query.get("X-Amz-Signature", "")
        if not (amz_date and expires and signature):
            return _error(403, "AccessDenied", "Access Denied")
        # S3 checks the form of the query before the signature, with these messages.
        if not (expires.isascii() and expires.isdigit()):
            return _error(400, "AuthorizationQueryParametersError", "X-Amz-Expires should be a number")
        lifetime = parse_int(expires)  # None: more digits than any lifetime has
        if lifetime is None or not 0 < lifetime <= MAX_LIFETIME:
            return _error(400, "AuthorizationQueryParametersError",
                          "X-Amz-Expires must be less than a week (in seconds) that is 604800")
        try:
            issued = datetime.strptime(amz_date, AMZ_DATE).replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            return _error(400, "AuthorizationQueryParametersError",
                          "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
        if not hmac.compare_digest(signature, self._sign(key, amz_date, expires)):
            return _error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.",
            )
        return issued + lifetime

    # -- serving ---------------------------------------------------------------------------
    def download(self, key: str, query: Mapping[str, str]) -> Download:
        expires_at = self._expiry(key, query)
        if isinstance(expires_at, Download):
            return expires_at
        now = self._clock.now()
        if now >= expires_at:
            return _error(
                403,
                "AccessDenied",
                "Request has expired",
                {"X-Amz-Expires": query["X-Amz-Expires"], "Expires": iso(expires_at), "ServerTime": iso(now)},
            )
        blob = self._store.get_blob(key)
        if blob is None:
            return _error(404, "NoSuchKey", "The specified key does not exist.", {"Key": key})
        content, content_type, filename, recipe = blob
        if recipe and "renderer" in recipe:
            content = self._renderers[recipe["renderer"]](recipe["args"])
        elif recipe:
            content = media.render(recipe["kind"], recipe["duration"], recipe["seed"])
        return Download(
            200,
            content,
            {
                "Content-Type": content_type,
                "Content-Length": str(len(content)),
                "Content-Disposition": f'attachment; filename="{filename}"',
                "ETag": '"' + hashlib.md5(content).hexdigest() + '"',  # noqa: S324 - S3's ETag is MD5
                "Cache-Control": "private, max-age=0",
            },
        )


def _error(status: int, code: str, message: str, extra: dict[str, str] | None = None) -> Download:
    parts = [f"<Code>{code}</Code>", f"<Message>{escape(message)}</Message>"]
    parts += [f"<{k}>{escape(v)}</{k}>" for k, v in (extra or {}).items()]
    parts.append("<RequestId>EMULATOR</RequestId>")
    body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' + "".join(parts) + "</Error>"
    return Download(status, body.encode(), {"Content-Type": "application/xml"})


S3_CODES = {400: ("InvalidRequest", "Invalid Request"), 403: ("AccessDenied", "Access Denied"),
            404: ("NoSuchKey", "The specified key does not exist."),
            500: ("InternalError", "We encountered an internal error. Please try again."),
            503: ("SlowDown", "Please reduce your request rate.")}


def s3_error(status: int) -> Download:
    """S3's own error for a status, as a fault on the download links answers it."""
    code, message = S3_CODES.get(status, ("ServiceUnavailable", "Service is unable to handle request."))
    return _error(status, code, message)
