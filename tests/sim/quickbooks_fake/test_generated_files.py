"""Every generated file of the fake QuickBooks is current: rendered in memory, it equals the file.

``make coverage`` (``sim/quickbooks_fake/tools/regenerate.py``) rewrites them; a failure here means an
input changed (a handler, a docstring's "Not yet faithful:" paragraph, the vendored 16.0 sample data)
without regenerating.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.quickbooks_fake.tools import coverage, gen_newer_elements
from sim.quickbooks_fake.tools.regenerate import OUTPUTS

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("path", sorted(OUTPUTS), ids=lambda p: p.name)
def test_generated_file_is_current(path: Path) -> None:
    assert OUTPUTS[path]() == path.read_text(encoding="utf-8"), f"stale: run `make coverage` ({path.name})"


def test_generators_read_only_files_inside_the_repository() -> None:
    assert gen_newer_elements.SOURCE.is_relative_to(REPO) and gen_newer_elements.SOURCE.exists()
    for path in OUTPUTS:
        assert path.is_relative_to(REPO / "sim" / "quickbooks_fake")


def test_notes_come_from_the_not_yet_faithful_paragraph() -> None:
    doc = "Answers X.\n\nMore.\nNot yet\nfaithful: the Y filter,\nthe Z field.\n\nUnrelated."
    assert coverage.not_yet_faithful(doc) == "the Y filter, the Z field."
    assert coverage.answers("One line. Not yet faithful: W.") == "One line."
    assert coverage.not_yet_faithful("Nothing said.") == ""
    text = coverage.render()
    # a handler's own paragraph wins over its module's
    assert ("| AccountQueryRq | ✓ `lists.account.account_query` | ListQuery + AccountType filter (several "
            "allowed). | CurrencyFilter is ignored. |") in text
    assert "| BillAddRq | ✓ `txns.bill.bill_add` |  | item groups, VendorAddress defaulting," in text


def test_the_newer_elements_are_those_of_16_0_missing_from_13_0() -> None:
    from sim.quickbooks_fake._generated_qbxml_newer import NEWER_THAN_13
    from sim.quickbooks_fake.schema import all_element_names

    assert "FulfillmentStatus" in NEWER_THAN_13 and not NEWER_THAN_13 & all_element_names()
