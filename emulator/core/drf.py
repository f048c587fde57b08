"""Django REST framework's error shapes, which Lessonspace's API answers with."""
from __future__ import annotations

from typing import Any

from jsonschema.exceptions import ValidationError

from .errors import ApiError

PYTHON_TYPES = {dict: "dict", list: "list", str: "str", int: "int", float: "float", bool: "bool", type(None): "NoneType"}


def detail(status: int, message: str, headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(status, {"detail": message}, headers)


def field_errors(errors: dict) -> ApiError:
    return ApiError(400, errors)


def throttled_message(status: int, wait: int | None) -> str | None:
    """DRF's ``Throttled`` detail for a 429 (``None`` for other statuses: the generic wording)."""
    if status != 429:
        return None
    if wait is None:
        return "Request was throttled."
    return f"Request was throttled. Expected available in {wait} second{'' if wait == 1 else 's'}."


def drf_message(error: ValidationError) -> str:
    """The message DRF gives for the kind of mistake a schema error describes."""
    if "x-error" in error.schema:
        return error.schema["x-error"]
    kind, value = error.validator, error.validator_value
    if error.instance is None and kind in ("type", "anyOf"):
        return "This field may not be null."
    if kind == "type":
        expected = value if isinstance(value, str) else value[0]
        if expected == "object":
            got = PYTHON_TYPES.get(type(error.instance), type(error.instance).__name__)
            return f'Expected a dictionary of items but got type "{got}".'
        return {
            "string": "Not a valid string.",
            "boolean": "Must be a valid boolean.",
            "integer": "A valid integer is required.",
            "number": "A valid number is required.",
            "array": f'Expected a list of items but got type "{PYTHON_TYPES.get(type(error.instance), "value")}".',
        }.get(expected, error.message)
    if kind == "maxLength":
        return f"Ensure this field has no more than {value} characters."
    if kind == "minLength":
        return "This field may not be blank."
    if kind == "format":
        return {
            "email": "Enter a valid email address.",
            "uri": "Enter a valid URL.",
            "date-time": "Datetime has wrong format. Use one of these formats instead: "
            "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
        }.get(value, error.message)
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"Unknown field(s): {', '.join(extra)}."
    if kind == "enum":
        return f'"{error.instance}" is not a valid choice.'
    return error.message


def schema_errors_to_fields(errors: list[ValidationError]) -> dict:
    """Nest schema errors the way DRF nests serializer errors: {"user": {"name": ["..."]}}."""
    out: dict[str, Any] = {}
    for error in errors:
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            message = error.schema.get("x-error", "This field is required.")  # a rule's own words, if it has them
            targets = [(path + [name], message) for name in missing]
        elif not path:
            got = PYTHON_TYPES.get(type(error.instance), "value")
            targets = [(["non_field_errors"], f"Invalid data. Expected a dictionary, but got {got}.")]
        else:
            targets = [(path, drf_message(error))]
        for where, message in targets:
            node = out
            for part in where[:-1]:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):  # a field already has a message of its own
                    break
                node = child
            else:
                messages = node.setdefault(where[-1], [])
                if isinstance(messages, list) and message not in messages:
                    messages.append(message)
    return out
