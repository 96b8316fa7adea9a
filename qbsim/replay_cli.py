"""``qbsim replay CAPTURE``: a customer's captured exchange against a fake company file and the connector."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from conformance.repro.loader import ScenarioFileError, load_scenario
from conformance.repro.replay import (
    CaptureError,
    ReplayReport,
    read_capture,
    replay_connector,
    replay_quickbooks,
)
from conformance.repro.runner import ScenarioError


def replay(
    capture: Path = typer.Argument(  # noqa: B008
        ..., help="QWCLog.txt, or a directory of NNN-request.xml / NNN-response.xml pairs", show_default=False
    ),
    scenario: Path | None = typer.Option(  # noqa: B008
        None,
        "--scenario",
        envvar="QBSIM_REPLAY_SCENARIO",
        help="scenario file whose steps bring both parties to the capture's state",
    ),
    against: str = typer.Option("both", envvar="QBSIM_REPLAY_AGAINST", help="quickbooks, connector or both"),
    as_json: bool = typer.Option(
        False, "--json", envvar="QBSIM_REPLAY_JSON", help="print the report as JSON"
    ),
) -> None:
    """Replay a captured Web Connector exchange: each captured request against a fake company file (does
    QuickBooks still answer the same?), and the connector driven by the captured responses (does it still
    ask the same?). Exit 0 when both agree with the capture, 1 where they diverge (each divergence named),
    2 when the capture or scenario cannot be read."""
    if against not in ("quickbooks", "connector", "both"):
        typer.echo(f"error: --against {against!r}: choose quickbooks, connector or both", err=True)
        raise typer.Exit(code=2)
    try:
        captured = read_capture(capture)
        loaded = load_scenario(scenario) if scenario is not None else None
    except CaptureError as exc:
        typer.echo(f"error: {capture}: not a capture: {exc}", err=True)
        raise typer.Exit(code=2) from None
    except ScenarioFileError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(code=2) from None
    exchanges = captured.exchanges
    report = ReplayReport(len(exchanges), captured.sessions)
    try:
        if against in ("quickbooks", "both"):
            replay_quickbooks(captured, report, loaded, scenario.resolve().parent if scenario else None)
        if against in ("connector", "both"):
            replay_connector(captured, report, loaded, scenario.resolve().parent if scenario else None)
    except ScenarioError as exc:
        typer.echo(f"error: {scenario}: {exc}", err=True)
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "exchanges": report.exchanges,
                    "sessions": report.sessions,
                    "same": report.same,
                    "divergences": [d.__dict__ for d in report.divergences],
                    "notes": report.notes,
                },
                indent=2,
            )
        )
    else:
        typer.echo(f"{report.exchanges} captured exchange(s) in {report.sessions} update(s)")
        for note in report.notes:
            typer.echo(f"note: {note}")
        for divergence in report.divergences:
            typer.echo(f"DIVERGES {divergence.line()}")
        typer.echo(
            "the replay reproduces the captured exchange"
            if report.same
            else f"{len(report.divergences)} divergence(s)"
        )
    if not report.same:
        raise typer.Exit(code=1)
