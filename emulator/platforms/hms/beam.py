"""What a 100ms recording and a live or external stream share as Beam jobs: the pause clock and the
step into ``stopping``. Plain functions on the stored job; the families store and schedule."""
from __future__ import annotations

from ...core.clock import iso


def set_paused(job: dict, pause: bool, now: float) -> None:
    """Pause or resume the job's recording; paused time is kept out of its media's duration."""
    hidden = job["_"]
    if pause:
        hidden["paused_at"] = now
    else:
        hidden["paused_total"] += now - hidden["paused_at"]
        hidden["paused_at"] = None
    job["updated_at"] = iso(now)


def begin_stopping(job: dict, reason: str, now: float) -> None:
    """What was recorded ends now (not when Beam has left): a paused job resumes its clock first."""
    job["_"]["reason"] = reason
    job["_"]["stop_requested"] = now
    if job["_"]["paused_at"] is not None:
        set_paused(job, False, now)
    job.update(status="stopping", updated_at=iso(now))
