"""``python -m sim.webconnector APP.qwc --password … --company URL``: "Update Selected" from a shell.

Drives the service at the .qwc AppURL over real HTTP and reaches the fake company file through its HTTP
face; prints each callback, the outcome, and (``--log``) QWCLog.txt. ``--advance MINUTES`` lets Auto-Run
fire on the virtual clock instead of one manual update.
"""

from __future__ import annotations

from pathlib import Path

import typer

from sim.webconnector.emulator import DEFAULT_VERSION, WebConnector
from sim.webconnector.result import UpdateResult

cli = typer.Typer(add_completion=False, help=__doc__)


def _show(result: UpdateResult, log: bool) -> None:
    typer.echo(f"{result.started_at.isoformat()}  {result.app_name}: {result.outcome} — {result.status}")
    for call in result.calls:
        outcome = f"FAILED {call.failure}" if call.failure else repr(call.result)[:120]
        typer.echo(f"  {call.operation}() -> {outcome}")
    for error in result.errors:
        typer.echo(f"  error {error.code}: {error.message}")
    if log:
        typer.echo("\n".join(result.log))


@cli.command()
def main(
    qwc: Path = typer.Argument(..., exists=True, dir_okay=False, help="the .qwc file"),  # noqa: B008
    password: str = typer.Option(..., help="the password typed into the Web Connector"),
    company: str = typer.Option(..., help="base URL of the fake company file's HTTP face"),
    version: str = typer.Option(DEFAULT_VERSION, help="Web Connector version string"),
    raw: bool = typer.Option(False, help="send byte-for-byte real-QBWC envelopes instead of zeep's"),
    advance: float = typer.Option(0.0, help="minutes of Auto-Run instead of one manual update"),
    log: bool = typer.Option(False, help="print QWCLog.txt lines"),
) -> None:
    with WebConnector(qwc, password, company, version=version, raw_envelopes=raw) as wc:
        results = wc.advance(advance) if advance else [wc.run_update()]
        for result in results:
            _show(result, log)


if __name__ == "__main__":
    cli()
