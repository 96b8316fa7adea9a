"""PurchaseOrderAdd/Mod/Query: commitments, change orders, the PO preference, errors, filters."""

from __future__ import annotations

from decimal import Decimal

from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.txns import (
    CONCRETE,
    ELECTRICAL,
    JOB,
    REF_TAIL,
    VENDOR,
    money,
    po_add,
    po_line,
    ret,
    text,
)

FEATURE_OFF = "This feature is not enabled or not available in this version of QuickBooks."


def add_po(run, **kw) -> object:
    lines = po_line(CONCRETE, qty="2", rate="5000", desc="Slab") + po_line(
        ELECTRICAL, "1250.50", desc="Rough-in"
    )
    return ret(run(po_add(lines, **kw)))


def test_add_stores_vendor_job_lines_and_totals(run) -> None:
    po = add_po(run)
    assert text(po, "VendorRef/FullName") == VENDOR
    assert text(po, "RefNumber") == "SC-001"
    assert text(po, "VendorMsg") == "Foundations and slab"
    assert money(po, "TotalAmount") == Decimal("11250.50")
    assert text(po, "TotalAmount") == "11250.50"
    assert text(po, "IsFullyReceived") == "false" and text(po, "IsManuallyClosed") == "false"
    assert text(po, "TxnNumber") == "1"
    lines = po.findall("PurchaseOrderLineRet")
    assert [text(x, "ItemRef/FullName") for x in lines] == [CONCRETE, ELECTRICAL]
    assert [text(x, "CustomerRef/FullName") for x in lines] == [JOB, JOB]
    assert (text(lines[0], "Quantity"), text(lines[0], "Rate"), text(lines[0], "Amount")) == (
        "2",
        "5000.00",
        "10000.00",
    )
    assert text(lines[0], "ReceivedQuantity") == "0" and text(lines[0], "UnbilledQuantity") == "2"
    assert lines[0].find("TxnLineID").text != lines[1].find("TxnLineID").text


def test_preference_off_answers_3250_and_stores_nothing(run, company) -> None:
    company.ui.set_inventory_active(False)
    el = rs(run(po_add(po_line(CONCRETE, "10"))))
    assert status(el) == ("3250", "Error", FEATURE_OFF)
    assert company.list_records("PurchaseOrder") == []


def test_change_order_with_the_preference_off_is_3250_and_changes_nothing(run, company) -> None:
    """A change order exported after the accountant turned POs off (seed 000 needs them on)."""
    po = add_po(run)
    company.ui.set_inventory_active(False)
    mod = (
        f"<PurchaseOrderModRq><PurchaseOrderMod><TxnID>{text(po, 'TxnID')}</TxnID><EditSequence>"
        f"{text(po, 'EditSequence')}</EditSequence><Memo>CCO-01</Memo>"
        + po_line(CONCRETE, "100.00", tag="PurchaseOrderLineMod", line_id="-1")
        + "</PurchaseOrderMod></PurchaseOrderModRq>"
    )
    assert status(rs(run(mod))) == ("3250", "Error", FEATURE_OFF)
    stored = company.ui.find_transaction("PurchaseOrder", "SC-001")
    assert stored["EditSequence"] == text(po, "EditSequence") and "Memo" not in stored
    assert len(stored["PurchaseOrderLineRet"]) == 2


def test_ref_number_longer_than_quickbooks_11_characters_is_3070(run, company) -> None:
    """P.O. NO. holds 11 characters (XSD maxLength); the core answers a too-long string with 3070."""
    el = rs(run(po_add(po_line(CONCRETE, "10"), ref_number="SC-000000001")))
    assert status(el) == ("3070", "Error", 'The string "SC-000000001" in the field "RefNumber" is too long.')
    assert company.list_records("PurchaseOrder") == []
    assert rs(run(po_add(po_line(CONCRETE, "10"), ref_number="SC-00000001"))).get("statusCode") == "0"


def test_unknown_vendor_and_item_are_3140_on_header_and_line(run) -> None:
    el = rs(run(po_add(po_line(CONCRETE, "10"), vendor="Nobody Inc")))
    assert status(el) == (
        "3140",
        "Error",
        f'There is an invalid reference to QuickBooks Vendor "Nobody Inc" in the PurchaseOrder.  {REF_TAIL}',
    )
    el = rs(run(po_add(po_line("99-999 Missing", "10"))))
    assert (
        status(el)[2] == f'There is an invalid reference to QuickBooks Item "99-999 Missing" in the '
        f"PurchaseOrder line.  {REF_TAIL}"
    )


def mod(txn_id: str, seq: str, body: str) -> str:
    return (
        f"<PurchaseOrderModRq><PurchaseOrderMod><TxnID>{txn_id}</TxnID><EditSequence>{seq}</EditSequence>"
        f"{body}</PurchaseOrderMod></PurchaseOrderModRq>"
    )


def test_change_order_appends_lines_and_keeps_existing_ids(run, company) -> None:
    po = add_po(run)
    ids = [x.text for x in po.findall("PurchaseOrderLineRet/TxnLineID")]
    company.advance_clock(60)
    body = "".join(f"<PurchaseOrderLineMod><TxnLineID>{i}</TxnLineID></PurchaseOrderLineMod>" for i in ids)
    body += po_line(CONCRETE, "2500", desc="CCO #1: thicker slab", tag="PurchaseOrderLineMod", line_id="-1")
    new = ret(run(mod(text(po, "TxnID"), text(po, "EditSequence"), body)))
    lines = new.findall("PurchaseOrderLineRet")
    assert [text(x, "TxnLineID") for x in lines][:2] == ids
    assert text(lines[2], "Desc") == "CCO #1: thicker slab"
    assert money(new, "TotalAmount") == Decimal("13750.50")
    assert text(new, "EditSequence") != text(po, "EditSequence")
    assert text(new, "TimeModified") != text(po, "TimeModified")
    assert text(new, "TxnNumber") == text(po, "TxnNumber")


def test_lines_left_out_of_a_mod_are_deleted(run) -> None:
    po = add_po(run)
    first = po.find("PurchaseOrderLineRet/TxnLineID").text
    new = ret(
        run(
            mod(
                text(po, "TxnID"),
                text(po, "EditSequence"),
                f"<PurchaseOrderLineMod><TxnLineID>{first}</TxnLineID><Quantity>3</Quantity>"
                "</PurchaseOrderLineMod>",
            )
        )
    )
    lines = new.findall("PurchaseOrderLineRet")
    assert len(lines) == 1
    assert (text(lines[0], "Quantity"), text(lines[0], "Amount")) == ("3", "15000.00")
    assert text(new, "TotalAmount") == "15000.00"


def test_mod_without_lines_keeps_them(run) -> None:
    po = add_po(run)
    new = ret(run(mod(text(po, "TxnID"), text(po, "EditSequence"), "<Memo>approved</Memo>")))
    assert text(new, "Memo") == "approved"
    assert len(new.findall("PurchaseOrderLineRet")) == 2


def test_stale_edit_sequence_is_3200_with_current_record(run) -> None:
    po = add_po(run)
    el = rs(run(mod(text(po, "TxnID"), "1", "<Memo>x</Memo>")))
    assert status(el) == ("3200", "Error", 'The provided edit sequence "1" is out-of-date. ')
    assert text(el, "PurchaseOrderRet/EditSequence") == text(po, "EditSequence")


def test_unknown_txn_and_line_ids_are_3120(run) -> None:
    el = rs(run(mod("999-1", "1", "")))
    assert status(el) == (
        "3120",
        "Error",
        f'Object "999-1" specified in the request cannot be found.  {REF_TAIL}',
    )
    po = add_po(run)
    el = rs(
        run(
            mod(
                text(po, "TxnID"),
                text(po, "EditSequence"),
                "<PurchaseOrderLineMod><TxnLineID>77-1</TxnLineID></PurchaseOrderLineMod>",
            )
        )
    )
    assert status(el)[0] == "3120" and '"77-1"' in status(el)[2]


def test_manual_close_closes_every_line(run) -> None:
    po = add_po(run)
    new = ret(
        run(mod(text(po, "TxnID"), text(po, "EditSequence"), "<IsManuallyClosed>true</IsManuallyClosed>"))
    )
    assert text(new, "IsManuallyClosed") == "true"
    assert {x.text for x in new.findall("PurchaseOrderLineRet/IsManuallyClosed")} == {"true"}


def test_query_filters_and_line_items(run, company) -> None:
    add_po(run, ref_number="SC-001", date="2024-01-10")
    company.advance_clock(86400 * 3)
    run(po_add(po_line(CONCRETE, "10", job=""), vendor="Bolt Electric", ref_number="PO-7", date="2024-02-01"))
    q = run("<PurchaseOrderQueryRq/>")
    assert [text(r, "RefNumber") for r in q.find("QBXMLMsgsRs")[0]] == ["SC-001", "PO-7"]
    assert q.find(".//PurchaseOrderLineRet") is None  # IncludeLineItems defaults to false
    q = run(
        "<PurchaseOrderQueryRq><EntityFilter><FullName>Bolt Electric</FullName></EntityFilter>"
        "<IncludeLineItems>true</IncludeLineItems></PurchaseOrderQueryRq>"
    )
    rets = q.find("QBXMLMsgsRs")[0]
    assert [text(r, "RefNumber") for r in rets] == ["PO-7"]
    assert rets[0].find("PurchaseOrderLineRet") is not None
    q = run(
        "<PurchaseOrderQueryRq><TxnDateRangeFilter><FromTxnDate>2024-01-01</FromTxnDate>"
        "<ToTxnDate>2024-01-31</ToTxnDate></TxnDateRangeFilter></PurchaseOrderQueryRq>"
    )
    assert [text(r, "RefNumber") for r in q.find("QBXMLMsgsRs")[0]] == ["SC-001"]
    q = run(
        "<PurchaseOrderQueryRq><ModifiedDateRangeFilter><FromModifiedDate>2024-01-17</FromModifiedDate>"
        "</ModifiedDateRangeFilter></PurchaseOrderQueryRq>"
    )
    assert [text(r, "RefNumber") for r in q.find("QBXMLMsgsRs")[0]] == ["PO-7"]
    q = run(
        "<PurchaseOrderQueryRq><RefNumberFilter><MatchCriterion>StartsWith</MatchCriterion>"
        "<RefNumber>SC</RefNumber></RefNumberFilter></PurchaseOrderQueryRq>"
    )
    assert [text(r, "RefNumber") for r in q.find("QBXMLMsgsRs")[0]] == ["SC-001"]
    el = rs(run("<PurchaseOrderQueryRq><RefNumber>NOPE</RefNumber></PurchaseOrderQueryRq>"))
    assert status(el) == ("1", "Info", "A query request did not find a matching object in QuickBooks")


def test_query_iterator_pages_through_purchase_orders(run) -> None:
    for n in range(3):
        run(po_add(po_line(CONCRETE, "10"), ref_number=f"PO-{n}"))
    first = rs(
        run('<PurchaseOrderQueryRq iterator="Start"><MaxReturned>2</MaxReturned></PurchaseOrderQueryRq>')
    )
    assert first.get("iteratorRemainingCount") == "1" and len(first) == 2
    second = rs(
        run(
            f'<PurchaseOrderQueryRq iterator="Continue" iteratorID="{first.get("iteratorID")}">'
            "<MaxReturned>2</MaxReturned></PurchaseOrderQueryRq>"
        )
    )
    assert [text(r, "RefNumber") for r in second] == ["PO-2"]
    assert second.get("iteratorRemainingCount") == "0"


def test_include_ret_element_trims_the_add_reply(run) -> None:
    body = po_add(po_line(CONCRETE, "10")).replace(
        "</PurchaseOrderAdd>",
        "</PurchaseOrderAdd><IncludeRetElement>TxnID</IncludeRetElement>"
        "<IncludeRetElement>TotalAmount</IncludeRetElement>",
    )
    po = ret(run(body))
    assert [child.tag for child in po] == ["TxnID", "TotalAmount"]


def test_purchase_order_ui_actions(company) -> None:
    po = company.ui.enter_purchase_order(
        VENDOR, [{"item": CONCRETE, "qty": "4", "rate": "12.125", "job": JOB}], ref_number="SC-9"
    )
    line = po["PurchaseOrderLineRet"][0]
    assert (line["Rate"], line["Amount"]) == ("12.125", "48.50")
    edited = company.ui.edit_purchase_order(
        "SC-9", add_lines=[{"item": ELECTRICAL, "amount": "100", "job": JOB}]
    )
    assert edited["TotalAmount"] == "148.50" and len(edited["PurchaseOrderLineRet"]) == 2
    assert int(edited["EditSequence"]) > int(po["EditSequence"])
    closed = company.ui.close_purchase_order("SC-9")
    assert closed["IsManuallyClosed"] == "true"
