"""The control plane's own limits: the clock cannot be moved past what the platforms can date, and
numbers in query strings and links are bounded in length (a 400, never a 500)."""
import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from emulator.core.clock import HORIZON, iso


def test_the_clock_cannot_be_set_or_advanced_past_its_horizon(emulator):
    far = requests.post(emulator.control_url("clock/set"), json={"now": "9999-12-31T00:00:00Z"})
    assert far.status_code == 400 and "cannot move past 9000-01-01" in far.json()["message"]
    assert requests.post(emulator.control_url("clock/set"), json={"now": iso(HORIZON)}).status_code == 200
    beyond = requests.post(emulator.control_url("clock/advance"), json={"seconds": 1})
    assert beyond.status_code == 400 and "cannot move past" in beyond.json()["message"]
    assert requests.get(emulator.control_url("health")).status_code == 200
    clock = requests.get(emulator.control_url("clock")).json()
    assert clock["now"].startswith("9000-01-01")


def test_a_bot_created_at_the_horizon_is_still_served(emulator):
    requests.post(emulator.control_url("clock/set"), json={"now": iso(HORIZON - 86400)})
    headers = {"Authorization": "Token k"}
    bot = requests.post(emulator.url("recall") + "/bot/", json={"meeting_url": "https://zoom.us/j/1"}, headers=headers)
    assert bot.status_code == 201, bot.text
    assert requests.post(emulator.control_url("clock/advance"), json={"hours": 2}).status_code == 200
    assert requests.get(emulator.url("recall") + f"/bot/{bot.json()['id']}/", headers=headers).status_code == 200


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # reads only
@given(digits=st.integers(min_value=21, max_value=6000))
def test_long_digit_strings_are_refused_with_the_platforms_400(emulator, digits):
    number = "9" * digits
    link = requests.get(f"{emulator.base_url}/s3/some/key", params={
        "X-Amz-Date": "20260101T000000Z", "X-Amz-Signature": "ab", "X-Amz-Expires": number})
    assert link.status_code == 400 and b"X-Amz-Expires must be less than a week" in link.content
    page = requests.get(emulator.url("recall") + "/bot/", params={"page": number}, headers={"Authorization": "Token k"})
    assert page.status_code == 400 and "page" in page.text
    token = requests.get(emulator.control_url("100ms/token"), params={"valid_for": number})
    assert token.status_code == 400 and "valid_for" in token.json()["message"]


def test_all_inboxes_together_are_bounded_and_the_oldest_messages_go_first(emulator):
    config = emulator.engine.config
    saved, config.inboxes_bytes = config.inboxes_bytes, 200_000
    try:
        body = "x" * 4000
        for i in range(200):  # 200 names x 4 KB: four times the bound, each inbox far below its own
            answer = requests.post(emulator.control_url(f"inbox/name-{i}"), data=body,
                                   headers={"Content-Type": "application/json"})
            assert answer.status_code in (200, 201), answer.text
        kept = {i: requests.get(emulator.control_url(f"inbox/name-{i}")).json()["messages"] for i in range(200)}
        assert 40 <= sum(len(m) for m in kept.values()) <= 50  # about 200 KB of 4 KB messages
        assert kept[199] and not kept[0]  # the newest stay, the oldest went
        page = requests.get(emulator.control_url("")).text
        assert "name-199" in page and "name-100" not in page  # the dashboard shows the newest inboxes
    finally:
        config.inboxes_bytes = saved
