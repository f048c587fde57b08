"""The control plane is not an open door: a foreign web page cannot reset or steer the emulator
through the developer's browser (cross-site posts, form bodies, rebinding hosts), what an object
holds never becomes script on the dashboard, and a webhook cannot be aimed at the control API."""
import socket

import pytest
import requests

CROSS = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}


def bots(recall):
    return recall.get("/bot/").json()["count"]


def test_a_cross_site_form_post_cannot_reset_the_emulator(emulator, recall):
    recall.create()
    answer = requests.post(emulator.control_url("reset"), data={"x": "1"}, headers=CROSS)
    assert answer.status_code == 403 and "cross-site" in answer.json()["message"]
    only_origin = requests.post(emulator.control_url("reset"), headers={"Origin": "http://evil.example"})
    assert only_origin.status_code == 403
    only_fetch_site = requests.post(emulator.control_url("clock/advance"), json={"hours": 1},
                                    headers={"Sec-Fetch-Site": "cross-site"})
    assert only_fetch_site.status_code == 403
    assert bots(recall) == 1  # nothing happened


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                          "text/plain"])
def test_bodies_a_browser_sends_unasked_are_refused_by_the_control_api(emulator, recall, content_type):
    recall.create()
    answer = requests.post(emulator.control_url("clock/advance"), data='{"hours": 1}',
                           headers={"Content-Type": content_type})
    assert answer.status_code == 403 and "send JSON" in answer.json()["message"]
    patched = requests.patch(emulator.control_url("recall/settings"), data='{"participants": 5}',
                             headers={"Content-Type": content_type})
    assert patched.status_code == 403
    assert requests.post(emulator.control_url("reset"), headers={"Content-Type": content_type}).status_code == 403
    assert bots(recall) == 1


def test_programs_and_the_dashboard_itself_still_drive_it(emulator, recall):
    recall.create()
    assert requests.post(emulator.control_url("clock/advance"), json={"seconds": 5}).status_code == 200
    same = requests.post(emulator.control_url("ui/clock"), data={"seconds": "1h"},
                         headers={"Origin": emulator.base_url, "Sec-Fetch-Site": "same-origin"},
                         allow_redirects=False)
    assert same.status_code in (200, 303), same.text
    inbox = requests.post(emulator.control_url("inbox/hooks"), data="plain text webhook",
                          headers={"Content-Type": "text/plain"})
    assert inbox.status_code in (200, 201, 204), inbox.text
    assert requests.post(emulator.control_url("reset")).status_code == 200
    assert bots(recall) == 0


def test_a_rebinding_host_is_refused_even_with_a_matching_origin(emulator):
    port = emulator.base_url.rsplit(":", 1)[1]
    with socket.create_connection(("127.0.0.1", int(port))) as raw:
        raw.sendall(f"POST /_emulator/reset HTTP/1.1\r\nHost: evil.example:{port}\r\n"
                    f"Origin: http://evil.example:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := raw.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 403"), reply[:200]
    assert b"is not an address this emulator serves" in reply
    for host in ("127.0.0.1", "localhost"):
        answer = requests.get(f"http://127.0.0.1:{port}/_emulator/health", headers={"Host": f"{host}:{port}"})
        assert answer.status_code == 200


def test_dashboard_pages_forbid_inline_script_and_framing(emulator):
    page = requests.get(emulator.control_url(""))
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_only_links_the_emulator_signed_become_links_on_an_object_page(emulator, recall):
    trap = "javascript:alert(document.domain)//x/s3/?X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-Signature=ab"
    forged = f"{emulator.base_url}/s3/some/key?X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-Signature=00"
    bot = recall.create(metadata={"note": trap, "forged": forged},
                        recording_config={"transcript": {"provider": {"meeting_captions": {}}}})
    recall.emulator.advance(recall.until_media_done())
    page = requests.get(emulator.control_url(f"ui/recall/bots/{bot['id']}")).text
    assert 'href="javascript:' not in page and f'href="{forged}"' not in page
    assert "javascript:alert(document.domain)" in page  # shown as text, escaped
    assert f'href="{emulator.base_url}/s3/' in page  # the bot's real download links are links


def test_a_webhook_aimed_at_the_control_api_is_refused_and_logged(emulator, ms):
    ms.create(callback_url=emulator.control_url("reset"))
    ms.create(callback_url=emulator.base_url + "/_emulator//x/../reset")
    ms.emulator.advance(60)
    log = [d for d in emulator.webhooks if d["platform"] == "meetstream"]
    attempts = [a for d in log for a in d["attempt_log"]]
    assert attempts and all(a["status_code"] is None and a["error"].startswith("refused: the URL is an emulator's "
                                                                                "control API") for a in attempts)
    assert {a["url"] for a in attempts} == {emulator.control_url("reset"), emulator.base_url + "/_emulator//x/../reset"}
    assert len(requests.get(emulator.url("meetstream") + "/bots", headers=ms.http.headers).json()["bots"]) == 2


def test_an_inbox_on_the_emulator_is_still_a_webhook_target(emulator, ms):
    ms.create(callback_url=emulator.control_url("inbox/ms"))
    ms.emulator.advance(60)
    assert emulator.inbox("ms")  # the callbacks arrived
