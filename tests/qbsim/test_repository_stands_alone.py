"""The repository stands alone: its README and CONTRIBUTING point only inside it, the paths they name
exist, the LICENSE is the one pyproject.toml declares, and `make run` installs only what running needs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]
DOCS = ("README.md", "CONTRIBUTING.md", "docs/ARCHITECTURE.md")


def test_the_docs_point_nowhere_outside_the_repository() -> None:
    for name in DOCS:
        text = (ROOT / name).read_text()
        assert "../" not in text, f"{name} points outside the repository"
        assert "/work/" not in text and "shared/" not in text, name
        links = re.findall(r"\]\(([^)]+)\)", text)
        assert all(not link.startswith(("http", "/", "..")) for link in links), (name, links)


def test_the_package_paths_the_docs_name_exist() -> None:
    for name in DOCS:
        for path in re.findall(r"`((?:sim|connector|conformance|qbsim|tests|docs|benchmarks|load)/[\w./-]*)`",
                               (ROOT / name).read_text()):
            if "*" in path or "{" in path:
                continue
            assert (ROOT / path).exists(), f"{name} names {path}, which does not exist"


def test_the_license_file_is_the_declared_license() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert declared == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_make_run_installs_only_what_running_needs_and_says_how_to_recover() -> None:
    makefile = (ROOT / "Makefile").read_text()
    run_rule = re.search(r"^run: (.+)$", makefile, re.M)
    assert run_rule is not None and run_rule[1].strip() == "install-run"
    run_stamp = makefile[makefile.index("$(RUN_STAMP): pyproject.toml") :].split("\n\n", 1)[0]
    assert "pip install --quiet -e . " in run_stamp and "[dev]" not in run_stamp
    assert "rm -rf $(VENV) && make $(MAKECMDGOALS)" in makefile
    assert run_stamp.count("|| $(RECOVER)") == 3
