"""``/_emulator/requests`` (the request journal) and ``/_emulator/faults`` (fault rules)."""
from __future__ import annotations

import difflib

from flask import Blueprint, Response, current_app, request

from ..core.clock import parse_iso
from ..core.engine import Engine
from ..core.faults import glob_could_match
from ..core.http import json_response
from ..core.intercept import DOWNLOADS
from ..core.openapi import operation_index
from ..core.operations import Param, operation

STATUS_FILTER = {"type": "string", "pattern": "^[1-5]([0-9]{2}|xx)$|^0$",
                 "x-error": "a status (429), a class (4xx), or 0 (dropped)"}


def add_traffic_routes(bp: Blueprint, engine: Engine, control_body, control_error) -> None:
    def operations() -> dict[str, set[str]]:
        known: dict[str, set[str]] = {name: set() for name in engine.platforms}
        for (_, _), op in operation_index(current_app, engine)[0].items():
            known[op.split(".", 1)[0]].add(op)
        known[DOWNLOADS] = {"s3.download"}
        return known

    @bp.get("/requests")
    @operation("The request journal: every request to a platform API (and the download links), oldest first; "
               "unmatched ones carry their near misses",
               {200: "requests.response"},
               query=(Param("platform", {"type": "string"}), Param("operation", {"type": "string"}),
                      Param("method", {"type": "string"}), Param("path", {"type": "string"},
                                                                 "a glob: /recall/api/v1/bot/*"),
                      Param("status", STATUS_FILTER, "a status (429) or a class (4xx)"),
                      Param("since", {"type": "string", "format": "date-time"}, "emulator time"),
                      Param("matched", {"type": "boolean"}, "false: only requests no endpoint matched")))
    def requests() -> Response:
        args = request.args
        since = args.get("since")
        entries = engine.journal.entries(
            platform=args.get("platform"), operation=args.get("operation"), method=args.get("method"),
            path=args.get("path"), status=args.get("status"), since=parse_iso(since) if since else None,
            matched=None if "matched" not in args else args["matched"] == "true")
        listed = [e.public() for e in entries]
        return json_response({"count": len(listed), "requests": listed})

    @bp.delete("/requests")
    @operation("Empty the request journal", {200: "requests.response"})
    def clear_requests() -> Response:
        engine.journal.clear()
        return json_response({"count": 0, "requests": []})

    @bp.post("/faults")
    @operation("Add a fault rule: an API that errs, stalls, drops the connection or garbles its answer, or "
               "webhooks that come late, twice, out of order or not at first",
               {201: "fault", 400: "error"}, request="fault.request")
    def add_fault() -> Response:
        rule = control_body(engine, "fault.request")
        rule.setdefault("on", "api")
        known = operations()
        platforms = sorted(known) if rule["on"] == "api" else sorted(engine.platforms)
        if rule["platform"] not in platforms:
            raise control_error(400, f"invalid body: $.platform: {rule['platform']!r} is not one of {platforms}")
        wanted = rule.get("operation")
        if wanted is not None and wanted not in known[rule["platform"]]:
            close = difflib.get_close_matches(wanted, sorted(known[rule["platform"]]), n=3, cutoff=0.5)
            hint = f" (closest: {', '.join(close)})" if close else " (see its OpenAPI document's operationIds)"
            raise control_error(400, f"invalid body: $.operation: {wanted!r} is not an operation of "
                                     f"{rule['platform']}{hint}")
        path = rule.get("path")
        if rule["on"] == "api" and path is not None and rule["platform"] != DOWNLOADS:
            templates = sorted({route.template for route in operation_index(current_app, engine)[1][rule["platform"]]})
            if not any(glob_could_match(path, template) for template in templates):
                close = difflib.get_close_matches(path, templates, n=3, cutoff=0.3)
                hint = f" (closest: {', '.join(close)})" if close else ""
                raise control_error(400, f"invalid body: $.path: {path!r} matches no path of {rule['platform']}, so "
                                         f"the rule could never act; paths are whole request paths{hint}")
        return json_response(engine.faults.add(rule), 201)

    @bp.get("/faults")
    @operation("The live fault rules, oldest first (spent and expired ones are gone)", {200: "faults.response"},
               query=(Param("on", {"enum": ["api", "webhooks"]}), Param("platform", {"type": "string"})))
    def list_faults() -> Response:
        listed = engine.faults.list(request.args.get("on"), request.args.get("platform"))
        return json_response({"count": len(listed), "faults": listed})

    @bp.delete("/faults")
    @operation("Remove every fault rule", {200: "fault.deleted"})
    def clear_faults() -> Response:
        count = len(engine.faults.list())
        engine.faults.clear()
        return json_response({"deleted": count})

    @bp.get("/faults/<fault_id>")
    @operation("One fault rule, with its hits and what remains of it", {200: "fault", 404: "error"})
    def get_fault(fault_id: str) -> Response:
        rule = engine.faults.get(fault_id)
        if rule is None:
            raise control_error(404, f"no live fault rule {fault_id!r} (spent, expired, removed or never made)")
        return json_response(rule)

    @bp.delete("/faults/<fault_id>")
    @operation("Remove one fault rule", {200: "fault.deleted", 404: "error"})
    def remove_fault(fault_id: str) -> Response:
        if not engine.faults.remove(fault_id):
            raise control_error(404, f"no live fault rule {fault_id!r} (spent, expired, removed or never made)")
        return json_response({"deleted": 1})
