"""Recall.ai's state and rules, composed of its resource families: bots and their status machine
(bots.py), recordings in the call (recording.py), real-time endpoints (realtime.py), recordings and
media artifacts after the call (media.py); here the shared plumbing and workspace webhooks (Svix).
No HTTP here."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from standardwebhooks import Webhook

from ...core.model import PlatformModel
from ...core.webhooks import RetryPolicy
from .bots import Bots
from .calendar import Calendars
from .constants import BOT, NAME, SETTINGS
from .in_call import InCall
from .media import Media
from .realtime import Realtime
from .streams import RealtimeStreams
from .recording import Recording

if TYPE_CHECKING:
    from ...core.engine import Engine


def svix_sign(delivery: dict, sent: float) -> dict[str, str]:
    """Svix headers: the message id stays, the timestamp and signature are per attempt. ``sent``
    is transport time: receivers check the timestamp against their own wall clock."""
    when = datetime.fromtimestamp(int(sent), tz=timezone.utc)
    message_id = delivery.get("message_id", delivery["id"])  # a duplicated delivery keeps its message's id
    signature = Webhook(delivery["secret"]).sign(message_id, when, delivery["body"])
    return {"svix-id": message_id, "svix-timestamp": str(int(sent)), "svix-signature": signature}


def svix_verify(delivery: dict, headers: dict) -> str | None:
    """A receiver's check of the Svix headers with the endpoint secret (not of the timestamp's age,
    which the dashboard shows long after the attempt)."""
    lower = {k.lower(): v for k, v in headers.items()}
    if not all(lower.get(h) for h in ("svix-id", "svix-timestamp", "svix-signature")):
        return "missing svix-id, svix-timestamp or svix-signature"
    when = datetime.fromtimestamp(int(lower["svix-timestamp"]), tz=timezone.utc)
    expected = Webhook(delivery["secret"]).sign(lower["svix-id"], when, delivery["body"]).split(",", 1)[1]
    given = [part.split(",", 1)[1] for part in lower["svix-signature"].split() if part.startswith("v1,")]
    if any(hmac.compare_digest(expected, g) for g in given):
        return None
    return "svix-signature does not match the body signed with the endpoint secret"


# Svix: eight attempts, immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; a 15 s timeout.
# ``delays`` are the waits before attempts 2 to 8.
SVIX_POLICY = RetryPolicy(delays=(5, 300, 1800, 7200, 18000, 36000, 36000), timeout=15, sign=svix_sign,
                          verify=svix_verify)
# Real-time endpoints: unsigned, every second, up to 60 times.
REALTIME_POLICY = RetryPolicy(delays=(1,) * 59, timeout=15)


class Recall(Bots, Recording, InCall, Realtime, RealtimeStreams, Media, Calendars, PlatformModel):
    NAME, SETTINGS = NAME, SETTINGS

    def __init__(self, engine: "Engine") -> None:
        super().__init__(engine)
        engine.webhooks.register_policy(NAME, SVIX_POLICY)
        engine.webhooks.register_policy(f"{NAME}.realtime", REALTIME_POLICY)
        engine.links.register_renderer(f"{NAME}.file", self.render_file)
        engine.links.register_renderer(f"{NAME}.audio", self.render_audio)

    def _uuid(self, kind: str) -> str:
        return self.engine.ids.uuid(f"{NAME}.{kind}")


    # -- webhooks --------------------------------------------------------------------------
    def _webhook(self, event: str, data: dict) -> None:
        body = {"event": event, "data": data}
        for url in self.setting("webhook_endpoints"):
            message_id = "msg_" + hashlib.sha256(self._uuid("svix").encode()).hexdigest()[:27]
            self.engine.webhooks.enqueue(NAME, event, url, body, secret=self.setting("webhook_secret"),
                                         delivery_id=message_id, order_key=url)

    def _recording_webhook(self, recording: dict, event: str, error: dict | None = None) -> None:
        bot = self.store.get(BOT, recording["bot_id"])
        status = {**recording["status"], **({"error": error} if error else {})}
        self._webhook(event, {"data": status, "recording": {"id": recording["id"],
                              "metadata": recording["metadata"]},
                              "bot": {"id": bot["id"], "metadata": bot["metadata"]} if bot else None})

    def _artifact_webhook(self, artifact: dict, recording: dict, code: str) -> None:
        bot = self.store.get(BOT, recording["bot_id"])
        self._webhook(f"{artifact['kind']}.{code}", {
            "data": dict(artifact["status"]), artifact["kind"]: {"id": artifact["id"], "metadata": artifact["metadata"]},
            "recording": {"id": recording["id"], "metadata": recording["metadata"]},
            "bot": {"id": bot["id"], "metadata": bot["metadata"]} if bot else None})
