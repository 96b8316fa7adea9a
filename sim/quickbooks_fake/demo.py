"""A scripted qbXML exchange against a fresh company file (``qbsim quickbooks demo``, part of ``qbsim run``).

It plays the requests an integration really sends (the Web Connector's
HostQuery/CompanyQuery/PreferencesQuery, batched cost-code ItemServiceAdds, jobs under customers, vendors,
an iterator walk) and the failures an integration really meets (3100 duplicate name, 3130 bad parent,
3200 stale EditSequence after an accountant's edit, 0x80040400 for a malformed document), each with
QuickBooks' own status code and message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from sim.hardened import parse_xml

from .company import CompanyFile
from .errors import QBXMLError
from .hardened import DEFAULT_MAX_BYTES


@dataclass
class Step:
    """One request (or one accountant action) and what QuickBooks answered."""

    title: str
    request: str
    statuses: list[tuple[str, str, str, str]] = field(default_factory=list)  # (Rs, code, severity, message)
    note: str = ""

    def summary(self) -> str:
        """One line: the step and what QuickBooks answered."""
        answered = "; ".join(f"{rs} {code} {sev}: {msg}" for rs, code, sev, msg in self.statuses) or "-"
        return f"{self.title}: {answered}" + (f" ({self.note})" if self.note else "")


def envelope(body: str, *, version: str = "13.0", on_error: str = "stopOnError") -> str:
    """A qbXML request document as the Web Connector hands it to QuickBooks."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><?qbxml version="{version}"?>'
        f'<QBXML><QBXMLMsgsRq onError="{on_error}">{body}</QBXMLMsgsRq></QBXML>'
    )


def statuses(response: str) -> list[tuple[str, str, str, str]]:
    """(response element, statusCode, statusSeverity, statusMessage) for every response in a document."""
    root = parse_xml(response.encode(), cap=DEFAULT_MAX_BYTES)
    msgs = root.find("QBXMLMsgsRs")
    if msgs is None:
        return []
    return [
        (el.tag, el.get("statusCode", ""), el.get("statusSeverity", ""), el.get("statusMessage", ""))
        for el in msgs
        if isinstance(el.tag, str)
    ]


def first_value(response: str, path: str) -> str:
    """Text of the first element at ``path`` (e.g. ``.//ItemServiceRet/EditSequence``)."""
    root = parse_xml(response.encode(), cap=DEFAULT_MAX_BYTES)
    found = root.find(path)
    return "" if found is None or found.text is None else found.text


def _item_service_add(name: str, desc: str, rid: int) -> str:
    return (
        f'<ItemServiceAddRq requestID="{rid}"><ItemServiceAdd><Name>{escape(name)}</Name>'
        f"<SalesOrPurchase><Desc>{escape(desc)}</Desc><Price>0.00</Price>"
        f"<AccountRef><FullName>Construction Income</FullName></AccountRef></SalesOrPurchase>"
        f"</ItemServiceAdd></ItemServiceAddRq>"
    )


def run_exchange(company: CompanyFile) -> list[Step]:
    """Run the scripted exchange against ``company`` and return what happened, step by step."""
    steps: list[Step] = []

    def send(title: str, body: str, *, on_error: str = "stopOnError", note: str = "") -> str:
        request = envelope(body, on_error=on_error)
        response = company.process_request(request)
        steps.append(Step(title, request, statuses(response), note))
        return response

    def act(title: str, action: Callable[[], object], note: str) -> None:
        action()
        steps.append(Step(title, "(QuickBooks window)", [], note))

    host = send(
        "Web Connector opens the file: Host, Company, Preferences",
        '<HostQueryRq requestID="0"/><CompanyQueryRq requestID="1"/><PreferencesQueryRq requestID="2"/>',
    )
    host_root = parse_xml(host.encode(), cap=DEFAULT_MAX_BYTES)
    versions = [el.text or "" for el in host_root.iter("SupportedQBXMLVersion")]
    steps[-1].note = f"{first_value(host, './/HostRet/ProductName')}; qbXML {', '.join(versions)}"
    act("Accountant creates customer 'Evergreen Holdings'",
        lambda: company.ui.create_customer("Evergreen Holdings"), "Customer Center, tier 1")
    act("Accountant creates vendor 'Acme Concrete'",
        lambda: company.ui.create_vendor("Acme Concrete"), "Vendor Center")
    send(
        "Export three cost codes as Service items (one batch, continueOnError)",
        "".join(
            _item_service_add(name, desc, i)
            for i, (name, desc) in enumerate(
                [("01-100", "General Requirements"), ("03-300", "Cast-in-Place Concrete"),
                 ("03-300", "Duplicate of the line before")], start=10)
        ),
        on_error="continueOnError",
        note="the third reuses a name: QuickBooks answers 3100 and carries on",
    )
    send(
        "Export project 'Riverside Clinic' as a job under the customer",
        '<CustomerAddRq requestID="20"><CustomerAdd><Name>Riverside Clinic</Name>'
        "<ParentRef><FullName>Evergreen Holdings</FullName></ParentRef></CustomerAdd></CustomerAddRq>",
    )
    send(
        "A job under a customer that does not exist",
        '<CustomerAddRq requestID="21"><CustomerAdd><Name>Orphan Job</Name>'
        "<ParentRef><FullName>No Such Customer</FullName></ParentRef></CustomerAdd></CustomerAddRq>",
    )
    send(
        "A vendor whose name a customer already has (one name space)",
        '<VendorAddRq requestID="22"><VendorAdd><Name>Evergreen Holdings</Name></VendorAdd></VendorAddRq>',
    )
    added = send(
        "Read cost code 01-100",
        '<ItemServiceQueryRq requestID="30"><FullName>01-100</FullName></ItemServiceQueryRq>',
    )
    list_id = first_value(added, ".//ItemServiceRet/ListID")
    stale = first_value(added, ".//ItemServiceRet/EditSequence")
    act("Accountant renames the item's description in QuickBooks",
        lambda: company.ui.edit("ItemService", "01-100", SalesOrPurchase={"Desc": "General Conditions"}),
        "the EditSequence changes")
    send(
        "Connector updates 01-100 with the EditSequence it read before",
        f'<ItemServiceModRq requestID="31"><ItemServiceMod><ListID>{list_id}</ListID>'
        f"<EditSequence>{stale}</EditSequence><Name>01-100</Name></ItemServiceMod></ItemServiceModRq>",
        note="3200 carries the current record so the connector can retry",
    )
    for name in ("Baker Electric", "Cole Plumbing", "Delta Steel"):
        company.ui.create_vendor(name)
    first = send(
        "Import vendors, two at a time (iterator Start)",
        '<VendorQueryRq requestID="40" iterator="Start"><MaxReturned>2</MaxReturned></VendorQueryRq>',
    )
    first_rs = parse_xml(first.encode(), cap=DEFAULT_MAX_BYTES).find(".//VendorQueryRs")
    if first_rs is None:
        raise RuntimeError("VendorQueryRq got no VendorQueryRs")
    iterator_id = first_rs.get("iteratorID", "")
    steps[-1].note = f"iteratorRemainingCount={first_rs.get('iteratorRemainingCount')}"
    send(
        "Import vendors (iterator Continue)",
        f'<VendorQueryRq requestID="41" iterator="Continue" iteratorID="{iterator_id}">'
        "<MaxReturned>2</MaxReturned></VendorQueryRq>",
    )
    malformed = envelope("<VendorAddRq><VendorAdd><Name>Broken</VendorAdd></VendorAddRq>")
    try:
        company.process_request(malformed)
        steps.append(Step("A malformed document", malformed, [], "unexpectedly accepted"))
    except QBXMLError as err:
        hresult = [("HRESULT", err.hresult, "Error", err.message)]
        steps.append(Step("A malformed document", malformed, hresult))
    return steps
