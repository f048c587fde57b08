"""The ``validate`` and ``schemas`` commands: check files against a platform's schemas, list them."""
from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError

from .core.schemas import SchemaCatalogue, UnknownSchema, json_path


class UsageError(Exception):
    """A mistake in what the user asked for: one line naming it and the fix, exit status 2."""


def run_validate(platform: str | None, schema: str, files: list[str]) -> int:
    """Every file is reported: valid, its errors (path and a short message), or why it was not read."""
    catalogue = SchemaCatalogue()
    if "/" in schema:  # the PLATFORM/NAME form that 'schemas' prints
        named, _, schema = schema.partition("/")
        if platform is not None and platform != named:
            raise UsageError(f"--platform {platform} and --schema {named}/{schema} disagree; give one platform")
        platform = named
    if platform is None:
        raise UsageError("which platform? pass --platform P, or --schema as PLATFORM/NAME (see 'meeting-emulator schemas')")
    if platform not in catalogue.platforms():
        raise UsageError(f"unknown platform {platform!r}; known: {', '.join(catalogue.platforms())}")
    try:
        catalogue.validator(platform, schema)
    except UnknownSchema:
        names = catalogue.names(platform)
        close = difflib.get_close_matches(schema, names, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise UsageError(f"unknown schema {schema!r} for {platform}; {hint}'meeting-emulator schemas --platform "
                         f"{platform}' lists all {len(names)}") from None
    unreadable = failed = False
    for name in files:
        path = Path(name)
        problem = None
        if path.is_dir():
            problem = "is a directory; give the JSON files in it"
        elif not path.is_file():
            problem = "no such file"
        else:
            try:
                document = json.loads(path.read_bytes())
            except (ValueError, UnicodeDecodeError, RecursionError) as exc:
                problem = f"not JSON: {_short(str(exc))}"
            except OSError as exc:
                problem = f"cannot be read: {exc.strerror or exc}"
        if problem:
            print(f"{name}: {problem}", file=sys.stderr)
            unreadable = True
            continue
        errors = catalogue.errors(platform, schema, document)
        for error in errors:
            print(f"{name}: {json_path(error.absolute_path)}: {_short(_worded(error))}")
        if errors:
            failed = True
        else:
            print(f"{name}: valid {platform}/{schema}")
    return 2 if unreadable else 1 if failed else 0


def _worded(error: ValidationError) -> str:
    """jsonschema's message, except for a oneOf/anyOf, whose own message names no alternative."""
    if error.validator not in ("oneOf", "anyOf"):
        return error.message
    expected = " or ".join(_shape(alternative) for alternative in error.validator_value)
    return f"expected {expected}; got {_short(json.dumps(error.instance), 40)}"


def _shape(schema: Any) -> str:
    """A few words for what one alternative of a oneOf/anyOf accepts."""
    if not isinstance(schema, dict):
        return "anything" if schema is True else "nothing"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1].removesuffix(".json")
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(value) for value in schema["enum"])
    kind = schema.get("type", "a value")
    kind = "/".join(kind) if isinstance(kind, list) else kind
    if kind == "object" and schema.get("required"):
        fields = [f"{key}={json.dumps(schema['properties'][key]['const'])}"
                  if "const" in schema.get("properties", {}).get(key, {}) else key for key in schema["required"]]
        return f"an object with {', '.join(fields)}"
    return kind


def _short(message: str, limit: int = 160) -> str:
    """A message cut to a readable length: jsonschema quotes the whole failing value."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def run_schemas(platform: str | None) -> int:
    catalogue = SchemaCatalogue()
    if platform is not None and platform not in catalogue.platforms():
        raise UsageError(f"unknown platform {platform!r}; known: {', '.join(catalogue.platforms())}")
    for name in catalogue.names(platform):
        print(name)
    return 0
