"""Snapshot files: what a company file may be copied to or restored from, and where.

Behind ``CompanyFile.snapshot``/``restore`` and the HTTP face's ``/_sim/snapshot`` and ``/_sim/restore``.

A snapshot is a whole company file (one SQLite file). Before one is written or read back, the path is
checked, so a bad one is a named error with the reason -- never half a restore, never another file
overwritten:

* restore: the file must exist (:class:`SnapshotNotFound`) and be a qbsim company file of this format
  (:class:`NotACompanyFile`: "not a SQLite file", "a SQLite database but not a qbsim company file" --
  an empty file included -- or another format version). It is opened read-only to check.
* snapshot: the directory must exist; an existing file is overwritten only if it is a company file
  (:class:`SnapshotWouldOverwrite` otherwise, and for a directory).
* neither may name the open file itself.

Where: the HTTP face takes any path only from a caller on this machine (loopback, or a Unix socket).
Served with a snapshot directory (``--snapshot-dir``, ``QBSIM_SNAPSHOT_DIR``), every path -- relative
ones are taken inside it -- must resolve into that directory, for every caller; without one, a caller
from another address is refused (:class:`SnapshotPathRefused`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sim.snapshot_paths import (
    SnapshotError,
    SnapshotNotFound,
    SnapshotPathRefused,
    SnapshotPolicy,
    SnapshotWouldOverwrite,
    is_local_caller,
)

__all__ = ["NotACompanyFile", "SnapshotError", "SnapshotNotFound", "SnapshotPathRefused", "SnapshotPolicy",
           "SnapshotWouldOverwrite", "check_company_file", "check_restore_source", "check_snapshot_target",
           "is_local_caller"]


class NotACompanyFile(SnapshotError, ValueError):
    """Not a qbsim company file (also what :meth:`CompanyFile.open` raises; a ValueError)."""

    status = 422
    error = "NotACompanyFile"


def check_company_file(path: str | Path, format_version: int) -> None:
    """Raise :class:`NotACompanyFile` unless ``path`` is a qbsim company file of ``format_version``.

    Read-only (``mode=ro``): checking a foreign SQLite file never creates tables in it.
    """
    target = Path(path)
    if target.is_dir():
        raise NotACompanyFile(path, "is a directory, not a company file")
    try:
        conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise NotACompanyFile(path, f"cannot be opened: {exc}") from exc
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='format_version'").fetchone()
    except sqlite3.OperationalError as exc:  # a SQLite database without the company file's tables
        raise NotACompanyFile(path, f"is a SQLite database but not a qbsim company file ({exc})") from exc
    except sqlite3.DatabaseError as exc:  # "file is not a database": text, or any other kind of file
        raise NotACompanyFile(path, f"is not a SQLite file ({exc})") from exc
    finally:
        conn.close()
    if row is None or row[0] != str(format_version):
        found = "no format version" if row is None else f"format version {row[0]}"
        raise NotACompanyFile(path, f"is a qbsim file with {found}; this qbsim reads format {format_version}")


def check_restore_source(path: Path, open_file: str, format_version: int) -> None:
    if not path.exists():
        raise SnapshotNotFound(path, "no such file")
    if _same_file(path, open_file):
        raise SnapshotWouldOverwrite(path, "is the open company file itself")
    check_company_file(path, format_version)


def check_snapshot_target(path: Path, open_file: str, format_version: int) -> None:
    if not path.parent.is_dir():
        raise SnapshotNotFound(path, f"directory {path.parent} does not exist")
    if path.is_dir():
        raise SnapshotWouldOverwrite(path, "is a directory")
    if not path.exists():
        return
    if _same_file(path, open_file):
        raise SnapshotWouldOverwrite(path, "is the open company file itself")
    try:
        check_company_file(path, format_version)
    except NotACompanyFile as exc:
        raise SnapshotWouldOverwrite(path, f"exists and {exc.reason}: not overwritten") from exc


def _same_file(path: Path, open_file: str) -> bool:
    live = Path(open_file)
    return open_file != ":memory:" and live.exists() and path.resolve() == live.resolve()
