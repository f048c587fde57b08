"""100ms peer quality stats: the time series the analytics API reports for a peer once its session
has ended, made from what the emulator simulated: one sample every 10 seconds while the peer was
in the room, for each track it published (bitrate 0 while muted) and each track of another peer it
received. Values are steady with a small jitter derived from the track id, so the same session
gives the same numbers. Pure functions; no HTTP, no store."""
from __future__ import annotations

import hashlib

from ...core.clock import parse_iso
from .constants import RECORDER

STEP = 10  # seconds between samples
MAX_SAMPLES = 8640  # a day


def _wobble(track_id: str, i: int) -> float:
    """A deterministic number in [-1, 1) for a track's i-th sample."""
    digest = hashlib.sha256(f"{track_id}:{i}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**31 - 1


def _times(start: float, end: float) -> list[float]:
    count = min(MAX_SAMPLES, max(0, int((end - start) // STEP) + 1)) if end > start else 0
    return [start + i * STEP for i in range(count)]


def _muted(log: list, at: float) -> bool:
    state = log[0][1] if log else False
    for when, mute in log:
        if when <= at:
            state = mute
    return state


def _span(peer: dict, ended: float) -> tuple[float, float]:
    return parse_iso(peer["joined_at"]), parse_iso(peer["left_at"]) if peer["left_at"] else ended


def peer_stats(session: dict, peer_id: str, role: dict, ended: float) -> dict:
    """The peer-stats object for ``peer_id`` of an ended ``session``; ``role`` is its template role."""
    peer = session["peers"][peer_id]
    start, end = _span(peer, ended)
    publish = role.get("publishParams", {})
    video_bitrate = publish.get("video", {}).get("bitRate", 300) * 1000
    frame_rate = publish.get("video", {}).get("frameRate", 30)
    audio_bitrate = publish.get("audio", {}).get("bitRate", 32) * 1000
    live = session.get("_live", {}).get(peer_id, {})
    out = {"peer_id": peer_id, "session_id": session["id"], "room_id": session["room_id"],
           "publisher": {"video": [], "audio": []}, "subscriber": {"video": [], "audio": []}}
    for track in live.get("tracks", {}).values():
        log = live.get("mutes", {}).get(track["id"], [])
        times = _times(start, end)
        sent = [not _muted(log, t) for t in times]
        w = [_wobble(track["id"], i) for i in range(len(times))]
        series = {"timestamps": [int(t * 1000) for t in times],
                  "packet_loss_percent": [round(0.2 + 0.15 * x, 2) if on else 0 for x, on in zip(w, sent)],
                  "rtt_ms": [int(45 + 5 * x) for x in w]}
        if track["type"] == "video":
            series = {"timestamps": series["timestamps"],
                      "bitrate": [int(video_bitrate * (1 + 0.05 * x)) if on else 0 for x, on in zip(w, sent)],
                      "fps": [frame_rate if on else 0 for on in sent],
                      "packet_loss_percent": series["packet_loss_percent"], "rtt_ms": series["rtt_ms"]}
            out["publisher"]["video"].append({"track_id": track["id"], "type": track["source"], "rid": None,
                                              "time_series": series})
        else:
            series["bitrate"] = [int(audio_bitrate * (1 + 0.05 * x)) if on else 0 for x, on in zip(w, sent)]
            series["jitter_ms"] = [round(2 + x, 1) for x in w]
            out["publisher"]["audio"].append({"track_id": track["id"], "time_series": series})
    for other_id, other in session["peers"].items():
        if other_id == peer_id or other["role"] == RECORDER or other_id not in session.get("_live", {}):
            continue
        other_start, other_end = _span(other, ended)
        times = _times(max(start, other_start), min(end, other_end))
        if not times:
            continue
        other_live = session["_live"][other_id]
        for track in other_live.get("tracks", {}).values():
            log = other_live.get("mutes", {}).get(track["id"], [])
            received = [not _muted(log, t) for t in times]
            w = [_wobble(f"{peer_id}:{track['id']}", i) for i in range(len(times))]
            stamps = [int(t * 1000) for t in times]
            if track["type"] == "video":
                series = {"timestamps": stamps,
                          "bitrate": [int(video_bitrate * (1 + 0.05 * x)) if on else None for x, on in zip(w, received)],
                          "fps": [frame_rate if on else 0 for on in received], "freeze_count": [0] * len(times)}
                out["subscriber"]["video"].append({"track_id": track["id"], "type": track["source"],
                                                   "time_series": series})
            else:
                series = {"timestamps": stamps,
                          "bitrate": [int(audio_bitrate * (1 + 0.05 * x)) if on else None for x, on in zip(w, received)],
                          "concealed_samples": [0] * len(times),
                          "packet_loss_percent": [round(0.2 + 0.15 * x, 2) if on else 0 for x, on in zip(w, received)]}
                out["subscriber"]["audio"].append({"track_id": track["id"], "time_series": series})
    return out
