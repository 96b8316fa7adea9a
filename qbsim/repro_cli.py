"""``qbsim repro FILE``: run one scenario file and write its trace; exit 0 iff its expectations hold."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typer

from conformance.repro.loader import ScenarioFileError, load_scenario
from conformance.repro.runner import ScenarioError, run_scenario


def _writable_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".qbsim-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        typer.echo(f"error: cannot write the trace to {path}: {exc.strerror or exc}", err=True)
        raise typer.Exit(code=2) from None
    return path


def repro(
    scenario_file: Path = typer.Argument(..., help="the scenario file (YAML)", show_default=False),  # noqa: B008
    out: Path = typer.Option(  # noqa: B008
        Path("repro-out"),
        "--out",
        "-o",
        envvar="QBSIM_REPRO_OUT",
        help="directory for trace.txt, trace.html, QWCLog.txt and result.json",
    ),
    quiet: bool = typer.Option(
        False,
        "--quiet",
        "-q",
        envvar="QBSIM_REPRO_QUIET",
        help="print only the verdict, not each expectation",
    ),
) -> None:
    """Run a scenario file on the in-process stack: fake Procore, the connector, the Web Connector and a
    fake company file on one virtual clock. Writes the trace (every SOAP call, qbXML request and response,
    Procore call, webhook and state change, in order) as text and HTML. Exit 0 iff every expectation held,
    1 if one did not, 2 if the file cannot be run."""
    try:
        scenario = load_scenario(scenario_file)
    except ScenarioFileError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(code=2) from None
    directory = _writable_dir(out)
    with tempfile.TemporaryDirectory(prefix="qbsim-repro-") as work:
        try:
            run = run_scenario(scenario, scenario_file.resolve().parent, Path(work))
        except ScenarioError as exc:
            typer.echo(f"error: {scenario_file}: {exc}", err=True)
            raise typer.Exit(code=2) from None
    text, page = run.trace.write(directory)
    (directory / "QWCLog.txt").write_text("".join(line + "\n" for line in run.qwclog), encoding="utf-8")
    (directory / "result.json").write_text(
        json.dumps(
            {
                "scenario": scenario.name,
                "ok": run.ok,
                "expectations": [
                    {"description": c.description, "held": c.held, "detail": c.detail} for c in run.checks
                ],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    if not quiet:
        for check in run.checks:
            typer.echo(f"{'ok  ' if check.held else 'FAIL'} {check.description}")
            if not check.held and check.detail:
                typer.echo(f"       {check.detail}")
    typer.echo(f"{run.trace.verdict} — trace: {text} and {page}")
    if not run.ok:
        raise typer.Exit(code=1)
