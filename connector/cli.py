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
        str, typer.Option("--app-url", envvar="QBSIM_QWC_APP_URL",
                          help="AppURL: the SOAP endpoint (https unless localhost).")
    ],
    username: Annotated[str, typer.Option("--username", envvar="QBSIM_QWC_USERNAME",
                                          help="UserName the Web Connector logs in with.")],
    app_name: Annotated[
        str, typer.Option("--app-name", envvar="QBSIM_QWC_APP_NAME",
                          help="AppName shown in the Web Connector.")
    ] = "Procore",
    app_support: Annotated[str | None, typer.Option("--app-support", envvar="QBSIM_QWC_APP_SUPPORT",
                                                    help="AppSupport URL.")] = None,
    owner_id: Annotated[
        str | None, typer.Option("--owner-id", envvar="QBSIM_QWC_OWNER_ID",
                                 help="OwnerID {GUID}; default derived.")
    ] = None,
    file_id: Annotated[str | None, typer.Option("--file-id", envvar="QBSIM_QWC_FILE_ID",
                                                help="FileID {GUID}; default derived.")] = None,
    qb_type: Annotated[str, typer.Option("--qb-type", envvar="QBSIM_QWC_QB_TYPE",
                                         help="QBFS or QBPOS.")] = "QBFS",
    run_every_minutes: Annotated[
        int | None, typer.Option("--run-every-minutes", envvar="QBSIM_QWC_RUN_EVERY_MINUTES")
    ] = None,
    run_every_seconds: Annotated[
        int | None, typer.Option("--run-every-seconds", envvar="QBSIM_QWC_RUN_EVERY_SECONDS")
    ] = None,
    read_only: Annotated[bool, typer.Option("--read-only/--read-write", envvar="QBSIM_QWC_READ_ONLY",
                                            help="IsReadOnly.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", envvar="QBSIM_QWC_OUTPUT",
                                  help="Write here instead of stdout.")
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
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None


def _port_free(host: str, port: int) -> None:
    """Refuse a port another process listens on, in one line, before uvicorn starts."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise _fail(f"cannot listen on {host}:{port}: {exc.strerror} (choose another with --port or "
                        "$QBSIM_CONNECTOR_PORT)") from None


def _fail(message: str) -> typer.Exit:
    """One line on stderr and exit status 2: what a bad configuration gets, never a traceback."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.command()
def serve(
    config: Annotated[
        Path | None,
        typer.Option("--config", help="TOML configuration file (default: $QBSIM_CONNECTOR_CONFIG)."),
    ] = None,
    host: Annotated[str | None, typer.Option(envvar="QBSIM_CONNECTOR_HOST",
                                             help="Interface to listen on (file: host).")] = None,
    port: Annotated[int | None, typer.Option(envvar="QBSIM_CONNECTOR_PORT",
                                             help="TCP port (file: port; default 8000).")] = None,
    db_url: Annotated[
        str | None, typer.Option("--db-url", help="SQLAlchemy URL of the store (file: database_url).")
    ] = None,
    public_url: Annotated[str | None, typer.Option("--public-url", help="URL put in the WSDL.")] = None,
    user: Annotated[
        list[str] | None,
        typer.Option(
            "--user",
            help="Create a login: USERNAME:PASSWORD:COMPANY_KEY[:COMPANY_FILE] (repeatable; "
            "better: [[users]] in the file or $QBSIM_CONNECTOR_USERS).",
        ),
    ] = None,
    log_level: Annotated[
        str | None, typer.Option("--log-level", help="debug, info, warning, error (file: log_level).")
    ] = None,
) -> None:
    """Run the connector with uvicorn: the QBWC SOAP service, every sync handler installed, and for each
    [[procore]] company of the configuration its registration with Procore, webhook endpoint and rounds.

    Command-line options win over environment variables, which win over the file
    (see ``connector.configfile``); secrets belong in the environment or the file.
    """
    import dataclasses

    from connector.config import UserSpec
    from connector.configfile import ConfigError, load
    from connector.logs import configure_logging

    try:
        loaded = load(config)
        users = list(loaded.users)
        if user:
            users = [UserSpec.parse(spec) for spec in user]
        level = log_level or loaded.log_level
        configure_logging(level)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except ValueError as exc:  # a --user spec
        raise _fail(f"--user {exc}") from None
    # Imported once the configuration is known to be usable: a bad file is refused at once.
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from connector.app import create_app
    from connector.sync.registry import install

    settings = loaded.settings
    if db_url is not None or public_url is not None:
        settings = dataclasses.replace(
            settings,
            database_url=db_url if db_url is not None else settings.database_url,
            public_url=public_url if public_url is not None else settings.public_url,
        )
    try:
        web = create_app(settings, users=users, background=True)
    except (SQLAlchemyError, ValueError) as exc:  # a database URL that cannot be opened: one line
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fail(f"cannot open the store {settings.database_url!r}: {first}") from None
    install(web.state.qbwc)
    bind_host, bind_port = host or loaded.host, port if port is not None else loaded.port
    _port_free(bind_host, bind_port)
    typer.echo(f"connector on http://{bind_host}:{bind_port}  (QBWC SOAP service /qbwc, WSDL /qbwc?wsdl, "
               f"Procore webhooks /procore/webhooks; {len(users)} Web Connector login(s), "
               f"{len(settings.procore)} Procore compan{'y' if len(settings.procore) == 1 else 'ies'})")
    uvicorn.run(
        web,
        host=bind_host,
        port=bind_port,
        log_config=None,  # the root handler configure_logging set up carries uvicorn's records too
        log_level=level.lower(),
    )
