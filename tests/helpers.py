"""Helpers shared by the project's tests: a real webhook receiver, a real websocket server, one client per
platform on one base, Recall's oracles."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import serve

from emulator.core.schemas import SchemaCatalogue, json_path
from emulator.platforms.recall.constants import LEAVE_DEFAULTS as RECALL_LEAVE_DEFAULTS

CATALOGUE = SchemaCatalogue()
ORG_KEY = "6b1f2c3d-1111-4222-8333-944455566677"


def assert_valid(platform: str, schema: str, instance: object) -> None:
    errors = CATALOGUE.errors(platform, schema, instance)
    assert not errors, [f"{json_path(e.absolute_path)}: {e.message}" for e in errors]


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # many senders at once must not wait for the listen backlog


class Receiver:
    """A real HTTP server standing in for an integrator's webhook endpoint.

    ``answers`` is consumed one status per request (then 200); ``hang`` makes it stall
    before answering, to test the sender's timeout.
    """

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[int] = []
        self.hang = 0.0
        self._release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if receiver.hang:
                    receiver._release.wait(receiver.hang)
                status = receiver.answers.pop(0) if receiver.answers else 200
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the sender gave up on us (a timeout under test)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def bodies(self, path: str | None = None) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests if path is None or r["path"] == path]

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()


class PlatformClient:
    """A requests session on one platform's API with its credential, and its control API.

    Subclasses name the platform and how its credential is written; what each adds is a
    helper for the one call its tests make most, asserting the status it must answer.
    """

    platform = ""

    def __init__(self, emulator, credential: str) -> None:
        self.emulator = emulator
        self.base = emulator.url(self.platform)
        self.http = requests.Session()
        self.http.headers["Authorization"] = self.authorization(credential)

    def authorization(self, credential: str) -> str:
        return f"Token {credential}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, self.base + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def control(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.emulator.control_url(f"{self.platform}/{path}"), **kwargs)

    def setting(self, name: str):
        """The platform's setting as the running emulator has it (after any PATCH /settings)."""
        return self.emulator.engine.models[self.platform].setting(name)

    def seconds(self, *parts: str | float) -> float:
        """A clock move spelled by the phases it covers: setting names (``"join"`` reads
        ``join_seconds``) and plain numbers for what a test sets itself."""
        return sum(p if isinstance(p, (int, float)) else self.setting(f"{p}_seconds") for p in parts)

    def expect(self, answer: requests.Response, status: int | tuple = 200) -> dict:
        expected = (status,) if isinstance(status, int) else status
        assert answer.status_code in expected, answer.text
        return answer.json()


class LessonspaceClient(PlatformClient):
    platform = "lessonspace"

    def __init__(self, emulator, key: str = ORG_KEY) -> None:
        super().__init__(emulator, key)

    def authorization(self, credential: str) -> str:
        return f"Organisation {credential}"

    def launch(self, expect: int | tuple = (200, 201), **body) -> dict:
        return self.expect(self.post("/spaces/launch/", json=body), expect)

    def org_id(self) -> int:
        return self.get("/my-organisation/").json()["id"]

    def run_session(self, room_id: str, **options) -> dict:
        return self.expect(self.control("POST", f"spaces/{room_id}/sessions", json=options), 201)

    def session(self, uuid: str) -> dict:
        return self.expect(self.get(f"/organisations/sessions/{uuid}/"))


class SpotMeClient(PlatformClient):
    platform = "spotme"

    def __init__(self, emulator, token: str = "test-token-123456") -> None:
        super().__init__(emulator, token)

    def authorization(self, credential: str) -> str:
        return f"Bearer {credential}"

    def workspace(self) -> dict:
        """The seeded default workspace with its sessions and breakouts, by title."""
        ws = self.get("/workspaces").json()["data"][0]
        sessions = {s["title"]: s for s in self.get(f"/workspace/{ws['id']}/live-sessions").json()["data"]}
        breakouts = {b["title"]: b for b in self.get(f"/workspace/{ws['id']}/breakouts").json()["data"]}
        return {"id": ws["id"], "sessions": sessions, "breakouts": breakouts}


HMS_ACCESS_KEY = "6500000000000000000000aa"
HMS_SECRET = "emulator-app-secret-change-me-0123456789"


def hms_token(now: float | None = None, *, secret: str = HMS_SECRET, access_key: str = HMS_ACCESS_KEY, type: str = "management",
              version: int = 2, nbf_offset: float = 0, valid_for: float = 86400) -> str:
    """A management token made with PyJWT, as 100ms's Python sample makes it."""
    import uuid

    import jwt

    now = time.time() if now is None else now  # transport time, as the SDKs mint tokens
    claims = {"access_key": access_key, "type": type, "version": version, "iat": int(now),
              "nbf": int(now + nbf_offset), "exp": int(now + nbf_offset + valid_for), "jti": str(uuid.uuid4())}
    return jwt.encode(claims, secret, algorithm="HS256")


class HmsClient(PlatformClient):
    platform = "100ms"

    def __init__(self, emulator) -> None:
        # minted on the real clock for 24 h, as the SDK does: advancing the emulator clock leaves it valid
        super().__init__(emulator, hms_token())

    def authorization(self, credential: str) -> str:
        return f"Bearer {credential}"

    def room(self, **body) -> dict:
        return self.expect(self.post("/rooms", json=body))

    def start(self, room_id: str, **body) -> dict:
        return self.expect(self.post(f"/recordings/room/{room_id}/start", json=body))

    def recording(self, recording_id: str) -> dict:
        return self.get(f"/recordings/{recording_id}").json()


class MeetStreamClient(PlatformClient):
    platform = "meetstream"

    def __init__(self, emulator, key: str = "ms_test_key") -> None:
        super().__init__(emulator, key)

    def create(self, expect: int = 201, **body) -> dict:
        body = {"meeting_link": "https://zoom.us/j/123456789", "bot_name": "Notetaker", **body}
        return self.expect(self.post("/bots/create_bot", json=body), expect)

    def status(self, bot_id: str) -> str:
        return self.get(f"/bots/{bot_id}/status").json()["status"]


class RecallClient(PlatformClient):
    platform = "recall"

    def __init__(self, emulator, key: str = "recall-test-key") -> None:
        super().__init__(emulator, key)

    def create(self, url: str = "https://meet.google.com/abc-defg-hij", expect: int = 201, **body) -> dict:
        return self.expect(self.post("/bot/", json={"meeting_url": url, **body}), expect)

    def bot(self, bot_id: str) -> dict:
        return self.get(f"/bot/{bot_id}/").json()

    def until_media_done(self, margin: float = 5) -> float:
        """From a bot's creation to its recording's media done: joining, the meeting, the default
        everyone_left timeout, processing, and a margin."""
        everyone_left = RECALL_LEAVE_DEFAULTS["everyone_left_timeout"]["timeout"]
        return self.seconds("join", "meeting", everyone_left, "processing", margin)

    def codes(self, bot_id: str) -> list:
        return [(c["code"], c["sub_code"]) for c in self.bot(bot_id)["status_changes"]]


def _nullable_to_json_schema(node):
    """OpenAPI 3.0's `nullable: true` as plain JSON Schema (anyOf null or the schema), and a
    discriminated oneOf as anyOf."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_to_json_schema(v) for k, v in node.items() if k not in ("nullable", "discriminator")}
    if "discriminator" in node and "oneOf" in out:  # the discriminator picks the branch; several may fit
        out["anyOf"] = out.pop("oneOf")
    if node.get("nullable") is True:
        return {"anyOf": [{"type": "null"}, out]}
    return out


class RecallOracle:
    """Recall's own OpenAPI document and webhook catalogue, as test oracles."""

    def __init__(self) -> None:
        from pathlib import Path

        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        folder = Path(__file__).resolve().parent / "oracles" / "recall"
        self.spec = json.loads(next(folder.glob("recall-openapi*.json")).read_text())
        self.events = {e["name"]: e["schemas"]["1"] if e.get("schemas") else None
                       for e in json.loads(next(folder.glob("recall-svix-webhook*.json")).read_text())["data"]}
        schemas = self.spec["components"]["schemas"]
        # Recall's documentation says a status change's message and sub_code may be null; its
        # generated schema forgot to say so.
        for field in ("message", "sub_code"):
            schemas["BotEvent"]["properties"][field]["nullable"] = True
        # A recording kept forever (Recall's default retention) has no expiry: the embedded recording
        # says nullable, the standalone one forgot to.
        schemas["Recording"]["properties"]["expires_at"]["nullable"] = True
        # A transcript names the one provider it was made with; the generated schema requires all six
        # async providers at once, which no transcript can hold.
        schemas["TranscriptArtifactProvider"].pop("required", None)
        self.json_schema = _nullable_to_json_schema(self.spec)
        self.registry = Registry().with_resource(
            "urn:recall", Resource.from_contents(self.json_schema, default_specification=DRAFT4))

    def response_errors(self, method: str, path: str, status: int, body: object) -> list[str]:
        """OpenAPI 3.0 read semantics: `nullable` admits null (also beside allOf); writeOnly branches
        cannot match what a response holds."""
        from jsonschema import Draft4Validator

        schema = self.json_schema["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]
        ref = {"$ref": "urn:recall" + schema["$ref"]} if "$ref" in schema else schema
        validator = Draft4Validator(ref, registry=self.registry)
        return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]

    def webhook_errors(self, body: dict) -> list[str]:
        from jsonschema import Draft7Validator

        schema = dict(self.events[body["event"]])
        schema.pop("$id", None)
        return [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema).iter_errors(body)]


class WsReceiver:
    """A websocket server: what each connection asked for and got, and how it closed. ``refuse``
    connections are turned away (403) before any is accepted; ``drop_after`` closes the first
    accepted one after that many messages."""

    def __init__(self, refuse: int = 0, drop_after: int | None = None) -> None:
        self.paths: list[str] = []
        self.messages: list[str] = []
        self.closes: list[int | None] = []
        self.refuse, self.drop_after = refuse, drop_after
        self._connections: list = []
        self._lock = threading.Lock()
        self._server = serve(self._handle, "127.0.0.1", 0, process_request=self._process, max_size=None,
                             max_queue=None)  # it reads everything: no flow control holds a close behind data
        self.port = self._server.socket.getsockname()[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str = "/ws") -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def _process(self, connection, request):
        with self._lock:
            self.paths.append(request.path)
            if self.refuse > 0:
                self.refuse -= 1
                return connection.respond(403, "not now\n")
        return None

    def _handle(self, connection) -> None:
        self._connections.append(connection)
        count = 0
        try:
            while True:
                message = connection.recv()
                with self._lock:
                    self.messages.append(message)
                count += 1
                if self.drop_after is not None and count >= self.drop_after:
                    self.drop_after = None
                    connection.close(1011, "receiver restarting")
                    with self._lock:
                        self.closes.append(1011)
                    return
        except ConnectionClosed as closed:
            with self._lock:
                self.closes.append(closed.rcvd.code if closed.rcvd else None)

    def events(self, name: str | None = None) -> list[dict]:
        with self._lock:
            parsed = [json.loads(m) for m in self.messages if isinstance(m, str)]
        return [m for m in parsed if name is None or m["event"] == name]

    def wait(self, until, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not until():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; {len(self.messages)} messages, closes {self.closes}")
            time.sleep(0.02)

    def binary(self) -> list[bytes]:
        with self._lock:
            return [m for m in self.messages if isinstance(m, bytes)]

    def send_on_open(self, message: str) -> None:
        """Send ``message`` on every connection still open (a receiver's command to the bot)."""
        for connection in list(self._connections):
            try:
                connection.send(message)
            except ConnectionClosed:
                pass

    def close(self) -> None:
        self._server.shutdown()
