"""100ms polls and quizzes over HTTP: the reference's create example, rewrites of a poll, a question
and an option, deletes that re-index, rooms linking polls that auto-start with the session, peers
answering through the control API, and the sessions, responses and results lists."""
import copy

import requests

from helpers import assert_valid

OPTIONS = [{"index": 1, "text": "Paris", "weight": 1}, {"index": 2, "text": "Lyon", "weight": 3}]
QUESTION = {"index": 1, "text": "Capital of France?", "format": "text", "skippable": False, "duration": 0,
            "once": False, "weight": 2, "type": "single-choice",
            "answer": {"hidden": False, "options": [1], "text": "", "case": False, "trim": True}, "options": OPTIONS}
# The create example on the reference page, as sent there (both questions single-choice).
EXAMPLE = {"title": "first poll", "duration": 235, "anonymous": True, "mode": "userid", "type": "poll",
           "start": "auto", "questions": [
               {"index": i, "text": f"q{i}", "format": "text", "attachment": [{"type": "mimetype", "url": "url"}],
                "skippable": True, "duration": 0, "once": False, "weight": 2 if i == 1 else 1, "answer_min_len": 1,
                "answer_max_len": 1024, "type": "single-choice",
                "answer": {"hidden": False, "options": [1, 2], "text": "optoin1", "case": False, "trim": True},
                "options": [{"index": 1, "text": "optoin1", "weight": 1}, {"index": 2, "text": "optoin1", "weight": 1}]}
               for i in (1, 2)]}


def poll(hms, **body) -> dict:
    answer = hms.post("/polls", json=body)
    assert answer.status_code == 200, answer.text
    assert_valid("100ms", "poll", answer.json())
    return answer.json()


def session_with(hms, room_id: str, people=("Ada", "Bob")) -> dict:
    answer = hms.control("POST", f"rooms/{room_id}/session",
                         json={"peers": [{"name": n, "user_id": n.lower()} for n in people], "duration": 600})
    assert answer.status_code == 201, answer.text
    session = answer.json()
    session["by_name"] = {p["name"]: p["id"] for p in session["peers"].values()}
    return session


def answer(hms, session: dict, poll_id: str, who: str, **body) -> requests.Response:
    return hms.control("POST", f"sessions/{session['id']}/polls/{poll_id}/responses",
                       json={"peer_id": session["by_name"][who], **body})


def test_the_reference_example_round_trips_and_every_part_can_be_rewritten(hms):
    created = poll(hms, **EXAMPLE)
    expected = copy.deepcopy(EXAMPLE)
    assert {k: v for k, v in created.items() if k != "id"} == expected
    assert hms.get(f"/polls/{created['id']}").json() == created

    defaults = poll(hms, questions=[{"text": "Why?", "type": "long-answer"}, {"text": "Pick", "options": [{}, {}]}])
    assert (defaults["mode"], defaults["type"], defaults["start"], defaults["anonymous"]) == ("userid", "poll", "auto", False)
    assert [q["index"] for q in defaults["questions"]] == [1, 2]
    assert defaults["questions"][1]["options"] == [{"index": 1}, {"index": 2}]
    assert defaults["questions"][0]["skippable"] is True and defaults["questions"][0]["weight"] == 1

    pid = created["id"]
    rewritten = hms.post(f"/polls/{pid}", json={"title": "second", "questions": [QUESTION]}).json()
    assert rewritten["id"] == pid and rewritten["title"] == "second" and rewritten["anonymous"] is False
    question = hms.post(f"/polls/{pid}/questions/1", json={**QUESTION, "text": "Largest city?"})
    assert question.status_code == 200 and question.json()["text"] == "Largest city?"
    assert_valid("100ms", "poll.question", question.json())
    option = hms.post(f"/polls/{pid}/questions/1/options/2", json={"text": "Marseille", "weight": 5})
    assert option.json() == {"text": "Marseille", "weight": 5, "index": 2}
    assert hms.delete(f"/polls/{pid}/questions/1/options/1").status_code == 204
    assert hms.get(f"/polls/{pid}").json()["questions"][0]["options"] == [{"text": "Marseille", "weight": 5, "index": 1}]
    hms.post(f"/polls/{pid}", json={"questions": [{"text": "a"}, {"text": "b"}, {"text": "c"}]})
    assert hms.delete(f"/polls/{pid}/questions/2").status_code == 204
    assert [(q["index"], q["text"]) for q in hms.get(f"/polls/{pid}").json()["questions"]] == [(1, "a"), (2, "c")]

    assert hms.get("/polls/0123456789abcdef01234567").status_code == 404
    assert hms.post(f"/polls/{pid}/questions/9", json={}).status_code == 404
    assert hms.delete(f"/polls/{pid}/questions/1/options/1").status_code == 404  # "a" has no options
    bad = hms.post("/polls", json={"type": "survey"})
    assert bad.status_code == 400 and "type" in bad.json()["message"]


def test_a_linked_quiz_auto_starts_collects_answers_and_scores_them(hms):
    quiz = poll(hms, title="quiz", type="quiz", duration=120, questions=[
        QUESTION, {"text": "Say bonjour", "type": "short-answer", "weight": 4, "once": True, "answer_max_len": 20,
                   "answer": {"text": "Bonjour", "case": False, "trim": True}}])
    missing = hms.post("/rooms", json={"name": "quiz-room", "polls": ["0123456789abcdef01234567"]})
    assert missing.status_code == 400 and "poll not found" in missing.json()["message"]
    room = hms.room(name="quiz-room", polls=[quiz["id"]])
    session = session_with(hms, room["id"])
    runs = hms.get(f"/polls/{quiz['id']}/sessions").json()
    assert_valid("100ms", "poll.sessions.response", runs)
    assert [(r["session_id"], r["stopped_at"]) for r in runs["responses"]] == [(session["id"], None)]

    hms.emulator.advance(5)
    assert answer(hms, session, quiz["id"], "Ada", question=1, options=[2]).status_code == 201
    hms.emulator.advance(5)
    changed = answer(hms, session, quiz["id"], "Ada", question=1, options=[1])  # Ada changes her mind
    assert changed.status_code == 201 and changed.json()["update"] is True and changed.json()["duration"] == 10000
    assert answer(hms, session, quiz["id"], "Bob", question=1, options=[2]).status_code == 201
    assert answer(hms, session, quiz["id"], "Bob", question=2, text="  BONJOUR ").status_code == 201
    once = answer(hms, session, quiz["id"], "Bob", question=2, text="salut")
    assert once.status_code == 409
    assert answer(hms, session, quiz["id"], "Ada", question=1, options=[1, 2]).status_code == 400  # single choice
    assert answer(hms, session, quiz["id"], "Ada", question=1, skipped=True).status_code == 400  # not skippable
    assert answer(hms, session, quiz["id"], "Ada", question=2, text="x" * 21).status_code == 400

    latest = hms.get(f"/polls/{quiz['id']}/responses").json()
    assert_valid("100ms", "poll.responses.response", latest)
    assert [(r["user_id"], r["question"], r.get("options")) for r in latest["responses"]] == [
        ("ada", 1, [1]), ("bob", 1, [2]), ("bob", 2, None)]
    everything = hms.get(f"/polls/{quiz['id']}/responses", params={"all": "true"}).json()["responses"]
    assert len(everything) == 4 and everything[1]["original_response"] == everything[0]["id"]
    only_two = hms.get(f"/polls/{quiz['id']}/responses", params={"question": 2}).json()["responses"]
    assert [r["text"] for r in only_two] == ["  BONJOUR "]
    one = hms.get(f"/polls/{quiz['id']}/responses/{only_two[0]['id']}").json()
    assert_valid("100ms", "poll.response", one)

    results = hms.get(f"/polls/{quiz['id']}/results").json()
    assert_valid("100ms", "poll.results.response", results)
    assert [(r["user_id"], r["question"], r["score"]) for r in results["results"]] == [
        ("ada", 1, 2), ("bob", 1, 0), ("bob", 2, 4)]
    first = results["results"][0]
    assert hms.get(f"/polls/{quiz['id']}/results/{first['id']}").json() == first

    hms.emulator.advance(109)  # 119 s since the start: still open
    assert hms.get(f"/polls/{quiz['id']}/sessions").json()["responses"][0]["stopped_at"] is None
    hms.emulator.advance(1)
    run = hms.get(f"/polls/{quiz['id']}/sessions").json()["responses"][0]
    assert run["stopped_at"] is not None and (run["total_responses"], run["unique_participants"]) == (4, 2)
    assert answer(hms, session, quiz["id"], "Ada", question=1, options=[1]).status_code == 409  # closed


def test_a_manual_anonymous_poll_runs_until_the_session_ends(hms):
    survey = poll(hms, title="mood", start="manual", anonymous=True, questions=[
        {"text": "How is it going?", "options": [{"text": "good", "weight": 1}, {"text": "great", "weight": 2}]}])
    room = hms.room(name="survey-room", polls=[survey["id"]])
    session = session_with(hms, room["id"])
    assert hms.get(f"/polls/{survey['id']}/sessions").json()["responses"] == []  # manual: nothing yet
    not_running = answer(hms, session, survey["id"], "Ada", question=1, options=[1])
    assert not_running.status_code == 409
    started = hms.control("POST", f"sessions/{session['id']}/polls/{survey['id']}/start")
    assert started.status_code == 201, started.text
    assert hms.control("POST", f"sessions/{session['id']}/polls/{survey['id']}/start").status_code == 409
    given = answer(hms, session, survey["id"], "Ada", question=1, options=[2]).json()
    assert given["peer_id"] == "" and given["user_id"] == ""  # anonymous: nobody is named
    assert hms.get(f"/polls/{survey['id']}/results").json()["results"][0]["score"] == 2  # the option's weight
    hms.control("POST", f"sessions/{session['id']}/end")
    run = hms.get(f"/polls/{survey['id']}/sessions").json()["responses"][0]
    assert run["stopped_at"] is not None
    assert hms.control("POST", f"sessions/{session['id']}/polls/{survey['id']}/stop").status_code == 409
