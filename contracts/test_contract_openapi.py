"""schemathesis over each platform's OpenAPI document, authenticated: no 5xx, only documented
status codes and content types, responses valid against their schemas, bad input answered 4xx in
the platform's error shape."""
from __future__ import annotations

from functools import lru_cache

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from emulator.core.contract import Target
from emulator.platforms import contract_platforms

CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
    st_checks.negative_data_rejection,
]


@lru_cache(maxsize=None)
def local_document(platform: str) -> dict:
    """The document the emulator generates from its routes: the contract for any target."""
    from emulator.app import create_app
    from emulator.core import openapi
    from emulator.core.engine import Config
    from emulator.app import new_engine

    engine = new_engine(Config())
    try:
        return openapi.build(create_app(engine), engine, platform)
    finally:
        engine.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation" in metafunc.fixturenames:
        cases = [(p.name, f"{method.upper()} {path}", mode)
                 for p in contract_platforms(metafunc.config.getoption("contract_platforms"))
                 for path, methods in local_document(p.name)["paths"].items() for method, spec in methods.items()
                 for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                 if mode is GenerationMode.POSITIVE or can_be_invalid(spec)]
        metafunc.parametrize("platform_name, operation, mode", cases,
                             ids=[f"{n}:{label}:{m.value}" for n, label, m in cases], scope="session")


def can_be_invalid(operation: dict) -> bool:
    """Whether any input of the operation has a constraint to break (a bare string path id has none)."""
    if "requestBody" in operation:
        return True
    return any(p["schema"] != {"type": "string"} for p in operation.get("parameters", []))  # any string fits


def target_document(target: Target) -> dict:
    if target.control is not None:  # an emulator serves its own document
        document = target.http.get(f"{target.control.root}/{target.platform}/openapi.json").json()
    else:
        document = dict(local_document(target.platform))
    document["servers"] = [{"url": target.paths_base}]
    return document


_LOADED: dict[tuple[str, str], object] = {}  # (platform, base) -> its loaded document, parsed once per run


def loaded_schema(target: Target):
    key = (target.platform, target.paths_base)
    if key not in _LOADED:
        schema = schemathesis.openapi.from_dict(target_document(target))
        schema.config.update(base_url=target.paths_base)
        # Credentials are the harness's, not generated; unknown query parameters are ignored by the
        # vendors, as by most APIs, so they are not generated as "invalid" input.
        schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
        _LOADED[key] = schema
    return _LOADED[key]


def test_operation(target: Target, operation: str, mode: GenerationMode, examples: int) -> None:
    schema = loaded_schema(target)
    api_operation = schema.find_operation_by_label(operation)
    assert api_operation is not None, f"{operation} is missing from the target's document"
    headers = dict(target.http.headers)

    @given(case=api_operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
