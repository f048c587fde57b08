"""The schema catalogue: every JSON Schema under ``schemas/<platform>/``, loaded and compiled once.

A schema's name is its file name without ``.json`` (``launch.request``, ``file.transcript``);
``$ref`` between files resolves through their ``$id``s, so shared pieces are written once.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from .clock import parse_iso

ID_BASE = "https://meeting-emulator.invalid/schemas/"
FORMATS = FormatChecker()
WORDED = ("pattern", "enum", "not", "required", "anyOf")  # validators whose error an "x-error" replaces


def _format_function(name: str) -> Any:
    """A format check as a plain predicate (for the compiled validator)."""
    return lambda value: FORMATS.conforms(value, name)


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if "T" not in value.upper():
        raise ValueError("a date-time needs a date and a time")
    parse_iso(value)
    return True


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return bool(parts.scheme and (parts.netloc or parts.path)) and " " not in value


@FORMATS.checks("email")
def _is_email(value: object) -> bool:
    if not isinstance(value, str):
        return True
    local, _, domain = value.rpartition("@")
    return bool(local) and "." in domain and " " not in value


def schemas_root() -> Path:
    """The installed copy inside the package, or the checkout's top-level folder."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "schemas", here.parent / "schemas"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the schemas folder was not found next to the emulator package")


class UnknownSchema(LookupError):
    pass


class SchemaCatalogue:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or schemas_root()
        self._documents: dict[tuple[str, str], dict] = {}
        for path in sorted(self.root.glob("*/*.json")):
            self._documents[(path.parent.name, path.name[: -len(".json")])] = json.loads(path.read_text())
        self._registry = Registry().with_resources(
            (doc["$id"], Resource.from_contents(doc)) for doc in self._documents.values() if "$id" in doc
        )
        self._validators: dict[tuple[str, str], Draft202012Validator] = {}
        self._fast: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def platforms(self) -> list[str]:
        return sorted({p for p, _ in self._documents})

    def names(self, platform: str | None = None) -> list[str]:
        return sorted(f"{p}/{n}" if platform is None else n for p, n in self._documents
                      if platform is None or p == platform)

    def schema(self, platform: str, name: str) -> dict:
        try:
            return self._documents[(platform, name)]
        except KeyError:
            raise UnknownSchema(f"no schema {name!r} for platform {platform!r}") from None

    def validator(self, platform: str, name: str) -> Draft202012Validator:
        key = (platform, name)
        validator = self._validators.get(key)
        if validator is None:
            with self._lock:
                validator = Draft202012Validator(
                    self.schema(platform, name), registry=self._registry, format_checker=FORMATS
                )
                self._validators[key] = validator
        return validator

    def fast_validator(self, platform: str, name: str) -> Any:
        """A compiled (Rust) validator with the same formats: answers valid or not, quickly."""
        key = (platform, name)
        validator = self._fast.get(key)
        if validator is None:
            self.schema(platform, name)  # UnknownSchema for a bad name
            with self._lock:
                validator = jsonschema_rs.validator_for(
                    standalone(self, platform, name), validate_formats=True,
                    formats={fmt: _format_function(fmt) for fmt in ("date-time", "uri", "email")})
                self._fast[key] = validator
        return validator

    def errors(self, platform: str, name: str, instance: Any) -> list[ValidationError]:
        """Every error with its path; the compiled check first, the detailed report only when needed."""
        if self.fast_validator(platform, name).is_valid(instance):
            return []
        errors = sorted(self.validator(platform, name).iter_errors(instance), key=lambda e: list(e.absolute_path))
        for error in errors:  # a schema may say in words what its pattern or rule asks for ("x-error")
            if error.validator in WORDED and "x-error" in error.schema:
                error.message = error.schema["x-error"]
        return errors

    def is_valid(self, platform: str, name: str, instance: Any) -> bool:
        return self.fast_validator(platform, name).is_valid(instance)


def json_path(path: Iterable[Any]) -> str:
    """``$.user.name`` / ``$[3].text`` style path of an error."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class Bundler:
    """Copies catalogue schemas into one document's definitions, rewriting ``$ref``s to JSON
    pointers (``#/components/schemas/...`` for OpenAPI, ``#/$defs/...`` for a standalone schema)."""

    def __init__(self, catalogue: SchemaCatalogue, prefix: str, qualified: bool) -> None:
        self.catalogue = catalogue
        self.prefix = prefix
        self.qualified = qualified
        self.definitions: dict[str, Any] = {}

    def _key(self, platform: str, name: str) -> str:
        return f"{platform}.{name}" if self.qualified else name

    def ref(self, platform: str, name: str) -> dict:
        """Bundle a schema (``name`` or ``folder/name``) and return a ``$ref`` to it."""
        if "/" in name:
            platform, name = name.split("/", 1)
        key = self._key(platform, name)
        if key not in self.definitions:
            self.definitions[key] = {}  # reserve first: schemas may refer to each other
            self.definitions[key] = self._rewrite(self.catalogue.schema(platform, name), platform, key)
        return {"$ref": f"{self.prefix}{key}"}

    def _rewrite(self, node: Any, platform: str, key: str) -> Any:
        if isinstance(node, list):
            return [self._rewrite(item, platform, key) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for field, value in node.items():
            if field in ("$id", "$schema"):
                continue
            if field == "$ref" and isinstance(value, str):
                target, _, fragment = value.partition("#")
                if target:
                    other = target.removesuffix(".json")
                    self.ref(platform, other)
                    value = f"{self.prefix}{self._key(platform, other)}{fragment}"
                else:
                    value = f"{self.prefix}{key}{fragment}"
            out[field] = self._rewrite(value, platform, key)
        return out


def standalone(catalogue: SchemaCatalogue, platform: str, name: str) -> dict:
    """One schema with everything it references inlined under ``$defs``: no external ``$ref``."""
    bundler = Bundler(catalogue, "#/$defs/", qualified=True)
    root = bundler.ref(platform, name)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **root, "$defs": bundler.definitions}
