"""Hypothesis strategies that generate schema-valid payloads of any schema in the catalogue.

    from hypothesis import given
    from emulator.strategies import from_schema

    @given(from_schema("lessonspace", "webhook.transcription.finish"))
    def test_my_handler_accepts_any_valid_webhook(payload):
        my_handler(payload)

Generation is schemathesis's JSON Schema engine (through its public API: the schema becomes the
body of one operation); everything drawn is also checked against the emulator's own validator.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from hypothesis import strategies as st

from .core.schemas import Bundler, SchemaCatalogue


@lru_cache(maxsize=1)
def _catalogue() -> SchemaCatalogue:
    return SchemaCatalogue()


@lru_cache(maxsize=None)
def from_schema(platform: str, name: str) -> st.SearchStrategy[Any]:
    """Payloads valid against ``schemas/<platform>/<name>.json``."""
    import schemathesis

    catalogue = _catalogue()
    validator = catalogue.validator(platform, name)  # raises UnknownSchema for a bad name
    bundler = Bundler(catalogue, "#/components/schemas/", qualified=True)
    body = bundler.ref(platform, name)
    document = {
        "openapi": "3.1.0",
        "info": {"title": f"{platform}/{name}", "version": "1"},
        "paths": {"/payload": {"post": {
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {"200": {"description": "OK"}},
        }}},
        "components": {"schemas": bundler.definitions},
    }
    operation = schemathesis.openapi.from_dict(document).find_operation_by_label("POST /payload")
    return operation.as_strategy().map(lambda case: case.body).filter(validator.is_valid)


def schema_names(platform: str | None = None) -> list[str]:
    """``platform/name`` of every schema in the catalogue."""
    return _catalogue().names(platform)
