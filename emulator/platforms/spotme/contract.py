"""SpotMe's contract, written from the vendor's article and the platform decisions, not from models.py."""
from __future__ import annotations

import uuid

import requests
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, rule

from ...core.clock import parse_iso
from ...core.contract import Target, link_expiry_check, read_twice, scheme_auth

DEFAULT_API_KEY = "emulator-token-0001"
LINK_LIFETIME = 6 * 3600
NEXT = {  # where a job may be found next (reads can skip a step)
    "pending": {"pending", "processing", "completed", "failed"},
    "processing": {"processing", "completed", "failed"},
    "completed": {"completed"},
    "failed": {"failed"},
}
webhook_scenario = None  # SpotMe sends no webhooks: jobs are polled


auth_headers = scheme_auth("Bearer")


def _finished_session(target: Target) -> tuple[str, str]:
    """A new workspace with a live session whose VOD is available; (workspace id, session id)."""
    workspace = target.control.call("POST", "spotme/workspaces", {"name": f"contract-{uuid.uuid4().hex[:8]}"})
    session = target.control.call("POST", f"spotme/workspaces/{workspace['id']}/live-sessions",
                                  {"starts_in": -3600, "duration": 600, "vod_delay": 0})
    return workspace["id"], session["id"]


def _generate(target: Target, workspace: str, path: str) -> dict:
    answer = target.http.post(f"{target.api_base}/workspace/{workspace}/{path}/transcript", json={})
    assert answer.status_code == 202, answer.text
    return answer.json()


def _wait_for(target: Target, workspace: str, job_id: str) -> dict:
    for _ in range(50):
        job = target.http.get(f"{target.api_base}/workspace/{workspace}/transcript-jobs/{job_id}").json()
        if job["status"] in ("completed", "failed"):
            return job
        target.control.advance(60)
    raise AssertionError(f"job {job_id} did not finish in 50 minutes of emulator time")


def api_links(target: Target) -> list[tuple[str, float, int]]:
    workspace, session = _finished_session(target)
    job = _wait_for(target, workspace, _generate(target, workspace, f"live-sessions/{session}")["job_id"])
    assert job["status"] == "completed", job
    answer = target.http.get(f"{target.api_base}/workspace/{workspace}/live-sessions/{session}/transcript")
    assert answer.status_code == 200, answer.text
    now = target.control.now()
    return [(url, now, LINK_LIFETIME) for url in answer.json()["files"].values()]




def lifecycle(target: Target) -> type[RuleBasedStateMachine]:
    """Jobs only move forward, reads change nothing, links live 6 hours, a completed job replaces the
    previous transcript and the old links then answer 404."""

    class SpotMeLifecycle(RuleBasedStateMachine):
        jobs = Bundle("jobs")

        def __init__(self) -> None:
            super().__init__()
            self.workspace, self.session = _finished_session(target)
            self.statuses: dict[str, str] = {}
            self.links: list[tuple[str, float, str]] = []  # url, minted, job id

        @rule(target=jobs)
        def trigger(self) -> str:
            job = _generate(target, self.workspace, f"live-sessions/{self.session}")
            self.statuses[job["job_id"]] = "pending"
            return job["job_id"]

        @rule(seconds=st.sampled_from([1, 5, 30, 60, 600, 3600, LINK_LIFETIME]))
        def advance(self, seconds: int) -> None:
            target.control.advance(seconds)

        @rule(job_id=jobs)
        def fail(self, job_id: str) -> None:
            answer = requests.post(target.control.url(f"spotme/jobs/{job_id}/fail"), json={})
            assert answer.status_code in (200, 409), answer.text

        @rule()
        def read(self) -> None:
            for job_id, before in self.statuses.items():
                status = read_twice(target, f"{target.api_base}/workspace/{self.workspace}/transcript-jobs/{job_id}", "job")["status"]
                assert status in NEXT[before], f"job went {before} -> {status}"
                self.statuses[job_id] = status
            url = f"{target.api_base}/workspace/{self.workspace}/live-sessions/{self.session}/transcript"
            first, second = target.http.get(url), target.http.get(url)
            assert first.status_code == second.status_code and first.text == second.text, "a read changed it"
            if first.status_code == 200:
                body = first.json()
                assert self.statuses.get(body["job_id"]) == "completed", "the transcript is not from a completed job"
                assert body["job_id"] == self.latest_completed(), "the transcript is not the latest completed job's"
                now = target.control.now()
                self.links += [(link, now, body["job_id"]) for link in body["files"].values()]
            else:
                assert first.status_code == 404 and "completed" not in self.statuses.values()

        def latest_completed(self) -> str | None:
            """The job whose transcript is current: the one completed last, asked of the API now.
            (What ``read`` last saw is not enough: a later job may have completed since, unread.)"""
            completed = []
            for order, job_id in enumerate(self.statuses):  # on a tie, the job triggered later wins
                job = target.http.get(f"{target.api_base}/workspace/{self.workspace}/transcript-jobs/{job_id}").json()
                if job["status"] == "completed":
                    completed.append((parse_iso(job["completed_at"]), order, job_id))
            return max(completed)[2] if completed else None

        @rule()
        def check_links(self) -> None:
            current = self.latest_completed()
            for url, minted, job_id in self.links:
                link_expiry_check(target, url, minted, LINK_LIFETIME, replaced=job_id != current)

        def teardown(self) -> None:
            self.read()
            self.check_links()

    return SpotMeLifecycle
