"""Same seed and same calls give the same ids and the same words."""
from emulator.app import create_app, new_engine
from emulator.core.engine import Config

from helpers import ORG_KEY

AUTH = {"Authorization": f"Organisation {ORG_KEY}"}


def scripted_run(seed):
    engine = new_engine(Config(seed=seed, frozen=True))
    engine.clock.freeze(at=1_800_000_000)
    client = create_app(engine).test_client()
    space = client.post("/lessonspace/v2/spaces/launch/", json={"id": "d", "transcribe": True}, headers=AUTH).json
    session = client.post(f"/_emulator/lessonspace/spaces/{space['room_id']}/sessions",
                          json={"duration": 400, "breakouts": 1}).json
    engine.advance(600)
    url = client.get(f"/lessonspace/v2/organisations/sessions/{session['uuid']}/transcript/", headers=AUTH).json
    path = url["transcriptionUrl"].split("http://127.0.0.1:8765", 1)[1]
    transcript = client.get(path).json
    engine.close()
    return space, session, transcript


def test_same_seed_same_ids_and_words():
    first, second = scripted_run(7), scripted_run(7)
    assert first == second
    assert first[2] and first[2][0]["text"]


def test_another_seed_gives_other_ids_and_words():
    a, b = scripted_run(7), scripted_run(8)
    assert a[0]["room_id"] != b[0]["room_id"]
    assert [s["text"] for s in a[2]] != [s["text"] for s in b[2]]
