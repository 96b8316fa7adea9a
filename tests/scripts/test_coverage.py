"""scripts/coverage.py: request types come from the XSD, answered ones from the fake's registry."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("coverage_script", ROOT / "scripts" / "coverage.py")
assert _spec is not None and _spec.loader is not None
coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(coverage)


def test_request_types_come_from_the_schema() -> None:
    names = coverage.xsd_request_types()
    for expected in ("ItemServiceAdd", "CustomerQuery", "PurchaseOrderMod", "BillPaymentCheckQuery",
                     "JobReportQuery", "ListDel", "TxnDel", "HostQuery"):
        assert expected in names
    assert "QBXMLMsgs" not in names
    assert len(names) > 200


def test_family_names() -> None:
    assert coverage.family("ItemServiceAdd") == "ItemService"
    assert coverage.family("BillPaymentCheckQuery") == "BillPaymentCheck"
    assert coverage.family("ListDel") == "List"
    assert coverage.family("TxnDel") == "Txn"


def test_render_marks_answered_and_missing() -> None:
    text = coverage.render(["ItemServiceAdd", "ItemServiceQuery", "BillAdd"], {"ItemServiceAdd"})
    assert "**1 of 3 request types answered.**" in text
    assert "| ItemService | `ItemServiceAdd` | `ItemServiceQuery` |" in text
    assert "| Bill | - | `BillAdd` |" in text
