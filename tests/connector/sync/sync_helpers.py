"""Helpers for the sync handler tests: a work queue, id map and staging table on in-memory SQLite,
and QuickBooks-shaped responses.

Responses are literal qbXML as QuickBooks writes it (status texts from STATUS-CODES.md), read by the
session driver's own reader (the codec's ``parse_response``) so handlers see exactly what they see in
production.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from conformance import xsd
from connector.qbxml import Request, Response, parse_response, render_request
from connector.store.db import make_engine, make_session_factory
from connector.store.queue import WorkQueue
from connector.store.users import UserStore
from connector.sync.context import SyncContext, SyncOptions
from connector.sync.staging import StagingStore
from connector.work import QBXML_VERSION, Outcome, WorkItemView

COMPANY = "acme-co"
NOW = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


def rs(body: str) -> Response:
    """One …Rs element wrapped the way QuickBooks answers."""
    document = f'<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n{body}</QBXMLMsgsRs>\n</QBXML>\n'
    return parse_response(document, version=QBXML_VERSION, max_bytes=1 << 20)[0]


def xml(body: Request | Sequence[Request]) -> str:
    """A handler's request(s) as the qbXML text the session driver puts in its batch (no requestID)."""
    requests = [body] if isinstance(body, Request) else list(body)
    return "".join(render_request(r, QBXML_VERSION, None) for r in requests)


def valid_rs(body: str) -> Response:
    """Like :func:`rs`, after checking the document against the 13.0 XSD (element order, types)."""
    document = f'<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n{body}</QBXMLMsgsRs>\n</QBXML>\n'
    problems = xsd.errors(document)
    assert not problems, problems
    return rs(body)


LIST_CORE = ("<TimeCreated>2026-01-05T09:00:00-05:00</TimeCreated>"
             "<TimeModified>2026-01-05T09:00:00-05:00</TimeModified>")


def customer_ret(list_id: str, full_name: str, edit_sequence: str = "1767621600", *, parent_id: str = "",
                 extra: str = "") -> str:
    """A CustomerRet (a job when ``full_name`` has a ':' and ``parent_id`` names its customer)."""
    name = full_name.rsplit(":", 1)[-1]
    parent = (f"<ParentRef><ListID>{parent_id}</ListID><FullName>{full_name.rsplit(':', 1)[0]}</FullName>"
              "</ParentRef>" if ":" in full_name else "")
    return (f"<CustomerRet><ListID>{list_id}</ListID>{LIST_CORE}<EditSequence>{edit_sequence}</EditSequence>"
            f"<Name>{name}</Name><FullName>{full_name}</FullName><IsActive>true</IsActive>{parent}"
            f"<Sublevel>{full_name.count(':')}</Sublevel>{extra}<Balance>0.00</Balance>"
            "<TotalBalance>0.00</TotalBalance><JobStatus>None</JobStatus></CustomerRet>")


def full_vendor_ret(list_id: str, name: str, edit_sequence: str = "1767621600", extra: str = "") -> str:
    return (f"<VendorRet><ListID>{list_id}</ListID>{LIST_CORE}<EditSequence>{edit_sequence}</EditSequence>"
            f"<Name>{name}</Name><IsActive>true</IsActive>{extra}"
            "<IsVendorEligibleFor1099>false</IsVendorEligibleFor1099><Balance>0.00</Balance></VendorRet>")


def item_service_ret(list_id: str, name: str, edit_sequence: str, desc: str = "General Requirements") -> str:
    return (
        f"<ItemServiceRet><ListID>{list_id}</ListID><TimeCreated>2024-01-15T09:00:00-05:00</TimeCreated>"
        f"<TimeModified>2024-01-15T09:00:00-05:00</TimeModified><EditSequence>{edit_sequence}</EditSequence>"
        f"<Name>{name}</Name><FullName>{name}</FullName><IsActive>true</IsActive><Sublevel>0</Sublevel>"
        f"<SalesAndPurchase><SalesDesc>{desc}</SalesDesc><IncomeAccountRef><FullName>Construction Income"
        f"</FullName></IncomeAccountRef><PurchaseDesc>{desc}</PurchaseDesc><ExpenseAccountRef><FullName>"
        "Job Expenses</FullName></ExpenseAccountRef></SalesAndPurchase></ItemServiceRet>"
    )


OK = 'statusCode="0" statusSeverity="Info" statusMessage="Status OK"'


@dataclass
class Env:
    queue: WorkQueue
    context: SyncContext

    def view(self, item_id: int, *, is_probe: bool = False) -> WorkItemView:
        r = self.queue.get(item_id)
        assert r is not None
        return WorkItemView(r.id, r.company_key, r.kind, r.payload, r.procore_id, r.attempts, r.iterator_id,
                            is_probe, dict(r.result or {}))

    def sent(self, item_id: int) -> WorkItemView:
        """Mark the item sent (attempts + 1) as the driver does, and return its view."""
        self.queue.mark_sent([(item_id, False)], "T1")
        return self.view(item_id)

    def apply(self, item_id: int, outcome: Outcome) -> None:
        """Record an outcome the way the session driver does."""
        state = "pending" if outcome.state == "resend" else outcome.state
        self.queue.complete(item_id, "T1", state=state, status_code=outcome.status_code,
                            message=outcome.message, result=outcome.result, followups=outcome.followups,
                            id_map=outcome.id_map, restart=outcome.restart)


def new_env(options: SyncOptions | None = None) -> Env:
    """A fresh store (company row included, as the users store creates it in production)."""
    engine = make_engine("sqlite://")
    queue = WorkQueue(make_session_factory(engine), lambda: NOW)
    UserStore(make_session_factory(engine), 1000).add_company(COMPANY)
    context = SyncContext(queue, StagingStore(engine), options or SyncOptions(), lambda: NOW)
    return Env(queue, context)
