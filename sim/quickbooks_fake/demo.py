"""A realistic scripted exchange against a fresh company file (what ``qbsim`` "run" can show).

It plays what the Procore connector does through the Web Connector — open a session, read the host,
company and preferences, page through service items with an iterator, export a cost code, a vendor and
a job — while the accountant edits the vendor in QuickBooks, so the connector's stale EditSequence
meets 3200. Every step records the request, the response and a one-line summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .company import CompanyFile

APP = "Procore QBD Connector"


@dataclass
class Step:
    """One request/response pair of the demo."""

    label: str
    request: str
    response: str

    def summary(self) -> str:
        root = etree.fromstring(self.response.encode())
        parts = []
        for rs in root.find("QBXMLMsgsRs"):
            extra = f" ({len(rs)} ret)" if len(rs) else ""
            parts.append(f"{rs.tag} {rs.get('statusCode')} {rs.get('statusSeverity')}: "
                         f"{rs.get('statusMessage')}{extra}")
        return f"{self.label}: " + "; ".join(parts)


def _doc(body: str, version: str = "13.0") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n'
            f'<QBXML><QBXMLMsgsRq onError="stopOnError">{body}</QBXMLMsgsRq></QBXML>')


def scripted_exchange(company: CompanyFile | None = None) -> list[Step]:
    """Run the scenario; returns the steps (the company file keeps the results)."""
    company = company or CompanyFile.create()
    for code in ("01-100 General Requirements", "03-300 Cast-in-Place Concrete", "09-250 Gypsum Board"):
        company.ui.create_service_item(code, account="Job Expenses:Subcontractors")
    company.ui.create_customer("Riverside Holdings")
    steps: list[Step] = []
    ticket = company.begin_session(APP, "DoNotCare", "")

    def send(label: str, body: str, version: str = "13.0") -> Step:
        request = _doc(body, version)
        step = Step(label, request, company.process_request(request, ticket=ticket))
        steps.append(step)
        return step

    send("host, company and preferences", '<HostQueryRq requestID="1"/><CompanyQueryRq requestID="2"/>'
         '<PreferencesQueryRq requestID="3"/>', version="16.0")
    first = send("cost codes, first page",
                 '<ItemServiceQueryRq requestID="4" iterator="Start"><MaxReturned>2</MaxReturned>'
                 "</ItemServiceQueryRq>")
    iterator_id = etree.fromstring(first.response.encode()).find("QBXMLMsgsRs")[0].get("iteratorID")
    send("cost codes, next page", f'<ItemServiceQueryRq requestID="5" iterator="Continue" '
         f'iteratorID="{iterator_id}"><MaxReturned>2</MaxReturned></ItemServiceQueryRq>')
    send("export cost code", '<ItemServiceAddRq requestID="6"><ItemServiceAdd><Name>16-100 Electrical</Name>'
         "<SalesOrPurchase><Desc>Electrical</Desc><AccountRef><FullName>Job Expenses:Subcontractors"
         "</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd></ItemServiceAddRq>")
    vendor = send("export vendor", '<VendorAddRq requestID="7"><VendorAdd><Name>Acme Concrete</Name>'
                  "<CompanyName>Acme Concrete LLC</CompanyName><VendorAddress><Addr1>1 Quarry Rd</Addr1>"
                  "<City>Austin</City><State>TX</State><PostalCode>78701</PostalCode></VendorAddress>"
                  "<Phone>512-555-0101</Phone><Fax>512-555-0102</Fax></VendorAdd></VendorAddRq>")
    send("export job", '<CustomerAddRq requestID="8"><CustomerAdd><Name>Tower A</Name><ParentRef><FullName>'
         "Riverside Holdings</FullName></ParentRef></CustomerAdd></CustomerAddRq>")
    ret = etree.fromstring(vendor.response.encode()).find("QBXMLMsgsRs")[0][0]
    company.ui.edit("Vendor", "Acme Concrete", Phone="512-555-0199")  # the accountant edits it meanwhile
    send("update vendor with a stale EditSequence",
         f'<VendorModRq requestID="9"><VendorMod><ListID>{ret.findtext("ListID")}</ListID><EditSequence>'
         f'{ret.findtext("EditSequence")}</EditSequence><Fax>512-555-0103</Fax></VendorMod></VendorModRq>')
    company.end_session(ticket)
    return steps
