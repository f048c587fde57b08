"""The schema catalogue: well-formed schemas, documented examples that validate, and every schema
rejecting the obvious mistakes (a missing required field, a wrong type, an unknown enum value)."""
import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from jsonschema import Draft202012Validator

from emulator.core.schemas import ID_BASE, SchemaCatalogue, standalone
from emulator.strategies import from_schema

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = SchemaCatalogue()
FIXTURES = sorted((ROOT / "fixtures").glob("*/*.json"))
CONTAINERS = {n for n in CATALOGUE.names() if n.endswith("/common")}  # definitions only
SCHEMAS = [n for n in CATALOGUE.names() if n not in CONTAINERS]


def schema_of_fixture(path: Path) -> str:
    names = CATALOGUE.names(path.parent.name)
    return max((n for n in names if path.name.startswith(n + ".")), key=len)


@pytest.mark.parametrize("name", CATALOGUE.names())
def test_schemas_are_well_formed_2020_12_with_stable_ids(name):
    platform, short = name.split("/", 1)
    schema = CATALOGUE.schema(platform, short)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{ID_BASE}{platform}/{short}.json"


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_documented_example_validates(path):
    errors = CATALOGUE.errors(path.parent.name, schema_of_fixture(path), json.loads(path.read_text()))
    assert not errors, [e.message for e in errors]


def test_every_platform_has_fixtures():
    assert {p.parent.name for p in FIXTURES} >= set(CATALOGUE.platforms()) - {"emulator"}


def valid_example(name: str):
    """A documented example when there is one, else the richest of a few generated ones."""
    platform, short = name.split("/", 1)
    documented = [p for p in FIXTURES if p.parent.name == platform and schema_of_fixture(p) == short]
    if documented:
        return json.loads(documented[0].read_text())
    drawn = []

    @given(from_schema(platform, short))
    @settings(max_examples=15, phases=[Phase.generate], database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    def collect(example):
        drawn.append(example)

    collect()
    return max(drawn, key=lambda e: len(json.dumps(e)))


def resolve(node, root):
    """Follow local ``$ref``s of a bundled schema."""
    while isinstance(node, dict) and node.get("$ref", "").startswith("#/"):
        target = root
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


DROP = object()


def mistakes(schema, instance, root, path=()):
    """(path, replacement) pairs that any sound schema must reject; DROP removes the field."""
    node = resolve(schema, root)
    if not isinstance(node, dict):
        return
    if "enum" in node or "const" in node:
        yield path, "not-a-valid-value"
    if isinstance(instance, dict):
        for field in node.get("required", []):
            yield path + (field,), DROP
        for field, sub in node.get("properties", {}).items():
            if field in instance:
                sub_node = resolve(sub, root)
                if isinstance(sub_node, dict) and sub_node.get("type") in ("string", "number", "integer", "boolean",
                                                                           "array"):
                    yield path + (field,), {"wrong": "type"}
                yield from mistakes(sub, instance[field], root, path + (field,))
    if isinstance(instance, list) and instance and isinstance(node.get("items"), dict):
        yield from mistakes(node["items"], instance[0], root, path + (0,))


def apply(instance, path, value):
    if not path:
        return value
    broken = copy.deepcopy(instance)
    parent = broken
    for part in path[:-1]:
        parent = parent[part]
    if value is DROP:
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = value
    return broken


@pytest.mark.parametrize("name", SCHEMAS)
def test_each_schema_rejects_the_obvious_mistakes(name):
    platform, short = name.split("/", 1)
    example = valid_example(name)
    assert CATALOGUE.is_valid(platform, short, example)
    other_type = "a string" if isinstance(example, (dict, list)) else {"an": "object"}
    assert not CATALOGUE.is_valid(platform, short, other_type), f"{name} accepted a value of the wrong type"
    bundled = standalone(CATALOGUE, platform, short)
    tried = 0
    for path, value in mistakes(bundled, example, bundled):
        broken = apply(example, path, value)
        assert not CATALOGUE.is_valid(platform, short, broken), f"{name} accepted {path} -> {value!r}"
        assert CATALOGUE.errors(platform, short, broken), "the detailed report disagrees with the fast check"
        tried += 1
    schema = CATALOGUE.schema(platform, short)
    if schema.get("required") or schema.get("type") == "array":
        assert tried, f"no mistake was tried on {name}"
