"""The connector's layers point one way: edge (qbwc, procore) → domain (sync) → store, with the work
contract (``connector/work.py``) a leaf they all share; and the connector never imports the simulators it
is judged by."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "connector"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py")) if folder else sorted(ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", _modules("store"), ids=lambda p: p.name)
def test_the_store_imports_no_layer_above_it(path: Path) -> None:
    layers_above = ("connector.sync", "connector.qbwc", "connector.procore")
    above = {n for n in _imports(path) if n.startswith(layers_above)}
    assert above == set(), f"{path.relative_to(ROOT)} imports {sorted(above)}"


def test_the_work_contract_is_a_leaf() -> None:
    ours = {n for n in _imports(ROOT / "work.py") if n.startswith("connector")}
    assert ours <= {"connector.qbxml"}


@pytest.mark.parametrize("path", _modules(""), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_connector_never_imports_the_simulators(path: Path) -> None:
    assert not {n for n in _imports(path) if n == "sim" or n.startswith(("sim.", "conformance"))}
