"""A list element's Name may not contain ':' (QuickBooks' FullName separator) nor be blank."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake.lists.common import NAME_HAS_COLON, NAME_REQUIRED
from tests.sim.quickbooks_fake.helpers import rs, status


def refused(value: str, reason: str) -> tuple[str, str, str]:
    return ("3210", "Error",
            f'The "Name" field has an invalid value "{value}".  QuickBooks error message: {reason}')


def item_add(name: str) -> str:
    return (f"<ItemServiceAddRq><ItemServiceAdd><Name>{name}</Name><SalesOrPurchase>"
            "<AccountRef><FullName>Job Expenses</FullName></AccountRef></SalesOrPurchase>"
            "</ItemServiceAdd></ItemServiceAddRq>")


@pytest.mark.parametrize(("name", "reason"), [("bad:name", NAME_HAS_COLON), (":", NAME_HAS_COLON),
                                              ("", NAME_REQUIRED), ("   ", NAME_REQUIRED)])
def test_item_names_with_a_colon_or_blank_are_refused(run, company, name, reason) -> None:
    assert status(rs(run(item_add(name)))) == refused(name, reason)
    assert company.list_records("ItemService") == []


def test_vendor_and_customer_names_too_and_the_batch_runs_on(run, company) -> None:
    answers = list(run("<VendorAddRq><VendorAdd><Name>Acme: Concrete</Name></VendorAdd></VendorAddRq>"
                       "<CustomerAddRq><CustomerAdd><Name> </Name></CustomerAdd></CustomerAddRq>"
                       + item_add("Footings"), on_error="continueOnError").find("QBXMLMsgsRs"))
    assert [status(a) for a in answers] == [refused("Acme: Concrete", NAME_HAS_COLON),
                                           refused(" ", NAME_REQUIRED), ("0", "Info", "Status OK")]


def test_a_rename_to_a_bad_name_changes_nothing(run, company) -> None:
    item = rs(run(item_add("Footings"))).find("ItemServiceRet")
    mod = ("<ItemServiceModRq><ItemServiceMod><ListID>{}</ListID><EditSequence>{}</EditSequence>"
           "<Name>{}</Name></ItemServiceMod></ItemServiceModRq>")
    list_id, seq = item.findtext("ListID"), item.findtext("EditSequence")
    assert status(rs(run(mod.format(list_id, seq, "Concrete:Footings")))) == refused("Concrete:Footings",
                                                                                   NAME_HAS_COLON)
    assert status(rs(run(mod.format(list_id, seq, "")))) == refused("", NAME_REQUIRED)
    assert [r["FullName"] for r in company.list_records("ItemService")] == ["Footings"]


def test_a_sub_item_is_made_with_parent_ref(run) -> None:
    run(item_add("Concrete"))
    el = rs(run("<ItemServiceAddRq><ItemServiceAdd><Name>Footings</Name><ParentRef><FullName>Concrete"
                "</FullName></ParentRef><SalesOrPurchase><AccountRef><FullName>Job Expenses</FullName>"
                "</AccountRef></SalesOrPurchase></ItemServiceAdd></ItemServiceAddRq>")).find("ItemServiceRet")
    assert (el.findtext("FullName"), el.findtext("Sublevel")) == ("Concrete:Footings", "1")
