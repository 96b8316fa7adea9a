"""The `qbsim` command line: one typer app; each party registers its own sub-commands."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from connector.cli import app as connector_app
from sim.quickbooks_fake.cli import app as quickbooks_app

app = typer.Typer(
    name="qbsim",
    help="Simulator and conformance harness for the Procore <-> QuickBooks Desktop integration.",
    no_args_is_help=True,
)
app.add_typer(quickbooks_app, name="quickbooks")
app.add_typer(connector_app, name="connector")


@app.callback()
def main() -> None:
    """qbsim: fake QuickBooks Desktop, fake Procore, a Web Connector emulator and the real connector."""


@app.command()
def run(
    seed: int = typer.Option(0, help="Seed of the company file's id generator."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print every qbXML request too."),
) -> None:
    """Run the stack end to end on the embedded default (in-memory SQLite, in-process) and report."""
    from sim.quickbooks_fake import CompanyFile

    from .exchange import run_exchange

    console = Console()
    company = CompanyFile.create(seed=seed)
    table = Table(title=f"Fake QuickBooks Desktop: {company.company_name} ({company.qbw_path})")
    table.add_column("#", justify="right")
    table.add_column("step")
    table.add_column("QuickBooks answered")
    table.add_column("note")
    for number, step in enumerate(run_exchange(company), start=1):
        answered = "\n".join(f"{rs} {code} {sev}: {msg}" for rs, code, sev, msg in step.statuses) or "-"
        table.add_row(str(number), step.title, answered, step.note)
        if verbose:
            console.print(step.request, markup=False, highlight=False)
    console.print(table)
