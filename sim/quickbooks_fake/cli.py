"""``qbsim quickbooks …``: serve a company file over HTTP (wired into ``qbsim`` by the lead)."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="The fake QuickBooks Desktop company file.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Fake QuickBooks Desktop: qbXML request processor over HTTP."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def _port_free(host: str, port: int, variable: str) -> None:
    """Refuse a port another process listens on, in one line, before anything is opened."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise _fail(f"cannot listen on {host}:{port}: {exc.strerror} (choose another with --port or "
                        f"${variable})") from None


@app.command()
def serve(
    path: Path = typer.Argument(..., help="Company file (SQLite); created if missing.",  # noqa: B008
                                envvar="QBSIM_QUICKBOOKS_FILE", show_default=False),
    host: str = typer.Option("127.0.0.1", envvar="QBSIM_QUICKBOOKS_HOST", help="Interface to bind."),
    port: int = typer.Option(8765, envvar="QBSIM_QUICKBOOKS_PORT", help="TCP port."),
    country: str = typer.Option("US", envvar="QBSIM_QUICKBOOKS_COUNTRY",
                                help="US or CA (only when creating)."),
    year: int = typer.Option(2024, envvar="QBSIM_QUICKBOOKS_YEAR",
                             help="QuickBooks release year, 2010-2030 (only when creating)."),
    product: str = typer.Option("Premier Contractor", envvar="QBSIM_QUICKBOOKS_PRODUCT",
                                help="Pro, Premier Contractor, Enterprise Contractor, Accountant or Mac "
                                     "(only when creating)."),
    seed: int = typer.Option(0, envvar="QBSIM_QUICKBOOKS_SEED", help="Seed (only when creating)."),
    wall_clock: bool = typer.Option(False, envvar="QBSIM_QUICKBOOKS_WALL_CLOCK",
                                    help="Use wall time instead of the file's injectable clock."),
    snapshot_dir: Path | None = typer.Option(  # noqa: B008
        None, envvar="QBSIM_QUICKBOOKS_SNAPSHOT_DIR",
        help="Confine /_sim/snapshot and /_sim/restore to this directory (needed for callers from "
             "another machine when HOST is not loopback)."),
) -> None:
    """Serve PATH: POST /qbxml and the /_sim/* control endpoints."""
    from sim.clock import SystemClock, clock_banner

    from .company import CompanyFile
    from .edition import COUNTRIES, PRODUCTS
    from .http import create_app
    from .pc_time import DEFAULT_TZ

    if country not in COUNTRIES:
        raise _fail(f"--country {country!r}: choose one of {', '.join(COUNTRIES)}")
    if product not in PRODUCTS:
        raise _fail(f"--product {product!r}: choose one of {', '.join(PRODUCTS)}")
    if not 2010 <= year <= 2030:
        raise _fail(f"--year {year}: choose a QuickBooks release year from 2010 to 2030")
    if path.is_dir():
        raise _fail(f"{path} is a directory, not a company file")
    if not path.exists() and not path.parent.is_dir():
        raise _fail(f"cannot create the company file {path}: no directory {path.parent}")
    _port_free(host, port, "QBSIM_QUICKBOOKS_PORT")
    clock = SystemClock(DEFAULT_TZ) if wall_clock else None
    try:
        if path.exists():
            company = CompanyFile.open(path, clock=clock)
            made = "opened"
        else:
            company = CompanyFile.create(path, country=country, year=year, product=product, seed=seed,
                                         clock=clock)
            made = "created"
    except ValueError as exc:  # NotACompanyFile says why (a text file, another SQLite database …)
        raise _fail(f"{path}: not a company file: {str(exc).removeprefix(f'{path}: ')}") from None
    except OSError as exc:
        raise _fail(f"cannot open the company file {path}: {exc.strerror or exc}") from None
    import uvicorn

    api = create_app(company, snapshot_dir=snapshot_dir)
    edition = company.edition
    typer.echo(f"fake QuickBooks company file on http://{host}:{port}  ({made} {path}: "
               f"{edition.country} {edition.product} {edition.year}, {company.company_name!r})")
    typer.echo("  POST /qbxml (the request processor), /_sim/state, /_sim/ui/{action}, /_sim/faults, "
               "/_sim/snapshot, /_sim/clock")
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
