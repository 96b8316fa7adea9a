"""``qbsim procore serve``: run the fake Procore API with uvicorn (``qbsim.cli`` mounts ``app``)."""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn

from sim.clock import Clock, ManualClock, SystemClock, clock_banner
from sim.procore_fake.app import create_app
from sim.procore_fake.dispatcher import Dispatcher
from sim.procore_fake.ratelimit import RateLimitConfig

app = typer.Typer(help="The fake Procore REST API.")


@app.callback()
def main() -> None:
    """The fake Procore REST API (OAuth, v1.0 financial tools, the ERP Integrations tool)."""


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", envvar="QBSIM_PROCORE_HOST", help="Interface to listen on."),
    port: int = typer.Option(8300, envvar="QBSIM_PROCORE_PORT",
                             help="Port (both the login and the API base URL point here)."),
    database_url: str = typer.Option("sqlite://", envvar="QBSIM_PROCORE_DATABASE_URL",
                                     help="SQLAlchemy URL; the default is in memory."),
    seed: int = typer.Option(0, envvar="QBSIM_PROCORE_SEED", help="Seed for ids and tokens."),
    rate_limit_hourly: int = typer.Option(0, envvar="QBSIM_PROCORE_RATE_LIMIT_HOURLY",
                                          help="Enforce an hourly request limit (0: headers only)."),
    rate_limit_spike: int = typer.Option(25, envvar="QBSIM_PROCORE_RATE_LIMIT_SPIKE",
                                         help="Spike (10 s) limit when enforcing."),
    lenient_company_header: bool = typer.Option(False, envvar="QBSIM_PROCORE_LENIENT_COMPANY_HEADER",
                                                help="Infer a missing Procore-Company-Id."),
    wall_clock: bool = typer.Option(False, envvar="QBSIM_PROCORE_WALL_CLOCK",
                                    help="Use wall time instead of the injectable manual clock."),
    snapshot_dir: Path | None = typer.Option(  # noqa: B008
        None, envvar="QBSIM_PROCORE_SNAPSHOT_DIR",
        help="Confine /_sim/snapshot and /_sim/restore to this directory (needed for callers from "
        "another machine when HOST is not loopback)."
    ),
) -> None:
    """Serve the fake; credentials of the seeded company are listed at GET /_sim/state.

    As ``qbsim quickbooks serve``, the clock is manual unless ``--wall-clock``: time moves only through
    ``POST /_sim/clock``, so tokens, rate windows and webhook retries are reproducible.
    """
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror} (choose another with "
                       "--port or $QBSIM_PROCORE_PORT)", err=True)
            raise typer.Exit(code=2) from None
    limits = RateLimitConfig(hourly=rate_limit_hourly, spike=rate_limit_spike) if rate_limit_hourly else None
    clock: Clock = SystemClock() if wall_clock else ManualClock()
    fake = create_app(
        database_url=database_url,
        seed=seed,
        clock=clock,
        rate_limit=limits,
        company_header_mode="lenient" if lenient_company_header else "strict",
        snapshot_dir=snapshot_dir,
    )
    # Webhook deliveries and the sync schedule: polled on wall time, due by the fake's clock.
    dispatcher = Dispatcher(fake.state.sim).start()
    typer.echo(f"fake Procore on http://{host}:{port}  (REST API /rest/v1.0/..., OAuth /oauth/token, "
               "OpenAPI docs /docs and /redoc, simulator controls /_sim/...; "
               "client_id qbsim-client-id / qbsim-client-secret)")
    typer.echo(clock_banner(clock))
    try:
        uvicorn.run(fake, host=host, port=port, log_level="info")
    finally:
        dispatcher.stop()

