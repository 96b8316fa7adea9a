"""The trace of a scenario run: everything that crossed a wire, and what changed, in the order it happened.

Kinds: ``step`` (what a person or schedule did), ``soap`` (a Web Connector callback and its answer),
``qbxml`` (a request QuickBooks ran and its response), ``procore`` (a call of the connector to Procore),
``webhook`` (a delivery of Procore to the connector), ``state`` (a record that appeared or changed in
QuickBooks or in Procore's ERP tool), ``check`` (an expectation, held or not). Written as text (one line
per event, bodies indented below) and as one self-contained HTML page (no script, style or font from
anywhere else).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

KINDS = ("step", "soap", "qbxml", "procore", "webhook", "state", "check")
#: Bodies longer than this are cut in the trace (the full text is in the run's QWCLog and the stores).
MAX_BODY = 20_000


@dataclass
class TraceEvent:
    seq: int
    at: datetime
    kind: str
    title: str
    body: str = ""
    failed: bool = False


@dataclass
class Trace:
    """Events in order; :meth:`text` and :meth:`html` render them."""

    name: str
    events: list[TraceEvent] = field(default_factory=list)
    verdict: str = ""

    def add(self, at: datetime, kind: str, title: str, body: Any = "", *, failed: bool = False) -> TraceEvent:
        assert kind in KINDS, kind
        if not isinstance(body, str):
            body = json.dumps(body, indent=2, sort_keys=True, default=str)
        if len(body) > MAX_BODY:
            body = body[:MAX_BODY] + f"\n... [{len(body) - MAX_BODY} more characters]"
        event = TraceEvent(len(self.events) + 1, at, kind, title, body, failed)
        self.events.append(event)
        return event

    def of(self, kind: str) -> list[TraceEvent]:
        return [e for e in self.events if e.kind == kind]

    def text(self) -> str:
        lines = [f"# scenario {self.name}"]
        for e in self.events:
            mark = " FAILED" if e.failed else ""
            lines.append(f"{e.seq:05d} {e.at.isoformat()} {e.kind:<7} {e.title}{mark}")
            lines.extend("        " + line for line in e.body.splitlines())
        if self.verdict:
            lines.append(f"# {self.verdict}")
        return "\n".join(lines) + "\n"

    def html(self) -> str:
        rows = []
        for e in self.events:
            body = (
                f"<details><summary>{html.escape(_first_line(e.title))}</summary><pre>{html.escape(e.body)}</pre>"
                "</details>"
                if e.body
                else html.escape(e.title)
            )
            rows.append(
                f'<tr class="{e.kind}{" failed" if e.failed else ""}"><td>{e.seq}</td>'
                f"<td>{html.escape(e.at.strftime('%Y-%m-%d %H:%M:%S'))}</td>"
                f"<td>{e.kind}</td><td>{body}</td></tr>"
            )
        counts = ", ".join(f"{len(self.of(k))} {k}" for k in KINDS)
        return _PAGE.format(
            name=html.escape(self.name),
            verdict=html.escape(self.verdict),
            verdict_class="ok" if self.verdict.startswith("PASS") else "bad",
            counts=html.escape(counts),
            rows="\n".join(rows),
        )

    def write(self, directory: Path) -> tuple[Path, Path]:
        """``DIR/trace.txt`` and ``DIR/trace.html``."""
        directory.mkdir(parents=True, exist_ok=True)
        text, page = directory / "trace.txt", directory / "trace.html"
        text.write_text(self.text(), encoding="utf-8")
        page.write_text(self.html(), encoding="utf-8")
        return text, page


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>qbsim trace: {name}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }}
h1 {{ font-size: 1.3em; }}
.verdict {{ font-weight: bold; padding: .3em .6em; display: inline-block; }}
.verdict.ok {{ background: #d9f2d9; }} .verdict.bad {{ background: #f8d7d7; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9em; }}
td {{ border-bottom: 1px solid #ddd; padding: .25em .5em; vertical-align: top; }}
td:nth-child(1), td:nth-child(2), td:nth-child(3) {{ white-space: nowrap; color: #555; }}
pre {{ white-space: pre-wrap; word-break: break-all; background: #f6f6f6; padding: .5em; margin: .3em 0; }}
tr.step td {{ background: #eef3fb; font-weight: 600; }}
tr.soap td:nth-child(3) {{ color: #1f5fa8; }} tr.qbxml td:nth-child(3) {{ color: #2e7d32; }}
tr.procore td:nth-child(3) {{ color: #8e24aa; }} tr.webhook td:nth-child(3) {{ color: #c25e00; }}
tr.state td:nth-child(3) {{ color: #555; }} tr.check td {{ background: #f3fbf3; }}
tr.failed td {{ background: #fbe9e9; }}
</style></head>
<body>
<h1>Scenario <code>{name}</code></h1>
<p class="verdict {verdict_class}">{verdict}</p>
<p>{counts}</p>
<table><thead><tr><td>#</td><td>virtual time</td><td>kind</td><td>what</td></tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""
