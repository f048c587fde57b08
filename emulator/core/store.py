"""The platforms' state in SQLite: documents, due actions, files, webhook deliveries, inboxes.

In memory by default, a file when given a path. Every change happens inside ``transaction()``:
one SQLite transaction (``BEGIN IMMEDIATE``) under a process-wide lock, so concurrent threads or
worker processes sharing the file never lose or half-apply an update. All SQL lives here, behind
this small interface, so another database could replace SQLite without touching the platforms.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from typing import Any, Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT, seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (kind, id));
CREATE INDEX IF NOT EXISTS documents_parent ON documents (kind, parent, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS timeline (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, due REAL NOT NULL, action TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS timeline_due ON timeline (due, seq);
CREATE TABLE IF NOT EXISTS blobs (
    key TEXT PRIMARY KEY, content BLOB NOT NULL, content_type TEXT NOT NULL, filename TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, platform TEXT NOT NULL,
    event TEXT NOT NULL, url TEXT NOT NULL, data TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attempts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_delivery ON attempts (delivery_id, seq);
CREATE TABLE IF NOT EXISTS inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS inbox_name ON inbox (name, seq);
"""
TABLES = ("documents", "meta", "timeline", "blobs", "deliveries", "attempts", "inbox")


class Store:
    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._lock = threading.RLock()
        self._local = threading.local()
        if path:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """One atomic unit of work; nested calls join the outer transaction."""
        with self._lock:
            depth = getattr(self._local, "depth", 0)
            self._local.depth = depth + 1
            try:
                if depth == 0:
                    self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    if depth == 0:
                        self._conn.execute("ROLLBACK")
                    raise
                else:
                    if depth == 0:
                        self._conn.execute("COMMIT")
            finally:
                self._local.depth = depth

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit inside a transaction that can fail alone without undoing the rest."""
        with self.transaction():
            self._conn.execute("SAVEPOINT unit")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK TO unit")
                self._conn.execute("RELEASE unit")
                raise
            self._conn.execute("RELEASE unit")

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def _write(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self.transaction():
            return self._conn.execute(sql, args)

    def reset(self) -> None:
        with self.transaction():
            for table in TABLES:
                self._conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
            self._conn.execute("DELETE FROM sqlite_sequence")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- documents -------------------------------------------------------------------------
    def put(self, kind: str, id: str, doc: dict, parent: str | None = None) -> dict:
        """Insert or replace a document; its position in listings is kept on replace."""
        with self.transaction():
            row = self._conn.execute(
                "SELECT seq FROM documents WHERE kind=? AND id=?", (kind, id)
            ).fetchone()
            seq = row[0] if row else self.next_seq("documents")
            self._conn.execute(
                "INSERT OR REPLACE INTO documents (kind, id, parent, seq, data) VALUES (?,?,?,?,?)",
                (kind, id, parent, seq, json.dumps(doc)),
            )
        return doc

    def get(self, kind: str, id: str) -> dict | None:
        rows = self._rows("SELECT data FROM documents WHERE kind=? AND id=?", (kind, id))
        return json.loads(rows[0][0]) if rows else None

    def delete(self, kind: str, id: str) -> bool:
        return self._write("DELETE FROM documents WHERE kind=? AND id=?", (kind, id)).rowcount > 0

    def find(self, kind: str, parent: str | None = None) -> list[dict]:
        """Documents of a kind (optionally under one parent) in creation order."""
        if parent is None:
            rows = self._rows("SELECT data FROM documents WHERE kind=? ORDER BY seq", (kind,))
        else:
            rows = self._rows(
                "SELECT data FROM documents WHERE kind=? AND parent=? ORDER BY seq", (kind, parent)
            )
        return [json.loads(r[0]) for r in rows]

    # -- counters and settings -------------------------------------------------------------
    def next_seq(self, name: str) -> int:
        with self.transaction():
            current = int(self.get_meta(f"seq:{name}", 0))
            self.set_meta(f"seq:{name}", current + 1)
        return current + 1

    def get_meta(self, key: str, default: Any = None) -> Any:
        rows = self._rows("SELECT value FROM meta WHERE key=?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def set_meta(self, key: str, value: Any) -> None:
        self._write("INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)", (key, json.dumps(value)))

    # -- timeline --------------------------------------------------------------------------
    def schedule(self, due: float, action: str, payload: dict) -> None:
        self._write(
            "INSERT INTO timeline (due, action, payload) VALUES (?,?,?)",
            (due, action, json.dumps(payload)),
        )

    def pop_due(self, until: float) -> tuple[float, str, dict] | None:
        """Remove and return the earliest action due at or before ``until`` (ties: first scheduled)."""
        with self.transaction():
            row = self._conn.execute(
                "SELECT seq, due, action, payload FROM timeline WHERE due <= ? ORDER BY due, seq LIMIT 1",
                (until,),
            ).fetchone()
            if row is None:
                return None
            self._conn.execute("DELETE FROM timeline WHERE seq=?", (row[0],))
        return row[1], row[2], json.loads(row[3])

    def next_due(self) -> float | None:
        rows = self._rows("SELECT MIN(due) FROM timeline")
        return rows[0][0]

    def pending_actions(self) -> list[dict]:
        rows = self._rows("SELECT due, action, payload FROM timeline ORDER BY due, seq")
        return [{"due": r[0], "action": r[1], "payload": json.loads(r[2])} for r in rows]

    # -- files -----------------------------------------------------------------------------
    def put_blob(self, key: str, content: bytes, content_type: str, filename: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO blobs (key, content, content_type, filename) VALUES (?,?,?,?)",
            (key, content, content_type, filename),
        )

    def get_blob(self, key: str) -> tuple[bytes, str, str] | None:
        rows = self._rows("SELECT content, content_type, filename FROM blobs WHERE key=?", (key,))
        return (bytes(rows[0][0]), rows[0][1], rows[0][2]) if rows else None

    def delete_blob(self, key: str) -> bool:
        return self._write("DELETE FROM blobs WHERE key=?", (key,)).rowcount > 0

    # -- webhook deliveries ----------------------------------------------------------------
    def add_delivery(self, delivery: dict) -> None:
        self._write(
            "INSERT INTO deliveries (id, platform, event, url, data, status) VALUES (?,?,?,?,?,?)",
            (delivery["id"], delivery["platform"], delivery["event"], delivery["url"],
             json.dumps(delivery), delivery["status"]),
        )

    def update_delivery(self, delivery: dict) -> None:
        self._write(
            "UPDATE deliveries SET data=?, status=? WHERE id=?",
            (json.dumps(delivery), delivery["status"], delivery["id"]),
        )

    def get_delivery(self, delivery_id: str) -> dict | None:
        rows = self._rows("SELECT data FROM deliveries WHERE id=?", (delivery_id,))
        return json.loads(rows[0][0]) if rows else None

    def deliveries(self, platform: str | None = None, status: str | None = None) -> list[dict]:
        sql, args = "SELECT data FROM deliveries WHERE 1=1", []
        if platform:
            sql, args = sql + " AND platform=?", [*args, platform]
        if status:
            sql, args = sql + " AND status=?", [*args, status]
        return [json.loads(r[0]) for r in self._rows(sql + " ORDER BY seq", tuple(args))]

    def add_attempt(self, delivery_id: str, attempt: dict) -> None:
        self._write(
            "INSERT INTO attempts (delivery_id, data) VALUES (?,?)", (delivery_id, json.dumps(attempt))
        )

    def attempts(self, delivery_id: str) -> list[dict]:
        rows = self._rows("SELECT data FROM attempts WHERE delivery_id=? ORDER BY seq", (delivery_id,))
        return [json.loads(r[0]) for r in rows]

    # -- inbox -----------------------------------------------------------------------------
    def add_inbox(self, name: str, message: dict) -> None:
        self._write("INSERT INTO inbox (name, data) VALUES (?,?)", (name, json.dumps(message)))

    def inbox(self, name: str) -> list[dict]:
        return [json.loads(r[0]) for r in self._rows("SELECT data FROM inbox WHERE name=? ORDER BY seq", (name,))]

    def clear_inbox(self, name: str) -> None:
        self._write("DELETE FROM inbox WHERE name=?", (name,))
