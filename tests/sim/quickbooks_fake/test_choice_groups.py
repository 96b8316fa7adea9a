"""Mods never leave a record holding two branches of one XSD choice (every response is XSD-checked).

ItemServiceRet allows ``SalesOrPurchase`` *or* ``SalesAndPurchase`` (an ``xs:choice`` of qbxml130.xsd);
``SalesOrPurchase`` allows ``Price`` *or* ``PricePercent``; EstimateLineRet ``Rate`` *or* ``RatePercent``
and ``MarkupRate`` *or* ``MarkupRatePercent``. Giving a one-sided item both descriptions switches it to
``SalesAndPurchase`` in QuickBooks; the fake used to answer status 0 with both aggregates
(``Element 'SalesAndPurchase': This element is not expected``).
"""

from __future__ import annotations

import pytest

from sim.quickbooks_fake.schema import element_decl
from tests.sim.quickbooks_fake.helpers import rs, status


def _ret(root):
    return rs(root)[0]


def _add(kind: str, name: str, sides: str) -> str:
    return f"<{kind}AddRq><{kind}Add><Name>{name}</Name>{sides}</{kind}Add></{kind}AddRq>"


def _mod(kind: str, el, body: str) -> str:
    return (f"<{kind}ModRq><{kind}Mod><ListID>{el.findtext('ListID')}</ListID><EditSequence>"
            f"{el.findtext('EditSequence')}</EditSequence>{body}</{kind}Mod></{kind}ModRq>")


ONE_SIDED = ("<SalesOrPurchase><Desc>Framing labour</Desc><Price>55</Price><AccountRef><FullName>"
             "Construction Income</FullName></AccountRef></SalesOrPurchase>")
TWO_SIDED = ("<SalesAndPurchase><SalesDesc>Drywall</SalesDesc><SalesPrice>40</SalesPrice><IncomeAccountRef>"
             "<FullName>Construction Income</FullName></IncomeAccountRef>"
             "<PurchaseDesc>Drywall sub</PurchaseDesc>"
             "<PurchaseCost>30</PurchaseCost><ExpenseAccountRef><FullName>Job Expenses:Subcontractors"
             "</FullName></ExpenseAccountRef></SalesAndPurchase>")


@pytest.mark.parametrize("kind", ["ItemService", "ItemNonInventory", "ItemOtherCharge"])
def test_both_descriptions_switch_a_one_sided_item(run, company, kind) -> None:
    item = _ret(run(_add(kind, "Framing", ONE_SIDED)))
    mod = _mod(kind, item, "<SalesAndPurchaseMod><PurchaseDesc>Framing sub</PurchaseDesc><ExpenseAccountRef>"
               "<FullName>Job Expenses:Subcontractors</FullName></ExpenseAccountRef></SalesAndPurchaseMod>")
    root = run(mod)
    assert status(rs(root)) == ("0", "Info", "Status OK")
    changed = _ret(root)
    assert changed.find("SalesOrPurchase") is None
    # the one-sided Description / Rate / Account become the sales side (the item window's carry-over)
    assert [(c.tag, c.findtext("FullName") or c.text) for c in changed.find("SalesAndPurchase")] == [
        ("SalesDesc", "Framing labour"),
        ("SalesPrice", "55.00"),
        ("IncomeAccountRef", "Construction Income"),
        ("PurchaseDesc", "Framing sub"),
        ("ExpenseAccountRef", "Job Expenses:Subcontractors"),
    ]
    stored = next(r for r in company.list_records(kind) if r["Name"] == "Framing")
    assert "SalesOrPurchase" not in stored


def test_one_side_switches_a_two_sided_item_back(run, company) -> None:
    item = _ret(run(_add("ItemService", "Drywall", TWO_SIDED)))
    body = "<SalesOrPurchaseMod><Price>45</Price></SalesOrPurchaseMod>"
    changed = _ret(run(_mod("ItemService", item, body)))
    assert changed.find("SalesAndPurchase") is None
    assert [(c.tag, c.findtext("FullName") or c.text) for c in changed.find("SalesOrPurchase")] == [
        ("Desc", "Drywall"), ("Price", "45.00"), ("AccountRef", "Construction Income")]


def test_price_percent_replaces_price(run) -> None:
    item = _ret(run(_add("ItemOtherCharge", "Markup", ONE_SIDED)))
    body = "<SalesOrPurchaseMod><PricePercent>10</PricePercent></SalesOrPurchaseMod>"
    changed = _ret(run(_mod("ItemOtherCharge", item, body)))
    assert changed.findtext("SalesOrPurchase/PricePercent") == "10"
    assert changed.find("SalesOrPurchase/Price") is None
    assert changed.findtext("SalesOrPurchase/Desc") == "Framing labour"


def test_an_accountants_edit_switches_too(client, company) -> None:
    company.ui.create("ItemService", Name="Concrete", SalesOrPurchase={"Desc": "Slab", "AccountRef": {
        "FullName": "Construction Income"}})
    answer = client.post("/_sim/ui/edit", json={
        "kind": "ItemService", "name_or_id": "Concrete",
        "SalesAndPurchaseMod": {"PurchaseDesc": "Slab sub",
                                "ExpenseAccountRef": {"FullName": "Job Expenses:Subcontractors"}}})
    assert answer.status_code == 200, answer.text
    result = answer.json()["result"]
    assert "SalesOrPurchase" not in result
    assert result["SalesAndPurchase"]["SalesDesc"] == "Slab"
    listed = client.get("/_sim/lists/ItemService").json()
    assert "SalesOrPurchase" not in next(r for r in listed if r["Name"] == "Concrete")


def test_a_clearing_element_does_not_pick_a_branch(run) -> None:
    item = _ret(run(_add("ItemService", "Painting", ONE_SIDED)))
    changed = _ret(run(_mod("ItemService", item, "<SalesOrPurchaseMod><Desc></Desc></SalesOrPurchaseMod>")))
    assert changed.findtext("SalesOrPurchase/Price") == "55.00"
    assert changed.find("SalesOrPurchase/Desc") is None


def test_choices_are_read_from_the_schema() -> None:
    assert (frozenset({"SalesOrPurchase"}), frozenset({"SalesAndPurchase"})) in element_decl(
        "ItemServiceRet").choices
    line = element_decl("EstimateRet").child("EstimateLineRet")
    assert (frozenset({"Rate"}), frozenset({"RatePercent"})) in line.choices
    # a repeating choice mixes its branches: item and item-group lines on one bill are fine
    assert element_decl("BillRet").choices == []


def test_an_estimate_line_mod_keeps_one_rate(run, company) -> None:
    company.ui.create_customer("Smith Residence")
    company.ui.create_service_item("01-100 Concrete")
    add = ("<EstimateAddRq><EstimateAdd><CustomerRef><FullName>Smith Residence</FullName></CustomerRef>"
           "<EstimateLineAdd><ItemRef><FullName>01-100 Concrete</FullName></ItemRef><Quantity>2</Quantity>"
           "<Rate>100</Rate><MarkupRate>5</MarkupRate></EstimateLineAdd></EstimateAdd></EstimateAddRq>")
    est = _ret(run(add))
    line_id = est.findtext("EstimateLineRet/TxnLineID")
    mod = (f"<EstimateModRq><EstimateMod><TxnID>{est.findtext('TxnID')}</TxnID><EditSequence>"
           f"{est.findtext('EditSequence')}</EditSequence><EstimateLineMod><TxnLineID>{line_id}</TxnLineID>"
           "<RatePercent>12</RatePercent><MarkupRatePercent>3</MarkupRatePercent></EstimateLineMod>"
           "</EstimateMod></EstimateModRq>")
    line = _ret(run(mod)).find("EstimateLineRet")
    assert (line.find("Rate"), line.findtext("RatePercent")) == (None, "12")
    assert (line.find("MarkupRate"), line.findtext("MarkupRatePercent")) == (None, "3")


def test_a_bill_line_mod_keeps_one_of_serial_and_lot_number(run, company) -> None:
    company.ui.create_vendor("Acme Concrete")
    company.ui.create_service_item("01-100 Concrete")
    bill = _ret(run("<BillAddRq><BillAdd><VendorRef><FullName>Acme Concrete</FullName></VendorRef>"
                    "<ItemLineAdd><ItemRef><FullName>01-100 Concrete</FullName></ItemRef>"
                    "<SerialNumber>SN-1</SerialNumber>"
                    "<Amount>10</Amount></ItemLineAdd></BillAdd></BillAddRq>"))
    line_id = bill.findtext("ItemLineRet/TxnLineID")
    mod = (f"<BillModRq><BillMod><TxnID>{bill.findtext('TxnID')}</TxnID><EditSequence>"
           f"{bill.findtext('EditSequence')}</EditSequence><ItemLineMod><TxnLineID>{line_id}</TxnLineID>"
           "<LotNumber>LOT-7</LotNumber></ItemLineMod></BillMod></BillModRq>")
    line = _ret(run(mod)).find("ItemLineRet")
    assert (line.find("SerialNumber"), line.findtext("LotNumber")) == (None, "LOT-7")


def test_an_accountants_window_cannot_give_both_branches(client, company) -> None:
    both = {"SalesOrPurchase": {"Desc": "a"}, "SalesAndPurchase": {"SalesDesc": "b"}}
    answer = client.post("/_sim/ui/create", json={"kind": "ItemService", "Name": "Two Sided", **both})
    assert answer.status_code == 400
    assert answer.json() == {"error": "BadRequest", "message": "SalesOrPurchase and SalesAndPurchase are "
                             "alternatives (one XSD choice): give one of them"}
    company.ui.create_service_item("Framing")
    answer = client.post("/_sim/ui/edit", json={"kind": "ItemService", "name_or_id": "Framing",
                                                "SalesOrPurchaseMod": {"Price": "1", "PricePercent": "2"}})
    assert answer.status_code == 400
    assert "Price and PricePercent are alternatives" in answer.json()["message"]
    assert [r["Name"] for r in company.list_records("ItemService")] == ["Framing"]
