"""One HTTP kit for every platform's API: routes declared with their OpenAPI operation, the
credential checked (and, where the vendor keeps tenants apart, the tenant chosen through
core/tenancy), throttling, the query and the body validated, and every error answered in the
platform's own shape. A platform subclasses ``ApiKit`` with its name, error body and wording; its
``<family>_routes.py`` modules then declare routes on the kit (``@http.route(...)``)."""
from __future__ import annotations

from contextlib import nullcontext
from functools import wraps
from typing import TYPE_CHECKING, Any, Callable

from flask import Blueprint, Response, request
from jsonschema.exceptions import ValidationError

from .errors import ApiError, DomainError
from .http import json_response, read_json
from .intercept import throttle
from .operations import operation, query_errors
from .schemas import json_path
from .tenancy import acting_as, tenant_of

if TYPE_CHECKING:
    from .engine import Engine


class ApiKit:
    """The HTTP side of one platform. Subclasses set ``name`` and override the hooks below."""

    name: str = ""
    prefix: str = ""  # where the vendor's paths start inside the platform's blueprint (/api/v1, ...)
    auth_responses: dict[int, str] = {401: "error"}  # what every authenticated route may answer
    throttled = False  # the vendor's rate limits apply per credential (core/ratelimit via intercept)
    tenants = False  # each credential is its own tenant (core/tenancy): another's objects are 404s
    checks_query = True  # the query string is checked against the operation's declared parameters

    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self.model = engine.models[self.name]
        self.bp = Blueprint(self.name, __name__)
        self.bp.register_error_handler(DomainError, self._answer_domain_error)

    @classmethod
    def blueprint(cls, *families: Callable[[Any], None]) -> Callable[["Engine"], Blueprint]:
        """A platform's ``api_blueprint``: one kit, with each family's ``add_<family>_routes``
        applied in order."""
        def build(engine: "Engine") -> Blueprint:
            http = cls(engine)
            for add_routes in families:
                add_routes(http)
            return http.bp

        return build

    # -- what a platform supplies ------------------------------------------------------------
    def error(self, status: int, message: str) -> ApiError:
        """The vendor's error for a status and a message."""
        raise NotImplementedError

    def authenticate(self) -> str:
        """Check the request's credential (raise the vendor's 401/403) and return it."""
        raise NotImplementedError

    def domain_error(self, exc: DomainError) -> ApiError:
        """A broken platform rule, answered in the vendor's shape."""
        return self.error(exc.status, exc.message)

    def query_error(self, problems: list[str]) -> ApiError:
        return self.error(400, problems[0])

    def body_error(self, errors: list[ValidationError]) -> ApiError:
        first = errors[0]
        return self.error(400, f"{json_path(first.absolute_path)[2:] or 'body'}: {first.message}")

    # -- what the kit does -------------------------------------------------------------------
    def route(self, path: str, summary: str, responses: dict, method: str = "GET", endpoint: str | None = None,
              **marks: Any) -> Callable:
        """An authenticated API route (``path`` below ``prefix``) with its OpenAPI operation; the
        endpoint is the view's name unless given (views made in a loop)."""
        def register(view: Callable) -> Callable:
            marked = operation(summary, {**responses, **self.auth_responses}, **marks)(self.authenticated(view))
            self.bp.route(f"{self.prefix}{path}", methods=[method], endpoint=endpoint or view.__name__)(marked)
            return marked

        return register

    def authenticated(self, view: Callable) -> Callable:
        """``view`` behind the credential check, throttle, query check and tenant, in that order."""
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            credential = self.authenticate()
            if self.throttled:
                throttle(self.engine, self.name, credential)
            if self.checks_query:
                problems = query_errors(wrapper, request.args)  # the operation's marks are on the wrapper
                if problems:
                    raise self.query_error(problems)
            with acting_as(tenant_of(credential)) if self.tenants else nullcontext():
                return view(*args, **kwargs)

        return wrapper

    def body(self, schema: str, allow_empty: bool = False, defaults: dict | None = None) -> Any:
        """The request body, parsed and validated against the platform's ``schema``."""
        data = read_json(lambda message: self.error(400, message), allow_empty=allow_empty)
        if defaults and isinstance(data, dict):
            data = {**defaults, **data}
        errors = self.engine.schemas.errors(self.name, schema, data)
        if errors:
            raise self.body_error(errors)
        return data

    def _answer_domain_error(self, exc: DomainError) -> Response:
        error = self.domain_error(exc)
        return json_response(error.body, error.status, error.headers or None)
