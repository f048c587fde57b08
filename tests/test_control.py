"""The /_emulator control plane."""
import requests


def test_health_and_clock(emulator):
    health = requests.get(emulator.control_url("health")).json()
    assert health["status"] == "ok" and "lessonspace" in health["platforms"]
    clock = requests.get(emulator.control_url("clock")).json()
    assert clock["frozen"] is True
    moved = requests.post(emulator.control_url("clock/advance"), json={"hours": 1, "seconds": 5}).json()
    assert moved["timestamp"] - clock["timestamp"] == 3605


def test_clock_set_moves_forward_only(emulator):
    answer = requests.post(emulator.control_url("clock/set"), json={"now": "2099-01-01T00:00:00Z"})
    assert answer.status_code == 200 and answer.json()["now"] == "2099-01-01T00:00:00.000Z"
    back = requests.post(emulator.control_url("clock/set"), json={"now": "2000-01-01T00:00:00Z"})
    assert back.status_code == 409 and "forward" in back.json()["message"]
    bad = requests.post(emulator.control_url("clock/set"), json={"now": "soon"})
    assert bad.status_code == 400
    speed = requests.post(emulator.control_url("clock/set"), json={"frozen": False, "speed": 10}).json()
    assert speed["frozen"] is False and speed["speed"] == 10


def test_bad_control_bodies_are_400_with_the_path(emulator):
    answer = requests.post(emulator.control_url("clock/advance"), json={"seconds": "ten"})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["path"] == "$.seconds"
    assert requests.post(emulator.control_url("clock/advance"), json={"seconds": -1}).status_code == 400
    assert requests.post(emulator.control_url("clock/advance"), data="nope",
                         headers={"Content-Type": "application/json"}).status_code == 400
    missing = requests.get(emulator.control_url("no-such-thing"))
    assert missing.status_code == 404 and missing.json()["error"] == "Not Found"


def test_reset_forgets_everything(emulator):
    from helpers import LessonspaceClient
    ls = LessonspaceClient(emulator)
    ls.launch(id="gone")
    assert requests.post(emulator.control_url("reset")).json()["reset"] is True
    assert ls.post("/spaces/launch/", json={"id": "gone"}).status_code == 201
