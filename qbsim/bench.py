"""``qbsim bench``: run the qbXML codec benchmarks (pytest-benchmark) and write the ratio table.

Every group runs its rows side by side in one pytest session; the table gives each row's median and its
ratio to the group's ``floor`` and to the best peer (the fastest of etree, xmltodict, qbwc-kit). With
``--runs N`` the whole session runs N times and the table adds the spread (min-max) of the ratio to the
floor over the runs; the memory table of ``benchmarks/qbxml/memory.py`` follows. Times are CPU time of
the process (``time.process_time``): on a shared machine wall time mostly measures the neighbours.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

PEERS = ("etree", "xmltodict", "qbwc-kit")
SUITE = Path(__file__).resolve().parents[1] / "benchmarks" / "qbxml"


def _medians(run: dict[str, Any]) -> dict[str, dict[str, float]]:
    """group -> implementation -> median seconds, from one pytest-benchmark JSON document."""
    groups: dict[str, dict[str, float]] = {}
    for entry in run["benchmarks"]:
        impl = (entry.get("params") or {}).get("impl") or entry["name"]
        groups.setdefault(entry["group"] or entry["name"], {})[impl] = entry["stats"]["median"]
    return groups


def _format_time(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.0f} µs"


def markdown_table(runs: list[dict[str, Any]]) -> str:
    """The ratio table of one or more pytest-benchmark runs of the same suite (medians over the runs)."""
    per_run = [_medians(run) for run in runs]
    lines = ["| group | row | median | × floor | × best peer | × floor, spread of runs |",
             "|---|---|---:|---:|---:|---:|"]
    for group in per_run[0]:
        impls = per_run[0][group]
        medians = {impl: statistics.median(run[group][impl] for run in per_run if impl in run.get(group, {}))
                   for impl in impls}
        floor = medians.get("floor")
        peers = [medians[impl] for impl in PEERS if impl in medians]
        best_peer = min(peers) if peers else None
        for impl, median in medians.items():
            ratio = f"{median / floor:.2f}" if floor else "-"
            peer = f"{median / best_peer:.2f}" if best_peer else "-"
            if floor and len(per_run) > 1:
                ratios = [run[group][impl] / run[group]["floor"] for run in per_run
                          if impl in run.get(group, {}) and run[group].get("floor")]
                spread = f"{min(ratios):.2f}–{max(ratios):.2f}"
            else:
                spread = "-"
            lines.append(f"| {group} | {impl} | {_format_time(median)} | {ratio} | {peer} | {spread} |")
    return "\n".join(lines) + "\n"


def _run_path(path: Path, number: int) -> Path:
    return path if number == 1 else path.with_name(f"{path.stem}-run{number}{path.suffix}")


def bench(
    json_path: Annotated[Path, typer.Option("--json", help="Where to write pytest-benchmark's JSON.")],
    quick: bool = typer.Option(False, "--quick", help="A tenth of the data, few rounds: under a minute."),
    runs: int = typer.Option(1, "--runs", min=1, help="Run the suite N times; the table adds the spread."),
) -> None:
    """Run the qbXML codec benchmarks; write their JSON and a Markdown ratio table (PATH with .md)."""
    if not SUITE.is_dir():
        typer.echo(f"benchmarks not found at {SUITE} (run from a source checkout)", err=True)
        raise typer.Exit(2)
    env = dict(os.environ)
    options = ["--benchmark-timer=time.process_time"]
    if quick:
        env["QBSIM_BENCH_SCALE"] = "0.1"
        options += ["--benchmark-max-time=0.05", "--benchmark-min-rounds=3", "--benchmark-warmup=off"]
    else:
        options += ["--benchmark-min-rounds=5"]
    json_path.parent.mkdir(parents=True, exist_ok=True)
    documents = []
    for number in range(1, runs + 1):
        target = _run_path(json_path, number)
        command = [sys.executable, "-m", "pytest", str(SUITE), "--benchmark-only", "-q", "-p",
                   "no:cacheprovider", f"--benchmark-json={target}", *options]
        result = subprocess.run(command, cwd=SUITE.parents[1], env=env, check=False)
        if result.returncode != 0:
            typer.echo(f"benchmark run {number} failed (pytest exit {result.returncode})", err=True)
            raise typer.Exit(result.returncode)
        documents.append(json.loads(target.read_text(encoding="utf-8")))
    table = markdown_table(documents)
    memory = subprocess.run([sys.executable, "-m", "benchmarks.qbxml.memory"], cwd=SUITE.parents[1], env=env,
                            capture_output=True, text=True, check=False)
    if memory.returncode == 0:
        table += "\n" + memory.stdout
    else:
        table += f"\nmemory measurement failed: {memory.stderr.strip().splitlines()[-1:]}\n"
    json_path.with_suffix(".md").write_text(table, encoding="utf-8")
    typer.echo(table)
