"""No request to any platform's endpoint answers 500: random paths, ids, bodies and credentials."""
import re

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.app import create_app, new_engine
from emulator.core import openapi
from emulator.core.engine import Config
from emulator.platforms import registered
from helpers import hms_token

_engine = new_engine(Config())
DOCUMENTS = {p.name: openapi.build(create_app(_engine), _engine, p.name) for p in registered()}
CONTROL = openapi.build(create_app(_engine), _engine, None)
_engine.close()
OPERATIONS = [(name, path, method) for name, doc in DOCUMENTS.items() for path, methods in doc["paths"].items()
              for method in methods]
CONTROL_OPERATIONS = [(path, method) for path, methods in CONTROL["paths"].items() for method in methods
                      if path != "/reset"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=10,
)
segments = st.one_of(st.uuids().map(str), st.integers(-5, 10**12).map(str),
                     st.text(alphabet=st.characters(codec="ascii", exclude_characters="/?#%"), min_size=1, max_size=20))
def credentials(platform: str, now: float) -> str:
    return {
        "lessonspace": "Organisation 6b1f2c3d-1111-4222-8333-944455566677",
        "spotme": "Bearer test-token-123456",
        "100ms": f"Bearer {hms_token(now)}",
    }.get(platform, "Token emulator-key")
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def fill(path, values):
    return re.sub(r"\{[^}]+\}", lambda _: requests.utils.quote(next(values), safe=""), path)


@FUZZ
@given(operation=st.sampled_from(OPERATIONS), ids=st.lists(segments, min_size=3, max_size=3),
       body=json_values, raw=st.booleans(), auth=st.sampled_from(["good", "none", "junk"]),
       query=st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=10), max_size=3))
def test_no_platform_endpoint_answers_500(emulator, operation, ids, body, raw, auth, query):
    platform, path, method = operation
    headers = {}
    if auth == "good":
        headers["Authorization"] = credentials(platform, emulator.now)
    elif auth == "junk":
        headers["Authorization"] = "x" * 3
    url = emulator.url(platform) + fill(path, iter(ids))
    kwargs = {"data": str(body).encode(), "headers": {**headers, "Content-Type": "application/json"}} if raw \
        else {"json": body, "headers": headers}
    answer = requests.request(method.upper(), url, params=query, **kwargs)
    assert answer.status_code < 500, (method, url, answer.status_code, answer.text[:300])


@FUZZ
@given(operation=st.sampled_from(CONTROL_OPERATIONS), ids=st.lists(segments, min_size=3, max_size=3), body=json_values)
def test_no_control_endpoint_answers_500(emulator, operation, ids, body):
    path, method = operation
    answer = requests.request(method.upper(), emulator.control_url(fill(path, iter(ids))), json=body)
    assert answer.status_code < 500, (method, path, answer.status_code, answer.text[:300])
