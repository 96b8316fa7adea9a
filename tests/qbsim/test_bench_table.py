"""``qbsim bench``'s ratio table, from pytest-benchmark JSON documents (no benchmark is run here)."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from qbsim.bench import markdown_table
from qbsim.cli import app


def _run(medians: dict[str, float], group: str = "parse X") -> dict[str, Any]:
    return {"benchmarks": [{"group": group, "name": f"test_x[{impl}]", "params": {"impl": impl},
                            "stats": {"median": median}} for impl, median in medians.items()]}


def test_each_row_gets_its_ratio_to_the_floor_and_to_the_best_peer() -> None:
    table = markdown_table([_run({"floor": 0.010, "qbsim": 0.025, "etree": 0.050, "qbwc-kit": 0.040})])
    lines = table.splitlines()
    assert lines[0] == "| group | row | median | × floor | × best peer | × floor, spread of runs |"
    assert "| parse X | floor | 10.0 ms | 1.00 | 0.25 | - |" in lines
    assert "| parse X | qbsim | 25.0 ms | 2.50 | 0.62 | - |" in lines
    assert "| parse X | qbwc-kit | 40.0 ms | 4.00 | 1.00 | - |" in lines


def test_several_runs_give_the_median_and_the_spread_of_the_floor_ratio() -> None:
    runs = [_run({"floor": 1e-3, "qbsim": 2e-3}), _run({"floor": 1e-3, "qbsim": 3e-3}),
            _run({"floor": 2e-3, "qbsim": 3e-3})]
    table = markdown_table(runs)
    assert "| parse X | qbsim | 3.0 ms | 3.00 | - | 1.50–3.00 |" in table.splitlines()


def test_the_command_is_registered_and_needs_a_json_path() -> None:
    result = CliRunner().invoke(app, ["bench"])
    assert result.exit_code == 2
    assert "--json" in result.output
