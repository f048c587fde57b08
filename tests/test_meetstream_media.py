"""MeetStream media and transcripts over real HTTP: the vendor's response shapes, files that open
in ffprobe (WAV, MP4, WebM Opus and VP8, PNG), speaker-timeline byte offsets that are true for the
audio served, link lifetimes, transcription runs, re-transcription, failures, live and real-time
payloads, deletion and retention."""
import io
import json
import shutil
import subprocess
import wave

import pytest
import requests

from emulator.platforms.meetstream.constants import LEAVE_DEFAULTS, LEAVING_SECONDS, RECORDING_START_SECONDS
from helpers import assert_valid

DEEPGRAM = {"transcript": {"provider": {"deepgram": {"model": "nova-3", "language": "en"}}}}
CALL = 5 + 2 + 600 + 600 + 2
POST_CALL = 90  # call end to the last file (video, 90 s by default)
RECORDING_STARTS, STOPPING = RECORDING_START_SECONDS, LEAVING_SECONDS
EVERYONE_LEFT = LEAVE_DEFAULTS["everyone_left_timeout"]
needs_ffprobe = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs ffprobe (ffmpeg)")


def probe(content: bytes, tmp_path, name: str) -> list[dict]:
    path = tmp_path / name
    path.write_bytes(content)
    answer = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                             "stream=codec_name,codec_type,sample_rate,channels,width,height", "-of", "json",
                             str(path)], capture_output=True, text=True, check=True)
    return json.loads(answer.stdout)["streams"]


def bodies(receiver, path=None):
    return [json.loads(r["body"]) for r in receiver.requests if path is None or r["path"] == path]


def test_media_is_202_until_processed_then_the_documented_shapes(ms):
    bot = ms.create(video_required=True, audio_separate_streams=True, video_separate_streams=True,
                    recording_config=DEEPGRAM)
    for path in ("get_audio", "get_video", "get_speaker_timeline", "get_screenshots"):
        assert ms.get(f"/bots/{bot['bot_id']}/{path}").json() == {"message": "processing"}
    waiting = ms.get(f"/bots/{bot['bot_id']}/get_audio_streams")
    assert waiting.status_code == 202 and waiting.json()["audio_status"] == "in_progress"
    assert ms.get(f"/bots/{bot['bot_id']}/get_recording_streams").json()["video_status"] == "in_progress"
    assert ms.get(f"/transcript/{bot['transcript_id']}/get_transcript").status_code == 202
    ms.emulator.advance(CALL + POST_CALL)
    for path, schema in (("get_audio", "audio.response"), ("get_video", "video.response"),
                         ("get_audio_streams", "audio_streams.response"),
                         ("get_recording_streams", "recording_streams.response"),
                         ("get_speaker_timeline", "speaker_timeline.response"),
                         ("get_screenshots", "screenshots.response"),
                         ("get_participants", "participants.response"), ("get_chats", "chats.response")):
        answer = ms.get(f"/bots/{bot['bot_id']}/{path}")
        assert answer.status_code == 200, path
        assert_valid("meetstream", schema, answer.json())
    assert set(ms.get(f"/bots/{bot['bot_id']}/get_audio").json()) == {"audio_url"}
    people = ms.get(f"/bots/{bot['bot_id']}/get_participants").json()
    assert isinstance(people, list) and len(people) == 2
    assert {p["status"] for p in people} == {2} and {p["humanized_status"] for p in people} == {"left"}


def test_options_that_were_not_asked_for(ms):
    bot = ms.create(video_required=False)
    ms.emulator.advance(CALL + POST_CALL)
    assert ms.get(f"/bots/{bot['bot_id']}/get_video").status_code == 400
    audio = ms.get(f"/bots/{bot['bot_id']}/get_audio_streams").json()
    assert audio["audio_streams_available"] is False and audio["participants"] == []
    video = ms.get(f"/bots/{bot['bot_id']}/get_recording_streams").json()
    assert video["recording_streams_available"] is False and video["screenshares"] == []
    assert ms.get(f"/bots/{bot['bot_id']}/get_screenshots").json()["screenshots"] == []


@needs_ffprobe
def test_the_files_open_in_ffprobe(ms, tmp_path):
    ms.control("PATCH", "settings", json={"meeting_seconds": 40})
    bot = ms.create(video_required=True, audio_separate_streams=True, video_separate_streams=True)
    ms.emulator.advance(ms.seconds("join", RECORDING_STARTS, "meeting", EVERYONE_LEFT, STOPPING, POST_CALL))
    audio = requests.get(ms.get(f"/bots/{bot['bot_id']}/get_audio").json()["audio_url"])
    assert probe(audio.content, tmp_path, "a.wav")[0]["codec_name"] == "pcm_s16le"
    video = ms.get(f"/bots/{bot['bot_id']}/get_video").json()
    content = requests.get(video["video_url"]).content
    assert {s["codec_type"] for s in probe(content, tmp_path, "v.mp4")} == {"video", "audio"}
    assert video["video_info"]["size_mb"] == round(len(content) / 1024 / 1024, 3)
    streams = ms.get(f"/bots/{bot['bot_id']}/get_audio_streams").json()
    segment = streams["participants"][0]["streams"][0]["segments"][0]
    [opus] = probe(requests.get(segment["url"]).content, tmp_path, segment["filename"])
    assert (opus["codec_name"], opus["sample_rate"], opus["channels"]) == ("opus", "48000", 1)
    recorded = ms.get(f"/bots/{bot['bot_id']}/get_recording_streams").json()
    assert recorded["summary"] == {"total_participants": 2, "total_screenshares": 1, "total_segments": 3}
    for entry in recorded["participants"] + recorded["screenshares"]:
        segment = entry["streams"][0]["segments"][0]
        [vp8] = probe(requests.get(segment["url"]).content, tmp_path, "s.webm")
        assert (vp8["codec_name"], vp8["width"], vp8["height"]) == ("vp8", segment["width"], segment["height"])
    shot = ms.get(f"/bots/{bot['bot_id']}/get_screenshots").json()["screenshots"][0]
    picture = requests.get(shot["url"])
    assert picture.headers["Content-Type"] == "image/png"
    assert probe(picture.content, tmp_path, "s.png")[0]["codec_name"] == "png"


def test_speaker_timeline_offsets_are_true_for_the_audio_served(ms):
    bot = ms.create(recording_config=DEEPGRAM, video_required=False)
    ms.emulator.advance(CALL + POST_CALL)
    timeline = ms.get(f"/bots/{bot['bot_id']}/get_speaker_timeline").json()
    content = requests.get(ms.get(f"/bots/{bot['bot_id']}/get_audio").json()["audio_url"]).content
    assert timeline["totalFileSize"] == len(content)
    with wave.open(io.BytesIO(content)) as w:
        rate, width, frames = w.getframerate(), w.getsampwidth(), w.getnframes()
    header = len(content) - frames * width
    transcript = ms.get(f"/transcript/{bot['transcript_id']}/get_transcript").json()
    assert len(timeline["chunks"]) == len(transcript)
    for chunk, segment in zip(timeline["chunks"], transcript):
        assert chunk["sampleRate"] == rate and chunk["speakerName"] == segment["speaker"]
        assert chunk["timestamp"] == segment["absolute_start_time"]
        assert chunk["startByte"] == header + width * round(segment["start_time"] * rate)
        assert chunk["endByte"] == header + width * round(segment["end_time"] * rate) <= len(content)
    people = {p["displayName"]: p["deviceId"] for p in ms.get(f"/bots/{bot['bot_id']}/get_participants").json()}
    assert {c["speakerId"] for c in timeline["chunks"]} <= set(people.values())


def test_links_expire_on_the_vendors_schedule(ms):
    bot = ms.create(video_required=True, audio_separate_streams=True, recording_config=DEEPGRAM)
    ms.emulator.advance(CALL + POST_CALL)
    audio = ms.get(f"/bots/{bot['bot_id']}/get_audio").json()["audio_url"]
    video = ms.get(f"/bots/{bot['bot_id']}/get_video").json()["video_url"]
    stream = ms.get(f"/bots/{bot['bot_id']}/get_audio_streams").json()["participants"][0]["streams"][0]["segments"][0]["url"]
    runs = ms.get(f"/bots/{bot['bot_id']}/transcriptions").json()["transcriptions"]
    processed = runs[0]["download_urls"]["processed_transcript"]
    ms.emulator.advance(599)
    assert all(requests.get(u).status_code == 200 for u in (audio, video, stream, processed))
    ms.emulator.advance(1)
    assert requests.get(video).status_code == 403 and requests.get(stream).status_code == 403  # 10 minutes
    assert requests.get(audio).status_code == 200 and requests.get(processed).status_code == 200
    ms.emulator.advance(3000)
    assert requests.get(audio).status_code == 403 and requests.get(processed).status_code == 403  # 1 hour


def test_transcripts_are_segment_arrays_with_words_and_raw_is_the_providers(ms):
    bot = ms.create(recording_config=DEEPGRAM)
    ms.emulator.advance(CALL + POST_CALL)
    transcript = ms.get(f"/transcript/{bot['transcript_id']}/get_transcript").json()
    assert_valid("meetstream", "file.transcript", transcript)
    assert transcript[0]["transcript"] and transcript[0]["words"][0]["punctuated_word"]
    for spelling in (True, "true", "True"):  # requests sends Python's True as "True"
        raw = ms.get(f"/transcript/{bot['transcript_id']}/get_transcript", params={"raw": spelling}).json()
        assert_valid("meetstream", "file.transcript.raw", raw)
        assert raw["id"] == bot["transcript_id"]
    assert ms.get(f"/transcript/{bot['transcript_id']}/get_transcript", params={"raw": False}).json() == transcript
    assert ms.get(f"/transcript/{bot['transcript_id']}/get_transcript", params={"raw": "maybe"}).status_code == 400
    runs = ms.get(f"/bots/{bot['bot_id']}/transcriptions").json()
    assert_valid("meetstream", "transcriptions.response", runs)
    [run] = runs["transcriptions"]
    assert run["status"] == "Success" and run["config"] == {"model": "nova-3", "language": "en"}
    assert requests.get(run["download_urls"]["processed_transcript"]).json() == transcript


def test_runs_are_processing_while_the_call_goes_on(ms):
    bot = ms.create(recording_config=DEEPGRAM)
    ms.emulator.advance(60)
    [run] = ms.get(f"/bots/{bot['bot_id']}/transcriptions").json()["transcriptions"]
    assert run["status"] == "Processing" and run["download_urls"] is None


def test_transcribe_with_the_sdks_empty_body_reruns_and_sends_one_event(ms, receiver):
    bot = ms.create(callback_url=receiver.url + "/cb", custom_attributes={"k": "v"},
                    recording_config={"transcript": {"provider": {"deepgram_streaming": {}}}},
                    live_transcription_required={"webhook_url": receiver.url + "/live"})
    assert ms.post(f"/bots/{bot['bot_id']}/transcribe", json={}).status_code == 409  # no audio yet
    ms.emulator.advance(CALL + POST_CALL)
    assert ms.get(f"/bots/{bot['bot_id']}/transcriptions").json()["transcriptions"] == []
    assert ms.post(f"/bots/{bot['bot_id']}/transcribe", json={"provider": {"deepgram_streaming": {}}}).status_code == 400
    started = ms.post(f"/bots/{bot['bot_id']}/transcribe", json={"callback_url": receiver.url + "/t"})
    assert started.status_code == 200
    assert_valid("meetstream", "transcribe.response", started.json())
    tid = started.json()["transcript_id"]
    assert started.json()["provider"] == "meetstream"
    assert ms.get(f"/bots/{bot['bot_id']}/detail").json()["bot_details"]["transcript_id"] == tid
    assert ms.get(f"/transcript/{tid}/get_transcript").status_code == 202
    ms.emulator.advance(30)
    assert isinstance(ms.get(f"/transcript/{tid}/get_transcript").json(), list)
    [event] = bodies(receiver, "/t")
    assert_valid("meetstream", "webhook.transcription.processed", event)
    assert event["event"] == "transcription.processed" and "custom_attributes" not in event
    assert "bot.done" not in [b["event"] for b in bodies(receiver, "/cb")]
    [run] = ms.get(f"/bots/{bot['bot_id']}/transcriptions").json()["transcriptions"]
    assert run["transcript_id"] == tid and run["status"] == "Success"


def test_a_failed_transcription_reports_500_and_bot_done_carries_it(ms, receiver):
    bot = ms.create(callback_url=receiver.url, recording_config=DEEPGRAM, video_required=False)
    ms.emulator.advance(10)
    assert ms.control("POST", f"bots/{bot['bot_id']}/force", json={
        "outcome": "transcription_fails", "message": "Deepgram API error: 401"}).status_code == 200
    ms.emulator.advance(CALL + POST_CALL)
    failed = next(b for b in bodies(receiver) if b["event"] == "transcription.failed")
    assert_valid("meetstream", "webhook.transcription.failed", failed)
    assert (failed["status_code"], failed["transcript_status"]) == (500, "Failed")
    done = bodies(receiver)[-1]
    assert done["event"] == "bot.done" and done["status_code"] == 500 and done["message"].startswith("Error: ")
    [run] = ms.get(f"/bots/{bot['bot_id']}/transcriptions").json()["transcriptions"]
    assert run["status"] == "Failed"
    assert ms.get(f"/transcript/{bot['transcript_id']}/get_transcript").status_code == 404
    finished = ms.create(recording_config=DEEPGRAM, video_required=False)
    ms.emulator.advance(CALL + POST_CALL)
    again = ms.control("POST", f"bots/{finished['bot_id']}/force", json={"outcome": "transcription_fails"})
    assert again.status_code == 409  # a finished transcript cannot be made to fail
    assert ms.get(f"/bots/{finished['bot_id']}/transcriptions").json()["transcriptions"][0]["status"] == "Success"


def test_live_transcription_chunks_are_flat_interim_then_final(ms, receiver):
    ms.create(recording_config={"transcript": {"provider": {"meetstream_streaming": {}}}},
              live_transcription_required={"webhook_url": receiver.url + "/live"}, custom_attributes={"k": "v"})
    ms.emulator.advance(120)
    chunks = bodies(receiver, "/live")
    assert len(chunks) >= 4
    for chunk in chunks:
        assert_valid("meetstream", "realtime.transcript", chunk)
        assert chunk["custom_attributes"] == {"k": "v"} and chunk["transcription_mode"] == "raw"
    assert chunks[0]["is_final"] is False and any(c["is_final"] for c in chunks)
    final = next(c for c in chunks if c["is_final"])
    interim = next(c for c in chunks if not c["is_final"] and c["speakerName"] == final["speakerName"])
    assert final["transcript"].startswith(interim["transcript"])
    headers = {k.lower() for k in receiver.requests[0]["headers"]}
    assert "x-meetstream-signature" not in headers  # only callback_url deliveries are signed


def test_realtime_participant_events_are_nested_as_documented(ms, receiver):
    bot = ms.create(recording_config={"realtime_endpoints": [{"type": "webhook", "url": receiver.url + "/rt",
                    "events": ["participant_events.join", "participant_events.leave"]}]})
    ms.emulator.advance(CALL)
    sent = bodies(receiver, "/rt")
    assert [b["event"] for b in sent] == ["participant_events.join"] * 2 + ["participant_events.leave"] * 2
    for body in sent:
        assert_valid("meetstream", f"realtime.{body['event']}", body)
        assert body["data"]["bot"]["id"] == bot["bot_id"] and "bot_id" not in body
    leave = sent[-1]["data"]["data"]
    assert leave["action"] == "leave" and leave["timestamp"]["relative"] == 600.0


def test_captions_are_a_caption_file(ms):
    bot = ms.create(meeting_link="https://meet.google.com/abc-defg-hij",
                    recording_config={"transcript": {"provider": {"meeting_captions": {}}}})
    assert bot["transcript_id"] is None
    ms.emulator.advance(CALL + POST_CALL)
    details = ms.get(f"/bots/{bot['bot_id']}/detail").json()["bot_details"]
    assert details["NativeSTT"] is True
    captions = requests.get(details["caption_file"]).json()
    assert captions and {"speaker", "text", "start_time", "end_time"} <= set(captions[0])


def test_delete_and_retention_remove_media_with_data_deletion(ms, receiver):
    bot = ms.create(callback_url=receiver.url, recording_config=DEEPGRAM, video_required=False)
    ms.emulator.advance(CALL + POST_CALL)
    audio_url = ms.get(f"/bots/{bot['bot_id']}/get_audio").json()["audio_url"]
    answer = ms.http.delete(ms.base + f"/bots/{bot['bot_id']}/delete")
    assert answer.status_code == 200
    assert_valid("meetstream", "bot.delete.response", answer.json())
    assert answer.json()["deleted_objects"] == 3  # the audio, the transcript and its raw form
    assert requests.get(audio_url).status_code == 404
    assert ms.get(f"/bots/{bot['bot_id']}/get_audio").status_code == 404
    assert ms.get(f"/transcript/{bot['transcript_id']}/get_transcript").status_code == 404
    ms.emulator.settle()
    deletion = bodies(receiver)[-1]
    assert_valid("meetstream", "webhook.data_deletion", deletion)
    assert (deletion["status"], deletion["deleted_objects"]) == ("success", 3)
    kept = ms.create(callback_url=receiver.url, video_required=False,
                     recording_config={**DEEPGRAM, "retention": {"type": "timed", "hours": 2}})
    ms.emulator.advance(CALL + POST_CALL)
    assert ms.get(f"/bots/{kept['bot_id']}/get_audio").status_code == 200
    ms.emulator.advance(hours=2)
    assert ms.get(f"/bots/{kept['bot_id']}/get_audio").status_code == 404
    assert bodies(receiver)[-1]["event"] == "data_deletion"


def test_video_info_describes_the_meeting_not_the_file(ms):
    ms.control("PATCH", "settings", json={"meeting_seconds": 300})
    bot = ms.create(video_required=True)
    ms.emulator.advance(ms.seconds("join", RECORDING_STARTS, "meeting", EVERYONE_LEFT, STOPPING, POST_CALL))
    info = ms.expect(ms.get(f"/bots/{bot['bot_id']}/get_video"))["video_info"]
    # The people are recorded for 300 s, then the bot records the empty call until
    # everyone_left_timeout (600 s) runs out: a 900 s video, far past the 30 s file served.
    recorded = 300 + EVERYONE_LEFT
    assert info["duration"] == pytest.approx(recorded, abs=0.01)
    assert (info["resolution"], info["fps"]) == ("640x360", 15)
    assert info["frames_processed"] == int(info["duration"] * 15) and info["corrupted_frames"] == 0
