"""The official Python SDK (meetstream-sdk) pointed at the emulator, unchanged: every method of
every resource (bots, transcripts, calendar, MIA, Google logins, Zoom, storage), its 202 and 507
handling, and its webhook helpers on the callbacks the emulator signs."""
import json

import pytest
import requests

from emulator.core.clock import iso, parse_iso

SECRET = "ms_whsec_emulator_secret"
DEEPGRAM = {"transcript": {"provider": {"deepgram": {"model": "nova-3", "language": "en"}}}}
CALL = 5 + 2 + 600 + 600 + 2
POST_CALL = 90


@pytest.fixture
def client(emulator):
    from meetstream import MeetStream

    with MeetStream(api_key="ms_sdk_key", base_url=emulator.url("meetstream"), max_retries=0) as made:
        yield made


def test_bots_every_method(client, emulator, receiver):
    from meetstream._errors import ConflictError, NotReadyError
    from meetstream.webhooks import describe_stop, is_terminal, parse_webhook, verify_webhook_signature

    body = {"meeting_link": "https://meet.google.com/abc-defg-hij", "bot_name": "SDK bot", "callback_url": receiver.url,
            "audio_separate_streams": True, "video_separate_streams": True, "recording_config": DEEPGRAM,
            "workflow_config_ids": ["wf_1"]}
    bot = client.bots.create(body, idempotency_key="0f8e3a2c-0000-4000-8000-000000000002")
    assert client.bots.create(body, idempotency_key="0f8e3a2c-0000-4000-8000-000000000002") == bot  # 507 replay
    bot_id = bot["bot_id"]
    assert client.bots.list()["bots"][0]["bot_id"] == bot_id
    assert client.bots.status(bot_id)["status"] == "Joining"
    assert client.bots.detail(bot_id)["bot_details"]["transcript_id"] == bot["transcript_id"]
    for waiting in (client.bots.audio, client.bots.video, client.bots.audio_streams, client.bots.recording_streams,
                    client.bots.screenshots, client.bots.speaker_timeline, client.bots.summary):
        with pytest.raises(NotReadyError):
            waiting(bot_id)
    emulator.advance(10)
    assert client.bots.send_message(bot_id, "Hello")["command"] == "sendmsg"
    assert client.bots.send_image(bot_id, "https://example.com/logo.png", display_duration=5)["status"] == "success"
    assert client.bots.pause_recording(bot_id)["command"] == "pause_recording"
    assert client.bots.resume_recording(bot_id)["command"] == "resume_recording"
    with pytest.raises(ConflictError):
        client.bots.resume_recording(bot_id)
    assert len(client.bots.participants(bot_id)) == 2
    assert [c["message"] for c in client.bots.chats(bot_id)["chats"] if c["sender"] == "SDK bot"][0] == "Hello"
    client.bots.remove(bot_id)
    emulator.advance(POST_CALL + 5)
    assert client.bots.status(bot_id)["status"] == "Done"
    assert requests.get(client.bots.wait_for_audio(bot_id, timeout=1)["audio_url"]).status_code == 200
    assert requests.get(client.bots.wait_for_video(bot_id, timeout=1)["video_url"]).status_code == 200
    assert client.bots.audio_streams(bot_id)["summary"]["total_participants"] == 2
    assert client.bots.recording_streams(bot_id)["summary"]["total_screenshares"] == 1
    assert client.bots.screenshots(bot_id)["screenshots"]
    assert client.bots.speaker_timeline(bot_id)["chunks"]
    assert client.bots.summary(bot_id)["bot_details"]["summary"]["workflow_config_ids"] == ["wf_1"]
    deleted = client.bots.delete_data(bot_id)
    assert deleted["bot_id"] == bot_id and deleted["deleted_objects"] > 0
    emulator.settle()
    for request in receiver.requests:
        signature = request["headers"]["X-MeetStream-Signature"]
        assert verify_webhook_signature(request["body"], signature, SECRET)
        event = parse_webhook(request["body"], signature, SECRET)
        assert event["bot_id"] == bot_id
        if is_terminal(event):
            assert describe_stop(event) == "The bot left normally."
    assert [json.loads(r["body"])["event"] for r in receiver.requests].count("bot.stopped") == 1
    assert not verify_webhook_signature(receiver.requests[0]["body"] + b" ",
                                        receiver.requests[0]["headers"]["X-MeetStream-Signature"], SECRET)


def test_transcripts_every_method(client, emulator):
    from meetstream._errors import NotFoundError, NotReadyError

    bot = client.bots.create({"meeting_link": "https://zoom.us/j/1", "bot_name": "T", "recording_config": DEEPGRAM})
    with pytest.raises(NotReadyError):
        client.transcripts.get(bot["transcript_id"])
    emulator.advance(CALL + POST_CALL)
    segments = client.transcripts.wait_for(bot["transcript_id"], timeout=1)
    assert segments == client.transcripts.get(bot["transcript_id"]) and segments[0]["transcript"]
    assert client.transcripts.get(bot["transcript_id"], raw=True)["id"] == bot["transcript_id"]
    assert client.transcripts.list_for_bot(bot["bot_id"])["transcriptions"][0]["status"] == "Success"
    rerun = client.transcripts.transcribe_bot_audio(bot["bot_id"])  # the SDK's default body: {}
    assert rerun["provider"] == "meetstream"
    emulator.advance(30)
    assert client.transcripts.get(rerun["transcript_id"])
    with pytest.raises(NotFoundError):
        client.transcripts.get("00000000-0000-4000-8000-000000000000")


def test_calendar_every_method(client, emulator):
    google = client.calendar.connect_google({"google_refresh_token": "r", "google_client_id": "i",
                                             "google_client_secret": "s"})
    assert google["platform"] == "google_calendar"
    assert client.calendar.connect_outlook({"outlook_refresh_token": "r", "outlook_client_id": "i",
                                            "outlook_client_secret": "s"})["platform"] == "microsoft_outlook"
    assert client.calendar.list()["total"] == 2
    events = client.calendar.events()["results"]
    assert len(events) == 6
    scheduled = client.calendar.schedule_event(events[1]["id"])
    assert client.calendar.list_scheduled_bots()["count"] == 1
    later = iso(parse_iso(scheduled["scheduled_time"]) + 600)
    assert client.calendar.reschedule_bot(scheduled["bot_id"], later)["schedule_updated"] is True
    assert client.calendar.list_scheduled_bots()["scheduled_bots"][0]["scheduled_join_time"] == later
    assert client.calendar.delete_scheduled_bot(scheduled["bot_id"])["bot_id"] == scheduled["bot_id"]
    again = client.calendar.schedule_event(events[2]["id"])
    assert client.calendar.unschedule_event(events[2]["id"])["cancelled_schedules"] == [again["schedule_id"]]
    assert client.calendar.enable_auto_schedule({"default_bot_config": {"bot_name": "Auto"}})["auto_schedule_enabled"]
    assert client.calendar.auto_schedule_settings()["default_bot_config"] == {"bot_name": "Auto"}
    assert client.calendar.disable_auto_schedule()["auto_schedule_enabled"] is False
    weekly = next(e for e in events if e["raw"].get("recurrence"))
    assert client.calendar.toggle_recurrence({"event_id": weekly["id"], "recurring_enabled": False})[
        "recurring_enabled"] is False
    gone = client.calendar.disconnect()
    assert gone["disconnected"] and gone["events_deleted"] == 6


def test_mia_every_method(client, emulator):
    from meetstream._errors import BadRequestError, NotFoundError

    made = client.mia.create({"agent_name": "Helper", "mode": "pipeline",
                              "model": {"provider": "openai", "model": "gpt-4.1", "system_prompt": "Be brief."},
                              "voice": {"provider": "openai", "voice_id": "alloy"},
                              "transcriber": {"provider": "deepgram", "model": "nova-3", "boostwords": ["MeetStream"]}})
    agent_id = made["agent_config_id"]
    assert client.mia.list()["count"] == 1
    assert client.mia.list(agent_config_id=agent_id)["agent_config"]["agent_name"] == "Helper"
    assert client.mia.update(agent_id, {"agent_name": "Renamed"})["agent_config"]["agent_name"] == "Renamed"
    with pytest.raises(BadRequestError):
        client.mia.create({"agent_name": "Live", "mode": "realtime", "model": {"provider": "openai", "model": "gpt-4o",
                                                                               "voice": "Puck"}})
    realtime = client.mia.create({"agent_name": "Live", "mode": "realtime",
                                  "model": {"provider": "google", "voice": "Puck"}})
    alone = {"meeting_link": "https://zoom.us/j/1", "bot_name": "Agent", "agent_config_id": realtime["agent_config_id"]}
    with pytest.raises(BadRequestError, match="required together"):  # the reference: all three, or none
        client.bots.create(alone)
    bridge = "wss://agent-meetstream-prd-main.meetstream.ai/bridge"
    bot = client.bots.create({**alone, "socket_connection_url": {"websocket_url": bridge},
                              "live_audio_required": {"websocket_url": f"{bridge}/audio"}})
    assert bot["bot_id"]
    assert client.mia.delete(agent_id)["message"]
    with pytest.raises(NotFoundError):
        client.mia.list(agent_config_id=agent_id)


def test_integrations_every_method(client):
    from meetstream._errors import NotFoundError

    domain = client.google_logins.create_domain({"domain": "example.com", "sso_url": "https://sso.example.com/saml"})
    assert domain["domain"] == "example.com"
    assert client.google_logins.list_domains()["count"] == 1
    assert client.google_logins.get_domain("example.com")["sso_url"] == "https://sso.example.com/saml"
    assert client.google_logins.update_domain("example.com", {"description": "main"})["description"] == "main"
    login = client.google_logins.create({"email": "bot@example.com", "password": "secret"})
    assert "password" not in login and client.google_logins.list()["logins"][0]["id"] == login["id"]
    assert client.google_logins.update(login["id"], {"display_name": "Bot"})["display_name"] == "Bot"
    assert client.google_logins.delete(login["id"])["message"]
    assert client.google_logins.delete_domain("example.com")["message"]
    with pytest.raises(NotFoundError):
        client.google_logins.get_domain("example.com")
    assert client.zoom.authorize_url()["authorize_url"].startswith("https://zoom.us/oauth/authorize")
    connection = client.zoom.create_connection({"code": "abc"})
    assert client.zoom.list_connections()["count"] == 1
    assert client.zoom.get_connection(connection["zoom_user_id"])["status"] == "connected"
    assert client.zoom.delete_connection(connection["zoom_user_id"])["message"]
    saved = client.storage.set({"bucket_name": "my-bucket", "region": "eu-west-1", "access_key_id": "AKIAEXAMPLE1234",
                                "secret_access_key": "very-secret-value"})
    assert saved["config"]["secret_access_key"] == "****alue"
    assert client.storage.get()["configs"][0]["bucket_name"] == "my-bucket"
    assert client.storage.delete()["message"]
    with pytest.raises(NotFoundError):
        client.storage.delete()


def test_the_async_client_works_too(emulator):
    import asyncio

    from meetstream import AsyncMeetStream

    async def run() -> dict:
        async with AsyncMeetStream(api_key="ms_async_key", base_url=emulator.url("meetstream")) as client:
            bot = await client.bots.create({"meeting_link": "https://zoom.us/j/9", "bot_name": "Async"})
            return await client.bots.status(bot["bot_id"])

    assert asyncio.run(run())["status"] == "Joining"
