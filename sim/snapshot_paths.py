"""Where a served fake may write and read snapshots, and the named refusals both fakes answer with.

Shared by the fake QuickBooks (``sim.quickbooks_fake.snapshots``: a snapshot is a company file) and the fake
Procore (``sim.procore_fake.snapshots``: a JSON document of its whole state): the HTTP faces take any path
only from a caller on this machine (loopback, or a Unix socket); served with a snapshot directory, every
path -- relative ones taken inside it -- must resolve into that directory, for every caller. A refusal is
a :class:`SnapshotError` whose ``status`` and ``to_dict()`` are the face's 4xx ``{error, path, reason}``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path


class SnapshotError(Exception):
    """A snapshot path refused; ``status`` is the HTTP status the face answers, ``reason`` says why."""

    status = 400
    error = "BadSnapshotPath"

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def to_dict(self) -> dict[str, str]:
        return {"error": self.error, "path": self.path, "reason": self.reason}


class SnapshotNotFound(SnapshotError):
    status = 404
    error = "NotFound"


class SnapshotWouldOverwrite(SnapshotError):
    status = 409
    error = "Conflict"


class SnapshotPathRefused(SnapshotError):
    status = 403
    error = "Forbidden"


class NotASnapshot(SnapshotError, ValueError):
    """The file is not a snapshot this fake can read back (the fake QuickBooks names it NotACompanyFile)."""

    status = 422
    error = "NotASnapshot"


def is_local_caller(host: str | None) -> bool:
    """A caller on this machine: a loopback address, or no address at all (a Unix socket)."""
    if host is None:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@dataclass(frozen=True)
class SnapshotPolicy:
    """Where snapshot and restore paths may point. ``directory`` None: anywhere, for local callers only."""

    directory: Path | None = None

    def resolve(self, raw: str, *, local_caller: bool) -> Path:
        """The path a request names, or :class:`SnapshotPathRefused`."""
        if not raw or "\x00" in raw:
            raise SnapshotError(raw, "give the snapshot's path")
        if self.directory is None:
            if not local_caller:
                raise SnapshotPathRefused(raw, "snapshot and restore from another machine need a snapshot "
                                               "directory: serve with --snapshot-dir (QBSIM_SNAPSHOT_DIR)")
            return Path(raw)
        base = self.directory.resolve()
        candidate = (base / raw).resolve()  # an absolute path replaces base; '..' and symlinks resolved
        if not candidate.is_relative_to(base):
            raise SnapshotPathRefused(raw, f"outside the snapshot directory {base}")
        return candidate
