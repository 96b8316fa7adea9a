"""Shared helpers for the fake QuickBooks tests: build requests, run them, validate every response."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

SCHEMA = Path(__file__).resolve().parents[4] / "sim" / "quickbooks_fake" / "schemas" / "qbxmlops130.xsd"


@lru_cache(maxsize=1)
def xsd() -> etree.XMLSchema:
    """The 13.0 XSD, loaded once per test session (independently of the fake's own loader)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def request(body: str, version: str = "13.0", on_error: str = "stopOnError") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n'
            f'<QBXML><QBXMLMsgsRq onError="{on_error}">{body}</QBXMLMsgsRq></QBXML>')


def check(text: str) -> etree._Element:
    """Parse a response, assert QuickBooks' header and that it validates against the 13.0 XSD."""
    assert text.startswith('<?xml version="1.0" ?>\n<QBXML>\n'), text[:80]
    root = etree.fromstring(text.encode())
    schema = xsd()
    assert schema.validate(root), f"{schema.error_log}\n{text}"
    return root


def rs(root: etree._Element, index: int = 0) -> etree._Element:
    """The index-th response of the message set."""
    return root.find("QBXMLMsgsRs")[index]


def status(el: etree._Element) -> tuple[str, str, str]:
    return el.get("statusCode"), el.get("statusSeverity"), el.get("statusMessage")


def populated_company():  # -> CompanyFile (imported late: this module is also used without the fake)
    """A contractor's file with one of everything (POs on, a vendor, a Customer:Job, a cost-code item,
    a PO, a bill and an estimate), for property tests that need records to modify and query."""
    from sim.quickbooks_fake import CompanyFile

    company = CompanyFile.create()
    company.ui.set_inventory_active(True)
    company.ui.create_vendor("Acme Concrete")
    company.ui.create_customer("Smith Residence")
    company.ui.create_job("Smith Residence", "Kitchen")
    company.ui.create_service_item("01-100 Concrete", account="Job Expenses:Subcontractors")
    line = {"item": "01-100 Concrete", "qty": "2", "rate": "150", "job": "Smith Residence:Kitchen"}
    company.ui.enter_purchase_order("Acme Concrete", [line], ref_number="PO-1")
    company.ui.enter_bill("Acme Concrete", [line], ref_number="INV-1")
    estimate_line = {"item": "01-100 Concrete", "qty": "3", "rate": "90"}
    company.ui.enter_estimate("Smith Residence:Kitchen", [estimate_line])
    return company
