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
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT,
    data TEXT NOT NULL, UNIQUE (kind, id));
CREATE INDEX IF NOT EXISTS documents_parent ON documents (kind, parent, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS timeline (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, due REAL NOT NULL, action TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS timeline_due ON timeline (due, seq);
CREATE TABLE IF NOT EXISTS blobs (
    key TEXT PRIMARY KEY, content BLOB NOT NULL, content_type TEXT NOT NULL, filename TEXT NOT NULL,
    recipe TEXT);
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
SQLITE_OWN = ("sqlite_sequence", "sqlite_stat1", "sqlite_stat4")  # tables SQLite itself adds


class StateFileError(sqlite3.DatabaseError):
    """A state file the emulator will not use: another program's database, or a damaged one."""


def check_state_file(conn: sqlite3.Connection) -> None:
    """Refuse, before anything is written, a file that holds another program's tables or fails
    SQLite's integrity check (it would answer ``DatabaseError`` on some later read)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    foreign = sorted(tables - set(TABLES) - set(SQLITE_OWN))
    if foreign:
        raise StateFileError(f"is another program's database (it has the tables {', '.join(foreign[:5])}), "
                             "not a meeting-emulator state file")
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        raise StateFileError(f"is damaged (SQLite's integrity check: {'; '.join(problems)})")


class Store:
    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._lock = threading.RLock()
        self._local = threading.local()
        # Documents as last written, so a read needs neither the lock nor a query. Cleared on any
        # rollback; not used when other processes share the file (they could change a row).
        self._cache: dict[tuple[str, str], str | None] | None = {}
        if path:
            try:
                check_state_file(self._conn)
            except sqlite3.DatabaseError:
                self._conn.close()
                raise
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)

    # -- transactions ----------------------------------------------------------------------
    def transaction(self) -> _Transaction:
        """One atomic unit of work; nested calls join the outer transaction."""
        return _Transaction(self)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit inside a transaction that can fail alone without undoing the rest."""
        if not getattr(self._local, "depth", 0):
            with self.transaction(), self.savepoint():
                yield
            return
        self._conn.execute("SAVEPOINT unit")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK TO unit")
            self._conn.execute("RELEASE unit")
            self._forget()
            raise
        self._conn.execute("RELEASE unit")

    def unit_begin(self) -> None:
        """savepoint() without the context manager, for the timeline's hot loop (inside a transaction)."""
        self._conn.execute("SAVEPOINT unit")

    def unit_end(self, failed: bool) -> None:
        if failed:
            self._conn.execute("ROLLBACK TO unit")
            self._forget()
        self._conn.execute("RELEASE unit")

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def _write(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        if getattr(self._local, "depth", 0):  # inside a transaction: this thread holds the lock
            return self._conn.execute(sql, args)
        with self.transaction():
            return self._conn.execute(sql, args)

    def share(self) -> None:
        """Other processes write the same file: every read goes to the database, and what they commit
        from now on is noticed (called before anything is read, so no commit goes unseen)."""
        self._cache = None
        with self._lock:
            self._data_version = self._conn.execute("PRAGMA data_version").fetchone()[0]

    def _forget(self) -> None:
        if self._cache is not None:
            self._cache.clear()

    def in_transaction(self) -> bool:
        """Whether this thread is inside ``transaction()``."""
        return bool(getattr(self._local, "depth", 0))

    def changed_elsewhere(self) -> bool:
        """Whether another connection (another worker process) committed since the last call."""
        with self._lock:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        changed = version != getattr(self, "_data_version", version)  # unshared: nothing else writes
        self._data_version = version
        return changed

    def reset(self) -> None:
        with self.transaction():
            for table in TABLES:
                self._conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
            self._conn.execute("DELETE FROM sqlite_sequence")
            self._forget()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- documents -------------------------------------------------------------------------
    def put(self, kind: str, id: str, doc: dict, parent: str | None = None) -> dict:
        """Insert or replace a document; its position in listings is kept on replace."""
        text = json.dumps(doc)
        with self.transaction():
            self._conn.execute(
                "INSERT INTO documents (kind, id, parent, data) VALUES (?,?,?,?) "
                "ON CONFLICT (kind, id) DO UPDATE SET parent=excluded.parent, data=excluded.data",
                (kind, id, parent, text),
            )
            self._invalidate(kind, id)
        return doc

    def _invalidate(self, kind: str, id: str) -> None:
        # A write drops the cached copy; the next read outside a transaction, under the lock, puts
        # the committed row back. So a cached document is always a committed one.
        if self._cache is not None:
            self._cache.pop((kind, id), None)

    def get(self, kind: str, id: str) -> dict | None:
        cache = self._cache
        if cache is not None and (kind, id) in cache:
            text = cache[(kind, id)]
            return json.loads(text) if text is not None else None
        with self._lock:
            row = self._conn.execute("SELECT data FROM documents WHERE kind=? AND id=?", (kind, id)).fetchone()
            text = row[0] if row else None
            if cache is not None and getattr(self._local, "depth", 0) == 0:  # committed: keep it
                if len(cache) > 100_000:
                    cache.clear()
                cache[(kind, id)] = text
        return json.loads(text) if text is not None else None

    def delete(self, kind: str, id: str) -> bool:
        with self.transaction():
            deleted = self._conn.execute("DELETE FROM documents WHERE kind=? AND id=?", (kind, id)).rowcount > 0
            self._invalidate(kind, id)
        return deleted

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
        """1, 2, 3, ... per name; atomic, and kept with the rest of the state."""
        with self.transaction():
            row = self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, '1') "
                "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value",
                (f"seq:{name}",),
            ).fetchone()
        return int(row[0])

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
        self._local.earliest_new = min(getattr(self._local, "earliest_new", float("inf")), due)

    def watch_schedules(self) -> None:
        """Start noting the earliest due time scheduled from now on (in this thread)."""
        self._local.earliest_new = float("inf")

    def earliest_scheduled(self) -> float:
        return getattr(self._local, "earliest_new", float("inf"))

    def due_batch(self, until: float, limit: int) -> list[tuple[int, float, str, dict]]:
        """The earliest actions due at or before ``until``, in order: (seq, due, action, payload)."""
        rows = self._rows(
            "SELECT seq, due, action, payload FROM timeline WHERE due <= ? ORDER BY due, seq LIMIT ?", (until, limit)
        )
        return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    def remove_actions(self, seqs: list[int]) -> None:
        with self.transaction():
            self._conn.executemany("DELETE FROM timeline WHERE seq=?", [(seq,) for seq in seqs])

    def next_due(self) -> float | None:
        rows = self._rows("SELECT MIN(due) FROM timeline")
        return rows[0][0]

    def pending_actions(self, limit: int = -1) -> list[dict]:
        rows = self._rows("SELECT due, action, payload FROM timeline ORDER BY due, seq LIMIT ?", (limit,))
        return [{"due": r[0], "action": r[1], "payload": json.loads(r[2])} for r in rows]

    # -- files -----------------------------------------------------------------------------
    def put_blob(self, key: str, content: bytes, content_type: str, filename: str,
                 recipe: dict | None = None) -> None:
        """Store a file's bytes, or the recipe that makes them (media is made when downloaded)."""
        self._write(
            "INSERT OR REPLACE INTO blobs (key, content, content_type, filename, recipe) VALUES (?,?,?,?,?)",
            (key, content, content_type, filename, json.dumps(recipe) if recipe else None),
        )

    def get_blob(self, key: str) -> tuple[bytes, str, str, dict | None] | None:
        rows = self._rows("SELECT content, content_type, filename, recipe FROM blobs WHERE key=?", (key,))
        if not rows:
            return None
        content, content_type, filename, recipe = rows[0]
        return bytes(content), content_type, filename, json.loads(recipe) if recipe else None

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

    def add_attempt(self, delivery_id: str, attempt: dict) -> int:
        """Log an attempt; returns its number in the log, for ``update_attempt``."""
        return self._write(
            "INSERT INTO attempts (delivery_id, data) VALUES (?,?)", (delivery_id, json.dumps(attempt))
        ).lastrowid

    def update_attempt(self, seq: int, attempt: dict) -> None:
        self._write("UPDATE attempts SET data=? WHERE seq=?", (json.dumps(attempt), seq))

    def mark_attempts(self, delivery_id: str, error: str, replacement: str) -> None:
        """Give a delivery's attempts logged with ``error`` the error ``replacement`` instead."""
        for seq, text in self._rows("SELECT seq, data FROM attempts WHERE delivery_id=?", (delivery_id,)):
            attempt = json.loads(text)
            if attempt.get("error") == error:
                attempt["error"] = replacement
                self.update_attempt(seq, attempt)

    def attempts(self, delivery_id: str) -> list[dict]:
        rows = self._rows("SELECT data FROM attempts WHERE delivery_id=? ORDER BY seq", (delivery_id,))
        return [json.loads(r[0]) for r in rows]

    # -- inbox -----------------------------------------------------------------------------
    def add_inbox(self, name: str, message: dict, max_messages: int, max_bytes: int,
                  total_bytes: int | None = None) -> None:
        """Keep a message; the inbox then drops its oldest ones beyond ``max_messages`` or ``max_bytes``,
        and all inboxes together their oldest beyond ``total_bytes``."""
        with self.transaction():
            self._conn.execute("INSERT INTO inbox (name, data) VALUES (?,?)", (name, json.dumps(message)))
            kept = total = 0
            rows = self._conn.execute("SELECT seq, length(CAST(data AS BLOB)) FROM inbox WHERE name=? ORDER BY seq DESC", (name,))
            for seq, size in rows.fetchall():
                kept, total = kept + 1, total + size
                if kept > max_messages or (total > max_bytes and kept > 1):
                    self._conn.execute("DELETE FROM inbox WHERE name=? AND seq<=?", (name, seq))
                    break
            if total_bytes is not None:
                self._trim_inboxes(total_bytes)

    def _trim_inboxes(self, total_bytes: int) -> None:
        size = self._conn.execute("SELECT coalesce(sum(length(CAST(data AS BLOB))), 0) FROM inbox").fetchone()[0]
        if size <= total_bytes:
            return
        for seq, length in self._conn.execute("SELECT seq, length(CAST(data AS BLOB)) FROM inbox ORDER BY seq").fetchall():
            size -= length
            if size <= total_bytes:
                self._conn.execute("DELETE FROM inbox WHERE seq<=?", (seq,))
                return

    def inbox(self, name: str) -> list[dict]:
        return [json.loads(r[0]) for r in self._rows("SELECT data FROM inbox WHERE name=? ORDER BY seq", (name,))]

    def inbox_names(self, limit: int = -1) -> list[str]:
        """Inbox names, the one that received last first."""
        return [r[0] for r in self._rows("SELECT name FROM inbox GROUP BY name ORDER BY max(seq) DESC LIMIT ?",
                                         (limit,))]

    def clear_inbox(self, name: str) -> None:
        self._write("DELETE FROM inbox WHERE name=?", (name,))


class _Transaction:
    """``with store.transaction():`` as a plain class: it is on every write's path."""

    __slots__ = ("store", "depth")

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Store:
        store = self.store
        store._lock.acquire()
        self.depth = getattr(store._local, "depth", 0)
        store._local.depth = self.depth + 1
        if self.depth == 0:
            try:
                store._conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                store._local.depth = 0
                store._lock.release()
                raise
        return store

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        store = self.store
        try:
            if self.depth == 0:
                if kind is None:
                    try:
                        store._conn.execute("COMMIT")
                    except BaseException:  # a failed commit must not leave the transaction open
                        store._conn.execute("ROLLBACK")
                        store._forget()
                        raise
                else:
                    store._conn.execute("ROLLBACK")
                    store._forget()
        finally:
            store._local.depth = self.depth
            store._lock.release()
