"""Which tenant (workspace, organisation) the request being served acts for.

A platform's routes set it from the credential for the length of a request; its models stamp new
objects with it and hide other tenants' objects. Due actions and the control API run with no
tenant, so they see everything. A context variable, so each request thread has its own.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

_TENANT: ContextVar[str | None] = ContextVar("tenant", default=None)


def tenant_of(credential: str) -> str:
    """A stable tenant id for a credential; the credential itself is not stored."""
    return hashlib.sha256(credential.encode()).hexdigest()[:24]


def current_tenant() -> str | None:
    return _TENANT.get()


def visible(owner: str | None) -> bool:
    """Whether an object owned by ``owner`` may be seen by the tenant now acting (if any)."""
    acting = _TENANT.get()
    return acting is None or owner is None or owner == acting


@contextmanager
def acting_as(tenant: str) -> Iterator[None]:
    token = _TENANT.set(tenant)
    try:
        yield
    finally:
        _TENANT.reset(token)
