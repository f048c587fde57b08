"""Tenants are separate and links cannot be forged: Lessonspace organisations, Recall workspaces,
the link-signing key, and S3's answers to malformed link parameters."""
import hashlib
import hmac
import uuid
from urllib.parse import parse_qs, urlsplit

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.core.engine import Config
from emulator.app import new_engine

from helpers import LessonspaceClient, RecallClient


def test_every_lessonspace_key_gets_an_organisation_of_its_own(emulator):
    """Two thousand keys: with ids derived from a hash of the key, about one pair would collide."""
    model = emulator.engine.models["lessonspace"]
    ids = {model.organisation(str(uuid.UUID(int=n)))["id"] for n in range(2000)}
    assert len(ids) == 2000
    again = model.organisation(str(uuid.UUID(int=7)))["id"]
    assert again in ids and again == model.organisation(str(uuid.UUID(int=7)).upper())["id"]


def test_one_lessonspace_key_cannot_read_or_relaunch_anothers_space(emulator):
    mine, theirs = LessonspaceClient(emulator, str(uuid.uuid4())), LessonspaceClient(emulator, str(uuid.uuid4()))
    space = mine.launch(id="private-room")
    other = theirs.launch(id="private-room")
    assert other["room_id"] != space["room_id"]
    org = mine.get("/my-organisation/").json()["id"]
    assert theirs.get(f"/organisations/{org}/sessions/").status_code in (403, 404)


def test_recall_keys_are_separate_workspaces(emulator):
    mine, theirs = RecallClient(emulator, "key-of-workspace-a"), RecallClient(emulator, "key-of-workspace-b")
    bot = mine.create(recording_config={"transcript": {"provider": {"recallai_streaming": {}}}})
    emulator.advance(hours=1)
    assert mine.get(f"/bot/{bot['id']}/").status_code == 200
    answer = theirs.get(f"/bot/{bot['id']}/")
    assert answer.status_code == 404 and answer.json() == {"detail": "Not found."}
    assert theirs.get("/bot/").json()["results"] == []
    assert [b["id"] for b in mine.get("/bot/").json()["results"]] == [bot["id"]]
    recordings = mine.get("/recording/").json()["results"]
    assert recordings and theirs.get("/recording/").json()["results"] == []
    assert theirs.get(f"/recording/{recordings[0]['id']}/").status_code == 404
    transcripts = mine.get("/transcript/").json()["results"]
    assert transcripts and theirs.get(f"/transcript/{transcripts[0]['id']}/").status_code == 404
    assert theirs.http.post(theirs.base + f"/bot/{bot['id']}/leave_call/").status_code == 404


def test_recall_wants_a_non_empty_key(emulator):
    for header in ("", "Token", "Token   "):
        answer = requests.get(emulator.url("recall") + "/bot/", headers={"Authorization": header} if header else {})
        assert answer.status_code == 401 and "detail" in answer.json()


def _link(emulator):
    model = emulator.engine.links
    emulator.engine.links.put("test/file.txt", b"hello", "text/plain", "file.txt")
    return model.mint("test/file.txt", 3600)


def _with(url, **changes):
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return parts._replace(query="&".join(f"{k}={v}" for k, v in query.items())).geturl()


def test_links_are_signed_with_a_random_key_kept_in_the_state(tmp_path):
    """The key is not derived from the seed (anyone could forge links); it survives a restart."""
    state = str(tmp_path / "state.sqlite3")
    first = new_engine(Config(state=state))
    key = first.links.secret
    first.close()
    again = new_engine(Config(state=state))
    other = new_engine(Config())
    try:
        assert again.links.secret == key and other.links.secret != key
        assert key != hashlib.sha256(b"links:0").digest()
        again.reset()
        assert again.links.secret == key
    finally:
        again.close()
        other.close()


def test_a_forged_link_does_not_download(emulator):
    url = _link(emulator)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    seed_key = hashlib.sha256(b"links:0").digest()
    forged = hmac.new(seed_key, f"test/file.txt\n{query['X-Amz-Date']}\n600000".encode(), hashlib.sha256).hexdigest()
    answer = requests.get(_with(url, **{"X-Amz-Expires": "600000", "X-Amz-Signature": forged}))
    assert answer.status_code == 403 and b"SignatureDoesNotMatch" in answer.content


def test_link_lifetimes_beyond_a_week_and_malformed_parameters_answer_like_s3(emulator):
    url = _link(emulator)
    assert requests.get(url).status_code == 200
    for changes, status, message in [
        ({"X-Amz-Expires": "1e30"}, 400, b"X-Amz-Expires should be a number"),
        ({"X-Amz-Expires": "-5"}, 400, b"X-Amz-Expires should be a number"),
        ({"X-Amz-Expires": "604801"}, 400, b"X-Amz-Expires must be less than a week"),
        ({"X-Amz-Date": "yesterday"}, 400, b"X-Amz-Date must be in the ISO8601 Long Format"),
        ({"X-Amz-Date": "20261302T000000Z"}, 400, b"X-Amz-Date must be in the ISO8601 Long Format"),
    ]:
        answer = requests.get(_with(url, **changes))
        assert answer.status_code == status, (changes, answer.text)
        assert b"<Code>AuthorizationQueryParametersError</Code>" in answer.content and message in answer.content


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(expires=st.text(max_size=12), date=st.text(max_size=20))
def test_no_link_parameter_answers_500(emulator, expires, date):
    url = _link(emulator)
    answer = requests.get(url.split("?")[0], params={"X-Amz-Expires": expires, "X-Amz-Date": date,
                                                     "X-Amz-Signature": "x"})
    assert answer.status_code in (400, 403), answer.text
