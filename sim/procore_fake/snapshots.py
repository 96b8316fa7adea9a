"""Snapshot and restore the whole simulated Procore (``POST /_sim/snapshot`` / ``/_sim/restore``).

A snapshot is one JSON file: every stored record with its index columns, the id generator's position (so
ids and tokens handed out after a restore are those handed out after the snapshot), the manual clock's
time, the fault rules with their counters and the rate-limit windows. Restoring puts all of it back: a
test or a demo can branch from one prepared company any number of times.

Where a snapshot may be written or read from is the fake QuickBooks' rule (``sim/CONTROLS.md``), reused
from ``sim.snapshot_paths``: with a snapshot directory every path must resolve inside it;
without one, any path, from callers on this machine only. Refusals are the same 4xx ``{"error", "path",
"reason"}``. A file is checked whole before anything is replaced, so a bad one changes nothing.

Not kept: the webhook transport and the company header mode (how the fake was started, not its state);
on a wall clock the time is not rewound.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.clock import ManualClock
from sim.procore_fake.state import SimState
from sim.snapshot_paths import (
    NotASnapshot,
    SnapshotError,
    SnapshotNotFound,
    SnapshotPolicy,
    SnapshotWouldOverwrite,
)

FORMAT = "qbsim fake Procore snapshot"
VERSION = 1
_KEYS = ("format", "version", "seed", "now", "ids", "rows", "faults", "rate_limits")


def capture(state: SimState) -> dict[str, Any]:
    """The whole state as one JSON-able document (the records in one read, so they are consistent)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "seed": state.seed,
        "now": state.clock.now().isoformat(),
        "ids": state.store.ids.dump(),
        "rows": state.store.dump_rows(),
        "faults": [r.to_dict() for r in state.faults.rules()],
        "rate_limits": state.limiter.dump(),
    }


def apply(state: SimState, document: dict[str, Any]) -> None:
    """Make ``state`` what ``document`` (a checked :func:`capture`) describes."""
    from datetime import datetime

    state.store.replace_rows(document["rows"])
    state.store.ids.load(document["ids"])
    state.faults.load(document["faults"])
    state.limiter.load(document["rate_limits"])
    if isinstance(state.clock, ManualClock):
        state.clock.set(datetime.fromisoformat(document["now"]))


def write(state: SimState, raw_path: Any, *, local_caller: bool) -> Path:
    """Write a snapshot to the path a request names (checked first: a refusal raises SnapshotError)."""
    path = _resolve(state, raw_path, local_caller)
    if not path.parent.is_dir():
        raise SnapshotNotFound(path, f"directory {path.parent} does not exist")
    if path.is_dir():
        raise SnapshotWouldOverwrite(path, "is a directory")
    if path.exists():
        try:
            _read(path)
        except ValueError as exc:
            raise SnapshotWouldOverwrite(path, f"exists and {exc}: not overwritten") from exc
    path.write_text(json.dumps(capture(state), separators=(",", ":")), encoding="utf-8")
    return path


def restore(state: SimState, raw_path: Any, *, local_caller: bool) -> Path:
    """Replace the whole state with the snapshot at the path a request names."""
    path = _resolve(state, raw_path, local_caller)
    if not path.is_file():
        raise SnapshotNotFound(path, "no such file")
    try:
        document = _read(path)
    except ValueError as exc:
        raise NotASnapshot(path, str(exc)) from exc
    apply(state, document)
    return path


def _resolve(state: SimState, raw: Any, local_caller: bool) -> Path:
    if not isinstance(raw, str):
        raise SnapshotError(str(raw), "give path: the snapshot file's path, a string")
    return SnapshotPolicy(state.snapshot_dir).resolve(raw, local_caller=local_caller)


def _read(path: Path) -> dict[str, Any]:
    """A snapshot file's document, or a ValueError saying why it is not one."""
    try:
        document = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"is not a fake Procore snapshot (not JSON: {exc})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError("is not a fake Procore snapshot (no snapshot format marker)")
    if document.get("version") != VERSION:
        raise ValueError(f"is snapshot version {document.get('version')}; this qbsim reads version {VERSION}")
    missing = [k for k in _KEYS if k not in document]
    if missing or not isinstance(document["rows"], list):
        raise ValueError(f"is a damaged fake Procore snapshot (missing {', '.join(missing) or 'rows'})")
    return document
