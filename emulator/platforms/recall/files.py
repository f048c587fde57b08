"""Recall's download files, exactly as its download schemas describe them."""
from __future__ import annotations

from ...core.clock import iso
from ...core.content import Segment


def participant(p: dict, full: bool = True) -> dict:
    if not full:
        return {"id": p["id"], "name": p["name"]}
    return {"id": p["id"], "name": p["name"], "is_host": p["is_host"], "platform": p["platform"],
            "extra_data": p["extra_data"]}


def stamp(at: float, origin: float) -> dict:
    return {"absolute": iso(at), "relative": round(at - origin, 3)}


def participants(people: list[dict]) -> list[dict]:
    return [participant(p) for p in people]


def participant_events(events: list[dict], origin: float) -> list[dict]:
    return [{"id": e["id"], "action": e["action"], "participant": participant(e["participant"]),
             "timestamp": stamp(e["at"], origin), "data": e.get("data")} for e in events]


def speaker_timeline(segments: list[Segment], people: dict[int, dict], origin: float) -> list[dict]:
    return [{"participant": participant(people[s.speaker["id"]]), "start_timestamp": stamp(origin + s.start, origin),
             "end_timestamp": stamp(origin + s.end, origin)} for s in segments]


def transcript(segments: list[Segment], people: dict[int, dict]) -> list[dict]:
    """One entry per turn: the speaker and each word with its relative start and end."""
    out = []
    for s in segments:
        tokens = s.text.split()
        step = (s.end - s.start) / max(1, len(tokens))
        out.append({"participant": participant(people[s.speaker["id"]], full=False), "words": [
            {"text": token, "start_timestamp": {"relative": round(s.start + i * step, 3)},
             "end_timestamp": {"relative": round(s.start + (i + 1) * step, 3)}} for i, token in enumerate(tokens)]})
    return out


def provider_data(part_id: str, created: float, provider: str, segments: list[Segment]) -> dict:
    body = {"provider": provider, "results": {"utterances": [
        {"speaker": s.speaker["id"], "start": s.start, "end": s.end, "transcript": s.text, "confidence": 0.94}
        for s in segments]}}
    return {"parts": [{"id": part_id, "created_at": iso(created),
                       "source_audio": {"type": "mixed", "offset": 0.0, "participant": None},
                       "type": "http_response",
                       "data": {"url": f"https://{provider}.provider.invalid/v1/transcripts", "status_code": 200,
                                "body": body}}]}


def separate_parts(parts: list[dict], origin: float, with_type: bool) -> list[dict]:
    out = []
    for part in parts:
        entry = {"id": part["id"], "participant": participant(part["participant"]),
                 "start_timestamp": stamp(part["start"], origin), "duration": part["duration"]}
        if with_type:
            entry["type"] = "webcam"
        entry["download_url"] = part["download_url"]
        out.append(entry)
    return out
