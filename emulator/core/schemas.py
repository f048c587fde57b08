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

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from .clock import parse_iso

ID_BASE = "https://meeting-emulator.invalid/schemas/"
FORMATS = FormatChecker()


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
    parts = urlsplit(value)
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

    def errors(self, platform: str, name: str, instance: Any) -> list[ValidationError]:
        return sorted(self.validator(platform, name).iter_errors(instance), key=lambda e: list(e.absolute_path))

    def is_valid(self, platform: str, name: str, instance: Any) -> bool:
        return self.validator(platform, name).is_valid(instance)


def json_path(path: Iterable[Any]) -> str:
    """``$.user.name`` / ``$[3].text`` style path of an error."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out
