"""Lessonspace's organisation and space routes: hello, my organisation, launch, and the
organisation's spaces. HTTP only."""
from __future__ import annotations

from flask import Response, g, request

from ...core import drf
from ...core.http import json_response
from ...core.operations import Param
from .constants import HELLO
from .http import Http, own_org, paged
from .views import organisation_view, space_view


def add_space_routes(http: Http) -> None:
    model = http.model

    @http.route("/v2/hello/", "Check the API key", {200: "hello.response", 401: "error.detail"})
    def hello() -> Response:
        return json_response({"response": HELLO})

    @http.route("/v2/my-organisation/", "The organisation of the API key", {200: "organisation.response", 401: "error.detail"})
    def my_organisation() -> Response:
        return json_response(organisation_view(model, g.org))

    @http.route("/v2/spaces/launch/", "Launch a space: create it (201) or fetch it (200) and mint a join link for a user",
               {200: "launch.response", 201: "launch.response", 400: "error.request", 401: "error.detail"},
               request="launch.request", method="POST")
    def launch() -> Response:
        body = http.body("launch.request")
        created, response = model.launch(g.org, body)
        return json_response(response, 201 if created else 200)

    @http.route("/v2/organisations/<int:org_id>/spaces/", "The organisation's spaces (20 a page)",
               {200: "spaces.list.response", 400: "error.fields", 401: "error.detail", 403: "error.detail",
                404: "error.detail"},
               query=(Param("page", {"type": "integer", "minimum": 1}),
                      Param("search", {"type": "string"}, "part of a space's name or launch id, any case"),
                      Param("sort_by", {"enum": ["new-old", "old-new"]}, "creation order (default new-old)")))
    def list_spaces(org_id: int) -> Response:
        own_org(org_id)
        order = request.args.get("sort_by", "new-old")
        if order not in ("new-old", "old-new"):
            raise drf.field_errors({"sort_by": [f'"{order}" is not a valid choice.']})
        search = request.args.get("search", "").strip().lower()
        spaces = [s for s in model.spaces(g.org)
                  if not search or search in (s["name"] or "").lower() or search in s["launch_id"].lower()]
        spaces.sort(key=lambda s: s["created"], reverse=order == "new-old")
        return paged([space_view(s) for s in spaces])
