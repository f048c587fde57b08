"""MeetStream's account routes: MIA agent configs at /mia (one path, the method picks the
operation), Google sign-in domains and logins, Zoom OAuth connections, and the storage config."""
from __future__ import annotations

from flask import Response, g, request

from ...core.http import json_response
from ...core.operations import Param
from .http import ERR, Http, ms_error
from .views import agent_view

AGENT_ID = Param("agent_config_id", {"type": "string", "minLength": 1})


def add_integration_routes(http: Http) -> None:
    model = http.model

    @http.route("/mia", "Create a MIA agent config (its agent_config_id goes on create_bot)",
                {200: "agent.created", 400: ERR}, method="POST", request="agent.create.request")
    def create_agent() -> Response:
        stored = model.create_agent(g.api_key, http.body("agent.create.request"))
        return json_response({"message": "Agent configuration created successfully",
                              "agent_config_id": stored["agent_config_id"], "agent_config": agent_view(stored)})

    @http.route("/mia", "List the agent configs, or one with ?agent_config_id=",
                {200: "agents.response", 400: ERR, 404: ERR},
                query=(AGENT_ID,))
    def list_agents() -> Response:
        wanted = request.args.get("agent_config_id")
        if wanted:
            return json_response({"agent_config": agent_view(model.agent(g.api_key, wanted))})
        agents = [agent_view(a) for a in model.agents(g.api_key)]
        return json_response({"agent_configs": agents, "count": len(agents)})

    @http.route("/mia", "Update an agent config (agent_config_id in the body; only the fields given change)",
                {200: "agent.updated", 400: ERR, 404: ERR}, method="PUT", request="agent.update.request")
    def update_agent() -> Response:
        stored = model.update_agent(g.api_key, http.body("agent.update.request"))
        return json_response({"message": "Agent configuration updated successfully", "agent_config": agent_view(stored)})

    @http.route("/mia", "Delete an agent config (?agent_config_id=, a query parameter)",
                {200: "message.response", 400: ERR, 404: ERR}, method="DELETE",
                query=(Param("agent_config_id", {"type": "string", "minLength": 1}, required=True),))
    def delete_agent() -> Response:
        wanted = request.args.get("agent_config_id")
        if not wanted:
            raise ms_error(400, "agent_config_id is required.")
        return json_response(model.delete_agent(g.api_key, wanted))

    @http.route("/google-login-domains", "Register a Google Workspace domain for signed-in bots",
                {201: "login_domain", 400: ERR, 409: ERR}, method="POST", request="login_domain.request")
    def create_domain() -> Response:
        return json_response(model.create_domain(g.api_key, http.body("login_domain.request")), 201)

    @http.route("/google-login-domains", "The registered domains", {200: "login_domains.response"})
    def list_domains() -> Response:
        found = model.domains(g.api_key)
        return json_response({"count": len(found), "domains": found})

    @http.route("/google-login-domains/<domain>", "A registered domain (by its name)", {200: "login_domain",
                                                                                          404: ERR})
    def get_domain(domain: str) -> Response:
        return json_response(model.domain(g.api_key, domain))

    for method in ("PUT", "PATCH"):  # the reference's PUT; the SDKs' PATCH
        def update_domain(domain: str) -> Response:
            return json_response(model.update_domain(g.api_key, domain, http.body("login_domain.update.request")))

        update_domain.__name__ = f"update_domain_{method.lower()}"
        http.route("/google-login-domains/<domain>", "Change a registered domain",
                   {200: "login_domain", 400: ERR, 404: ERR}, method=method,
                   request="login_domain.update.request")(update_domain)

    @http.route("/google-login-domains/<domain>", "Delete a domain and its logins",
                {200: "message.response", 404: ERR}, method="DELETE")
    def delete_domain(domain: str) -> Response:
        return json_response(model.delete_domain(g.api_key, domain))

    @http.route("/google-logins", "Add a Google login under a registered domain", {201: "login", 400: ERR,
                                                                                      404: ERR},
                method="POST", request="login.request")
    def create_login() -> Response:
        return json_response(model.create_login(g.api_key, http.body("login.request")), 201)

    @http.route("/google-logins", "The Google logins (?domain= keeps one domain's)", {200: "logins.response", 400: ERR},
                query=(Param("domain", {"type": "string", "minLength": 1, "maxLength": 253}),))
    def list_logins() -> Response:
        wanted = (request.args.get("domain") or "").lower()
        found = [login for login in model.logins(g.api_key) if not wanted or login["domain"] == wanted]
        return json_response({"count": len(found), "logins": found})

    for method in ("PUT", "PATCH"):
        def update_login(login_id: str) -> Response:
            return json_response(model.update_login(g.api_key, login_id, http.body("login.update.request")))

        update_login.__name__ = f"update_login_{method.lower()}"
        http.route("/google-logins/<login_id>", "Change a Google login", {200: "login", 400: ERR, 404: ERR},
                   method=method, request="login.update.request")(update_login)

    @http.route("/google-logins/<login_id>", "Delete a Google login", {200: "message.response", 404: ERR},
                method="DELETE")
    def delete_login(login_id: str) -> Response:
        return json_response(model.delete_login(g.api_key, login_id))

    @http.route("/zoom/oauth/authorize-url", "Where to send a Zoom user to connect their account",
                {200: "zoom.authorize.response"})
    def zoom_authorize_url() -> Response:
        return json_response(model.zoom_authorize_url(g.api_key))

    @http.route("/zoom/oauth/connections", "Store a Zoom OAuth connection (the code from the redirect)",
                {201: "zoom.connection", 400: ERR}, method="POST", request="zoom.connection.request")
    def create_zoom_connection() -> Response:
        return json_response(model.create_zoom(g.api_key, http.body("zoom.connection.request")), 201)

    @http.route("/zoom/oauth/connections", "The Zoom connections", {200: "zoom.connections.response"})
    def list_zoom_connections() -> Response:
        found = model.zoom_connections(g.api_key)
        return json_response({"count": len(found), "connections": found})

    @http.route("/zoom/oauth/connections/<zoom_user_id>", "A Zoom connection", {200: "zoom.connection",
                                                                                   404: ERR})
    def get_zoom_connection(zoom_user_id: str) -> Response:
        return json_response(model.zoom_connection(g.api_key, zoom_user_id))

    @http.route("/zoom/oauth/connections/<zoom_user_id>", "Remove a Zoom connection",
                {200: "message.response", 404: ERR}, method="DELETE")
    def delete_zoom_connection(zoom_user_id: str) -> Response:
        return json_response(model.delete_zoom(g.api_key, zoom_user_id))

    @http.route("/admin/configs", "Set the storage config (?config_type=storage): your own bucket",
                {200: "storage.saved", 400: ERR}, method="PUT", request="storage.request",
                query=(Param("config_type", {"enum": ["storage"]}),))
    def set_storage() -> Response:
        return json_response(model.set_storage(g.api_key, http.body("storage.request")))

    @http.route("/admin/configs", "The storage configs (secrets masked)", {200: "storage.response"})
    def get_storage() -> Response:
        return json_response(model.storage(g.api_key))

    @http.route("/admin/configs", "Delete a storage config (?key_name=, default aws)",
                {200: "message.response", 400: ERR, 404: ERR}, method="DELETE",
                query=(Param("key_name", {"type": "string", "minLength": 1, "maxLength": 50}),))
    def delete_storage() -> Response:
        return json_response(model.delete_storage(g.api_key, request.args.get("key_name", "aws")))
