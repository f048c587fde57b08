"""SpotMe's glossary routes: list, create, retrieve, change and delete a workspace's glossaries.
HTTP only."""
from __future__ import annotations

from uuid import UUID

from flask import Response

from ...core.http import json_response
from .http import ERR, Http


def add_glossary_routes(http: Http) -> None:
    model = http.model

    @http.route("/workspace/<workspace_id>/glossaries", "The workspace's glossaries", {200: "glossaries.list.response", 404: ERR})
    def glossaries(workspace_id: str) -> Response:
        return json_response({"data": model.glossaries(workspace_id)})

    @http.route("/workspace/<workspace_id>/glossaries", "Create a glossary", {201: "glossary", 400: ERR, 404: ERR},
               request="glossary.create.request", method="POST")
    def create_glossary(workspace_id: str) -> Response:
        return json_response(model.create_glossary(workspace_id, http.body("glossary.create.request")), 201)

    @http.route("/workspace/<workspace_id>/glossaries/<uuid:glossary_id>", "A glossary", {200: "glossary", 404: ERR})
    def get_glossary(workspace_id: str, glossary_id: UUID) -> Response:
        return json_response(model.glossary(workspace_id, str(glossary_id)))

    @http.route("/workspace/<workspace_id>/glossaries/<uuid:glossary_id>", "Change a glossary", {200: "glossary", 400: ERR, 404: ERR},
               request="glossary.update.request", method="PATCH")
    def update_glossary(workspace_id: str, glossary_id: UUID) -> Response:
        changes = http.body("glossary.update.request")
        return json_response(model.update_glossary(workspace_id, str(glossary_id), changes))

    @http.route("/workspace/<workspace_id>/glossaries/<uuid:glossary_id>", "Delete a glossary", {204: None, 404: ERR}, method="DELETE")
    def delete_glossary(workspace_id: str, glossary_id: UUID) -> Response:
        model.delete_glossary(workspace_id, str(glossary_id))
        return Response(status=204)
