"""The baseline: a bare Flask app answering a fixed JSON body, served exactly as the emulator is."""
from __future__ import annotations

import json
import sys

from flask import Flask, Response
from waitress import serve


def main() -> None:
    port, body_file = int(sys.argv[1]), sys.argv[2]
    body = open(body_file, "rb").read()
    app = Flask("bare")

    @app.route("/object", methods=["GET", "POST"])
    def obj() -> Response:
        return Response(body, mimetype="application/json")

    json.loads(body)  # the same JSON the emulator answers
    serve(app, host="127.0.0.1", port=port, threads=16, ident="bare", _quiet=True)


if __name__ == "__main__":
    main()
