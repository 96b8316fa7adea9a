"""Companies → vendors: the create_vendor translator, VendorAdd, 3100 and the probe after a crash."""

from __future__ import annotations

from typing import Any

import pytest
from sync_helpers import COMPANY, OK, Env, full_vendor_ret, valid_rs, xml

from connector.sync.vendor_exports import (
    KIND,
    OBJECT_TYPE,
    VendorAlreadySynced,
    VendorExportHandler,
    VendorRejected,
    work_from_request,
)
from connector.work import IdMapUpdate, NewWork


def vendor_request(**vendor: Any) -> dict[str, Any]:
    """``create_vendor`` request_data as the fake Procore emits it (records.public of a directory vendor)."""
    body = {"id": 35, "name": "Acme Concrete", "abbreviated_name": None, "address": "100 Main St",
            "authorized_bidder": True, "business_phone": "312-555-0100", "city": "Chicago",
            "company": "Acme Concrete", "country_code": "US", "email_address": "ap@acme.example",
            "fax_number": "312-555-0101", "is_active": True, "origin_code": None, "origin_data": None,
            "origin_id": None, "state_code": "IL", "synced_to_erp": False, "zip": "60601",
            "erp_custom_fields": {}}
    body.update(vendor)
    return {"vendor": body, "company_id": 8, "request_detail_id": 5}


def enqueue(env: Env, work: NewWork) -> int:
    return env.queue.enqueue(COMPANY, work.kind, work.payload, procore_id=work.procore_id)


def test_a_company_becomes_a_vendor_add_with_seed_001_fields(env: Env) -> None:
    work = work_from_request(vendor_request())
    assert (work.kind, work.procore_id) == (KIND, "35")
    assert work.payload == {
        "name": "Acme Concrete",
        "address": {"Addr1": "100 Main St", "City": "Chicago", "State": "IL", "PostalCode": "60601"},
        "phone": "312-555-0100",
        "fax": "312-555-0101",
    }
    # no e-mail, company name or active flag: seed 001's Vendors mapping has no row for them
    assert xml(VendorExportHandler(env.context).build_request(env.view(enqueue(env, work)))) == (
        "<VendorAddRq><VendorAdd><Name>Acme Concrete</Name><VendorAddress><Addr1>100 Main St</Addr1>"
        "<City>Chicago</City><State>IL</State><PostalCode>60601</PostalCode></VendorAddress>"
        "<Phone>312-555-0100</Phone><Fax>312-555-0101</Fax></VendorAdd></VendorAddRq>"
    )


def test_empty_procore_fields_are_left_out(env: Env) -> None:
    work = work_from_request(vendor_request(address="", city="", state_code="", zip="", business_phone="",
                                            fax_number=None))
    assert work.payload == {"name": "Acme Concrete", "address": None, "phone": None, "fax": None}
    assert xml(VendorExportHandler(env.context).build_request(env.view(enqueue(env, work)))) == (
        "<VendorAddRq><VendorAdd><Name>Acme Concrete</Name></VendorAdd></VendorAddRq>"
    )


@pytest.mark.parametrize(
    ("vendor", "reason"),
    [
        ({"name": "A" * 42}, "its name has 42 characters; a QuickBooks Desktop vendor name holds at most 41"),
        ({"name": ""}, "the company name is empty"),
        ({"business_phone": "+1 (312) 555-0100 x12345"},
         "its business phone '+1 (312) 555-0100 x12345' has 24 characters; QuickBooks holds at most 21"),
        ({"fax_number": "9" * 22},
         f"its business fax '{'9' * 22}' has 22 characters; QuickBooks holds at most 21"),
        ({"zip": "60601-1234-5678"}, "its address field '60601-1234-5678' (PostalCode) has 15 characters; "
                                     "QuickBooks holds at most 13"),
        ({"name": "Acme\x02"}, "it cannot be written as qbXML"),
    ],
)
def test_what_quickbooks_cannot_hold_is_refused_before_sending(vendor: dict[str, Any], reason: str) -> None:
    with pytest.raises(VendorRejected) as caught:
        work_from_request(vendor_request(**vendor))
    assert caught.value.status_code == "VendorRejected"
    assert caught.value.reason.startswith(reason)
    assert caught.value.message.startswith(f"Company {caught.value.name!r} cannot be exported as a vendor: ")


def test_a_41_character_name_is_accepted() -> None:
    assert work_from_request(vendor_request(name="A" * 41)).payload["name"] == "A" * 41


def test_a_synced_company_is_never_sent_again() -> None:
    with pytest.raises(VendorAlreadySynced) as caught:
        work_from_request(vendor_request(origin_id="80000005-1767621600"))
    assert (caught.value.status_code, caught.value.message) == (
        "VendorAlreadySynced",
        "Company 'Acme Concrete' cannot be exported as a vendor: it is already synced with the QuickBooks "
        "vendor 80000005-1767621600; changes made to a company in Procore do not update its QuickBooks "
        "vendor",
    )


def test_created_vendor_is_mapped(env: Env) -> None:
    handler = VendorExportHandler(env.context)
    item_id = enqueue(env, work_from_request(vendor_request()))
    ret = full_vendor_ret("80000005-1767621600", "Acme Concrete", "1767621601")
    out = handler.handle_response(env.sent(item_id), [valid_rs(f"<VendorAddRs {OK}>{ret}</VendorAddRs>")])
    assert (out.state, out.status_code, out.message) == ("done", "0", "Status OK")
    assert out.result == {"action": "created", "ListID": "80000005-1767621600", "EditSequence": "1767621601"}
    assert out.id_map == (
        IdMapUpdate(OBJECT_TYPE, "35", "80000005-1767621600", "1767621601", "Acme Concrete"),
    )


def test_a_name_in_use_fails_with_quickbooks_message(env: Env) -> None:
    handler = VendorExportHandler(env.context)
    item_id = enqueue(env, work_from_request(vendor_request()))
    in_use = ('<VendorAddRs statusCode="3100" statusSeverity="Error" statusMessage="The name &quot;Acme '
              'Concrete&quot; of the list element is already in use." />')
    out = handler.handle_response(env.sent(item_id), [valid_rs(in_use)])
    assert (out.state, out.status_code, out.message) == (
        "failed", "3100", 'The name "Acme Concrete" of the list element is already in use.'
    )
    assert out.id_map == ()


def test_probe_after_a_crash_recovers_the_vendor_or_adds_it(env: Env) -> None:
    handler = VendorExportHandler(env.context)
    item_id = enqueue(env, work_from_request(vendor_request()))
    assert xml(handler.build_probe(env.view(item_id))) == (
        "<VendorQueryRq><FullName>Acme Concrete</FullName></VendorQueryRq>"
    )
    found = valid_rs(f"<VendorQueryRs {OK}>{full_vendor_ret('80000005-1767621600', 'Acme Concrete')}"
                     "</VendorQueryRs>")
    out = handler.handle_probe_response(env.view(item_id, is_probe=True), [found])
    assert (out.state, out.result["action"], out.result["ListID"]) == (
        "done", "recovered", "80000005-1767621600"
    )
    nothing = valid_rs('<VendorQueryRs statusCode="500" statusSeverity="Warn" statusMessage="The query '
                       "request has not been fully completed. There was a required element (&quot;Acme "
                       'Concrete&quot;) that could not be found in QuickBooks." />')
    missing = handler.handle_probe_response(env.view(item_id, is_probe=True), [nothing])
    assert (missing.state, missing.result) == ("resend", {"phase": "add"})


@pytest.mark.parametrize(
    ("request_data", "reason"),
    [
        ({"company_id": 8}, "the ERP Request carries no vendor object"),
        ({"vendor": {"name": "Acme Concrete"}}, "the ERP Request's vendor has no company id"),
    ],
)
def test_a_malformed_request_is_a_named_refusal(request_data: dict[str, Any], reason: str) -> None:
    with pytest.raises(VendorRejected) as caught:
        work_from_request(request_data)
    assert (caught.value.status_code, caught.value.reason) == ("VendorRejected", reason)
