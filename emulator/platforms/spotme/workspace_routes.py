"""SpotMe's account and workspace routes: me, the organisation's workspaces, one workspace, and
the CMS page a workspace's cms_url opens. HTTP only."""
from __future__ import annotations

from flask import Response, g

from ...core.http import json_response
from .constants import WORKSPACE
from .http import ERR, Http, spotme_error
from .views import workspace_view


def add_workspace_routes(http: Http) -> None:
    model, bp = http.model, http.bp

    @http.route("/me", "The token's user and the organisations it belongs to", {200: "me"})
    def me() -> Response:
        return json_response(model.me(g.token))

    @http.route("/orgs/<org_id>/workspaces", "The organisation's workspaces", {200: "workspaces.list.response", 404: ERR})
    def org_workspaces(org_id: str) -> Response:
        if org_id != model.org_id:
            raise spotme_error(404, f"Organisation {org_id} does not exist.")
        return workspaces()

    @http.route("/workspaces", "The workspaces the token can act on", {200: "workspaces.list.response"})
    def workspaces() -> Response:
        return json_response({"data": [workspace_view(model, w) for w in model.workspaces()]})

    @http.route("/workspace/<workspace_id>", "A workspace", {200: "workspace", 404: ERR})
    def workspace(workspace_id: str) -> Response:
        return json_response(workspace_view(model, model.workspace(workspace_id)))

    @bp.get("/cms/<workspace_id>")
    def cms(workspace_id: str) -> Response:
        """The page a workspace's cms_url opens (the emulator has no CMS: it names the workspace)."""
        from html import escape

        found = model.store.get(WORKSPACE, workspace_id)
        title = escape(found["name"]) if found else "No such workspace"
        return Response(f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
                        f"<body><h1>{title}</h1><p>Backstage CMS (meeting-emulator)</p></body></html>",
                        200 if found else 404, mimetype="text/html")
