"""Command line of the connector (the lead mounts it into ``qbsim``): ``qwc`` and ``serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from connector.qbwc.qwc import QwcError, QwcSpec, build_qwc

app = typer.Typer(help="The connector: QBWC SOAP service and .qwc files.", no_args_is_help=True)


@app.command()
def qwc(
    app_url: Annotated[
        str, typer.Option("--app-url", help="AppURL: the SOAP endpoint (https unless localhost).")
    ],
    username: Annotated[str, typer.Option("--username", help="UserName the Web Connector logs in with.")],
    app_name: Annotated[
        str, typer.Option("--app-name", help="AppName shown in the Web Connector.")
    ] = "Procore",
    app_support: Annotated[str | None, typer.Option("--app-support", help="AppSupport URL.")] = None,
    owner_id: Annotated[
        str | None, typer.Option("--owner-id", help="OwnerID {GUID}; default derived.")
    ] = None,
    file_id: Annotated[str | None, typer.Option("--file-id", help="FileID {GUID}; default derived.")] = None,
    qb_type: Annotated[str, typer.Option("--qb-type", help="QBFS or QBPOS.")] = "QBFS",
    run_every_minutes: Annotated[int | None, typer.Option("--run-every-minutes")] = None,
    run_every_seconds: Annotated[int | None, typer.Option("--run-every-seconds")] = None,
    read_only: Annotated[bool, typer.Option("--read-only/--read-write", help="IsReadOnly.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Write a .qwc file for the Web Connector."""
    spec = QwcSpec(
        app_name=app_name,
        app_url=app_url,
        username=username,
        app_support=app_support,
        owner_id=owner_id,
        file_id=file_id,
        qb_type=qb_type,
        run_every_minutes=run_every_minutes,
        run_every_seconds=run_every_seconds,
        is_read_only=read_only,
    )
    try:
        text = build_qwc(spec)
    except QwcError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db_url: Annotated[
        str, typer.Option("--db-url", help="SQLAlchemy URL of the store.")
    ] = "sqlite:///connector.db",
    public_url: Annotated[str | None, typer.Option("--public-url", help="URL put in the WSDL.")] = None,
    user: Annotated[
        list[str] | None,
        typer.Option(
            "--user", help="Create a login: USERNAME:PASSWORD:COMPANY_KEY[:COMPANY_FILE] (repeatable)."
        ),
    ] = None,
) -> None:
    """Run the QBWC SOAP service with uvicorn, every sync handler installed (as the embedded default)."""
    import uvicorn

    from connector.app import create_app
    from connector.config import Settings, UserSpec
    from connector.sync.registry import install

    try:
        users = [UserSpec.parse(spec) for spec in user or []]
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--user") from exc
    web = create_app(Settings(database_url=db_url, public_url=public_url), users=users)
    install(web.state.qbwc)
    uvicorn.run(web, host=host, port=port)
