"""100ms rooms updated and disabled, sessions listed as documented, and active rooms over HTTP:
peers read, updated, messaged and removed, the room ended (and locked), with the session, peer,
role and room webhooks their documented payloads."""
import pytest

from helpers import assert_valid


def session_of(hms, room_id: str, peers: int = 2, duration: float = 600) -> dict:
    answer = hms.control("POST", f"rooms/{room_id}/session", json={"peers": peers, "duration": duration})
    assert answer.status_code == 201, answer.text
    return answer.json()


def hook(receiver) -> dict:
    return {"url": receiver.url, "headers": {}}


# -- rooms -----------------------------------------------------------------------------------
def test_a_room_is_updated_by_id_and_names_are_case_insensitive(hms):
    room = hms.room(name="Class-A", description="first")
    same = hms.room(name="class-a", description="second")
    assert same["id"] == room["id"] and same["description"] == "second"
    updated = hms.post(f"/rooms/{room['id']}", json={"name": "class-b", "region": "eu", "polls": [],
                                                     "recording_info": {"enabled": True, "upload_info": {
                                                         "type": "s3", "location": "my-bucket", "prefix": "rec"}}})
    assert updated.status_code == 200, updated.text
    assert_valid("100ms", "room", updated.json())
    assert updated.json()["name"] == "class-b" and updated.json()["recording_info"]["upload_info"]["location"] == "my-bucket"
    other = hms.room(name="other")
    taken = hms.post(f"/rooms/{other['id']}", json={"name": "CLASS-B"})
    assert taken.status_code == 400 and "already exists" in taken.json()["message"]
    assert hms.post("/rooms/0123456789abcdef01234567", json={"enabled": False}).status_code == 404


def test_template_ids_are_checked_and_size_may_be_zero(hms):
    wrong = hms.post("/rooms", json={"name": "t", "template_id": "0123456789abcdef01234567"})
    assert wrong.status_code == 400 and wrong.json()["message"] == "template not found"
    assert hms.post("/rooms", json={"name": "t", "size": 0}).status_code == 200
    assert hms.post("/rooms", json={"name": "t", "size": -1}).status_code == 400


def test_a_disabled_room_takes_no_session_and_no_recording(hms):
    room = hms.room(name="closed")
    assert hms.post(f"/rooms/{room['id']}", json={"enabled": False}).json()["enabled"] is False
    assert hms.control("POST", f"rooms/{room['id']}/session", json={}).status_code == 409
    refused = hms.post(f"/recordings/room/{room['id']}/start", json={})
    assert refused.status_code == 400 and "disabled" in refused.json()["message"]
    hms.post(f"/rooms/{room['id']}", json={"enabled": True})
    assert hms.control("POST", f"rooms/{room['id']}/session", json={}).status_code == 201


def test_sessions_list_all_by_default_active_filters_with_after_and_before(hms):
    room = hms.room(name="sessions")
    first = session_of(hms, room["id"], duration=60)
    hms.emulator.advance(61)
    second = session_of(hms, room["id"])
    assert {s["id"] for s in hms.get("/sessions").json()["data"]} == {first["id"], second["id"]}
    assert [s["id"] for s in hms.get("/sessions", params={"active": "true"}).json()["data"]] == [second["id"]]
    ended = hms.get("/sessions", params={"active": "false"}).json()["data"]
    assert [s["id"] for s in ended] == [first["id"]]
    after = hms.get("/sessions", params={"active": "false", "after": second["created_at"]}).json()["data"]
    assert after == []
    before = hms.get("/sessions", params={"active": "false", "before": first["created_at"]}).json()["data"]
    assert [s["id"] for s in before] == [first["id"]] and "_live" not in before[0]


# -- active rooms ----------------------------------------------------------------------------
def test_an_active_room_lists_and_updates_its_peers(hms, receiver):
    room = hms.room(name="live", webhook=hook(receiver))
    assert hms.get(f"/active-rooms/{room['id']}").status_code == 404  # nobody in it
    session = session_of(hms, room["id"])
    active = hms.get(f"/active-rooms/{room['id']}").json()
    assert_valid("100ms", "active_room", active)
    assert active["session"]["id"] == session["id"] and sorted(active["session"]["peers"]) == sorted(session["peers"])
    peers = hms.get(f"/active-rooms/{room['id']}/peers").json()
    assert_valid("100ms", "active_room.peers.response", peers)
    host = next(p for p in peers["peers"].values() if p["role"] == "host")
    assert list(hms.get(f"/active-rooms/{room['id']}/peers", params={"role": "guest"}).json()["peers"]) != [host["id"]]
    assert hms.get(f"/active-rooms/{room['id']}/peers", params={"user_id": host["user_id"]}).json()["peers"].keys() == {host["id"]}
    detail = hms.get(f"/active-rooms/{room['id']}/peers/{host['id']}").json()
    assert_valid("100ms", "active_room.peer", detail)
    assert {t["type"] for t in detail["tracks"].values()} == {"audio", "video"}
    changed = hms.post(f"/active-rooms/{room['id']}/peers/{host['id']}",
                       json={"name": "Teacher", "role": "stage", "metadata": '{"isHandRaised":true}'})
    assert changed.status_code == 200 and changed.json()["role"] == "stage"
    assert changed.json()["metadata"] == '{"isHandRaised":true}' and changed.json()["name"] == "Teacher"
    hms.emulator.settle()
    [role_change] = [b for b in receiver.bodies() if b["type"] == "role.change.success"]
    assert_valid("100ms", "webhook.role.change.success", role_change)
    assert role_change["data"]["previous_role"] == "host" and role_change["data"]["user_data"] == '{"isHandRaised":true}'
    assert hms.get(f"/active-rooms/{room['id']}/peers/00000000-0000-4000-8000-000000000000").status_code == 404


def test_messages_go_to_a_peer_a_role_or_everyone(hms):
    room = hms.room(name="chat")
    session = session_of(hms, room["id"], peers=3)
    peer_id = next(iter(session["peers"]))
    for body in ({"message": "hi all"}, {"message": "hi guests", "role": "guest"},
                 {"message": "hi you", "peer_id": peer_id, "type": "custom_event"}):
        answer = hms.post(f"/active-rooms/{room['id']}/send-message", json=body)
        assert answer.status_code == 200 and answer.json() == {"message": "message sent"}
    assert hms.post(f"/active-rooms/{room['id']}/send-message", json={}).status_code == 400
    stranger = hms.post(f"/active-rooms/{room['id']}/send-message", json={"message": "x", "peer_id": "nobody"})
    assert stranger.status_code == 404


def test_removed_peers_leave_as_kicked(hms, receiver):
    room = hms.room(name="kick", webhook=hook(receiver))
    session = session_of(hms, room["id"], peers=3)
    guest = next(p for p in session["peers"].values() if p["role"] == "guest")
    assert hms.post(f"/active-rooms/{room['id']}/remove-peers", json={}).status_code == 400
    answer = hms.post(f"/active-rooms/{room['id']}/remove-peers", json={"peer_id": guest["id"], "reason": "misconduct"})
    assert answer.status_code == 200 and answer.json() == {"message": "peer remove request submitted"}
    assert guest["id"] not in hms.get(f"/active-rooms/{room['id']}/peers").json()["peers"]
    assert hms.post(f"/active-rooms/{room['id']}/remove-peers", json={"role": "guest"}).status_code == 200
    assert [p["role"] for p in hms.get(f"/active-rooms/{room['id']}/peers").json()["peers"].values()] == ["host"]
    hms.emulator.settle()
    leaves = [b for b in receiver.bodies() if b["type"] == "peer.leave.success"]
    assert len(leaves) == 2 and all(b["data"]["reason"] == "peer kicked" for b in leaves)
    assert leaves[0]["data"]["message"] == "misconduct" and leaves[0]["data"]["peer_id"] == guest["id"]
    for body in leaves:
        assert_valid("100ms", "webhook.peer.leave.success", body)


@pytest.mark.parametrize("lock", [False, True])
def test_ending_a_room_disconnects_everyone_and_stops_its_recording(hms, receiver, lock):
    room = hms.room(name=f"end-{lock}", webhook=hook(receiver))
    recording = hms.start(room["id"])
    hms.emulator.advance(3)
    answer = hms.post(f"/active-rooms/{room['id']}/end-room", json={"reason": "Class has ended", "lock": lock})
    assert answer.status_code == 200 and answer.json() == {"message": "session is ending"}
    assert hms.get(f"/active-rooms/{room['id']}").status_code == 404
    hms.emulator.advance(30)
    assert hms.recording(recording["id"])["status"] == "completed"
    assert hms.get(f"/rooms/{room['id']}").json()["enabled"] is (not lock)
    types = [b["type"] for b in receiver.bodies()]
    assert types[:3] == ["session.open.success", "peer.join.success", "peer.join.success"]
    assert {"room.end.success", "peer.leave.success", "beam.stopped.success", "session.close.success"} <= set(types)
    end = next(b for b in receiver.bodies() if b["type"] == "room.end.success")
    assert end["data"]["lock_room"] is lock and end["data"]["reason"] == "Class has ended"
    stopped = next(b for b in receiver.bodies() if b["type"] == "beam.stopped.success")
    assert stopped["data"]["reason"] == "client request"  # the internal stop request end-room sends
    for body in receiver.bodies():
        assert_valid("100ms", f"webhook.{body['type']}", body)


def test_a_session_opens_and_closes_with_webhooks(hms, receiver):
    room = hms.room(name="lifecycle", webhook=hook(receiver))
    session_of(hms, room["id"], duration=90)
    hms.emulator.advance(90)
    types = [b["type"] for b in receiver.bodies()]
    assert types == ["session.open.success", "peer.join.success", "peer.join.success", "peer.leave.success",
                     "peer.leave.success", "session.close.success"]
    close = receiver.bodies()[-1]["data"]
    assert close["session_duration"] == 90 and close["room_name"] == "lifecycle"
    assert all(b["data"]["reason"] == "client request" for b in receiver.bodies() if b["type"] == "peer.leave.success")


def test_the_control_api_adds_peers_with_roles_makes_them_publish_and_leave(hms, receiver):
    room = hms.room(name="sim", webhook=hook(receiver))
    answer = hms.control("POST", f"rooms/{room['id']}/session", json={"peers": [
        {"name": "Ana", "role": "teacher", "user_id": "t-1"}, "Ben"]})
    assert answer.status_code == 201 and "_live" not in answer.json()
    session = answer.json()
    ana = next(p for p in session["peers"].values() if p["name"] == "Ana")
    assert ana["role"] == "teacher" and ana["user_id"] == "t-1"
    on = hms.control("POST", f"sessions/{session['id']}/peers/{ana['id']}/publish", json={"type": "audio", "on": True})
    assert on.status_code == 200
    tracks = hms.get(f"/active-rooms/{room['id']}/peers/{ana['id']}").json()["tracks"].values()
    assert {t["type"]: t["mute"] for t in tracks} == {"audio": False, "video": False}
    assert hms.control("POST", f"sessions/{session['id']}/peers/{ana['id']}/leave").status_code == 200
    assert hms.control("POST", f"sessions/{session['id']}/peers/{ana['id']}/leave").status_code == 404
    assert ana["id"] not in hms.get(f"/active-rooms/{room['id']}/peers").json()["peers"]


def test_the_control_api_fails_a_stream(hms, receiver):
    room = hms.room(name="sim-fail", webhook=hook(receiver))
    stream = hms.post(f"/live-streams/room/{room['id']}/start", json={}).json()
    hms.emulator.advance(3)
    failed = hms.control("POST", f"streams/{stream['id']}/fail", json={"error_type": "UPLOAD_ERROR"})
    assert failed.status_code == 200 and failed.json()["status"] == "failed"
    assert hms.control("POST", f"streams/{stream['id']}/fail", json={}).status_code == 409
    hms.emulator.settle()
    failure = next(b for b in receiver.bodies() if b["type"] == "hls.failure")
    assert failure["data"]["error_type"] == "UPLOAD_ERROR"


# -- room codes ------------------------------------------------------------------------------
def test_room_codes_per_role_enabled_and_disabled(hms):
    room = hms.room(name="codes")
    created = hms.post(f"/room-codes/room/{room['id']}")
    assert created.status_code == 200, created.text
    assert_valid("100ms", "room_codes.create.response", created.json())
    codes = {c["role"]: c for c in created.json()["data"]}
    assert set(codes) == {"host", "guest"}
    again = hms.post(f"/room-codes/room/{room['id']}/role/host").json()
    assert again["code"] == codes["host"]["code"]  # a role keeps its code
    assert hms.post(f"/room-codes/room/{room['id']}/role/nobody").status_code == 404
    off = hms.post("/room-codes/code", json={"code": codes["guest"]["code"], "enabled": False})
    assert off.status_code == 200 and off.json()["enabled"] is False
    assert hms.post("/room-codes/code", json={"code": codes["guest"]["code"], "enabled": False, "x": 1}).status_code == 400
    assert hms.post("/room-codes/code", json={"code": "zzz-zzzz-zzz", "enabled": True}).status_code == 404
    listing = hms.get(f"/room-codes/room/{room['id']}", params={"enabled": "true"}).json()
    assert_valid("100ms", "room_codes.list.response", listing)
    assert [c["role"] for c in listing["data"]] == ["host"]
    hms.post(f"/rooms/{room['id']}", json={"enabled": False})
    assert hms.get(f"/room-codes/room/{room['id']}").status_code == 403
    assert hms.post("/room-codes/code", json={"code": codes["guest"]["code"], "enabled": True}).status_code == 403


# -- templates -------------------------------------------------------------------------------
def test_templates_roles_settings_and_rooms_that_take_them(hms):
    default = hms.get("/templates").json()["data"][0]
    assert_valid("100ms", "template", default)
    assert set(default["roles"]) == {"host", "guest"}
    created = hms.post("/templates", json={"name": "webinar", "roles": {"speaker": {}, "viewer": {"priority": 2}}})
    assert created.status_code == 200, created.text
    template = created.json()
    assert_valid("100ms", "template", template)
    assert template["roles"]["viewer"]["priority"] == 2 and template["roles"]["speaker"]["publishParams"]["allowed"]
    assert hms.post("/templates", json={"name": "webinar", "roles": {"x": {}}}).status_code == 400
    role = hms.post(f"/templates/{template['id']}/roles/moderator", json={"permissions": {"endRoom": True}}).json()
    assert role["name"] == "moderator" and role["permissions"]["endRoom"] is True
    assert hms.get(f"/templates/{template['id']}/roles/moderator").json() == role
    assert hms.delete(f"/templates/{template['id']}/roles/moderator").status_code == 204
    assert hms.delete(f"/templates/{template['id']}/roles/moderator").status_code == 404
    settings = hms.post(f"/templates/{template['id']}/settings", json={"region": "eu"}).json()
    assert settings["region"] == "eu" and hms.get(f"/templates/{template['id']}").json()["settings"]["region"] == "eu"
    recordings = hms.post(f"/templates/{template['id']}/recordings", json=[{"name": "default", "role": "speaker",
                                                                           "maxDuration": 600}])
    assert recordings.status_code == 200, recordings.text
    room = hms.room(name="webinar-1", template_id=template["id"])
    assert room["template"] == "webinar"
    codes = hms.post(f"/room-codes/room/{room['id']}").json()["data"]
    assert {c["role"] for c in codes} == {"speaker", "viewer"}  # the room's template's roles
    recording = hms.start(room["id"])
    hms.emulator.advance(hms.seconds("starting", 600))  # the template's maxDuration (600 s) stops it
    assert hms.recording(recording["id"])["status"] == "stopping"


def test_rtmp_stream_keys_one_active_per_room(hms):
    room = hms.room(name="keys")
    assert hms.get(f"/stream-keys/room/{room['id']}").status_code == 404
    key = hms.post(f"/stream-keys/room/{room['id']}")
    assert key.status_code == 200 and key.json()["url"].startswith("rtmp://")
    assert_valid("100ms", "stream_key", key.json())
    assert hms.post(f"/stream-keys/room/{room['id']}").status_code == 400  # active key already exists
    listed = hms.get(f"/stream-keys/room/{room['id']}").json()
    assert_valid("100ms", "stream_keys.response", listed)
    assert listed["data"][0]["key"] == key.json()["key"]
    assert hms.post(f"/stream-keys/room/{room['id']}/disable").json() == {"message": "key disabled successfully"}
    fresh = hms.post(f"/stream-keys/room/{room['id']}").json()
    assert fresh["key"] != key.json()["key"]  # reset: disable, then create
    hms.post(f"/rooms/{room['id']}", json={"enabled": False})
    assert hms.get(f"/stream-keys/room/{room['id']}").status_code == 403


def test_the_active_session_follows_sessions_closing_and_opening(hms):
    """The active room is always the open session: it follows every close and open."""
    room = hms.room(name="pointer")
    first = session_of(hms, room["id"], peers=1, duration=30)
    assert hms.get(f"/active-rooms/{room['id']}").json()["session"]["id"] == first["id"]
    hms.emulator.advance(30)
    assert hms.get(f"/active-rooms/{room['id']}").status_code == 404
    second = session_of(hms, room["id"], peers=1, duration=30)
    assert second["id"] != first["id"]
    assert hms.get(f"/active-rooms/{room['id']}").json()["session"]["id"] == second["id"]
    hms.post(f"/active-rooms/{room['id']}/end-room", json={})
    assert hms.get(f"/active-rooms/{room['id']}").status_code == 404
    assert hms.get("/sessions", params={"room_id": room["id"], "active": "true"}).json()["data"] == []


def test_ending_a_room_a_stream_reopened_ends_the_new_session_once(hms, receiver):
    """The case the contract's state machine found: end-room, then a stream's Beam joins, then
    end-room again. The second end is about a new session, so no session gets room.end.success twice."""
    room = hms.room(name="reopened", webhook={"url": receiver.url, "headers": {}})
    hms.start(room["id"], transcription={"enabled": False})
    hms.emulator.advance(3)
    assert hms.post(f"/active-rooms/{room['id']}/end-room", json={}).status_code == 200
    stream = hms.post(f"/external-streams/room/{room['id']}/start",
                      json={"rtmp_urls": ["rtmp://live.example.com/app/key"]})
    assert stream.status_code == 200, stream.text
    assert hms.post(f"/active-rooms/{room['id']}/end-room", json={}).status_code == 200
    hms.emulator.advance(60)
    ended = [b["data"]["session_id"] for b in receiver.bodies() if b["type"] == "room.end.success"]
    assert len(ended) == 2 and len(set(ended)) == 2, ended
