"""100ms polls and quizzes: create and rewrite a poll, rewrite or delete one question or option
(the rest re-indexed from 1), and the poll's runs, responses and results. A room's linked polls
with ``start: auto`` start when its session opens; a run stops after the poll's ``duration`` (0:
at the session's end). Peers answer through the control API, as the client SDK would. A part of
``Hms`` (models.py). No HTTP here."""
from __future__ import annotations

import copy

from ...core.clock import iso, parse_iso
from ...core.errors import Conflict, Invalid, NotFound
from ...core.model import due
from .constants import POLL, POLL_RESPONSE, POLL_RUN

POLL_DEFAULTS = {"title": "", "duration": 0, "anonymous": False, "mode": "userid", "type": "poll", "start": "auto"}
QUESTION_DEFAULTS = {"text": "", "format": "text", "type": "single-choice", "skippable": True, "duration": 0,
                     "once": False, "weight": 1}
CHOICE = ("single-choice", "multiple-choice")


def _question(given: dict, index: int) -> dict:
    question = {**QUESTION_DEFAULTS, **copy.deepcopy(given), "index": index}
    question["options"] = [{**option, "index": i} for i, option in enumerate(question.get("options") or [], 1)]
    return question


class Polls:
    def create_poll(self, body: dict) -> dict:
        with self.store.transaction():
            return self._write_poll({"id": self._oid(POLL)}, body)

    def rewrite_poll(self, poll_id: str, body: dict) -> dict:
        with self.store.transaction():
            return self._write_poll({"id": self.poll(poll_id)["id"]}, body)

    def _write_poll(self, poll: dict, body: dict) -> dict:
        poll.update({**POLL_DEFAULTS, **{k: v for k, v in body.items() if k != "questions"}})
        poll["questions"] = [_question(q, i) for i, q in enumerate(body.get("questions") or [], 1)]
        return self.store.put(POLL, poll["id"], poll)

    def poll(self, poll_id: str) -> dict:
        return self.require(POLL, poll_id, f"poll not found: {poll_id}")

    def _question_of(self, poll: dict, question: int) -> dict:
        if not 1 <= question <= len(poll["questions"]):
            raise NotFound(f"question not found: {question}")
        return poll["questions"][question - 1]

    def rewrite_question(self, poll_id: str, question: int, body: dict) -> dict:
        with self.store.transaction():
            poll = self.poll(poll_id)
            self._question_of(poll, question)
            poll["questions"][question - 1] = _question(body, question)
            self.store.put(POLL, poll_id, poll)
            return poll["questions"][question - 1]

    def rewrite_option(self, poll_id: str, question: int, option: int, body: dict) -> dict:
        with self.store.transaction():
            poll = self.poll(poll_id)
            options = self._question_of(poll, question)["options"]
            if not 1 <= option <= len(options):
                raise NotFound(f"option not found: {option}")
            options[option - 1] = {**copy.deepcopy(body), "index": option}
            self.store.put(POLL, poll_id, poll)
            return options[option - 1]

    def delete_question(self, poll_id: str, question: int) -> None:
        with self.store.transaction():
            poll = self.poll(poll_id)
            self._question_of(poll, question)
            del poll["questions"][question - 1]
            for index, kept in enumerate(poll["questions"], 1):
                kept["index"] = index
            self.store.put(POLL, poll_id, poll)

    def delete_option(self, poll_id: str, question: int, option: int) -> None:
        with self.store.transaction():
            poll = self.poll(poll_id)
            options = self._question_of(poll, question)["options"]
            if not 1 <= option <= len(options):
                raise NotFound(f"option not found: {option}")
            del options[option - 1]
            for index, kept in enumerate(options, 1):
                kept["index"] = index
            self.store.put(POLL, poll_id, poll)

    def check_polls(self, poll_ids: list[str]) -> None:
        """A room may link only polls that exist."""
        for poll_id in poll_ids:
            if self.store.get(POLL, poll_id) is None:
                raise Invalid(f"poll not found: {poll_id}")

    # -- runs ---------------------------------------------------------------------------
    def _start_auto_polls(self, room: dict, session_id: str) -> None:
        for poll_id in room.get("polls") or []:
            poll = self.store.get(POLL, poll_id)
            if poll and poll["start"] == "auto":
                self._start_run(poll, session_id)

    def start_poll(self, session_id: str, poll_id: str) -> dict:
        """A peer starts a poll in the session (control API, as the client SDK's startPoll)."""
        with self.store.transaction():
            session = self.session(session_id)
            poll = self.poll(poll_id)
            if not session["active"]:
                raise Conflict(f"session {session_id} has ended")
            if self._running(poll_id, session_id):
                raise Conflict(f"poll {poll_id} is already running in session {session_id}")
            return self._start_run(poll, session_id)

    def _start_run(self, poll: dict, session_id: str) -> dict:
        run = {"id": self._oid(POLL_RUN), "poll_id": poll["id"], "session_id": session_id,
               "started_at": iso(self.clock.now()), "stopped_at": None, "total_responses": 0,
               "unique_participants": 0}
        self.store.put(POLL_RUN, run["id"], run, poll["id"])
        if poll["duration"]:
            self.after(poll["duration"], "poll_stop", {"run": run["id"]})
        return run

    def stop_poll(self, session_id: str, poll_id: str) -> dict:
        with self.store.transaction():
            self.session(session_id)
            run = self._running(self.poll(poll_id)["id"], session_id)
            if run is None:
                raise Conflict(f"poll {poll_id} is not running in session {session_id}")
            return self._stop_run(run)

    @due("poll_stop")
    def _on_poll_stop(self, payload: dict) -> None:
        run = self.store.get(POLL_RUN, payload["run"])
        if run and run["stopped_at"] is None:
            self._stop_run(run)

    def _stop_polls(self, session_id: str) -> None:
        for run in self.store.find(POLL_RUN):
            if run["session_id"] == session_id and run["stopped_at"] is None:
                self._stop_run(run)

    def _stop_run(self, run: dict) -> dict:
        run["stopped_at"] = iso(self.clock.now())
        return self.store.put(POLL_RUN, run["id"], run, run["poll_id"])

    def _running(self, poll_id: str, session_id: str) -> dict | None:
        return next((r for r in self.store.find(POLL_RUN, poll_id)
                     if r["session_id"] == session_id and r["stopped_at"] is None), None)

    def poll_runs(self, poll_id: str) -> list[dict]:
        return self.store.find(POLL_RUN, self.poll(poll_id)["id"])

    # -- responses and results ----------------------------------------------------------
    def answer_poll(self, session_id: str, poll_id: str, answer: dict) -> dict:
        """A peer answers one question of a running poll (control API)."""
        with self.store.transaction():
            session = self.session(session_id)
            poll = self.poll(poll_id)
            run = self._running(poll_id, session_id)
            if run is None:
                raise Conflict(f"poll {poll_id} is not running in session {session_id}")
            peer = session["peers"].get(answer["peer_id"])
            if peer is None or peer["left_at"] is not None:
                raise NotFound(f"peer not in the session: {answer['peer_id']}")
            question = self._question_of(poll, answer["question"])
            skipped = bool(answer.get("skipped"))
            if skipped and not question["skippable"]:
                raise Invalid(f"question {question['index']} cannot be skipped")
            if not skipped:
                self._check_answer(question, answer)
            who = "user_id" if poll["mode"] == "userid" else "peer_id"
            mine = peer["user_id"] if who == "user_id" else peer["id"]
            previous = [r for r in self.store.find(POLL_RESPONSE, poll_id) if r["session_id"] == session_id
                        and r["question"] == question["index"] and r["_who"] == mine]
            if previous and question["once"]:
                raise Conflict(f"question {question['index']} takes one response, which was given")
            now = self.clock.now()
            response = {"id": self._oid(POLL_RESPONSE), "poll_id": poll_id, "session_id": session_id,
                        "duration": int((now - parse_iso(run["started_at"])) * 1000), "question": question["index"],
                        "skipped": skipped, "update": bool(previous), "retries": len(previous),
                        "sent_at": iso(now), "peer_id": "" if poll["anonymous"] else peer["id"],
                        "user_id": "" if poll["anonymous"] else peer["user_id"], "_who": mine}
            if "options" in answer:
                response["options"] = list(answer["options"])
            if "text" in answer:
                response["text"] = answer["text"]
            if previous:
                response["original_response"] = previous[0]["id"]
            self.store.put(POLL_RESPONSE, response["id"], response, poll_id)
            everyone = {r["_who"] for r in self.store.find(POLL_RESPONSE, poll_id) if r["session_id"] == session_id}
            run.update(total_responses=run["total_responses"] + 1, unique_participants=len(everyone))
            self.store.put(POLL_RUN, run["id"], run, poll_id)
            return response

    @staticmethod
    def _check_answer(question: dict, answer: dict) -> None:
        if question["type"] in CHOICE:
            chosen = answer.get("options") or []
            known = {o["index"] for o in question["options"]}
            if not chosen or not set(chosen) <= known:
                raise Invalid(f"question {question['index']}: options must be some of {sorted(known)}")
            if question["type"] == "single-choice" and len(chosen) != 1:
                raise Invalid(f"question {question['index']} takes one option")
            return
        text = answer.get("text")
        if text is None:
            raise Invalid(f"question {question['index']} takes a text answer")
        low, high = question.get("answer_min_len"), question.get("answer_max_len")
        if (low is not None and len(text) < low) or (high is not None and len(text) > high):
            raise Invalid(f"question {question['index']}: the answer must be {low or 0} to {high} characters")

    def poll_responses(self, poll_id: str, everything: bool = False, question: int | None = None) -> list[dict]:
        """Responses, latest per respondent and question unless ``everything`` (the updated originals too)."""
        responses = self.store.find(POLL_RESPONSE, self.poll(poll_id)["id"])
        if not everything:  # the latest of each respondent's answers to each question, in order
            latest = {(r["session_id"], r["_who"], r["question"]): r["id"] for r in responses}
            responses = [r for r in responses if latest[(r["session_id"], r["_who"], r["question"])] == r["id"]]
        if question is not None:
            responses = [r for r in responses if r["question"] == question]
        return responses

    def poll_response(self, poll_id: str, response_id: str) -> dict:
        response = self.require(POLL_RESPONSE, response_id, f"response not found: {response_id}",
                                where=lambda response: response["poll_id"] == self.poll(poll_id)["id"])
        return response

    def poll_results(self, poll_id: str, question: int | None = None) -> list[dict]:
        """Each respondent's score per answered question, from their latest response: a quiz scores
        the question's weight when the answer is right; a poll scores the chosen options' weights."""
        poll = self.poll(poll_id)
        out = []
        for response in self.poll_responses(poll_id, question=question):
            if response["question"] > len(poll["questions"]):
                continue  # the question was deleted since
            asked = poll["questions"][response["question"] - 1]
            out.append({"id": response["id"], "poll_id": poll_id, "session_id": response["session_id"],
                        "question": response["question"], "duration": response["duration"],
                        "peer_id": response["peer_id"], "user_id": response["user_id"],
                        "score": 0 if response["skipped"] else self._score(poll, asked, response)})
        return out

    @staticmethod
    def _score(poll: dict, question: dict, response: dict) -> int:
        chosen = set(response.get("options") or [])
        if poll["type"] == "poll":
            return sum(o.get("weight", 0) for o in question["options"] if o["index"] in chosen)
        expected = question.get("answer") or {}
        if question["type"] in CHOICE:
            right = chosen == set(expected.get("options") or [])
        else:
            given, wanted = response.get("text", ""), expected.get("text", "")
            if expected.get("trim"):
                given, wanted = given.strip(), wanted.strip()
            if not expected.get("case"):  # case false: case is ignored
                given, wanted = given.lower(), wanted.lower()
            right = given == wanted
        return question["weight"] if right else 0

    def poll_result(self, poll_id: str, result_id: str) -> dict:
        result = next((r for r in self.poll_results(poll_id) if r["id"] == result_id), None)
        if result is None:
            raise NotFound(f"result not found: {result_id}")
        return result
