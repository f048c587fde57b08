"""100ms live (HLS) and external (RTMP) streams over HTTP: their Beam states on the clock, stops by
id and by room, the recording of a live stream paused and resumed into a VOD asset, timed metadata,
and the hls.* and beam.* webhooks they send."""
import requests

from helpers import assert_valid


def hook(receiver) -> dict:
    return {"url": receiver.url, "headers": {}}


def test_a_live_stream_runs_records_and_leaves_a_vod(hms, receiver):
    room = hms.room(name="hls", webhook=hook(receiver))
    started = hms.post(f"/live-streams/room/{room['id']}/start",
                       json={"recording": {"hls_vod": True, "single_file_per_layer": False}})
    assert started.status_code == 200, started.text
    stream = started.json()
    assert_valid("100ms", "live_stream", stream)
    assert stream["status"] == "starting" and stream["playback"]["url"].endswith(".m3u8")
    again = hms.post(f"/live-streams/room/{room['id']}/start", json={})
    assert again.status_code == 409
    hms.emulator.advance(3)
    assert hms.get(f"/live-streams/{stream['id']}").json()["status"] == "running"
    metadata = hms.post(f"/live-streams/{stream['id']}/timed-metadata", json={"payload": "poll open", "duration": 5})
    assert metadata.status_code == 200
    too_long = hms.post(f"/live-streams/{stream['id']}/timed-metadata", json={"payload": "x" * 101, "duration": 5})
    assert too_long.status_code == 400
    assert hms.post(f"/live-streams/{stream['id']}/pause-recording").status_code == 200
    assert hms.post(f"/live-streams/{stream['id']}/pause-recording").status_code == 409
    hms.emulator.advance(60)  # a minute not recorded
    assert hms.post(f"/live-streams/{stream['id']}/resume-recording").status_code == 200
    hms.emulator.advance(30)
    stopping = hms.post(f"/live-streams/{stream['id']}/stop")
    assert stopping.status_code == 200 and stopping.json()["status"] == "stopping"
    hms.emulator.advance(2)
    assert hms.get(f"/live-streams/{stream['id']}").json()["status"] == "post_processing"
    hms.emulator.advance(8)
    done = hms.get(f"/live-streams/{stream['id']}").json()
    assert_valid("100ms", "live_stream", done)
    assert done["status"] == "completed" and [a["type"] for a in done["recording_assets"]] == ["room-vod"]
    vod = done["recording_assets"][0]
    link = hms.get(f"/recording-assets/{vod['id']}/presigned-url").json()["url"]
    assert requests.get(link).content[4:8] == b"ftyp"  # an mp4
    hms.emulator.settle()
    types = [b["type"] for b in receiver.bodies() if b["type"].startswith("hls.")]
    assert types == ["hls.started.success", "hls.stopped.success", "hls.recording.success"]
    for body in receiver.bodies():
        assert_valid("100ms", f"webhook.{body['type']}", body)
    stopped = next(b for b in receiver.bodies() if b["type"] == "hls.stopped.success")["data"]
    assert stopped["duration"] == 30  # 90 s running, the paused minute left out
    assert stopped["reason"] == "client request"


def test_live_streams_list_filter_and_stop_by_room(hms):
    room = hms.room(name="hls-list")
    stream = hms.post(f"/live-streams/room/{room['id']}/start", json={}).json()
    hms.emulator.advance(3)
    listing = hms.get("/live-streams", params={"room_id": room["id"], "status": "running"}).json()
    assert_valid("100ms", "live_streams.list.response", listing)
    assert [s["id"] for s in listing["data"]] == [stream["id"]]
    stopped = hms.post(f"/live-streams/room/{room['id']}/stop").json()
    assert_valid("100ms", "live_streams.stop.response", stopped)
    assert [s["status"] for s in stopped["data"]] == ["stopping"]
    hms.emulator.advance(2)
    assert hms.get(f"/live-streams/{stream['id']}").json()["status"] == "completed"  # not recorded: no VOD
    assert hms.post(f"/live-streams/{stream['id']}/stop").status_code == 400
    assert hms.post(f"/live-streams/{stream['id']}/timed-metadata", json={"payload": "x", "duration": 1}).status_code == 400
    assert hms.get("/live-streams/0123456789abcdef01234567").status_code == 404


def test_an_external_stream_sends_beam_events_with_its_rtmp_urls(hms, receiver):
    room = hms.room(name="rtmp", webhook=hook(receiver))
    refused = hms.post(f"/external-streams/room/{room['id']}/start", json={"rtmp_urls": ["https://not-rtmp"]})
    assert refused.status_code == 400
    started = hms.post(f"/external-streams/room/{room['id']}/start", json={
        "rtmp_urls": ["rtmp://a.rtmp.youtube.com/live2/key"], "recording": True,
        "resolution": {"width": 1280, "height": 720}})
    assert started.status_code == 200, started.text
    stream = started.json()
    assert_valid("100ms", "external_stream", stream)
    hms.emulator.advance(hms.seconds("starting", 60))
    hms.post(f"/external-streams/{stream['id']}/stop")
    hms.emulator.advance(10)
    done = hms.get(f"/external-streams/{stream['id']}").json()
    assert done["status"] == "completed" and done["recording_assets"][0]["type"] == "room-composite"
    beams = [b for b in receiver.bodies() if b["type"].startswith("beam.")]
    assert [b["type"] for b in beams] == ["beam.started.success", "beam.stopped.success"]
    assert beams[0]["data"]["rtmp"] == [{"url": "rtmp://a.rtmp.youtube.com/live2/key"}]
    for body in beams:
        assert_valid("100ms", f"webhook.{body['type']}", body)
    assert [s["id"] for s in hms.get("/external-streams", params={"room_id": room["id"]}).json()["data"]] == [stream["id"]]


def test_ending_the_room_stops_its_streams(hms):
    room = hms.room(name="hls-end")
    stream = hms.post(f"/live-streams/room/{room['id']}/start", json={}).json()
    hms.emulator.advance(3)
    assert hms.post(f"/active-rooms/{room['id']}/end-room", json={}).status_code == 200
    assert hms.get(f"/live-streams/{stream['id']}").json()["status"] == "stopping"


def test_a_stream_stopped_while_starting_fails(hms, receiver):
    room = hms.room(name="hls-early", webhook=hook(receiver))
    stream = hms.post(f"/live-streams/room/{room['id']}/start", json={}).json()
    hms.post(f"/live-streams/{stream['id']}/stop")
    hms.emulator.settle()
    assert hms.get(f"/live-streams/{stream['id']}").json()["status"] == "failed"
    failure = next(b for b in receiver.bodies() if b["type"] == "hls.failure")
    assert_valid("100ms", "webhook.hls.failure", failure)
    assert failure["data"]["error_type"] == "BEAM_STOPPED"


# -- analytics -------------------------------------------------------------------------------
def test_analytics_track_and_recording_events(hms):
    room = hms.room(name="analytics")
    session = hms.control("POST", f"rooms/{room['id']}/session", json={"peers": ["Ana"], "duration": 100}).json()
    ana = next(iter(session["peers"]))
    hms.control("POST", f"sessions/{session['id']}/peers/{ana}/publish", json={"type": "audio", "on": True})
    recording = hms.start(room["id"])
    hms.emulator.advance(50)
    hms.post(f"/recordings/{recording['id']}/stop")
    hms.emulator.advance(60)
    events = hms.get("/analytics/events", params={"room_id": room["id"], "limit": 100}).json()
    assert_valid("100ms", "analytics.events.response", events)
    types = [e["type"] for e in events["events"]]
    assert types.count("track.add.success") == 2 and types.count("track.update.success") == 1
    assert types.count("track.remove.success") == 2 and types.count("beam.recording.success") == 1
    update = next(e for e in events["events"] if e["type"] == "track.update.success")["data"]
    assert update["type"] == "audio" and update["mute"] is False and update["peer_id"] == ana
    only = hms.get("/analytics/events", params=[("type", "track.add.success"), ("type", "track.remove.success"),
                                                 ("limit", "3"), ("room_id", room["id"])]).json()
    assert only["limit"] == 3 and only["total"] == 4 and only["next"]
    rest = hms.get("/analytics/events", params=[("type", "track.add.success"), ("type", "track.remove.success"),
                                                 ("start", only["next"]), ("room_id", room["id"])]).json()
    assert hms.get("/analytics/events").status_code == 400  # room_id is required
    assert len(rest["events"]) == 1 and rest["next"] == ""


def test_the_webhook_history_and_its_replay(hms, receiver):
    receiver.answers = [500] * 8  # session.open.success and peer.join.success fail all four attempts
    room = hms.room(name="history", webhook=hook(receiver))
    hms.control("POST", f"rooms/{room['id']}/session", json={"peers": ["Ana"], "duration": 600})
    hms.emulator.advance(30)
    history = hms.get("/analytics/webhooks").json()
    assert_valid("100ms", "analytics.webhooks.response", history)
    failed = hms.get("/analytics/webhooks", params={"status": "failed"}).json()["events"]
    assert [e["payload"]["original_event_name"] for e in failed] == ["session.open.success", "peer.join.success"]
    assert failed[0]["event_name"] == "reporter.webhook.delivery.failed" and failed[0]["payload"]["error_reason"]
    assert hms.get("/analytics/webhooks", params={"event_names": "peer.join.success"}).json()["summary"] == {"total_events": 1}
    old = hms.get("/analytics/webhooks", params={"start_time": "2000-01-01T00:00:00Z"})
    assert old.status_code == 400 and "30 days" in old.json()["message"]
    replay = hms.post("/analytics/webhooks/replay", json={})
    assert replay.status_code == 200 and replay.json()["status"] == "started"
    hms.emulator.settle()
    replayed = [b for b in receiver.bodies() if b.get("is_replay")]
    assert [b["type"] for b in replayed] == ["session.open.success", "peer.join.success"]
    status = hms.get(f"/analytics/webhooks/replay/{replay.json()['workflow_id']}").json()
    assert_valid("100ms", "analytics.replay.status.response", status)
    assert status["status"] == "completed" and status["progress"] == {"total": 2, "completed": 2, "failed": 0}
    assert status["completed_at"] and status["filters"]["limit"] == 50000

    receiver.answers = [500] * 8  # the next replay fails every attempt
    again = hms.post("/analytics/webhooks/replay", json={"event_names": ["peer.join.success"]}).json()
    hms.emulator.advance(20)  # 1 s, 3 s and 10 s retries: all spent
    status = hms.get(f"/analytics/webhooks/replay/{again['workflow_id']}").json()
    assert status["status"] == "failed" and status["result"]["failed_events"] == [failed[1]["event_id"]]
    assert hms.get("/analytics/webhooks/replay/webhook-replay-nothing").status_code == 404


def test_client_errors_and_peer_quality_stats(hms):
    room = hms.room(name="quality")
    made = hms.control("POST", f"rooms/{room['id']}/session", json={"peers": ["Ana", "Ben"], "duration": 60})
    session = made.json()
    ana, ben = (next(p for p in session["peers"].values() if p["name"] == n)["id"] for n in ("Ana", "Ben"))
    reported = hms.control("POST", f"sessions/{session['id']}/peers/{ana}/error",
                           json={"type": "client.publish.failed", "is_terminal": True})
    assert reported.status_code == 201, reported.text
    assert_valid("100ms", "analytics.event", reported.json())
    data = reported.json()["data"]
    assert (data["error_code"], data["error_name"], data["action"], data["is_terminal"]) == (
        4006, "ICEDisconnected", "PUBLISH", True)
    connect = hms.control("POST", f"sessions/{session['id']}/peers/{ben}/error",
                          json={"type": "client.connect.failed", "error_code": 2002}).json()["data"]
    assert connect["error_code"] == 2002 and "session_id" not in connect  # before joining: no session
    assert hms.control("POST", f"sessions/{session['id']}/peers/{ana}/error", json={"type": "x"}).status_code == 400
    errors = hms.get("/analytics/events", params={"room_id": room["id"], "error": "true"}).json()
    assert_valid("100ms", "analytics.events.response", errors)
    assert [e["type"] for e in errors["events"]] == ["client.publish.failed", "client.connect.failed"]

    during = hms.get("/analytics/peer-stats", params={"peer_id": ana, "session_id": session["id"]}).json()
    assert during["publisher"] == {"video": [], "audio": []}  # not real-time: nothing until the session ends
    hms.emulator.advance(30)
    hms.control("POST", f"sessions/{session['id']}/peers/{ana}/publish", json={"type": "audio", "on": True})
    hms.emulator.advance(30)
    stats = hms.get("/analytics/peer-stats", params={"peer_id": ana, "session_id": session["id"]}).json()
    assert_valid("100ms", "analytics.peer_stats.response", stats)
    audio = stats["publisher"]["audio"][0]["time_series"]
    assert len(audio["timestamps"]) == 7 and audio["timestamps"][1] - audio["timestamps"][0] == 10000
    assert audio["bitrate"][:3] == [0, 0, 0] and all(b > 0 for b in audio["bitrate"][3:])  # muted for 30 s
    video = stats["publisher"]["video"][0]["time_series"]
    assert all(25000 * 10 < b < 350000 for b in video["bitrate"]) and set(video["fps"]) == {30}
    received = {t["track_id"] for t in stats["subscriber"]["video"] + stats["subscriber"]["audio"]}
    assert len(received) == 2  # Ben's audio and video
    again = hms.get("/analytics/peer-stats", params={"peer_id": ana, "session_id": session["id"]}).json()
    assert again == stats  # the same session gives the same numbers
    assert hms.get("/analytics/peer-stats", params={"session_id": session["id"]}).status_code == 400
    assert hms.get("/analytics/peer-stats", params={"peer_id": "nobody", "session_id": session["id"]}).status_code == 404


def test_a_live_stream_is_captioned_and_its_vod_transcribed(hms, receiver):
    room = hms.room(name="hls-transcribed", webhook=hook(receiver))
    stream = hms.post(f"/live-streams/room/{room['id']}/start", json={
        "recording": {"hls_vod": True}, "transcription": {"enabled": True, "modes": ["recorded", "live"],
                                                          "output_modes": ["txt", "json"], "summary": {"enabled": True}}})
    assert stream.status_code == 200, stream.text
    bad = hms.post(f"/live-streams/room/{room['id']}/start", json={"transcription": {"modes": ["later"]}})
    assert bad.status_code == 400
    stream_id = stream.json()["id"]
    hms.emulator.advance(hms.seconds("starting", 120))
    hms.post(f"/live-streams/{stream_id}/stop")
    hms.emulator.advance(hms.seconds("stopping", "post_processing"))
    stopped = next(b for b in receiver.bodies() if b["type"] == "hls.stopped.success")
    assert stopped["data"]["live_transcription_enabled"] is True
    started = next(b for b in receiver.bodies() if b["type"] == "transcription.started.success")
    assert_valid("100ms", "webhook.transcription.started.success", started)
    assert started["data"]["recording_id"] == stream_id and started["data"]["duration"] == 120
    hms.emulator.advance(300)  # the documented minimum: 5 minutes
    done = next(b for b in receiver.bodies() if b["type"] == "transcription.success")
    assert_valid("100ms", "webhook.transcription.success", done)
    text = requests.get(done["data"]["transcript_txt_presigned_url"], timeout=10).text
    assert ":" in text and len(text) > 50  # "Name: words" lines
    kinds = {a["type"] for a in hms.get("/recording-assets", params={"room_id": room["id"]}).json()["data"]}
    assert {"room-vod", "transcript", "summary"} <= kinds

    other = hms.room(name="hls-failed-transcript", webhook=hook(receiver))
    second = hms.post(f"/live-streams/room/{other['id']}/start", json={
        "recording": {"hls_vod": True}, "transcription": {"enabled": True}}).json()
    hms.emulator.advance(hms.seconds("starting", 60))
    hms.post(f"/live-streams/{second['id']}/stop")
    hms.emulator.advance(10)
    failed = hms.control("POST", f"streams/{second['id']}/fail", json={"transcription": True, "error_message": "no audio"})
    assert failed.status_code == 200, failed.text
    hms.emulator.settle()
    failure = next(b for b in receiver.bodies() if b["type"] == "transcription.failure")
    assert_valid("100ms", "webhook.transcription.failure", failure)
    assert failure["data"]["recording_id"] == second["id"]
    # Exactly the fields the webhook guide's transcription.failure table lists, and no others.
    made = [n for n in ("summary_json", "transcript_json", "transcript_srt", "transcript_txt")
            if f"{n}_asset_id" in failure["data"]]
    assert "transcript_txt" in made
    assets = {f"{n}_{f}" for n in made for f in ("asset_id", "path", "presigned_url")}
    assert set(failure["data"]) == {"account_id", "app_id", "recording_id", "room_id", "session_id", "metadata_id",
                                    "transcription_id", "metadata_timestamp", "duration"} | assets
    assert requests.get(failure["data"]["transcript_txt_presigned_url"]).status_code == 404  # no file was made


def test_rtmp_ingest_through_the_rooms_stream_key(hms, receiver):
    room = hms.room(name="ingest", webhook=hook(receiver))
    refused = hms.control("POST", f"rooms/{room['id']}/ingest/start", json={})
    assert refused.status_code == 409 and "stream key disabled" in refused.text  # no key yet
    key = hms.post(f"/stream-keys/room/{room['id']}").json()
    started = hms.control("POST", f"rooms/{room['id']}/ingest/start", json={"key": key["key"]})
    assert started.status_code == 201, started.text
    assert hms.control("POST", f"rooms/{room['id']}/ingest/start", json={}).status_code == 409  # already connected
    hms.emulator.advance(110)
    ended = hms.control("POST", f"rooms/{room['id']}/ingest/stop", json={"reason": "reconnection window expired"})
    assert ended.status_code == 200 and ended.json()["completed_at"]
    assert hms.control("POST", f"rooms/{room['id']}/ingest/stop", json={}).status_code == 409
    hms.post(f"/stream-keys/room/{room['id']}/disable")
    assert hms.control("POST", f"rooms/{room['id']}/ingest/start", json={"key": key["key"]}).status_code == 409
    hms.post(f"/stream-keys/room/{room['id']}")
    hms.control("POST", f"rooms/{room['id']}/ingest/start", json={})
    hms.control("POST", f"rooms/{room['id']}/ingest/stop", json={"error_message": "internal error"})
    hms.emulator.settle()
    events = [b for b in receiver.bodies() if b["type"].startswith("ingest.")]
    assert [e["type"] for e in events] == ["ingest.start.failure", "ingest.start.success", "ingest.start.failure",
                                           "ingest.end.success", "ingest.start.failure", "ingest.start.success",
                                           "ingest.failure"]
    for event in events:
        assert_valid("100ms", f"webhook.{event['type']}", event)
    end = events[3]["data"]
    assert end["duration"] == 110 and end["reason"] == "reconnection window expired"
    assert [e["data"]["error_message"] for e in events if e["type"] == "ingest.start.failure"] == [
        "stream key disabled", "already connected", "stream key disabled"]
