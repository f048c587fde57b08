"""The ``meeting-emulator`` command: serve, validate, schemas, openapi, contract."""
from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .cli_types import host, number, public_url
from .schema_commands import UsageError, run_schemas, run_validate

if TYPE_CHECKING:
    from .core.engine import Config, Engine


DESCRIPTION = "Local, faithful copies of meeting, recording and transcription platform APIs."
EPILOG = "Run 'meeting-emulator COMMAND --help' for a command's options."


class Parser(argparse.ArgumentParser):
    """Mistakes on the command line are one line naming the problem, exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    from . import __version__
    from .platforms import NAMES

    parser = Parser(prog="meeting-emulator", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"meeting-emulator {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title="commands")
    names = ", ".join(NAMES)

    serve = commands.add_parser("serve", help="run the emulator as a local HTTP server",
                                description="Serve every platform (or those named) and the control API.")
    serve.add_argument("--host", type=host, default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=number(int, 0, 65535), default=8765,
                       help="port to listen on, 0 for a free one (default: %(default)s)")
    serve.add_argument("--seed", type=int, default=0,
                       help="same seed and same calls give the same ids and content (default: %(default)s)")
    serve.add_argument("--speed", type=number(float, above=0), default=1.0,
                       help="emulator seconds per real second (default: %(default)s)")
    serve.add_argument("--frozen", action="store_true", help="start with the clock frozen (it then moves only on request)")
    serve.add_argument("--state", metavar="PATH", help="keep state in this SQLite file across restarts (default: in memory)")
    serve.add_argument("--platform", action="append", dest="platforms", metavar="NAME", choices=NAMES,
                       help=f"serve only this platform (repeatable; one of {names}); default: all")
    serve.add_argument("--public-url", type=public_url, help="how clients reach this server (default: http://HOST:PORT)")
    serve.add_argument("--threads", type=number(int, 1, 1024), default=16,
                       help="request-handling threads (default: %(default)s)")
    serve.add_argument("--workers", type=number(int, 1, 64), default=1,
                       help="worker processes sharing the port and the --state file (default: %(default)s)")
    serve.add_argument("--setting", action="append", default=[], metavar="PLATFORM.NAME=VALUE",
                       help="a platform setting (repeatable), e.g. 100ms.app_secret=s3cret; values are JSON "
                            "or plain text, checked as PATCH /_emulator/PLATFORM/settings checks them")
    serve.add_argument("--max-body-mb", type=number(float, above=0), default=5.0,
                       help="larger request bodies answer 413 (default: %(default)s)")
    serve.add_argument("--webhook-wait", type=number(float, above=0), default=2.0,
                       help="real seconds a clock move waits with no webhook answered before recording the attempts "
                            "still under way as timed out (default: %(default)s)")
    serve.add_argument("--journal-requests", type=number(int, 0, 10_000_000), default=1000,
                       help="requests the journal (GET /_emulator/requests) keeps, 0 for none (default: %(default)s)")
    serve.add_argument("--journal-mb", type=number(float, above=0), default=32.0,
                       help="memory the journal may use before it drops its oldest (default: %(default)s)")
    serve.add_argument("--quiet", action="store_true", help="do not log a line per request")
    serve.add_argument("--no-control", dest="control", action="store_false",
                       help="serve the platform APIs only: no /_emulator/ control API, dashboard or inbox "
                            "(only /_emulator/health), for an emulator others can reach")

    validate = commands.add_parser("validate", help="validate JSON files against a platform's schema",
                                   description="Exit 0 when every file is valid, 1 when any is not, 2 when a "
                                               "name or file is wrong.")
    validate.add_argument("--platform", help=f"one of {names} (or give --schema as PLATFORM/NAME)")
    validate.add_argument("--schema", required=True,
                          help="schema name, e.g. file.transcript or lessonspace/file.transcript ('schemas' lists them)")
    validate.add_argument("files", nargs="+", metavar="FILE")

    schemas = commands.add_parser("schemas", help="list the schema names")
    schemas.add_argument("--platform", help=f"only this platform's ({names})")

    spec = commands.add_parser("openapi", help="print a platform's (or the control API's) OpenAPI document")
    spec.add_argument("--platform", required=True, help=f"one of {names}, or 'emulator' for the control API")

    contract = commands.add_parser("contract", help="check that a target (an emulator, or the real vendor) keeps "
                                                    "the contract")
    contract.add_argument("--platform", action="append", dest="platforms", metavar="NAME", choices=NAMES,
                          help=f"platform to check (repeatable; one of {names}); default: all")
    contract.add_argument("--base-url", help="an emulator's root (http://127.0.0.1:8765) or a vendor's API base URL "
                                             "(default: an emulator in this process)")
    contract.add_argument("--api-key", help="credentials for the target")
    contract.add_argument("--examples", type=number(int, 1, 100000), default=25,
                          help="hypothesis examples per check (default: %(default)s)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return run_serve(args)
        if args.command == "validate":
            return run_validate(args.platform, args.schema, args.files)
        if args.command == "contract":
            from .contract_report import run

            return run(args.platforms, args.base_url, args.api_key, args.examples)
        if args.command == "openapi":
            return run_openapi(args.platform)
        return run_schemas(args.platform)
    except UsageError as exc:
        print(f"meeting-emulator: {exc}", file=sys.stderr)
        return 2


def run_openapi(platform: str) -> int:
    from .app import create_app, new_engine
    from .core import openapi
    from .core.engine import Config

    engine = new_engine(Config())
    try:
        if platform != "emulator" and platform not in engine.platforms:
            raise UsageError(f"unknown platform {platform!r}; known: emulator, {', '.join(engine.platforms)}")
        document = openapi.build(create_app(engine), engine, None if platform == "emulator" else platform)
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    finally:
        engine.close()


def run_serve(args: argparse.Namespace) -> int:
    from .app import create_app
    from .core.engine import Config
    from .server import make_server

    config = Config(seed=args.seed, state=args.state, speed=args.speed, frozen=args.frozen,
                    platforms=args.platforms, settings=parse_settings(args.setting),
                    max_body_bytes=int(args.max_body_mb * 1024 * 1024), webhook_wait=args.webhook_wait,
                    journal_requests=args.journal_requests, journal_bytes=int(args.journal_mb * 1024 * 1024),
                    access_log=not args.quiet, control=args.control)
    check_state_path(args.state)
    hold_state(args.state)  # kept until the process exits; --workers children share it
    if args.workers > 1:
        if not args.state:
            raise UsageError("--workers needs --state: the processes share one state file")
        open_engine(config).close()  # the same checks as one process, before anything forks
        return run_workers(args, config)
    engine = open_engine(config)
    try:
        server = make_server(create_app(engine), args.threads, host=args.host, port=args.port)
    except (OSError, ValueError) as exc:  # waitress says ValueError for a host it cannot resolve
        engine.close()
        raise UsageError(listen_problem(args.host, args.port, exc)) from None
    bound = bound_url(args.host, server.effective_port)
    engine.config.public_url = args.public_url or bound
    engine.start_ticker()
    print_banner(engine, args, bound)

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored (a background job)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        engine.close()
        print("meeting-emulator stopped", flush=True)
    return 0


def bound_url(host: str, port: int) -> str:
    """Where the server listens, as a URL this machine can open."""
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def listening_line(bound: str, public_url: str) -> str:
    """The banner's first line: the bound address always (with --port 0 it is the only place the
    port is told), and the public URL when clients are to use another."""
    also = f" (clients use {public_url})" if public_url != bound else ""
    return f"meeting-emulator listening on {bound}{also}"


def print_banner(engine: "Engine", args: argparse.Namespace, bound: str) -> None:
    url = engine.config.public_url
    print(listening_line(bound, url), flush=True)
    for platform in engine.platforms.values():
        print(f"  {platform.title:<18} {url}{platform.api_prefix}", flush=True)
        if platform.auth_header:
            print(f"  {'':<18} {platform.auth_header}", flush=True)
        for line in platform.banner(engine) if platform.banner else []:
            print(f"  {'':<18} {line}", flush=True)
    if engine.config.control:
        print(f"  {'dashboard':<18} {url}/_emulator/", flush=True)
        print(f"  {'control API':<18} {url}/_emulator (OpenAPI: {url}/_emulator/openapi.json)", flush=True)
    else:
        print(f"  {'control':<18} off (--no-control): only {url}/_emulator/health", flush=True)
    print(f"  state: {args.state or 'in memory'}; seed {args.seed}; quickstarts: README.md and docs/; Ctrl-C stops", flush=True)


def check_state_path(state: str | None) -> None:
    """What SQLite would only say with a traceback, said as one line."""
    if not state:
        return
    path = Path(state)
    if path.is_dir():
        raise UsageError(f"--state {state}: is a directory; give a file path, e.g. {path / 'state.sqlite3'}")
    if not path.parent.is_dir():
        raise UsageError(f"--state {state}: the folder {path.parent} does not exist; create it first")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise UsageError(f"--state {state}: the file cannot be read and written; fix its permissions or pick another path")
    if not path.exists() and not os.access(path.parent, os.W_OK):
        raise UsageError(f"--state {state}: cannot create a file in {path.parent}; pick a folder you can write to")


def hold_state(state: str | None) -> None:
    from .core.state_lock import StateInUse, hold

    if state:
        try:
            hold(state)
        except StateInUse:
            raise UsageError(f"--state {state}: another meeting-emulator is serving this file; stop it, or give "
                             "another path (serve --workers N shares one file between its own processes)") from None
        except OSError as exc:
            raise UsageError(f"--state {state}: cannot be used ({exc.strerror}); give another path") from None


def open_engine(config: "Config") -> "Engine":
    from .app import new_engine
    from .core.store import StateFileError

    try:
        engine = new_engine(config)
    except StateFileError as exc:
        raise UsageError(f"--state {config.state}: {exc}; give another path") from None
    except sqlite3.DatabaseError as exc:
        what = ("is not a meeting-emulator state file" if "not a database" in str(exc)
                else "is damaged" if "malformed" in str(exc) else "cannot be used")
        raise UsageError(f"--state {config.state}: {what} (SQLite: {exc}); give another path") from None
    try:
        check_settings(engine, config.settings)
    except UsageError:
        engine.close()
        raise
    return engine


def check_settings(engine: "Engine", settings: dict[str, dict]) -> None:
    """--setting values, checked against the same schema as PATCH /_emulator/PLATFORM/settings."""
    from .core.schemas import UnknownSchema

    for platform, values in settings.items():
        if platform not in engine.platforms:
            raise UsageError(f"--setting {platform}.…: unknown platform {platform!r}; known: {', '.join(engine.platforms)}")
        try:
            schema = engine.schemas.schema(platform, "control.settings.request")
        except UnknownSchema:
            raise UsageError(f"--setting {platform}.…: {platform} has no settings") from None
        known = schema.get("properties", {})
        for name, value in values.items():
            if name not in known:
                raise UsageError(f"--setting {platform}.{name}: {platform} has no setting {name!r}; "
                                 f"known: {', '.join(known)}")
            errors = engine.schemas.errors(platform, "control.settings.request", {name: value})
            if errors:
                raise UsageError(f"--setting {platform}.{name}={json.dumps(value)}: {errors[0].message}")


def listen_problem(host: str, port: int, exc: OSError | ValueError) -> str:
    if isinstance(exc, ValueError):
        return f"cannot listen on {host}:{port}: {exc}; check --host"
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use: stop what is using it, or pass --port N (0 picks a free one)"
    if exc.errno == errno.EACCES:
        return f"no permission to listen on port {port}: use a port above 1023"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}; check --host and --port"


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the server the way Ctrl-C does."""
    raise KeyboardInterrupt


def run_workers(args: argparse.Namespace, config: "Config") -> int:
    """Several processes answer on one listening socket and share the state file: SQLite's locking
    keeps every change whole, each due action is run by exactly one of them."""
    import socket

    from .app import create_app, new_engine
    from .server import make_server

    try:
        listener = socket.create_server((args.host, args.port), backlog=1024, reuse_port=False)
    except OSError as exc:
        raise UsageError(listen_problem(args.host, args.port, exc)) from None
    bound = bound_url(args.host, listener.getsockname()[1])
    config.public_url = args.public_url or bound
    children = []
    for _ in range(args.workers):
        pid = os.fork()
        if pid == 0:  # a worker: its own engine on the shared file, its own threads
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers
            config.shared = True
            engine = new_engine(config)
            server = make_server(create_app(engine), args.threads, sockets=[listener])
            engine.start_ticker()
            signal.signal(signal.SIGTERM, _interrupt)
            try:
                server.run()
            except KeyboardInterrupt:
                pass
            finally:
                engine.close()
            os._exit(0)
        children.append(pid)
    print(f"{listening_line(bound, config.public_url)} with {args.workers} workers", flush=True)
    print(f"  state: {args.state}; seed {args.seed}; Ctrl-C stops", flush=True)

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        for pid in children:
            os.waitpid(pid, 0)
    except KeyboardInterrupt:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        for pid in children:
            os.waitpid(pid, 0)
    print("meeting-emulator stopped", flush=True)
    return 0


def parse_settings(items: list[str]) -> dict[str, dict]:
    """``PLATFORM.NAME=VALUE`` items as {platform: {name: value}}; JSON values, else text."""
    settings: dict[str, dict] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        platform, dot, name = key.partition(".")
        if not (sep and dot and platform and name):
            raise UsageError(f"--setting {item!r}: expected PLATFORM.NAME=VALUE, e.g. recall.webhook_endpoints='[\"http://...\"]'")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        settings.setdefault(platform, {})[name] = value
    return settings


if __name__ == "__main__":
    sys.exit(main())
