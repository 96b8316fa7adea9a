"""The company file's storage: one SQLite database, one generic table of objects.

A QuickBooks company file is one file; so is this one (``:memory:`` until snapshotted). Every list
element and transaction is one row of ``objects``: a few indexed columns every family shares (kind,
ListID/TxnID, Name/FullName, parent, active, TimeModified, EditSequence, RefNumber, TxnDate) plus the
record itself as a JSON document shaped like its qbXML Ret (element name → text / dict / list).
New object families therefore need no schema change: they store their Ret-shaped document and the
index columns are derived from it. Domain code talks to this module only through :class:`Store`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
#: How long a write waits for another process that holds the same file's write lock (SQLite busy timeout).
BUSY_TIMEOUT_SECONDS = 30.0

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    name_space TEXT,
    list_id TEXT UNIQUE,
    txn_id TEXT UNIQUE,
    name TEXT,
    full_name TEXT,
    full_name_key TEXT,
    parent_id TEXT,
    sublevel INTEGER,
    ref_number TEXT,
    txn_date TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    time_created TEXT,
    time_modified_utc TEXT,
    edit_sequence TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    time_deleted TEXT,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_objects_kind ON objects(kind, deleted);
CREATE INDEX IF NOT EXISTS ix_objects_name ON objects(name_space, full_name_key, deleted);
CREATE INDEX IF NOT EXISTS ix_objects_parent ON objects(parent_id);
CREATE INDEX IF NOT EXISTS ix_objects_modified ON objects(time_modified_utc);
CREATE INDEX IF NOT EXISTS ix_objects_ref ON objects(kind, ref_number);
CREATE INDEX IF NOT EXISTS ix_objects_full_name ON objects(full_name_key, kind, deleted);
CREATE INDEX IF NOT EXISTS ix_objects_list_order
    ON objects(kind, deleted, replace(full_name_key, ':', char(1)));
CREATE INDEX IF NOT EXISTS ix_objects_txn_order ON objects(kind, deleted, coalesce(txn_date, ''));
CREATE INDEX IF NOT EXISTS ix_objects_vendor_ref
    ON objects(kind, deleted, json_extract(doc, '$.VendorRef.ListID'));
"""

#: Transactions by the vendor they name (a vendor's balance from its bills); the expression is the index's.
VENDOR_REF = "json_extract(doc, '$.VendorRef.ListID')"

#: QuickBooks' list order -- hierarchical by name, each parent right before its children, names compared
#: case-insensitively -- as one SQL sort key. Ordering the parts of a FullName tuple-wise is the same as
#: ordering the whole casefolded FullName with ':' replaced by a character below every other one (U+0001
#: cannot occur in XML text), so "A:B" comes before "A B" and "A" before "A:B". The expression is indexed
#: (``ix_objects_list_order``): a list query reads its rows in answer order and stops at MaxReturned.
LIST_ORDER_KEY = "replace(full_name_key, ':', char(1))"
LIST_ORDER = f"{LIST_ORDER_KEY}, seq"
#: Transactions: by TxnDate, then entry order (indexed as ``ix_objects_txn_order``).
TXN_ORDER = "coalesce(txn_date, ''), seq"


def name_key(full_name: str) -> str:
    """QuickBooks compares names case-insensitively ("ACME" and "Acme" collide)."""
    return full_name.casefold()


def descendant_range(full_name: str) -> tuple[str, str]:
    """Bounds on :data:`LIST_ORDER_KEY` holding exactly the elements under ``full_name`` ("Name:…"):
    their keys are its key, U+0001, then more -- so between key + U+0001 and key + U+0002 (neither can
    occur in a name)."""
    key = name_key(full_name).replace(":", "\x01")
    return key + "\x01", key + "\x02"


def to_utc_text(value: str | None) -> str | None:
    """An aware ISO datetime string → UTC ISO text, so string order is time order."""
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(UTC).isoformat()


class FileBusy(Exception):
    """Another connection (another process serving the same file) held its write lock past the busy
    timeout."""

    def __init__(self, path: str, waited: float) -> None:
        super().__init__(f"the company file {path} stayed locked by another process for {waited:g} s")
        self.path = path
        self.waited = waited


@dataclass
class Record:
    """One stored object: its kind (``ItemService``, ``Customer``, ``Bill`` …) and Ret-shaped document."""

    kind: str
    doc: dict[str, Any]
    seq: int = 0
    name_space: str | None = None
    deleted: bool = False
    time_deleted: str | None = None

    @property
    def list_id(self) -> str | None:
        return self.doc.get("ListID")

    @property
    def txn_id(self) -> str | None:
        return self.doc.get("TxnID")

    @property
    def object_id(self) -> str:
        return self.doc.get("ListID") or self.doc.get("TxnID") or ""

    @property
    def full_name(self) -> str | None:
        return self.doc.get("FullName") or self.doc.get("Name")

    @property
    def edit_sequence(self) -> str | None:
        return self.doc.get("EditSequence")

    @property
    def is_active(self) -> bool:
        return self.doc.get("IsActive", "true") != "false"


class Store:
    """SQLite-backed store for one company file. Callers hold the company lock around every use.

    Another process may serve the same file: each outermost :meth:`transaction` takes the file's write
    lock first, so message sets from the two processes take turns (waiting up to ``busy_timeout``).
    """

    def __init__(self, path: str | Path | None = None, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = str(path) if path is not None else ":memory:"
        self.busy_timeout = busy_timeout
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                                     timeout=busy_timeout)
        self._conn.execute("PRAGMA foreign_keys=ON")
        # creates the tables of a new file and any index an older file lacks (indexes derive from columns)
        self._conn.executescript(_DDL)
        self._lock = threading.RLock()
        self._depth = 0

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self._conn.close()

    def backup_to(self, path: str | Path) -> None:
        """Copy the whole database to ``path`` (SQLite online backup: a consistent, identical file)."""
        target = sqlite3.connect(str(path))
        try:
            with self._lock:
                self._conn.backup(target)
        finally:
            target.close()

    def restore_from(self, path: str | Path) -> None:
        """Replace this database's content with the file at ``path``."""
        source = sqlite3.connect(str(path))
        try:
            with self._lock:
                source.backup(self._conn)
                self._conn.executescript(_DDL)  # a snapshot from an older version lacks newer indexes
        finally:
            source.close()

    # -- transactions ------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing unit (nested = savepoint): one qbXML request never half-applies."""
        with self._lock:
            name = f"sp{self._depth}"
            if self._depth == 0:
                self._begin_write()
            self._conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._conn.execute(f"ROLLBACK TO {name}")
                self._conn.execute(f"RELEASE {name}")
                if self._depth == 1:
                    self._conn.execute("COMMIT")  # the savepoint undid everything; end the outer BEGIN
                raise
            else:
                self._conn.execute(f"RELEASE {name}")
                if self._depth == 1:
                    self._conn.execute("COMMIT")
            finally:
                self._depth -= 1

    def _begin_write(self) -> None:
        """Take the file's write lock for the outermost transaction, waiting up to the busy timeout.

        Taken up front because SQLite refuses a read-to-write upgrade at once, without waiting: two
        processes serving one file that both read first and then write would have one of them fail
        with "database is locked". Up front, the second one waits until the first commits.
        """
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise FileBusy(self.path, self.busy_timeout) from exc

    # -- meta ----------------------------------------------------------------------------------------
    def meta_get(self, key: str, default: Any = None) -> Any:
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def meta_set(self, key: str, value: Any) -> None:
        self._conn.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, json.dumps(value, sort_keys=True)),
        )

    def meta_items(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._conn.execute("SELECT key, value FROM meta ORDER BY key")}

    # -- objects ---------------------------------------------------------------------------------
    @staticmethod
    def _columns(rec: Record) -> dict[str, Any]:
        doc = rec.doc
        full = doc.get("FullName") or doc.get("Name")
        parent = doc.get("ParentRef") or {}
        return {
            "kind": rec.kind,
            "name_space": rec.name_space,
            "list_id": doc.get("ListID"),
            "txn_id": doc.get("TxnID"),
            "name": doc.get("Name"),
            "full_name": full,
            "full_name_key": name_key(full) if full else None,
            "parent_id": parent.get("ListID") if isinstance(parent, dict) else None,
            "sublevel": int(doc["Sublevel"]) if "Sublevel" in doc else None,
            "ref_number": doc.get("RefNumber"),
            "txn_date": doc.get("TxnDate"),
            "active": 0 if doc.get("IsActive") == "false" else 1,
            "time_created": doc.get("TimeCreated"),
            "time_modified_utc": to_utc_text(doc.get("TimeModified")),
            "edit_sequence": doc.get("EditSequence"),
            "deleted": 1 if rec.deleted else 0,
            "time_deleted": rec.time_deleted,
            "doc": json.dumps(doc),
        }

    def insert(self, rec: Record) -> Record:
        cols = self._columns(rec)
        names = ", ".join(cols)
        marks = ", ".join("?" for _ in cols)
        cur = self._conn.execute(f"INSERT INTO objects({names}) VALUES({marks})", tuple(cols.values()))
        rec.seq = int(cur.lastrowid or 0)
        return rec

    def update(self, rec: Record) -> Record:
        cols = self._columns(rec)
        assignments = ", ".join(f"{k}=?" for k in cols)
        self._conn.execute(f"UPDATE objects SET {assignments} WHERE seq=?", (*cols.values(), rec.seq))
        return rec

    def hard_delete(self, rec: Record) -> None:
        self._conn.execute("DELETE FROM objects WHERE seq=?", (rec.seq,))

    def select(
        self,
        where: str = "1=1",
        params: Sequence[Any] = (),
        *,
        order: str = "seq",
        include_deleted: bool = False,
    ) -> list[Record]:
        """Records matching a SQL condition over the index columns (domain helpers build these)."""
        return list(self.iter_select(where, params, order=order, include_deleted=include_deleted))

    def iter_select(
        self,
        where: str = "1=1",
        params: Sequence[Any] = (),
        *,
        order: str = "seq",
        limit: int | None = None,
        include_deleted: bool = False,
    ) -> Iterator[Record]:
        """:meth:`select`, one record at a time: a document is decoded only when the caller reaches it,
        so a caller that stops after ten rows of an indexed order reads ten rows."""
        cond = where if include_deleted else f"({where}) AND deleted=0"
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        cursor = self._conn.execute(
            "SELECT seq, kind, name_space, deleted, time_deleted, doc FROM objects "
            f"WHERE {cond} ORDER BY {order}{tail}",
            tuple(params),
        )
        try:
            for r in cursor:
                yield Record(kind=r[1], name_space=r[2], deleted=bool(r[3]), time_deleted=r[4],
                             doc=json.loads(r[5]), seq=r[0])
        finally:
            cursor.close()

    def seqs(self, where: str = "1=1", params: Sequence[Any] = (), *, order: str = "seq") -> list[int]:
        """The ``seq`` of every live record matching ``where``, in ``order``, without reading documents."""
        return [int(r[0]) for r in self._conn.execute(
            f"SELECT seq FROM objects WHERE ({where}) AND deleted=0 ORDER BY {order}", tuple(params))]

    def by_seqs(self, seqs: Sequence[int]) -> list[Record]:
        """The live records with these ``seq`` values, in the given order (gone ones left out)."""
        if not seqs:
            return []
        found = {r.seq: r for r in self.select(f"seq IN ({','.join('?' for _ in seqs)})", tuple(seqs))}
        return [found[s] for s in seqs if s in found]

    def json_values(self, kind: str, *paths: str, vendor_id: str | None = None) -> list[tuple[Any, ...]]:
        """``json_extract`` of ``paths`` from every live record of ``kind`` (no full document parse);
        with ``vendor_id``, only those whose ``VendorRef`` names it (``ix_objects_vendor_ref``)."""
        columns = ", ".join("json_extract(doc, ?)" for _ in paths)
        cond, params = "kind=? AND deleted=0", [kind]
        if vendor_id is not None:
            cond += f" AND {VENDOR_REF}=?"
            params.append(vendor_id)
        return [tuple(row) for row in self._conn.execute(
            f"SELECT {columns} FROM objects WHERE {cond} ORDER BY seq", (*paths, *params))]

    def one(self, where: str, params: Sequence[Any] = (), *, include_deleted: bool = False) -> Record | None:
        found = self.select(where, params, include_deleted=include_deleted)
        return found[0] if found else None

    def count(self, where: str = "1=1", params: Sequence[Any] = ()) -> int:
        row = self._conn.execute(f"SELECT COUNT(*) FROM objects WHERE ({where}) AND deleted=0", tuple(params))
        return int(row.fetchone()[0])

    def dump(self) -> dict[str, Any]:
        """Everything, deterministic order (for state views and snapshot equality checks)."""
        return {
            "meta": self.meta_items(),
            "objects": [
                {"kind": r.kind, "deleted": r.deleted, "doc": r.doc}
                for r in self.select(include_deleted=True)
            ],
        }
