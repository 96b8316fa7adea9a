"""company.ui list windows: what an accountant does to items, customers, jobs and vendors, and what a
connector then reads (new EditSequence/TimeModified, inactive elements out of default queries)."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake.errors import FeatureNotEnabled, NameNotUnique, ObjectNotFound
from tests.sim.quickbooks_fake.helpers import rs, status


def names(root) -> list[str]:
    return [c.findtext("FullName") for c in rs(root)]


def test_accountant_creates_edits_inactivates_and_reactivates_an_item(run, company) -> None:
    item = company.ui.create_service_item("02-200 Concrete", account="Job Expenses:Subcontractors")
    assert item["SalesOrPurchase"]["AccountRef"]["FullName"] == "Job Expenses:Subcontractors"
    company.clock.advance(60)
    edited = company.ui.edit("ItemService", "02-200 Concrete", SalesOrPurchase={"Desc": "Cast-in-place"})
    assert edited["EditSequence"] != item["EditSequence"]
    assert edited["TimeModified"] == "2024-01-15T09:01:00-05:00"
    assert edited["SalesOrPurchase"]["Desc"] == "Cast-in-place"
    assert edited["SalesOrPurchase"]["AccountRef"]["FullName"] == "Job Expenses:Subcontractors"
    company.ui.inactivate("ItemService", item["ListID"])  # by ListID as well as by name
    assert status(rs(run("<ItemServiceQueryRq/>"))) == ("1", "Info",
        "A query request did not find a matching object in QuickBooks")
    inactive = run("<ItemServiceQueryRq><ActiveStatus>InactiveOnly</ActiveStatus></ItemServiceQueryRq>")
    assert names(inactive) == ["02-200 Concrete"]
    company.ui.reactivate("ItemService", "02-200 concrete")  # names are case-insensitive
    assert names(run("<ItemServiceQueryRq/>")) == ["02-200 Concrete"]


def test_other_item_types_through_the_generic_create(run, company) -> None:
    company.ui.create("ItemNonInventory", Name="Nails",
                      SalesOrPurchase={"AccountRef": {"FullName": "Job Expenses:Job Materials"}})
    company.ui.create("ItemOtherCharge", Name="Permit Fee",
                      SalesOrPurchase={"AccountRef": {"FullName": "Office Supplies"}})
    assert [c.tag for c in rs(run("<ItemQueryRq/>"))] == ["ItemNonInventoryRet", "ItemOtherChargeRet"]
    with pytest.raises(FeatureNotEnabled) as info:
        company.ui.create("ItemInventory", Name="Rebar", AssetAccountRef={"FullName": "Inventory Asset"})
    assert info.value.code == 3250
    with pytest.raises(ValueError):
        company.ui.create("Widget", Name="x")


def test_accountant_manages_customers_jobs_and_vendors(run, company) -> None:
    company.ui.create_customer("Harbor LLC", BillAddress={"Addr1": "1 Pier St", "City": "Oakland"})
    company.ui.create_job("Harbor LLC", "Dock 7")
    company.ui.create_job("Harbor LLC:Dock 7", "Phase 2")
    assert names(run("<CustomerQueryRq/>")) == [
        "Harbor LLC", "Harbor LLC:Dock 7", "Harbor LLC:Dock 7:Phase 2"]
    company.ui.inactivate("Customer", "Harbor LLC:Dock 7")
    assert names(run("<CustomerQueryRq/>")) == ["Harbor LLC"]  # the job and its sub-job
    vendor = company.ui.create_vendor("Bay Steel", Phone="510-555-0100")
    changed = company.ui.edit("Vendor", "Bay Steel", Fax="510-555-0101")
    assert (changed["Phone"], changed["Fax"]) == ("510-555-0100", "510-555-0101")
    assert changed["EditSequence"] != vendor["EditSequence"]
    with pytest.raises(NameNotUnique) as dup:
        company.ui.create_vendor("harbor llc")
    assert dup.value.message == 'The name "harbor llc" of the list element is already in use.'
    with pytest.raises(ObjectNotFound):
        company.ui.edit("Vendor", "Nobody", Phone="1")


def test_list_windows_over_http(client, company) -> None:
    assert client.post("/_sim/ui/create_service_item", json={"name": "03-300 Steel"}).status_code == 200
    resp = client.post("/_sim/ui/inactivate", json={"kind": "ItemService", "name_or_id": "03-300 Steel"})
    assert resp.json()["result"]["IsActive"] == "false"
    resp = client.post("/_sim/ui/create_job", json={"customer": "Nobody", "name": "Job"})
    assert resp.status_code == 422
    assert resp.json()["statusCode"] == 3130
    assert client.post("/_sim/ui/edit", json={"kind": "Vendor"}).status_code == 400
