"""``python -m sim.webconnector APP.qwc --company URL``: "Update Selected" from a shell.

Drives the service at the .qwc AppURL over real HTTP and reaches the fake company file through its HTTP
face; prints each callback, the outcome, one line per item QuickBooks failed (its status code and
message), and (``--log``) QWCLog.txt. ``--json`` prints the same as one JSON document. ``--advance
MINUTES`` lets Auto-Run fire on the virtual clock instead of one manual update.

Exit status: 0 when every update completed or had no work, 1 when one did not (refused login, a failed
callback, QuickBooks not reachable from the Web Connector …), 2 for bad input (a .qwc the Web Connector
would refuse, an unreachable company URL, no password). The password comes from ``--password``,
``$QBSIM_WEBCONNECTOR_PASSWORD`` or a prompt: a command line is visible to every user of the machine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import typer
from lxml import etree

from sim.webconnector.emulator import DEFAULT_VERSION, WebConnector
from sim.webconnector.errors import QWCFileError
from sim.webconnector.qwc import load_qwc
from sim.webconnector.result import Outcome, UpdateResult

cli = typer.Typer(add_completion=False, help=__doc__)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
OK_OUTCOMES = (Outcome.COMPLETED, Outcome.NO_WORK)


def failed_items(result: UpdateResult) -> list[dict[str, str]]:
    """Every response element QuickBooks answered with an Error status, in order (the items that failed)."""
    out = []
    for exchange in result.exchanges:
        if exchange.hcp or not exchange.response:
            continue
        try:
            root = etree.fromstring(exchange.response.split("?>", 2)[-1].strip().encode(), _PARSER)
        except etree.XMLSyntaxError:
            continue
        for element in root.iter():
            if not isinstance(element.tag, str) or element.get("statusSeverity") != "Error":
                continue
            out.append(
                {
                    "response": element.tag,
                    "request_id": element.get("requestID", ""),
                    "code": element.get("statusCode", ""),
                    "message": element.get("statusMessage", ""),
                }
            )
    return out


def _show(result: UpdateResult, log: bool) -> None:
    typer.echo(f"{result.started_at.isoformat()}  {result.app_name}: {result.outcome} — {result.status}")
    for call in result.calls:
        outcome = f"FAILED {call.failure}" if call.failure else repr(call.result)[:120]
        typer.echo(f"  {call.operation}() -> {outcome}")
    for error in result.errors:
        typer.echo(f"  error {error.code}: {error.message}")
    for item in failed_items(result):
        typer.echo(
            f"  failed {item['response']} (requestID {item['request_id']}): "
            f"QuickBooks {item['code']}: {item['message']}"
        )
    if log:
        typer.echo("\n".join(result.log))


def _as_json(result: UpdateResult) -> dict[str, Any]:
    return {
        "app_name": result.app_name,
        "started_at": result.started_at.isoformat(),
        "outcome": result.outcome.value,
        "status": result.status,
        "ok": result.outcome in OK_OUTCOMES,
        "operations": result.operations,
        "errors": [{"code": e.code, "message": e.message} for e in result.errors],
        "failed_items": failed_items(result),
        "progress": result.progress,
    }


def _bad(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@cli.command()
def main(
    qwc: Path = typer.Argument(..., help="the .qwc file", show_default=False),  # noqa: B008
    company: str = typer.Option(
        ..., envvar="QBSIM_WEBCONNECTOR_COMPANY", help="base URL of the fake company file's HTTP face"
    ),
    password: str = typer.Option(
        ...,
        envvar="QBSIM_WEBCONNECTOR_PASSWORD",
        prompt=True,
        hide_input=True,
        help="the password typed into the Web Connector (better: the variable)",
    ),
    version: str = typer.Option(
        DEFAULT_VERSION, envvar="QBSIM_WEBCONNECTOR_VERSION", help="Web Connector version string"
    ),
    raw: bool = typer.Option(
        False,
        envvar="QBSIM_WEBCONNECTOR_RAW",
        help="send byte-for-byte real-QBWC envelopes instead of zeep's",
    ),
    advance: float = typer.Option(
        0.0, envvar="QBSIM_WEBCONNECTOR_ADVANCE", help="minutes of Auto-Run instead of one manual update"
    ),
    log: bool = typer.Option(False, envvar="QBSIM_WEBCONNECTOR_LOG", help="print QWCLog.txt lines"),
    as_json: bool = typer.Option(
        False,
        "--json",
        envvar="QBSIM_WEBCONNECTOR_JSON",
        help="print each update as JSON (one document: a list of updates)",
    ),
) -> None:
    if not qwc.is_file():
        raise _bad(f"{qwc}: no such .qwc file")
    if not company.startswith(("http://", "https://")):
        raise _bad(f"--company {company!r}: give the company file's URL, e.g. http://127.0.0.1:8765")
    try:
        loaded = load_qwc(qwc)
    except QWCFileError as exc:
        raise _bad(f"{qwc}: the Web Connector refuses this file: {exc}") from None
    try:  # QuickBooks is reached only after authenticate: say at once when it cannot be
        httpx.get(f"{company.rstrip('/')}/_sim/state", timeout=10.0).raise_for_status()
    except httpx.HTTPError as exc:
        raise _bad(f"cannot reach the company file at {company}: {exc}") from None
    try:
        with WebConnector(loaded, password, company, version=version, raw_envelopes=raw) as wc:
            results = wc.advance(advance) if advance else [wc.run_update()]
    except httpx.HTTPError as exc:
        raise _bad(f"cannot reach the company file at {company}: {exc}") from None
    if as_json:
        typer.echo(json.dumps([_as_json(r) for r in results], indent=2))
    else:
        for result in results:
            _show(result, log)
    if any(r.outcome not in OK_OUTCOMES for r in results):
        raise typer.Exit(code=1)


if __name__ == "__main__":
    cli()
