"""The requirement × target matrix: what each requirement's cases said of each target.

A cell is one of:

* ``pass`` — every case checking the requirement passed;
* ``fail`` — a case failed (or errored), and the target's expectation file does not expect it;
* ``expected-fail`` — a case failed and the expectation file names the requirement, with its reason;
* ``not applicable`` — the expectation file says the requirement does not apply to the target, or its
  cases skipped themselves (with the reason);
* ``not run`` — its cases were left out of this run (``--only AREA``);
* ``not yet covered`` — no case of the suite checks it yet.

A requirement that passes although the expectation file expects it to fail stays ``pass``, with a note that
the expectation is stale. Expectation files are TOML::

    target = "minimal QBWC service"
    [expected_fail]
    O1 = "does no work: it has no Procore half"
    [not_applicable]
    QBWC-CONNECTION-ERROR = "never asks QuickBooks for anything"
"""

from __future__ import annotations

import html
import json
import tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from conformance.requirements import Requirement, catalogue

PASS, FAIL, XFAIL, NA, NOT_RUN, NOT_COVERED = (
    "pass", "fail", "expected-fail", "not applicable", "not run", "not yet covered")
STATUSES = (PASS, FAIL, XFAIL, NA, NOT_RUN, NOT_COVERED)


class ExpectationError(ValueError):
    """An expectation file is unreadable or names what the suite does not know (file and key named)."""


@dataclass(frozen=True)
class CaseResult:
    """One case's outcome: ``passed``, ``failed`` (a set-up error counts), ``skipped`` or ``deselected``."""

    nodeid: str
    name: str
    outcome: str
    requirements: tuple[str, ...]
    message: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class Expectations:
    target: str = ""
    expected_fail: dict[str, str] = field(default_factory=dict)
    not_applicable: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Expectations:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ExpectationError(f"{path}: cannot read ({exc.strerror or exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise ExpectationError(f"{path}: not TOML ({exc})") from None
        known = catalogue()
        unknown_keys = set(data) - {"target", "expected_fail", "not_applicable"}
        if unknown_keys:
            raise ExpectationError(f"{path}: unknown key(s) {', '.join(sorted(unknown_keys))} "
                                   "(target, expected_fail, not_applicable)")
        tables: dict[str, dict[str, str]] = {}
        for table in ("expected_fail", "not_applicable"):
            entries = data.get(table, {})
            if not isinstance(entries, dict):
                raise ExpectationError(f"{path}: [{table}] must be a table of requirement id = \"reason\"")
            for rid, reason in entries.items():
                if rid not in known:
                    raise ExpectationError(f"{path}: [{table}] {rid}: no such requirement")
                if not isinstance(reason, str) or not reason.strip():
                    raise ExpectationError(f"{path}: [{table}] {rid}: the reason must be a non-empty string")
            tables[table] = dict(entries)
        both = set(tables["expected_fail"]) & set(tables["not_applicable"])
        if both:
            raise ExpectationError(
                f"{path}: {', '.join(sorted(both))} both expected to fail and not applicable")
        return cls(str(data.get("target", "")), tables["expected_fail"], tables["not_applicable"])


@dataclass(frozen=True)
class Cell:
    status: str
    reason: str = ""
    cases: tuple[str, ...] = ()


@dataclass
class Column:
    """One target's results."""

    target: str
    cells: dict[str, Cell]
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def count(self, status: str) -> int:
        return sum(1 for c in self.cells.values() if c.status == status)

    def must_failures(self) -> list[str]:
        known = catalogue()
        return [rid for rid, cell in self.cells.items()
                if cell.status == FAIL and known[rid].severity == "MUST"]


def judge(target: str, results: Iterable[CaseResult], expectations: Expectations | None = None) -> Column:
    """Each requirement's cell from the cases that check it (``results`` holds every collected case)."""
    expect = expectations or Expectations()
    by_requirement: dict[str, list[CaseResult]] = {}
    for result in results:
        for rid in result.requirements:
            by_requirement.setdefault(rid, []).append(result)
    cells: dict[str, Cell] = {}
    for rid in catalogue():
        cases = by_requirement.get(rid, [])
        names = tuple(c.name for c in cases)
        ran = [c for c in cases if c.outcome != "deselected"]
        failed = [c for c in ran if c.outcome == "failed"]
        if rid in expect.not_applicable:
            cells[rid] = Cell(NA, expect.not_applicable[rid], names)
        elif not cases:
            cells[rid] = Cell(NOT_COVERED, "no case checks it yet")
        elif not ran:
            cells[rid] = Cell(NOT_RUN, "left out of this run", names)
        elif failed:
            if rid in expect.expected_fail:
                cells[rid] = Cell(XFAIL, expect.expected_fail[rid], names)
            else:
                cells[rid] = Cell(FAIL, f"{failed[0].name}: {failed[0].message}", names)
        elif all(c.outcome == "skipped" for c in ran):
            cells[rid] = Cell(NA, ran[0].message, names)
        else:
            stale = expect.expected_fail.get(rid)
            note = f"expected to fail ({stale}) but passed: the expectation is stale" if stale else ""
            cells[rid] = Cell(PASS, note, names)
    return Column(target, cells)


def _md(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def markdown(columns: list[Column]) -> str:
    known = catalogue()
    lines = ["# qbsim conformance matrix", ""]
    for col in columns:
        counts = ", ".join(f"{col.count(s)} {s}" for s in STATUSES if col.count(s))
        must = col.must_failures()
        verdict = f"**{len(must)} MUST requirement(s) failed**" if must else "no MUST requirement failed"
        lines.append(f"- **{_md(col.target)}** ({col.started_at}): {counts}; {verdict}.")
    targets = " | ".join(_md(c.target) for c in columns)
    lines += ["", f"| requirement | severity | area | source | {targets} |",
              "|---|---|---|---|" + "---|" * len(columns)]
    for rid, req in known.items():
        cells = []
        for col in columns:
            cell = col.cells[rid]
            cells.append(f"**{cell.status}**" + (f" — {_md(cell.reason)}" if cell.reason else ""))
        lines.append(f"| {rid}: {_md(req.text)} | {req.severity} | {req.area} | {_md(req.source)} | "
                     + " | ".join(cells) + " |")
    lines += ["", "## Cases", ""]
    for rid in known:
        cases = {name for col in columns for name in col.cells[rid].cases}
        if cases:
            lines.append(f"- {rid}: " + ", ".join(f"`{c}`" for c in sorted(cases)))
    return "\n".join(lines) + "\n"


_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .35rem .5rem; vertical-align: top; text-align: left; }
th { background: #f6f8fa; position: sticky; top: 0; }
td.id { font-family: monospace; white-space: nowrap; width: 1%; }
td.cell { min-width: 14rem; }
.pass { background: #dafbe1; } .fail { background: #ffd8d3; } .expected-fail { background: #fff1c2; }
.not-applicable, .not-run { background: #eaeef2; } .not-yet-covered { background: #f6f8fa; color: #57606a; }
.status { font-weight: 600; }
.reason { display: block; font-size: 12px; color: #57606a; overflow-wrap: anywhere; max-width: 40rem; }
.summary li { margin: .2rem 0; } .must { color: #a40e26; font-weight: 600; }
"""


def _cls(status: str) -> str:
    return status.replace(" ", "-")


def page(columns: list[Column]) -> str:
    """A self-contained HTML page (inline style, no script, no external asset)."""
    known = catalogue()
    esc = html.escape
    summary = []
    for col in columns:
        counts = ", ".join(f"{col.count(s)} {s}" for s in STATUSES if col.count(s))
        must = col.must_failures()
        verdict = (f'<span class="must">{len(must)} MUST requirement(s) failed: {esc(", ".join(must))}</span>'
                   if must else "no MUST requirement failed")
        summary.append(f"<li><b>{esc(col.target)}</b> ({esc(col.started_at)}): {esc(counts)}; {verdict}</li>")
    head = "".join(f"<th>{esc(c.target)}</th>" for c in columns)
    rows = []
    for rid, req in known.items():
        cells = []
        for col in columns:
            cell = col.cells[rid]
            reason = f'<span class="reason">{esc(cell.reason)}</span>' if cell.reason else ""
            title = esc(", ".join(cell.cases))
            cells.append(f'<td class="cell {_cls(cell.status)}" title="{title}">'
                         f'<span class="status">{esc(cell.status)}</span>{reason}</td>')
        rows.append(f'<tr id="{esc(rid)}"><td class="id">{esc(rid)}</td><td>{esc(req.text)}</td>'
                    f"<td>{req.severity}</td><td>{esc(req.area)}</td><td>{esc(req.source)}</td>"
                    + "".join(cells) + "</tr>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>qbsim conformance matrix</title>"
        f"<style>{_CSS}</style></head><body>\n<h1>qbsim conformance matrix</h1>\n"
        f'<ul class="summary">{"".join(summary)}</ul>\n'
        "<table><thead><tr><th>id</th><th>requirement</th><th>severity</th><th>area</th><th>source</th>"
        f"{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n</body></html>\n"
    )


def load_columns(path: Path) -> list[Column]:
    """The targets of an earlier run's ``results.json``, to show beside this run's (``--compare``).

    A requirement the earlier run did not know shows "not run"; one it knew that is gone is dropped.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        columns = []
        for raw in data["columns"]:
            cells = {rid: Cell(c["status"], c.get("reason", ""), tuple(c.get("cases", ())))
                     for rid, c in raw["cells"].items() if rid in catalogue()}
            for rid in catalogue():
                cells.setdefault(rid, Cell(NOT_RUN, "not in that run"))
            columns.append(Column(str(raw["target"]), cells, str(raw.get("started_at", ""))))
    except OSError as exc:
        raise ExpectationError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ExpectationError(f"{path}: not a results.json written by qbsim conformance ({exc})") from None
    return columns


def write(directory: Path, columns: list[Column], results: list[CaseResult]) -> list[Path]:
    """DIR/matrix.md, DIR/matrix.html and DIR/results.json (every column's cells and this run's cases)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / "matrix.md", directory / "matrix.html", directory / "results.json"]
    written[0].write_text(markdown(columns), encoding="utf-8")
    written[1].write_text(page(columns), encoding="utf-8")
    data = {
        "columns": [{"target": c.target, "started_at": c.started_at,
                     "cells": {rid: asdict(cell) for rid, cell in c.cells.items()}} for c in columns],
        "cases": [asdict(r) for r in results],
        "requirements": {rid: asdict(req) for rid, req in catalogue().items()},
    }
    written[2].write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return written


__all__ = ["CaseResult", "Cell", "Column", "ExpectationError", "Expectations", "Requirement", "judge",
           "load_columns", "markdown", "page", "write"]
