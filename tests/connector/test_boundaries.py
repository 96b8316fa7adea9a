"""The connector never imports the simulators (``sim``): it must run unchanged against real Procore."""

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
