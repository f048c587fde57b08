"""100ms's template (policy) routes under /v2/templates: create, list, retrieve, update; roles;
settings, destinations and the recording configuration. HTTP only."""
from __future__ import annotations

from flask import Response, request

from ...core.http import json_response
from .http import ERR, PAGE, Http, page


def add_template_routes(http: Http) -> None:
    model = http.model
    base = "/v2/templates/<template_id>"

    @http.route("/v2/templates", "Create a template (roles filled in with 100ms's defaults)",
                {200: "template", 400: ERR}, method="POST", request="template.create.request")
    def create_template() -> Response:
        return json_response(model.create_template(http.body("template.create.request")))

    @http.route("/v2/templates", "List templates", {200: "templates.list.response", 400: ERR, 404: ERR}, query=PAGE)
    def list_templates() -> Response:
        return json_response(page(model.templates(), request.args))

    @http.route(base, "A template", {200: "template", 404: ERR})
    def get_template(template_id: str) -> Response:
        return json_response(model.template(template_id))

    @http.route(base, "Update a template (name, roles, settings, destinations merge)", {200: "template", 400: ERR, 404: ERR},
                method="POST", request="template.update.request")
    def update_template(template_id: str) -> Response:
        return json_response(model.update_template(template_id, http.body("template.update.request")))

    @http.route(f"{base}/roles/<role>", "Create or update a role", {200: "template.role", 400: ERR, 404: ERR},
                method="POST", request="template.role.request")
    def put_role(template_id: str, role: str) -> Response:
        return json_response(model.put_role(template_id, role, http.body("template.role.request")))

    @http.route(f"{base}/roles/<role>", "A role of the template", {200: "template.role", 404: ERR})
    def get_role(template_id: str, role: str) -> Response:
        return json_response(model.role(template_id, role))

    @http.route(f"{base}/roles/<role>", "Delete a role (404 when it does not exist)", {204: None, 400: ERR, 404: ERR},
                method="DELETE")
    def delete_role(template_id: str, role: str) -> Response:
        model.delete_role(template_id, role)
        return Response(status=204)

    for part, schema in (("settings", "template.settings"), ("destinations", "template.destinations"),
                         ("recordings", "template.recordings")):
        _part_routes(http, base, part, schema)


def _part_routes(http: Http, base: str, part: str, schema: str) -> None:
    model = http.model

    def read(template_id: str) -> Response:
        return json_response(model.template(template_id)[part])

    def write(template_id: str) -> Response:
        return json_response(model.put_part(template_id, part, http.body(f"{schema}.request")))

    read.__name__, write.__name__ = f"get_template_{part}", f"update_template_{part}"
    what = {"settings": "settings", "destinations": "destinations", "recordings": "recording configuration"}[part]
    http.route(f"{base}/{part}", f"The template's {what}", {200: schema, 404: ERR})(read)
    http.route(f"{base}/{part}", f"Update the template's {what}", {200: schema, 400: ERR, 404: ERR}, method="POST",
               request=f"{schema}.request")(write)
