"""``qbsim quickbooks …``: serve a company file over HTTP (wired into ``qbsim`` by the lead)."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="The fake QuickBooks Desktop company file.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Fake QuickBooks Desktop: qbXML request processor over HTTP."""


@app.command()
def serve(
    path: Path = typer.Argument(..., help="Company file (SQLite); created if missing."),  # noqa: B008
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8765, help="TCP port."),
    country: str = typer.Option("US", help="US or CA (only when creating)."),
    year: int = typer.Option(2024, help="QuickBooks release year (only when creating)."),
    product: str = typer.Option("Premier Contractor", help="Edition (only when creating)."),
    seed: int = typer.Option(0, help="Seed (only when creating)."),
    wall_clock: bool = typer.Option(False, help="Use wall time instead of the file's injectable clock."),
    snapshot_dir: Path | None = typer.Option(  # noqa: B008
        None, help="Confine /_sim/snapshot and /_sim/restore to this directory (needed for callers from "
                   "another machine when HOST is not loopback)."),
) -> None:
    """Serve PATH: POST /qbxml and the /_sim/* control endpoints."""
    import uvicorn

    from sim.clock import SystemClock, clock_banner

    from .company import CompanyFile
    from .http import create_app
    from .pc_time import DEFAULT_TZ

    clock = SystemClock(DEFAULT_TZ) if wall_clock else None
    if path.exists():
        company = CompanyFile.open(path, clock=clock)
    else:
        company = CompanyFile.create(path, country=country, year=year, product=product, seed=seed,
                                     clock=clock)
    api = create_app(company, snapshot_dir=snapshot_dir)
    typer.echo(f"fake QuickBooks on http://{host}:{port}  (company file {path})")
    typer.echo(clock_banner(company.clock))
    uvicorn.run(api, host=host, port=port)


@app.command()
def demo() -> None:
    """Run a scripted Procore-connector exchange against a fresh in-memory company file."""
    from .company import CompanyFile
    from .demo import run_exchange

    for step in run_exchange(CompanyFile.create()):
        typer.echo(step.summary())


if __name__ == "__main__":
    app()
