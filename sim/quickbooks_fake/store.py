"""The company file's storage: one SQLite database, one generic table of objects.

A QuickBooks company file is one file; so is this one (``:memory:`` until snapshotted). Every list
element and transaction is one row of ``objects``: a few indexed columns every family shares (kind,
ListID/TxnID, Name/FullName, parent, active, TimeModified, EditSequence, RefNumber, TxnDate) plus the
record itself as a JSON document shaped like its qbXML Ret (element name → text / dict / list).
New object families therefore need no schema change: they store their Ret-shaped document and the
index columns are derived from it. Domain code talks to this module only through :class:`Store`'s typed
methods (by id, by name, by kind, :class:`Criteria` for a query); SQL text never leaves this module.
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
from typing import Any, Literal

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


#: A query's answer order: entry order, QuickBooks' list order, or transaction order.
Order = Literal["entry", "list", "txn"]
_ORDER_SQL: dict[str, str] = {"entry": "seq", "list": LIST_ORDER, "txn": TXN_ORDER}
_NAME = "coalesce(full_name_key, '')"


@dataclass(frozen=True)
class NameMatch:
    """qbXML's NameFilter on the casefolded FullName: ``name`` is casefolded by the caller."""

    name: str
    criterion: Literal["StartsWith", "Contains", "EndsWith"] = "StartsWith"


@dataclass(frozen=True)
class NameRange:
    """qbXML's NameRangeFilter on the casefolded FullName (``high`` is also a prefix bound)."""

    low: str | None = None
    high: str | None = None


@dataclass(frozen=True)
class Criteria:
    """What a list or transaction query selects, answered from the index columns without a document.

    Bounds are inclusive: ``modified_*`` as UTC ISO text (see :func:`to_utc_text`), ``txn_date_*`` as
    canonical ``YYYY-MM-DD``; a record with no TimeModified never falls inside a modified bound.
    """

    kinds: tuple[str, ...]
    active: Literal["ActiveOnly", "InactiveOnly", "All"] = "All"
    modified_from: str | None = None
    modified_to: str | None = None
    name_match: NameMatch | None = None
    name_range: NameRange | None = None
    txn_date_from: str | None = None
    txn_date_to: str | None = None
    order: Order = "entry"


def _starts_with(column: str, prefix: str) -> tuple[str, list[Any]]:
    return f"substr({column}, 1, length(?)) = ?", [prefix, prefix]


def _name_match_sql(match: NameMatch) -> tuple[str, list[Any]]:
    # SQLite counts characters, as Python does, so substr/instr agree with str.startswith/in/endswith
    if match.criterion == "StartsWith":
        return _starts_with(_NAME, match.name)
    if match.criterion == "Contains":
        return f"instr({_NAME}, ?) > 0", [match.name]
    return f"(? = '' OR substr({_NAME}, -length(?)) = ?)", [match.name, match.name, match.name]


def _name_range_sql(bounds: NameRange) -> tuple[str, list[Any]]:
    conds: list[str] = []
    params: list[Any] = []
    if bounds.low is not None:
        conds.append(f"{_NAME} >= ?")
        params.append(bounds.low)
    if bounds.high is not None:
        prefix, prefix_params = _starts_with(_NAME, bounds.high)
        conds.append(f"({_NAME} <= ? OR {prefix})")
        params += [bounds.high, *prefix_params]
    return " AND ".join(conds) or "1=1", params


def _kinds_sql(kinds: tuple[str, ...]) -> str:
    # one kind as ``kind=?`` so SQLite walks the (kind, deleted, order) index in answer order
    return "kind=?" if len(kinds) == 1 else f"kind IN ({','.join('?' for _ in kinds)})"


def _criteria_sql(criteria: Criteria) -> tuple[str, list[Any]]:
    conds = [_kinds_sql(criteria.kinds)]
    params: list[Any] = list(criteria.kinds)
    if criteria.active == "ActiveOnly":
        conds.append("active=1")
    elif criteria.active == "InactiveOnly":
        conds.append("active=0")
    for cond, value in (("time_modified_utc >= ?", criteria.modified_from),
                        ("time_modified_utc <= ?", criteria.modified_to),
                        ("coalesce(txn_date, '') >= ?", criteria.txn_date_from),
                        ("coalesce(txn_date, '') <= ?", criteria.txn_date_to)):
        if value:
            conds.append(cond)
            params.append(value)
    for part in (_name_match_sql(criteria.name_match) if criteria.name_match else None,
                 _name_range_sql(criteria.name_range) if criteria.name_range else None):
        if part is not None:
            conds.append(part[0])
            params += part[1]
    return " AND ".join(conds), params


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" for _ in values)


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

    def _select(self, where: str = "1=1", params: Sequence[Any] = (), *, order: str = "seq",
                limit: int | None = None, include_deleted: bool = False) -> Iterator[Record]:
        """Records matching a condition over the index columns, one at a time: a document is decoded only
        when the caller reaches it, so a caller that stops after ten rows of an indexed order reads ten."""
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

    def _one(self, where: str, params: Sequence[Any]) -> Record | None:
        return next(self._select(where, params, limit=1), None)

    # -- one record ----------------------------------------------------------------------------------
    def by_list_id(self, list_id: str, kinds: Sequence[str] = ()) -> Record | None:
        """The live list element with this ListID (of one of ``kinds``, if given)."""
        if not kinds:
            return self._one("list_id=?", (list_id,))
        return self._one(f"list_id=? AND kind IN ({_marks(kinds)})", (list_id, *kinds))

    def by_txn_id(self, txn_id: str, kinds: Sequence[str] = ()) -> Record | None:
        """The live transaction (or link) with this TxnID (of one of ``kinds``, if given)."""
        if not kinds:
            return self._one("txn_id=?", (txn_id,))
        return self._one(f"txn_id=? AND kind IN ({_marks(kinds)})", (txn_id, *kinds))

    def by_full_name(self, full_name: str, kinds: Sequence[str]) -> Record | None:
        """The live element of one of ``kinds`` with this FullName, compared as QuickBooks does
        (case-insensitively)."""
        return self._one(f"full_name_key=? AND kind IN ({_marks(kinds)})", (name_key(full_name), *kinds))

    def by_list_id_or_name(self, kind: str, value: str) -> Record | None:
        """The first live element of ``kind`` whose ListID or FullName is ``value``."""
        return self._one("kind=? AND (list_id=? OR full_name_key=?)", (kind, value, name_key(value)))

    def name_taken(self, name_space: str, full_name: str, *, other_than: int) -> Record | None:
        """A live element of the name space (other than the record ``other_than``) with this FullName."""
        return self._one("name_space=? AND full_name_key=? AND seq<>?",
                         (name_space, name_key(full_name), other_than))

    def refers_to(self, list_id: str, *, other_than: int) -> bool:
        """True if a live document other than the record ``other_than`` holds ``"ListID": list_id``
        anywhere (a ParentRef, an AccountRef, a VendorRef, a line's ItemRef …)."""
        pattern = f'%"ListID": "{list_id}"%'
        return self._one("seq<>? AND doc LIKE ?", (other_than, pattern)) is not None

    def first_in_name_space(self, kind: str, name_space: str) -> Record | None:
        """The first live record of ``kind`` entered in ``name_space``."""
        return self._one("kind=? AND name_space=?", (kind, name_space))

    # -- many records --------------------------------------------------------------------------------
    def of_kinds(self, *kinds: str) -> list[Record]:
        """Every live record of ``kinds`` (every live record when none is given), in entry order."""
        if not kinds:
            return list(self._select())
        return list(self._select(_kinds_sql(kinds), kinds))

    def deleted_of_kinds(self, *kinds: str) -> list[Record]:
        """The deleted records of ``kinds`` (ListDeletedQuery, TxnDeletedQuery), in entry order."""
        return list(self._select(f"deleted=1 AND {_kinds_sql(kinds)}", kinds, include_deleted=True))

    def by_txn_ids(self, txn_ids: Sequence[str]) -> list[Record]:
        """The live records with these TxnIDs, in entry order (unknown ones left out)."""
        if not txn_ids:
            return []
        return list(self._select(f"txn_id IN ({_marks(txn_ids)})", txn_ids))

    def by_ref_number(self, kind: str, ref_number: str) -> list[Record]:
        """The live transactions of ``kind`` with this RefNumber, newest first."""
        return list(self._select("kind=? AND ref_number=?", (kind, ref_number), order="seq DESC"))

    def children(self, parent_id: str, kind: str | None = None) -> list[Record]:
        """The live elements whose ParentRef is ``parent_id`` (of ``kind``, if given), in entry order."""
        if kind is None:
            return list(self._select("parent_id=?", (parent_id,)))
        return list(self._select("parent_id=? AND kind=?", (parent_id, kind)))

    def descendants(self, kind: str, full_name: str) -> list[Record]:
        """The live elements of ``kind`` under ``full_name`` ("Name:…", any depth), in entry order
        (a range on the indexed list-order key)."""
        return list(self._select(f"kind=? AND {LIST_ORDER_KEY} > ? AND {LIST_ORDER_KEY} < ?",
                                 (kind, *descendant_range(full_name))))

    def with_field(self, kind: str, field: str, value: str) -> list[Record]:
        """The live records of ``kind`` whose top-level element ``field`` has the text ``value``."""
        return list(self._select(f"kind=? AND json_extract(doc, '$.{_element(field)}')=?", (kind, value)))

    def with_line_field(self, kind: str, aggregate: str, field: str, value: str) -> list[Record]:
        """The live records of ``kind`` with an ``aggregate`` line (one or many) whose ``field`` is
        ``value`` (kept inside SQLite: a file under load holds many payments)."""
        return list(self._select(
            f"kind=? AND EXISTS (SELECT 1 FROM json_each(doc, '$.{_element(aggregate)}') "
            f"WHERE json_extract(value, '$.{_element(field)}')=?)", (kind, value)))

    def by_seqs(self, seqs: Sequence[int]) -> list[Record]:
        """The live records with these ``seq`` values, in the given order (gone ones left out)."""
        if not seqs:
            return []
        found = {r.seq: r for r in self._select(f"seq IN ({_marks(seqs)})", seqs)}
        return [found[s] for s in seqs if s in found]

    def field_values(self, kind: str, *fields: str, vendor_id: str | None = None) -> list[tuple[Any, ...]]:
        """The top-level ``fields`` of every live record of ``kind`` (no full document parse); with
        ``vendor_id``, only those whose ``VendorRef`` names it (``ix_objects_vendor_ref``)."""
        columns = ", ".join("json_extract(doc, ?)" for _ in fields)
        cond, params = "kind=? AND deleted=0", [kind]
        if vendor_id is not None:
            cond += f" AND {VENDOR_REF}=?"
            params.append(vendor_id)
        paths = [f"$.{_element(f)}" for f in fields]
        return [tuple(row) for row in self._conn.execute(
            f"SELECT {columns} FROM objects WHERE {cond} ORDER BY seq", (*paths, *params))]

    def kind_counts(self) -> dict[str, int]:
        """How many live records of each kind the file holds (``/_sim/state``), in first-entry order."""
        counts: dict[str, int] = {}
        for kind, n in self._conn.execute(
                "SELECT kind, COUNT(*) FROM objects WHERE deleted=0 GROUP BY kind ORDER BY MIN(seq)"):
            counts[kind] = int(n)
        return counts

    # -- queries ---------------------------------------------------------------------------------------
    def matching(self, criteria: Criteria, *, limit: int | None = None) -> Iterator[Record]:
        """The live records ``criteria`` selects, in its order, read lazily (close the iterator early to
        stop reading)."""
        where, params = _criteria_sql(criteria)
        return self._select(where, params, order=_ORDER_SQL[criteria.order], limit=limit)

    def count_matching(self, criteria: Criteria) -> int:
        where, params = _criteria_sql(criteria)
        row = self._conn.execute(f"SELECT COUNT(*) FROM objects WHERE ({where}) AND deleted=0", tuple(params))
        return int(row.fetchone()[0])

    def seqs_matching(self, criteria: Criteria) -> list[int]:
        """The ``seq`` of every record ``criteria`` selects, in its order, without reading documents."""
        where, params = _criteria_sql(criteria)
        return [int(r[0]) for r in self._conn.execute(
            f"SELECT seq FROM objects WHERE ({where}) AND deleted=0 ORDER BY {_ORDER_SQL[criteria.order]}",
            tuple(params))]

    def dump(self) -> dict[str, Any]:
        """Everything, deterministic order (for state views and snapshot equality checks)."""
        return {
            "meta": self.meta_items(),
            "objects": [
                {"kind": r.kind, "deleted": r.deleted, "doc": r.doc}
                for r in self._select(include_deleted=True)
            ],
        }


def _element(name: str) -> str:
    """A qbXML element name, checked before it goes into a JSON path (never caller-supplied text)."""
    if not name.isidentifier():
        raise ValueError(f"not an element name: {name!r}")
    return name
