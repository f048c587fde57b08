"""What the emulator makes of a request body that is absent, empty or only whitespace."""
import requests


def test_a_body_of_only_whitespace_is_not_an_absent_body(emulator, hms, ms):
    """Where a body may be left out, no body is fine; whitespace is something sent that is not JSON."""
    token = hms.http.headers["Authorization"]
    base = emulator.url("100ms")
    for body, status in ((b"", 200), (b"\n", 400), (b"  \t", 400)):
        answer = requests.post(f"{base}/rooms", data=body, timeout=10,
                               headers={"Authorization": token, "Content-Type": "application/json"})
        assert answer.status_code == status, (body, answer.text)
    refused = requests.post(f"{emulator.url('meetstream')}/calendar/auto-reschedule", data=b"\n", timeout=10,
                            headers={**ms.http.headers, "Content-Type": "application/json"})
    assert refused.status_code == 400, refused.text
