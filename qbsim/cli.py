"""The `qbsim` command line: one typer app; each party registers its own sub-commands."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="qbsim",
    help="Simulator and conformance harness for the Procore <-> QuickBooks Desktop integration.",
    no_args_is_help=True,
)


@app.callback()
def main() -> None:
    """qbsim: fake QuickBooks Desktop, fake Procore, a Web Connector emulator and the real connector."""
