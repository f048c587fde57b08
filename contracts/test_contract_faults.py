"""An injected fault answers in the platform's own error shape, with the vendor's Retry-After, and
the request journal records it: the same schema that describes the platform's real errors
validates the injected ones."""
from __future__ import annotations

import pytest
import requests

from emulator.core.schemas import SchemaCatalogue

ERROR_SCHEMA = {"lessonspace": "error.detail"}  # the rest name theirs "error"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_injected_errors_have_the_platform_shape(target, control, status) -> None:
    document = requests.get(f"{control.root}/{target.platform}/openapi.json", timeout=30).json()
    path = next(p for p, ops in document["paths"].items() if "get" in ops and "{" not in p)
    operation = document["paths"][path]["get"]["operationId"]
    rule = control.call("POST", "faults", {"platform": target.platform, "action": "error", "operation": operation,
                                           "status": status, "retry_after": 7, "times": 1})
    try:
        answer = target.http.get(target.paths_base + path, timeout=30)
        assert answer.status_code == status and answer.headers["Retry-After"] == "7"
        errors = SchemaCatalogue().errors(target.platform, ERROR_SCHEMA.get(target.platform, "error"), answer.json())
        assert errors == [], [e.message for e in errors]
        journaled = control.call("GET", f"requests?operation={operation}&status={status}")["requests"]
        assert journaled[-1]["fault"] == rule["id"]
    finally:
        control.call("DELETE", "faults")
