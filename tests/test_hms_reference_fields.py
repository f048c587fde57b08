"""100ms fields as the v2 reference's examples show them (100mslive/100ms-docs,
docs/server-side/v2/api-reference): what rooms, sessions, templates, stream keys and stopped
external streams carry, over real HTTP."""
from helpers import assert_valid

DEGRADATION = {"packetLossThreshold": 25, "degradeGracePeriodSeconds": 1, "recoverGracePeriodSeconds": 4}


def test_rooms_carry_the_examples_fields_and_an_update_echoes_the_webhook(hms, receiver):
    hook = {"url": receiver.url + "/hook", "headers": {"my-custom-header": "value"}}
    room = hms.room(name="fields", webhook=hook)
    assert room["recording_source_template"] is False and room["customer"] == room["customer_id"]
    assert "webhook" not in room and "webhook" not in hms.get(f"/rooms/{room['id']}").json()
    updated = hms.post(f"/rooms/{room['id']}", json={"description": "changed"})
    assert updated.status_code == 200
    assert updated.json()["webhook"] == hook
    assert_valid("100ms", "room", updated.json())


def test_sessions_name_their_app(hms):
    room = hms.room(name="with-app")
    session = hms.expect(hms.control("POST", f"rooms/{room['id']}/session", json={"peers": 2}), (200, 201))
    listed = hms.get("/sessions", params={"room_id": room["id"]}).json()["data"][0]
    assert listed["app_id"] == room["app_id"] and listed["id"] == session["id"]
    assert hms.get(f"/sessions/{session['id']}").json()["app_id"] == room["app_id"]


def test_the_default_templates_documented_defaults(hms):
    template = hms.get("/templates").json()["data"][0]
    assert {r["subscribeParams"]["subscribeDegradation"] == DEGRADATION for r in template["roles"].values()} == {True}
    destinations = hms.get(f"/templates/{template['id']}/destinations").json()
    assert destinations == {"rtmpDestinations": {}, "hlsDestinations": {}, "transcriptions": {}}


def test_disabling_a_stream_key_answers_201(hms):
    room = hms.room(name="key")
    assert hms.post(f"/stream-keys/room/{room['id']}").status_code in (200, 201)
    disabled = hms.post(f"/stream-keys/room/{room['id']}/disable")
    assert (disabled.status_code, disabled.json()) == (201, {"message": "key disabled successfully"})


def test_stopping_a_rooms_external_streams_has_the_examples_error(hms):
    room = hms.room(name="rtmp-stop")
    hms.expect(hms.post(f"/external-streams/room/{room['id']}/start",
                        json={"rtmp_urls": ["rtmp://a.rtmp.youtube.com/live2/key"]}))
    hms.emulator.advance(hms.seconds("starting", 30))
    stopped = hms.expect(hms.post(f"/external-streams/room/{room['id']}/stop"))
    assert stopped["error"] == "" and len(stopped["data"]) == 1
    assert_valid("100ms", "external_streams.stop.response", stopped)
    live = hms.expect(hms.post(f"/live-streams/room/{room['id']}/stop"), (200, 404))
    assert "error" not in live
