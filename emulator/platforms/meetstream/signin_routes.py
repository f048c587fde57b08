"""MeetStream's Teams signed-in bot routes: login domains and the Microsoft accounts under them
(meetstream-python ``resources/integrations.py`` TeamsLogins; the Node SDK's ``integrations.ts``)."""
from __future__ import annotations

from flask import Response, g, request

from ...core.http import json_response
from ...core.operations import Param
from .http import ERR, Http
from .views import teams_domain_view, teams_login_view

DOMAIN = Param("domain", {"type": "string", "minLength": 1, "maxLength": 253}, required=True)


def add_signin_routes(http: Http) -> None:
    model = http.model

    @http.route("/teams-login-domains", "Register a Microsoft 365 domain for signed-in Teams bots",
                {201: "teams_domain", 400: ERR, 403: ERR, 409: ERR}, method="POST", request="teams_domain.request")
    def create_teams_domain() -> Response:
        stored = model.create_teams_domain(g.api_key, http.body("teams_domain.request"))
        return json_response(teams_domain_view(model, stored), 201)

    @http.route("/teams-login-domains", "The registered Teams domains, with login counts",
                {200: "teams_domains.response"})
    def list_teams_domains() -> Response:
        return json_response({"domains": [teams_domain_view(model, d) for d in model.teams_domains(g.api_key)]})

    @http.route("/teams-login-domains/<domain>", "One Teams domain and its logins (no passwords)",
                {200: "teams_domain.detail", 403: ERR, 404: ERR})
    def get_teams_domain(domain: str) -> Response:
        return json_response(teams_domain_view(model, model.teams_domain(g.api_key, domain), with_logins=True))

    @http.route("/teams-login-domains/<domain>", "Rename a Teams domain or set its login_mode",
                {200: "teams_domain", 400: ERR, 403: ERR, 404: ERR}, method="PATCH",
                request="teams_domain.update.request")
    def update_teams_domain(domain: str) -> Response:
        stored = model.update_teams_domain(g.api_key, domain, http.body("teams_domain.update.request"))
        return json_response(teams_domain_view(model, stored))

    @http.route("/teams-login-domains/<domain>", "Delete a Teams domain and every login under it",
                {200: "message.response", 403: ERR, 404: ERR}, method="DELETE")
    def delete_teams_domain(domain: str) -> Response:
        return json_response(model.delete_teams_domain(g.api_key, domain))

    @http.route("/teams-logins", "Add a Microsoft account under a registered domain (the password is write-only)",
                {201: "teams_login", 400: ERR, 403: ERR, 404: ERR, 409: ERR}, method="POST",
                request="teams_login.request")
    def create_teams_login() -> Response:
        stored = model.create_teams_login(g.api_key, http.body("teams_login.request"))
        return json_response(teams_login_view(model, stored), 201)

    @http.route("/teams-logins", "The accounts under one domain (?domain= is required)",
                {200: "teams_logins.response", 400: ERR, 403: ERR, 404: ERR}, query=(DOMAIN,))
    def list_teams_logins() -> Response:
        found = model.teams_logins(g.api_key, request.args.get("domain"))
        return json_response({"logins": [teams_login_view(model, login) for login in found]})

    @http.route("/teams-logins/<login_id>", "One Teams account and its lease",
                {200: "teams_login", 403: ERR, 404: ERR})
    def get_teams_login(login_id: str) -> Response:
        return json_response(teams_login_view(model, model.teams_login(g.api_key, login_id)))

    @http.route("/teams-logins/<login_id>", "Set a new password (reactivates the account) or is_active",
                {200: "teams_login", 400: ERR, 403: ERR, 404: ERR}, method="PATCH",
                request="teams_login.update.request")
    def update_teams_login(login_id: str) -> Response:
        stored = model.update_teams_login(g.api_key, login_id, http.body("teams_login.update.request"))
        return json_response(teams_login_view(model, stored))

    @http.route("/teams-logins/<login_id>", "Remove a Teams account", {200: "message.response", 403: ERR,
                                                                       404: ERR}, method="DELETE")
    def delete_teams_login(login_id: str) -> Response:
        return json_response(model.delete_teams_login(g.api_key, login_id))
