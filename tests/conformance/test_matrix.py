"""The requirement matrix: each cell from its cases and the target's expectation file
(``conformance.matrix``), and the requirement catalogue every case names."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import conformance.cases
from conformance.matrix import (
    CaseResult,
    ExpectationError,
    Expectations,
    judge,
    load_columns,
    markdown,
    page,
    write,
)
from conformance.requirements import catalogue


def _case(name: str, outcome: str, *rids: str, message: str = "") -> CaseResult:
    return CaseResult(f"cases/test_x.py::{name}", name, outcome, rids, message)


def test_each_cell_says_what_its_cases_said_and_what_the_target_expects() -> None:
    results = [
        _case("test_ok", "passed", "O1", "O2"),
        _case("test_broken", "failed", "O2", "Q1", message="AssertionError: no vendor"),
        _case("test_known", "failed", "Q2", message="NotSettled: not within 1 s"),
        _case("test_stale", "passed", "Q3"),
        _case("test_elsewhere", "deselected", "P1"),
        _case("test_skipped", "skipped", "P2", message="the target has no Procore half"),
    ]
    expect = Expectations("t", expected_fail={"Q2": "no vendors yet", "Q3": "was broken"},
                          not_applicable={"Q4": "no phone numbers"})
    cells = judge("t", results, expect).cells
    assert cells["O1"].status == "pass" and cells["O1"].cases == ("test_ok",)
    assert (cells["O2"].status, cells["O2"].reason) == ("fail", "test_broken: AssertionError: no vendor")
    assert (cells["Q2"].status, cells["Q2"].reason) == ("expected-fail", "no vendors yet")
    assert cells["Q3"].status == "pass" and "expectation is stale" in cells["Q3"].reason
    assert (cells["Q4"].status, cells["Q4"].reason) == ("not applicable", "no phone numbers")
    assert cells["P1"].status == "not run"
    assert (cells["P2"].status, cells["P2"].reason) == ("not applicable", "the target has no Procore half")
    assert cells["G1"].status == "not yet covered"


def test_only_must_failures_fail_the_run() -> None:
    should = next(r for r in catalogue().values() if r.severity == "SHOULD")
    column = judge("t", [_case("test_a", "failed", should.id)])
    assert column.cells[should.id].status == "fail" and column.must_failures() == []
    column = judge("t", [_case("test_b", "failed", "QBWC-AUTH-NVU")])
    assert column.must_failures() == ["QBWC-AUTH-NVU"]


def test_the_reports_escape_what_a_target_said() -> None:
    said = _case("test_a", "failed", "O1", message="<script>x</script> | y")
    column = judge("<b>evil</b> | target", [said])
    html = page([column])
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;evil" in html
    md = markdown([column])
    assert "\\| y" in md and "\\| target" in md


@pytest.mark.parametrize(("text", "message"), [
    ("[expected_fail]\nNOPE = \"x\"\n", "[expected_fail] NOPE: no such requirement"),
    ("[not_applicable]\nO1 = \"\"\n", "[not_applicable] O1: the reason must be a non-empty string"),
    ("colour = 3\n", "unknown key(s) colour (target, expected_fail, not_applicable)"),
    ("[expected_fail]\nO1 = \"a\"\n[not_applicable]\nO1 = \"b\"\n",
     "O1 both expected to fail and not applicable"),
    ("expected_fail = 3\n", "[expected_fail] must be a table of requirement id = \"reason\""),
])
def test_a_bad_expectation_file_is_refused_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "target.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExpectationError) as caught:
        Expectations.load(path)
    assert str(caught.value) == f"{path}: {message}"


def test_an_unreadable_expectation_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ExpectationError, match=r"missing\.toml: cannot read"):
        Expectations.load(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[expected_fail\n", encoding="utf-8")
    with pytest.raises(ExpectationError, match=r"broken\.toml: not TOML"):
        Expectations.load(broken)


def test_an_earlier_run_becomes_a_column_and_a_foreign_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path, [judge("before", [_case("test_a", "passed", "O1")])], [])
    [column] = load_columns(tmp_path / "results.json")
    assert column.target == "before" and column.cells["O1"].status == "pass"
    assert column.cells["O2"].status == "not yet covered"
    other = tmp_path / "other.json"
    other.write_text('{"columns": [{"cells": {}}]}', encoding="utf-8")
    with pytest.raises(ExpectationError, match=r"other\.json: not a results.json written by qbsim"):
        load_columns(other)


def _case_requirements() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for info in pkgutil.iter_modules(conformance.cases.__path__):
        if not info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"conformance.cases.{info.name}")
        for name, fn in vars(module).items():
            if name.startswith("test_"):
                marks = [m for m in getattr(fn, "pytestmark", []) if m.name == "qbsim_requirement"]
                found[name] = tuple(rid for m in marks for rid in m.args)
    return found


def test_every_case_names_known_requirements_and_every_implemented_area_is_covered() -> None:
    cases = _case_requirements()
    known = catalogue()
    assert cases and all(cases.values()), [n for n, r in cases.items() if not r]
    assert {rid for rids in cases.values() for rid in rids} <= set(known)
    covered = {rid for rids in cases.values() for rid in rids}
    missing = [rid for rid in known if rid not in covered]
    assert missing == []


def test_the_seed_rules_keep_their_ids_and_text() -> None:
    req = catalogue()["O2"]
    assert (req.text, req.severity, req.area) == ("Code → Item Name/Number", "MUST", "cost_codes")
    assert req.source == "SEED-RULES O2 (seed 001 Cost Codes mapping)"
