"""``qbsim conformance``: judge a QBWC service against the requirements; JUnit XML and the matrix.

    qbsim conformance --report out                      # this repository's connector, on a free port
    QBSIM_QBWC_PASSWORD=… qbsim conformance --target-url http://localhost:9000/qbwc --report out
    qbsim conformance --target-url … --target-command "my-connector --procore {procore_url}" --report out

Exit codes: 0 no MUST requirement failed; 1 a MUST requirement failed (or a case errored); 2 bad input
(an expectation file, an area, a target that cannot be launched).
"""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import conformance.expectations
from conformance.blackbox.target import JOB_MODES
from conformance.matrix import (
    FAIL,
    PASS,
    XFAIL,
    CaseResult,
    Column,
    ExpectationError,
    Expectations,
    judge,
    load_columns,
    write,
)
from conformance.requirements import areas

OUR_TARGET = "qbsim connector"
ONLY_HELP = f"Only the cases of this area (repeatable): {', '.join(areas())}."
#: Known deviations of this repository's connector (packaged beside the cases).
OUR_EXPECTATIONS = Path(conformance.expectations.__file__).parent / "qbsim-connector.toml"


def conformance(
    target_url: str = typer.Option(None, envvar="QBSIM_TARGET_URL",
                                   help="QBWC SOAP URL of the service to judge (default: this repository's "
                                        "connector, served on a free port)."),
    qbwc_user: str = typer.Option("procore-sync", envvar="QBSIM_QBWC_USER", help="Its Web Connector user."),
    qbwc_password: str = typer.Option(None, envvar="QBSIM_QBWC_PASSWORD",
                                      help="Its Web Connector password (better: the environment variable)."),
    target_command: str = typer.Option(
        None, envvar="QBSIM_TARGET_COMMAND",
        help="Start the target once the fake Procore runs: {procore_url}, {client_id}, {client_secret}, "
             "{company_id}, {qbw_path}, {poll_seconds}, {job_mode} are filled in (and given as "
             "QBSIM_PROCORE_URL … in its environment)."),
    target_name: str = typer.Option(None, envvar="QBSIM_TARGET_NAME", help="The target's name in reports."),
    procore_port: int = typer.Option(0, envvar="QBSIM_PROCORE_PORT",
                                     help="Port of the fake Procore (0: a free one; a target already "
                                          "running must have been told it)."),
    settle_seconds: float = typer.Option(15.0, envvar="QBSIM_SETTLE_SECONDS",
                                         help="How long a case waits for the target to carry something out."),
    job_mode: str = typer.Option("customers_are_jobs", envvar="QBSIM_JOB_MODE",
                                 help="Procore's project mapping for the run: customers_are_jobs or "
                                      "jobs_under_customers (the target is told it as {job_mode})."),
    only: list[str] = typer.Option(None, "--only", help=ONLY_HELP),  # noqa: B008
    junit: Path = typer.Option(None, "--junit", help="Write JUnit XML here (default: DIR/junit.xml)."),  # noqa: B008
    report: Path = typer.Option(..., "--report", help="Write DIR/matrix.md, DIR/matrix.html, results.json."),  # noqa: B008
    expectations: Path = typer.Option(  # noqa: B008
        None, envvar="QBSIM_EXPECTATIONS",
        help="The target's expectation file (TOML: [expected_fail] / [not_applicable] id = \"reason\"); "
             "our connector's packaged one by default."),
    compare: list[Path] = typer.Option(  # noqa: B008
        None, "--compare", help="An earlier run's DIR/results.json: its targets become columns beside this "
                                "one (repeatable)."),
) -> None:
    """Run the conformance suite against a QBWC service and write the requirement matrix."""
    from conformance.runner import Collector, run_cases

    console = Console(stderr=True)
    name = target_name or (target_url if target_url else OUR_TARGET)
    try:
        unknown = sorted(set(only or []) - set(areas()))
        if unknown:
            raise typer.BadParameter(f"no such area {', '.join(unknown)} (areas: {', '.join(areas())})",
                                     param_hint="--only")
        if job_mode not in JOB_MODES:
            raise typer.BadParameter(f"no such job mode {job_mode} (choices: {', '.join(JOB_MODES)})",
                                     param_hint="--job-mode")
        if target_url and not qbwc_password:
            raise typer.BadParameter("a target by URL needs its Web Connector password "
                                     "(QBSIM_QBWC_PASSWORD or --qbwc-password)", param_hint="--target-url")
        expect_path = expectations or (None if target_url else OUR_EXPECTATIONS)
        expected = Expectations.load(expect_path) if expect_path else Expectations()
        earlier: list[Column] = [col for path in compare or [] for col in load_columns(path)]
    except ExpectationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None

    options = [f"--qbsim-settle-seconds={settle_seconds}", f"--qbsim-procore-port={procore_port}",
               f"--qbsim-target-name={name}", f"--qbsim-qbwc-user={qbwc_user}",
               f"--qbsim-job-mode={job_mode}"]
    if target_url:
        options.append(f"--qbsim-target-url={target_url}")
    if target_command:
        options.append(f"--qbsim-target-command={target_command}")
    options += [f"--qbsim-area={area}" for area in only or []]
    # The password goes through the environment the plugin reads, never onto a command line.
    previous = os.environ.get("QBSIM_QBWC_PASSWORD")
    if qbwc_password:
        os.environ["QBSIM_QBWC_PASSWORD"] = qbwc_password

    marks = {"passed": "[green]pass[/]", "failed": "[red]FAIL[/]", "skipped": "[yellow]skip[/]"}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        task = progress.add_task(f"conformance: {name}", total=None)

        def collected(total: int) -> None:
            progress.update(task, total=total)

        def case(result: CaseResult) -> None:
            progress.console.print(f"{marks.get(result.outcome, result.outcome)} {result.name}"
                                   + (f" — {result.message[:200]}" if result.outcome == "failed" else ""),
                                   highlight=False, soft_wrap=True)
            progress.advance(task)

        collector = Collector(on_collected=collected, on_case=case)
        try:
            code = run_cases(options, collector, junit or report / "junit.xml")
        finally:
            if previous is None:
                os.environ.pop("QBSIM_QBWC_PASSWORD", None)
            else:
                os.environ["QBSIM_QBWC_PASSWORD"] = previous
    if collector.target_error:
        typer.echo(f"error: the target could not be launched: {collector.target_error}", err=True)
        raise typer.Exit(code=2)
    if code in (2, 3, 4) or collector.errors:  # interrupted, internal error, usage error, broken case file
        for line in collector.errors or [f"pytest exited {code} before running the cases"]:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(code=2)
    results = list(collector.results.values())
    column = judge(name, results, expected)
    written = write(report, [*earlier, column], results)
    console.print(f"{column.count(PASS)} pass, {column.count(FAIL)} fail, {column.count(XFAIL)} "
                  f"expected-fail of {len(column.cells)} requirements; wrote "
                  f"{', '.join(str(p) for p in written)}", highlight=False, soft_wrap=True)
    must = column.must_failures()
    if must:
        console.print(f"[red]{len(must)} MUST requirement(s) failed:[/] {', '.join(must)}", highlight=False,
                      soft_wrap=True)
        raise typer.Exit(code=1)
