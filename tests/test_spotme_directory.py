"""SpotMe: GET /me, the organisation's workspaces with the fields client code reads, and serving the
emulator's paths at other paths (the path_map setting)."""
from __future__ import annotations

import requests

from helpers import assert_valid


def test_me_and_the_organisation_workspaces(spotme, emulator):
    me = spotme.get("/me").json()
    assert_valid("spotme", "me", me)
    org = me["orgs"][0]["id"]
    listed = spotme.get(f"/orgs/{org}/workspaces").json()["data"]
    assert listed == spotme.get("/workspaces").json()["data"]
    workspace = listed[0]
    assert_valid("spotme", "workspace", workspace)
    assert workspace["org_id"] == org and workspace["is_active"] is True
    # The seeded workspace spans its sessions: from 3 hours ago to 2 hours from now, so it is live.
    assert workspace["start"] < workspace["end"] and workspace["is_live"] is True
    assert requests.get(workspace["cms_url"]).status_code == 200
    emulator.advance(hours=2)
    assert spotme.get(f"/workspace/{workspace['id']}").json()["is_live"] is False
    assert spotme.get("/orgs/not-ours/workspaces").status_code == 404
    assert requests.get(emulator.url("spotme") + "/me").status_code == 401


def test_a_new_workspace_is_live_only_while_its_sessions_run(spotme, emulator):
    created = spotme.control("POST", "workspaces", json={"name": "Later"}).json()
    assert created["is_live"] is False and created["start"] == created["end"]
    spotme.control("POST", f"workspaces/{created['id']}/live-sessions", json={"starts_in": 60, "duration": 600})
    ws = spotme.get(f"/workspace/{created['id']}").json()
    assert ws["is_live"] is False
    emulator.advance(60)
    assert spotme.get(f"/workspace/{created['id']}").json()["is_live"] is True


def test_path_map_serves_the_same_endpoints_at_other_paths(spotme, emulator):
    ws = spotme.workspace()
    event = ws["sessions"]["Opening keynote"]["id"]
    mapping = {"/workspace/{workspace_id}/live-sessions/{event_id}/transcript":
               "/v1/events/{workspace_id}/sessions/{event_id}/transcripts",
               "/workspace/{workspace_id}/transcript-jobs/{job_id}": "/v1/events/{workspace_id}/jobs/{job_id}"}
    assert spotme.control("PATCH", "settings", json={"path_map": mapping}).status_code == 200
    base = emulator.base_url + "/spotme"
    job = spotme.http.post(f"{base}/v1/events/{ws['id']}/sessions/{event}/transcripts", json={})
    assert job.status_code in (200, 201, 202), job.text
    job_id = job.json()["job_id"]
    assert spotme.http.get(f"{base}/v1/events/{ws['id']}/jobs/{job_id}").json()["job_id"] == job_id
    assert spotme.get(f"/workspace/{ws['id']}/transcript-jobs/{job_id}").status_code == 200  # still served
    journaled = emulator.requests("spotme", "spotme.job")[0]
    assert journaled["path"] == f"/spotme/v1/events/{ws['id']}/jobs/{job_id}"  # the path the client called
    wrong = spotme.control("PATCH", "settings", json={"path_map": {"/workspace/{workspace_id}": "/v1/{id}"}})
    assert wrong.status_code == 400 and "placeholders" in wrong.json()["message"]
