"""Import boundaries: the connector never imports the simulators (``sim``: it must run unchanged against
real Procore), and its layers point one way."""

from __future__ import annotations

import ast
from pathlib import Path

CONNECTOR = Path(__file__).resolve().parents[2] / "connector"


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_connector_module_imports_sim() -> None:
    offenders = {
        f"{path.relative_to(CONNECTOR.parent)}: {name}"
        for path in CONNECTOR.rglob("*.py")
        for name in imported_modules(path)
        if name == "sim" or name.startswith("sim.")
    }
    assert sorted(CONNECTOR.rglob("*.py")), "connector sources not found"
    assert offenders == set()


LAYERS_ABOVE_THE_STORE = ("connector.sync", "connector.qbwc", "connector.procore")


def test_the_store_imports_no_layer_above_it() -> None:
    """Edge (qbwc, procore) → domain (sync) → store: the store never reaches up."""
    offenders = {
        f"{path.relative_to(CONNECTOR.parent)}: {name}"
        for path in (CONNECTOR / "store").rglob("*.py")
        for name in imported_modules(path)
        if name.startswith(LAYERS_ABOVE_THE_STORE)
    }
    assert offenders == set()


def test_the_work_contract_is_a_leaf() -> None:
    """``connector/work.py`` is shared by the store, the session driver and the handlers: it imports
    nothing of the connector but the codec's types."""
    ours = {n for n in imported_modules(CONNECTOR / "work.py") if n.startswith("connector")}
    assert ours <= {"connector.qbxml"}
