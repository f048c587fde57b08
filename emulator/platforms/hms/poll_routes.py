"""100ms's poll routes under /v2/polls: create and rewrite a poll, rewrite or delete a question or
an option, and the poll's sessions, responses and results. HTTP only."""
from __future__ import annotations

from flask import Response, request

from ...core.http import json_response
from ...core.operations import Param
from .http import ERR, PAGE, Http, page, public

QUESTION = Param("question", {"type": "integer", "minimum": 1}, "only the answers to this question (its index)")


def named_page(items: list[dict], key: str) -> dict:
    """The {last, limit, <key>} page the poll lists answer (``start``: the last id seen)."""
    out = page(items, request.args, public)
    out[key] = out.pop("data")
    return out


def add_poll_routes(http: Http) -> None:
    model = http.model
    base = "/v2/polls/<poll_id>"
    question = f"{base}/questions/<int:question_id>"
    option = f"{question}/options/<int:option_id>"

    @http.route("/v2/polls", "Create a poll or quiz (questions and options indexed from 1)", {200: "poll", 400: ERR},
                method="POST", request="poll.create.request")
    def create_poll() -> Response:
        return json_response(model.create_poll(http.body("poll.create.request")))

    @http.route(base, "A poll with its questions, options and answers", {200: "poll", 404: ERR})
    def get_poll(poll_id: str) -> Response:
        return json_response(model.poll(poll_id))

    @http.route(base, "Rewrite a poll with the body", {200: "poll", 400: ERR, 404: ERR}, method="POST",
                request="poll.create.request")
    def update_poll(poll_id: str) -> Response:
        return json_response(model.rewrite_poll(poll_id, http.body("poll.create.request")))

    @http.route(question, "Rewrite a question", {200: "poll.question", 400: ERR, 404: ERR}, method="POST",
                request="poll.question.request")
    def update_poll_question(poll_id: str, question_id: int) -> Response:
        return json_response(model.rewrite_question(poll_id, question_id, http.body("poll.question.request")))

    @http.route(question, "Delete a question (later ones move down an index)", {204: None, 404: ERR},
                method="DELETE")
    def delete_poll_question(poll_id: str, question_id: int) -> Response:
        model.delete_question(poll_id, question_id)
        return Response(status=204)

    @http.route(option, "Rewrite an option", {200: "poll.option", 400: ERR, 404: ERR}, method="POST",
                request="poll.option.request")
    def update_poll_option(poll_id: str, question_id: int, option_id: int) -> Response:
        return json_response(model.rewrite_option(poll_id, question_id, option_id, http.body("poll.option.request")))

    @http.route(option, "Delete an option (later ones move down an index)", {204: None, 404: ERR}, method="DELETE")
    def delete_poll_option(poll_id: str, question_id: int, option_id: int) -> Response:
        model.delete_option(poll_id, question_id, option_id)
        return Response(status=204)

    @http.route(f"{base}/sessions", "The sessions the poll ran in (the list is named responses, as documented)",
                {200: "poll.sessions.response", 400: ERR, 404: ERR}, query=PAGE)
    def list_poll_sessions(poll_id: str) -> Response:
        return json_response(named_page(model.poll_runs(poll_id), "responses"))

    @http.route(f"{base}/responses", "Responses (the latest per person and question; all=true: updated ones too)",
                {200: "poll.responses.response", 400: ERR, 404: ERR},
                query=(*PAGE, Param("all", {"type": "boolean"}), QUESTION))
    def list_poll_responses(poll_id: str) -> Response:
        chosen = request.args.get("question")
        responses = model.poll_responses(poll_id, request.args.get("all") == "true", int(chosen) if chosen else None)
        return json_response(named_page(responses, "responses"))

    @http.route(f"{base}/responses/<response_id>", "A response", {200: "poll.response", 404: ERR})
    def get_poll_response(poll_id: str, response_id: str) -> Response:
        return json_response(public(model.poll_response(poll_id, response_id)))

    @http.route(f"{base}/results", "Scores per person and question", {200: "poll.results.response", 400: ERR, 404: ERR},
                query=(*PAGE, QUESTION))
    def list_poll_results(poll_id: str) -> Response:
        chosen = request.args.get("question")
        return json_response(named_page(model.poll_results(poll_id, int(chosen) if chosen else None), "results"))

    @http.route(f"{base}/results/<result_id>", "A result", {200: "poll.result", 404: ERR})
    def get_poll_result(poll_id: str, result_id: str) -> Response:
        return json_response(model.poll_result(poll_id, result_id))
