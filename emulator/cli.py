"""The ``meeting-emulator`` command: serve, validate, schemas."""
from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .core.schemas import SchemaCatalogue, UnknownSchema, json_path

if TYPE_CHECKING:
    from .core.engine import Config


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="meeting-emulator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the emulator as a local HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--seed", type=int, default=0, help="same seed and same calls give the same ids and content")
    serve.add_argument("--speed", type=float, default=1.0, help="emulator seconds per real second")
    serve.add_argument("--frozen", action="store_true", help="start with the clock frozen (it then moves only on request)")
    serve.add_argument("--state", metavar="PATH", help="keep state in this SQLite file across restarts")
    serve.add_argument("--platform", action="append", dest="platforms", metavar="NAME",
                       help="serve only this platform (repeatable); default: all")
    serve.add_argument("--public-url", help="how clients reach this server (default: http://HOST:PORT)")
    serve.add_argument("--threads", type=int, default=16, help="request-handling threads")
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes sharing the port and the --state file (default 1)")
    serve.add_argument("--setting", action="append", default=[], metavar="PLATFORM.NAME=VALUE",
                       help="a platform setting (repeatable), e.g. 100ms.app_secret=s3cret; values are JSON "
                            "or plain text")

    validate = commands.add_parser("validate", help="validate JSON files against a platform's schema")
    validate.add_argument("--platform", required=True)
    validate.add_argument("--schema", required=True, help="schema name, e.g. file.transcript")
    validate.add_argument("files", nargs="+", metavar="FILE")

    schemas = commands.add_parser("schemas", help="list the schema names")
    schemas.add_argument("--platform")

    spec = commands.add_parser("openapi", help="print a platform's OpenAPI document (or the control API's)")
    spec.add_argument("--platform", required=True, help="a platform name, or 'emulator' for the control API")

    contract = commands.add_parser("contract", help="check a target (default: an emulator here) keeps the contract")
    contract.add_argument("--platform", action="append", dest="platforms", metavar="NAME",
                          help="platform to check (repeatable); default: all")
    contract.add_argument("--base-url", help="an emulator root (http://127.0.0.1:8765) or a vendor API base URL")
    contract.add_argument("--api-key", help="credentials for the target")
    contract.add_argument("--examples", type=int, default=25, help="hypothesis examples per check")

    args = parser.parse_args(argv)
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


def run_openapi(platform: str) -> int:
    from .app import create_app
    from .core import openapi
    from .core.engine import Config, Engine

    engine = Engine(Config())
    try:
        if platform != "emulator" and platform not in engine.platforms:
            print(f"unknown platform {platform!r}; known: emulator, {', '.join(engine.platforms)}", file=sys.stderr)
            return 2
        document = openapi.build(create_app(engine), engine, None if platform == "emulator" else platform)
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    finally:
        engine.close()


def run_serve(args: argparse.Namespace) -> int:
    from waitress import create_server

    from .app import create_app
    from .core.engine import Config, Engine

    try:
        config = Config(seed=args.seed, state=args.state, speed=args.speed, frozen=args.frozen,
                        platforms=args.platforms, settings=parse_settings(args.setting))
        engine = Engine(config)
    except ValueError as exc:
        print(f"meeting-emulator: {exc}", file=sys.stderr)
        return 2
    unknown = sorted(set(config.settings) - set(engine.platforms))
    if unknown:
        print(f"meeting-emulator: --setting for unknown platform(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    if args.workers > 1:
        engine.close()
        if not args.state:
            print("meeting-emulator: --workers needs --state: the processes share one state file", file=sys.stderr)
            return 2
        return run_workers(args, config)
    server = create_server(create_app(engine), host=args.host, port=args.port, threads=args.threads,
                           ident="meeting-emulator")
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
    engine.config.public_url = (args.public_url or f"http://{host}:{server.effective_port}").rstrip("/")
    engine.start_ticker()
    print(f"meeting-emulator listening on {engine.config.public_url}", flush=True)
    for name, platform in engine.platforms.items():
        print(f"  {platform.title:<18} {engine.config.public_url}{platform.api_prefix}", flush=True)
        for line in platform.banner(engine) if platform.banner else []:
            print(f"  {'':<18} {line}", flush=True)
    print(f"  {'control':<18} {engine.config.public_url}/_emulator", flush=True)
    print(f"  state: {args.state or 'in memory'}; seed {args.seed}; Ctrl-C stops", flush=True)

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


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the server the way Ctrl-C does."""
    raise KeyboardInterrupt


def run_workers(args: argparse.Namespace, config: "Config") -> int:
    """Several processes answer on one listening socket and share the state file: SQLite's locking
    keeps every change whole, each due action is run by exactly one of them."""
    import os
    import socket

    from waitress import create_server

    from .app import create_app
    from .core.engine import Engine

    listener = socket.create_server((args.host, args.port), backlog=1024, reuse_port=False)
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
    config.public_url = (args.public_url or f"http://{host}:{listener.getsockname()[1]}").rstrip("/")
    children = []
    for _ in range(args.workers):
        pid = os.fork()
        if pid == 0:  # a worker: its own engine on the shared file, its own threads
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers
            config.shared = True
            engine = Engine(config)
            server = create_server(create_app(engine), sockets=[listener], threads=args.threads,
                                   ident="meeting-emulator")
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
    print(f"meeting-emulator listening on {config.public_url} with {args.workers} workers", flush=True)
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
            raise ValueError(f"--setting {item!r}: expected PLATFORM.NAME=VALUE")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        settings.setdefault(platform, {})[name] = value
    return settings


def run_validate(platform: str, schema: str, files: list[str]) -> int:
    catalogue = SchemaCatalogue()
    if platform not in catalogue.platforms():
        print(f"unknown platform {platform!r}; known: {', '.join(catalogue.platforms())}", file=sys.stderr)
        return 2
    try:
        catalogue.validator(platform, schema)
    except UnknownSchema:
        print(f"unknown schema {schema!r} for {platform}; known: {', '.join(catalogue.names(platform))}",
              file=sys.stderr)
        return 2
    documents = []
    for name in files:
        path = Path(name)
        if not path.is_file():
            print(f"{name}: no such file", file=sys.stderr)
            return 2
        try:
            documents.append((name, json.loads(path.read_bytes())))
        except (ValueError, UnicodeDecodeError) as exc:
            print(f"{name}: not JSON: {exc}", file=sys.stderr)
            return 2
    failed = False
    for name, document in documents:
        errors = catalogue.errors(platform, schema, document)
        for error in errors:
            print(f"{name}: {json_path(error.absolute_path)}: {error.message}")
        if errors:
            failed = True
        else:
            print(f"{name}: valid {platform}/{schema}")
    return 1 if failed else 0


def run_schemas(platform: str | None) -> int:
    catalogue = SchemaCatalogue()
    if platform is not None and platform not in catalogue.platforms():
        print(f"unknown platform {platform!r}; known: {', '.join(catalogue.platforms())}", file=sys.stderr)
        return 2
    for name in catalogue.names(platform):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
