"""Rewrite every generated file of the fake QuickBooks (``make coverage``): ``COVERAGE.md`` and
``_generated_qbxml_newer.py``. Each is rendered from inputs in the repository; a test renders each in
memory and compares it with the file (``tests/sim/quickbooks_fake/test_generated_files.py``).

    .venv/bin/python -m sim.quickbooks_fake.tools.regenerate
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sim.quickbooks_fake.tools import coverage, gen_newer_elements

#: generated file → the function rendering its text
OUTPUTS: dict[Path, Callable[[], str]] = {
    coverage.OUT: coverage.render,
    gen_newer_elements.OUT: gen_newer_elements.render,
}


def main() -> None:
    for path, render in OUTPUTS.items():
        path.write_text(render(), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
