"""Properties over random inputs: the transcribe override, and no 500 anywhere."""
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import LessonspaceClient

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

flag = st.sampled_from([True, False, None])  # None: the field is left out


@PROPERTY
@given(calls=st.lists(flag, min_size=1, max_size=8), users=st.lists(st.sampled_from(["a", "b", "c", None]),
                                                                      min_size=8, max_size=8))
def test_any_sequence_of_launch_calls_leaves_the_flag_of_the_last_one(emulator, calls, users):
    emulator.reset()
    ls = LessonspaceClient(emulator)
    links = []
    for value, user in zip(calls, users):
        body = {"id": "space", "record_av": True}
        if value is not None:
            body["transcribe"] = value
        if user is not None:
            body["user"] = {"id": user, "name": user}
        answer = ls.launch(**body)
        assert answer["room_settings"]["transcribe"] is (value is True)
        links.append(answer)
    expected = calls[-1] is True
    # Whatever order the join links are used in, the last call decides.
    for link in reversed(links):
        requests.get(link["client_url"])
    session_id = links[0]["session_id"]
    emulator.advance(minutes=10)  # the users who joined stay 300 s by default
    detail = ls.session(session_id)
    assert detail["transcription"]["requested"] is expected
    if expected and len({p["user_id"] for p in detail["participants"]}) >= 2:
        assert detail["transcription"]["status"] == "ready"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=80),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
launch_like = st.fixed_dictionaries({}, optional={
    "id": json_values | st.text(max_size=70), "name": json_values, "user": json_values,
    "transcribe": json_values, "record_av": json_values, "summarise": json_values, "webhooks": json_values,
    "timeouts": json_values | st.fixed_dictionaries({}, optional={"not_before": st.text(max_size=30),
                                                                 "not_after": st.text(max_size=30)}),
    "features": json_values,
})


@PROPERTY
@given(body=launch_like | json_values)
def test_launch_never_answers_500(emulator, body):
    ls = LessonspaceClient(emulator)
    answer = ls.post("/spaces/launch/", json=body)
    assert answer.status_code in (200, 201, 400), answer.text
    assert isinstance(answer.json(), dict)


@PROPERTY
@given(raw=st.binary(max_size=200), content_type=st.sampled_from(
    ["application/json", "text/plain", "", "application/json; charset=latin-1", "multipart/form-data"]))
def test_raw_bodies_never_answer_500(emulator, raw, content_type):
    ls = LessonspaceClient(emulator)
    answer = ls.post("/spaces/launch/", data=raw, headers={"Content-Type": content_type})
    assert answer.status_code < 500, answer.text


segment = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=0, max_size=20).filter(
    lambda s: "/" not in s and s not in (".", ".."))
PATHS = ["/hello/", "/my-organisation/", "/spaces/launch/", "/organisations/{org}/sessions/",
         "/organisations/sessions/{x}/", "/organisations/{org}/sessions/{x}/",
         "/organisations/sessions/{x}/transcript/", "/organisations/{org}/sessions/{x}/transcript/",
         "/organisations/sessions/transcript/", "/{x}/", "/organisations/{x}/sessions/"]


@PROPERTY
@given(path=st.sampled_from(PATHS), x=segment, method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
       params=st.dictionaries(st.sampled_from(["page", "duration_min", "duration_max", "search", "user", "space",
                                               "start_time_after", "date_before", "include_single_user",
                                               "ordering", "session", "in_progress_only"]),
                              st.text(max_size=15), max_size=4),
       auth=st.sampled_from(["good", "none", "bad"]))
def test_any_request_to_any_endpoint_never_answers_500(emulator, path, x, method, params, auth):
    ls = LessonspaceClient(emulator)
    if auth == "none":
        del ls.http.headers["Authorization"]
    elif auth == "bad":
        ls.http.headers["Authorization"] = "Organisation " + x.encode("ascii", "replace").decode()
    url = ls.base + path.format(org=100001, x=requests.utils.quote(x, safe=""))
    answer = ls.http.request(method, url, params=params, json={} if method != "GET" else None)
    assert answer.status_code < 500, (answer.status_code, answer.text)
    assert answer.headers["Content-Type"].startswith("application/json")


@PROPERTY
@given(body=json_values, endpoint=st.sampled_from(["clock/advance", "clock/set", "lessonspace/settings",
                                                    "lessonspace/spaces/{room}/sessions", "reset"]))
def test_control_endpoints_never_answer_500(emulator, body, endpoint):
    ls = LessonspaceClient(emulator)
    room = ls.launch(id="r")["room_id"]
    method = "PATCH" if endpoint.endswith("settings") else "POST"
    answer = requests.request(method, emulator.control_url(endpoint.format(room=room)), json=body)
    assert answer.status_code < 500, answer.text


def test_non_standard_json_constants_are_rejected(emulator):
    ls = LessonspaceClient(emulator)
    for raw in (b'{"id": "a", "name": NaN}', b'{"id": Infinity}', b"[" * 100000):
        answer = ls.post("/spaces/launch/", data=raw, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400 and "JSON parse error" in answer.json()["detail"]
