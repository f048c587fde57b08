"""100ms recording assets: files made when a recording or transcription completes, read, listed
and pre-signed. A part of ``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

from ...core import media
from ...core.clock import iso
from ...core.errors import Invalid
from .constants import ASSET, NAME, WEBHOOK_LINK_LIFETIME

class Assets:
    def _asset(self, recording: dict, kind: str, status: str, path: str, content: bytes | None,
               content_type: str | None, duration: int, metadata: dict) -> dict:
        asset = {"id": self._oid(ASSET), "job_id": recording["id"], "room_id": recording["room_id"],
                 "session_id": recording["session_id"], "type": kind, "status": status, "path": path,
                 "size": 0, "duration": duration, "created_at": iso(self.clock.now()), "thumbnails": None,
                 "metadata": metadata}
        self.store.put(ASSET, asset["id"], asset, recording["id"])
        recording["_"].setdefault("asset_ids", []).append(asset["id"])  # read by id, not by a listing
        if content is not None:
            asset = self._complete_asset(asset["id"], content, content_type or "application/octet-stream")
        return asset

    def _complete_asset(self, asset_id: str, content: bytes, content_type: str) -> dict:
        asset = self.store.get(ASSET, asset_id)
        filename = asset["path"].rsplit("/", 1)[-1]
        self.engine.links.put(f"{NAME}/assets/{asset_id}/{filename}", content, content_type, filename)
        asset.update(status="completed", size=len(content))
        return self.store.put(ASSET, asset_id, asset, asset["job_id"])

    def _complete_media(self, asset_id: str, duration: int, seed: int, kind: str = "mp4") -> dict:
        """A media asset (mp4, or webm for a track): made when downloaded; its size is that of the file it makes."""
        asset = self.store.get(ASSET, asset_id)
        filename = asset["path"].rsplit("/", 1)[-1]
        self.engine.links.put_media(f"{NAME}/assets/{asset_id}/{filename}", kind, duration, seed, filename)
        asset.update(status="completed", size=len(media.render(kind, duration, seed)))
        return self.store.put(ASSET, asset_id, asset, asset["job_id"])

    def asset(self, asset_id: str) -> dict:
        return self.require(ASSET, asset_id, f"asset not found: {asset_id}")

    def assets(self) -> list[dict]:
        return self.store.find(ASSET)

    def recording_assets(self, recording: dict) -> list[dict] | None:
        found = [self.store.get(ASSET, asset_id) for asset_id in recording["_"].get("asset_ids", [])]
        embedded = [{k: v for k, v in a.items() if k not in ("job_id", "room_id", "session_id")} for a in found]
        return embedded or None

    def presign(self, asset_id: str, lifetime: int) -> dict:
        asset = self.asset(asset_id)
        if asset["status"] != "completed":
            raise Invalid(f"asset {asset_id} is not completed yet (status {asset['status']})")
        filename = asset["path"].rsplit("/", 1)[-1]
        url = self.engine.links.mint(f"{NAME}/assets/{asset_id}/{filename}", lifetime)
        return {"id": asset_id, "path": asset["path"], "url": url, "expiry": lifetime}

    def _webhook_link(self, asset: dict) -> str:
        filename = asset["path"].rsplit("/", 1)[-1]
        return self.engine.links.mint(f"{NAME}/assets/{asset['id']}/{filename}", WEBHOOK_LINK_LIFETIME)
