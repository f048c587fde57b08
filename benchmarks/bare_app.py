"""The baseline: a bare Flask app answering a fixed JSON body, served exactly as the emulator is."""
from __future__ import annotations

import json
import os
import sys

from flask import Flask, Response
from waitress import serve


def make_app(body: bytes) -> Flask:
    app = Flask("bare")

    @app.route("/object", methods=["GET", "POST"])
    def obj() -> Response:
        return Response(body, mimetype="application/json")

    json.loads(body)  # the same JSON the emulator answers
    return app


def main() -> None:
    port, body_file = int(sys.argv[1]), sys.argv[2]
    server = sys.argv[3] if len(sys.argv) > 3 else "waitress"
    body = open(body_file, "rb").read()
    if server == "granian":  # one worker process, 16 blocking threads, as waitress has
        from granian import Granian
        from granian.constants import Interfaces

        os.environ["BARE_BODY_FILE"] = body_file
        Granian("bare_app:from_environment", address="127.0.0.1", port=port, interface=Interfaces.WSGI,
                workers=1, blocking_threads=16, factory=True).serve()
        return
    serve(make_app(body), host="127.0.0.1", port=port, threads=16, ident="bare", _quiet=True)


def from_environment() -> Flask:
    return make_app(open(os.environ["BARE_BODY_FILE"], "rb").read())


if __name__ == "__main__":
    main()
