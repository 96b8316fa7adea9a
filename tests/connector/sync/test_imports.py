"""Vendor and job imports: iterator pages staged (upserted), tiers filtered by the job setting."""

from __future__ import annotations

import pytest
from sync_helpers import COMPANY, NOW, OK, Env, new_env, rs, xml

from connector.app import create_app
from connector.config import Settings
from connector.sync.context import SyncOptions
from connector.sync.jobs import KIND as JOB_KIND
from connector.sync.jobs import JobImportHandler, skip_reason
from connector.sync.registry import install
from connector.sync.staging import StageEntry
from connector.sync.vendors import KIND as VENDOR_KIND
from connector.sync.vendors import VendorImportHandler
from connector.work import WorkRefused


def vendor_ret(list_id: str, name: str, extra: str = "") -> str:
    return (f"<VendorRet><ListID>{list_id}</ListID><EditSequence>1705327200</EditSequence><Name>{name}</Name>"
            f"<IsActive>true</IsActive>{extra}</VendorRet>")


def customer_ret(list_id: str, full_name: str, sublevel: int, extra: str = "") -> str:
    name = full_name.rsplit(":", 1)[-1]
    parent = (f"<ParentRef><FullName>{full_name.rsplit(':', 1)[0]}</FullName></ParentRef>"
              if sublevel else "")
    return (f"<CustomerRet><ListID>{list_id}</ListID><EditSequence>1</EditSequence><Name>{name}</Name>"
            f"<FullName>{full_name}</FullName><IsActive>true</IsActive>{parent}<Sublevel>{sublevel}</Sublevel>"
            f"{extra}</CustomerRet>")


def page(tag: str, body: str, remaining: int, iterator_id: str = "{IT-1}") -> str:
    return (f'<{tag} requestID="1" {OK} retCount="1" iteratorRemainingCount="{remaining}" '
            f'iteratorID="{iterator_id}">{body}</{tag}>')


def test_vendor_import_starts_an_iterator_with_the_configured_page_size() -> None:
    env = new_env(SyncOptions(import_page_size=25))
    handler = VendorImportHandler(env.context)
    item_id = env.queue.enqueue(COMPANY, VENDOR_KIND, {})
    assert xml(handler.build_request(env.view(item_id))) == (
        '<VendorQueryRq iterator="Start"><MaxReturned>25</MaxReturned><ActiveStatus>ActiveOnly</ActiveStatus>'
        "</VendorQueryRq>"
    )
    per_item = env.queue.enqueue(COMPANY, VENDOR_KIND, {"page_size": 2, "active_only": False})
    assert xml(handler.build_request(env.view(per_item))) == (
        '<VendorQueryRq iterator="Start"><MaxReturned>2</MaxReturned></VendorQueryRq>'
    )
    assert handler.build_probe(env.view(item_id)) is None


def test_vendor_pages_are_staged_with_seed_001_fields(env: Env) -> None:
    handler = VendorImportHandler(env.context)
    item_id = env.queue.enqueue(COMPANY, VENDOR_KIND, {"page_size": 1})
    address = ("<VendorAddress><Addr1>100 Main St</Addr1><City>Chicago</City><State>IL</State>"
               "<PostalCode>60601</PostalCode></VendorAddress><Phone>312-555-0100</Phone>"
               "<Fax>312-555-0101</Fax>")
    page_1 = rs(page("VendorQueryRs", vendor_ret("V1", "Acme", address), 1))
    first = handler.handle_response(env.sent(item_id), [page_1])
    assert first.result == {"pages": 1, "read": 1, "staged": 1, "skipped": 0, "remaining": 1}
    env.queue.complete(item_id, "T1", state="pending", status_code="0", message="Status OK",
                       result=first.result, iterator=("{IT-1}", 1))
    page_2 = rs(page("VendorQueryRs", vendor_ret("V2", "Bolt"), 0))
    second = handler.handle_response(env.sent(item_id), [page_2])
    assert second.result == {"pages": 2, "read": 2, "staged": 2, "skipped": 0, "remaining": 0}
    staged = env.context.staging.list(COMPANY, "vendor")
    assert [(s.qb_id, s.name, s.status) for s in staged] == [("V1", "Acme", "ready"), ("V2", "Bolt", "ready")]
    assert staged[0].data == {
        "name": "Acme", "company_name": None, "phone": "312-555-0100", "fax": "312-555-0101",
        "is_active": True,
        "address": {"Addr1": "100 Main St", "City": "Chicago", "State": "IL", "PostalCode": "60601"},
    }


def test_no_vendors_is_done_and_errors_fail(env: Env) -> None:
    handler = VendorImportHandler(env.context)
    item_id = env.queue.enqueue(COMPANY, VENDOR_KIND, {})
    none = rs('<VendorQueryRs statusCode="1" statusSeverity="Info" '
              'statusMessage="A query request did not find a matching object in QuickBooks" />')
    assert handler.handle_response(env.sent(item_id), [none]).result["read"] == 0
    bad = rs('<VendorQueryRs statusCode="3000" statusSeverity="Error" statusMessage="The given object ID '
             '&quot;{IT-9}&quot; in the field &quot;iteratorID&quot; is invalid." />')
    out = handler.handle_response(env.view(item_id), [bad])
    assert (out.state, out.status_code) == ("failed", "3000")
    assert out.message == 'The given object ID "{IT-9}" in the field "iteratorID" is invalid.'


GONE = ('<VendorQueryRs requestID="1" statusCode="3391" statusSeverity="Error" '
        'statusMessage="The iteratorID &quot;{IT-1}&quot; is not valid." />')


def test_a_gone_iterator_restarts_the_import_from_start_within_the_cap(env: Env) -> None:
    handler = VendorImportHandler(env.context)
    item_id = env.queue.enqueue(COMPANY, VENDOR_KIND, {"page_size": 1})

    def first_page() -> None:  # staged, and the iterator kept open, as the session driver does
        one = rs(page("VendorQueryRs", vendor_ret("V1", "Acme"), 1))
        out = handler.handle_response(env.sent(item_id), [one])
        env.queue.complete(item_id, "T1", state="pending", status_code=out.status_code, message=out.message,
                           result=out.result, iterator=("{IT-1}", 1))

    first_page()
    for restart in (1, 2):
        out = handler.handle_response(env.sent(item_id), [rs(GONE)])
        assert (out.state, out.status_code, out.result) == ("resend", "3391", {"iterator_restarts": restart})
        assert out.message == 'The iteratorID "{IT-1}" is not valid.'
        env.apply(item_id, out)
        assert env.view(item_id).iterator_id is None  # the next request is a Start page
        first_page()
        # the new iteration's totals start over; the restart count carries on
        assert env.queue.get(item_id).result == {"pages": 1, "read": 1, "staged": 1, "skipped": 0,
                                                 "remaining": 1, "iterator_restarts": restart}
    out = handler.handle_response(env.sent(item_id), [rs(GONE)])
    assert (out.state, out.status_code) == ("failed", "3391")
    assert out.message == 'The iteratorID "{IT-1}" is not valid.'


def test_3391_on_a_start_page_is_not_a_restart(env: Env) -> None:
    handler = VendorImportHandler(env.context)
    item_id = env.queue.enqueue(COMPANY, VENDOR_KIND, {})
    out = handler.handle_response(env.sent(item_id), [rs(GONE)])
    assert (out.state, out.status_code) == ("failed", "3391")


def test_staging_is_an_upsert_by_list_id(env: Env) -> None:
    staging = env.context.staging
    staging.upsert(COMPANY, "vendor", [StageEntry("V1", "Acme", "1", {"phone": "1"})], NOW)
    staging.upsert(COMPANY, "vendor", [StageEntry("V1", "Acme Concrete", "2", {"phone": "2"})], NOW)
    [only] = staging.list(COMPANY, "vendor")
    assert (only.name, only.edit_sequence, only.data) == ("Acme Concrete", "2", {"phone": "2"})


@pytest.mark.parametrize(
    ("mode", "sublevel", "reason"),
    [
        ("customers_are_jobs", 0, None),
        ("customers_are_jobs", 1, "tier 2 record: with the 'Customers = Jobs' setting only tier 1 customers "
                                  "are imported"),
        ("jobs_under_customers", 1, None),
        ("jobs_under_customers", 0, "tier 1 customer: with the 'Jobs under Customers' setting only tier 2 "
                                    "jobs are imported"),
        ("jobs_under_customers", 2, "tier 3 job: jobs and sub-jobs on tier 3 or beyond cannot be imported"),
        ("jobs_under_customers", 4, "tier 5 job: jobs and sub-jobs on tier 3 or beyond cannot be imported"),
    ],
)
def test_tiers_follow_the_job_setting(mode: str, sublevel: int, reason: str | None) -> None:
    assert skip_reason(mode, sublevel) == reason  # type: ignore[arg-type]


def test_job_import_stages_ship_to_or_bill_to(env: Env) -> None:
    handler = JobImportHandler(env.context)
    item_id = env.queue.enqueue(COMPANY, JOB_KIND, {"job_mode": "jobs_under_customers"})
    assert xml(handler.build_request(env.view(item_id))).startswith('<CustomerQueryRq iterator="Start">')
    bill = "<BillAddress><Addr1>1 Bill St</Addr1></BillAddress>"
    ship = "<ShipAddress><Addr1>2 Ship St</Addr1></ShipAddress>"
    body = "".join([
        customer_ret("C1", "Northside", 0, bill),
        customer_ret("J1", "Northside:Garage", 1, bill),
        customer_ret("J2", "Northside:Wing", 1, bill + ship),
        customer_ret("S1", "Northside:Wing:P2", 2),
    ])
    out = handler.handle_response(env.sent(item_id), [rs(page("CustomerQueryRs", body, 0))])
    assert out.result == {"pages": 1, "read": 4, "staged": 2, "skipped": 2, "remaining": 0}
    ready = {s.name: s.data for s in env.context.staging.list(COMPANY, "job", "ready")}
    assert ready["Northside:Garage"]["address"] == {"Addr1": "1 Bill St"}
    assert ready["Northside:Garage"]["address_source"] == "BillAddress"
    assert ready["Northside:Wing"]["address"] == {"Addr1": "2 Ship St"}
    assert ready["Northside:Wing"]["customer"] == "Northside"


def test_unknown_job_mode_is_refused(env: Env) -> None:
    item_id = env.queue.enqueue(COMPANY, JOB_KIND, {"job_mode": "projects"})
    with pytest.raises(WorkRefused, match="job_mode must be one of") as caught:
        JobImportHandler(env.context).build_request(env.view(item_id))
    assert caught.value.status_code == "UnknownJobMode"
    with pytest.raises(ValueError, match="job_mode must be one of"):
        SyncOptions(job_mode="projects")  # type: ignore[arg-type]


def test_install_registers_every_kind_on_the_qbwc_service() -> None:
    app = create_app(Settings(password_iterations=1000))
    context = install(app.state.qbwc, SyncOptions(job_mode="jobs_under_customers"))
    kinds = sorted(app.state.qbwc.handlers)
    assert kinds == ["account.import", "budget.export", "budget.update", "change_order.export",
                     "commitment.export", "cost_code.export", "cost_code.update", "invoice.export",
                     "job.import", "job_costs.read", "payment.import", "project.export", "project.update",
                     "service_item.import", "vendor.export", "vendor.import"]
    assert context.queue is app.state.qbwc.queue and context.options.job_mode == "jobs_under_customers"


def test_a_staged_vendor_as_procore_staged_record(env: Env) -> None:
    from connector.sync.vendors import procore_staged_record

    handler = VendorImportHandler(env.context)
    item_id = env.queue.enqueue(COMPANY, VENDOR_KIND, {})
    billed_from = ("<VendorAddress><Addr1>Acme Concrete LLC</Addr1><Addr2>100 Main St</Addr2><City>Chicago"
                   "</City><State>IL</State><PostalCode>60601</PostalCode></VendorAddress>"
                   "<Phone>312-555-0100</Phone>")
    answer = rs(page("VendorQueryRs", vendor_ret("V1", "Acme", billed_from), 0))
    handler.handle_response(env.sent(item_id), [answer])
    [staged] = env.context.staging.list(COMPANY, "vendor")
    assert procore_staged_record(staged) == {
        "item_type": "vendor", "origin_id": "V1", "origin_code": None, "origin_data": "1705327200",
        "status": "staged",
        "data": {"name": "Acme", "address": "Acme Concrete LLC\n100 Main St", "city": "Chicago",
                 "state_code": "IL", "zip": "60601", "business_phone": "312-555-0100", "fax_number": ""},
    }


def test_a_staged_job_as_procore_staged_record_and_skipped_ones_not_at_all(env: Env) -> None:
    from connector.sync.jobs import procore_staged_record

    handler = JobImportHandler(env.context)
    item_id = env.queue.enqueue(COMPANY, JOB_KIND, {"job_mode": "jobs_under_customers"})
    ship = "<ShipAddress><Addr1>2 Ship St</Addr1><City>Austin</City></ShipAddress>"
    body = customer_ret("C1", "Northside", 0) + customer_ret("J1", "Northside:Wing", 1, ship)
    handler.handle_response(env.sent(item_id), [rs(page("CustomerQueryRs", body, 0))])
    staged = {s.qb_id: s for s in env.context.staging.list(COMPANY, "job")}
    assert procore_staged_record(staged["C1"]) is None  # tier 1 under 'Jobs under Customers'
    assert procore_staged_record(staged["J1"]) == {
        "item_type": "project", "origin_id": "J1", "origin_code": None, "origin_data": "1",
        "status": "staged",
        "data": {"name": "Wing", "address": "2 Ship St", "city": "Austin", "state_code": "", "zip": "",
                 "tier": 2, "active": True},
    }
