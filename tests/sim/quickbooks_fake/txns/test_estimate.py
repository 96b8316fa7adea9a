"""EstimateAdd/Mod/Query: budgets and budget modifications on a Customer:Job."""

from __future__ import annotations

from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.txns import (
    CONCRETE,
    ELECTRICAL,
    JOB,
    OTHER_JOB,
    REF_TAIL,
    money,
    po_line,
    ref,
    ret,
    text,
)


def est_add(job: str, lines: str) -> str:
    return f"<EstimateAddRq><EstimateAdd>{ref('CustomerRef', job)}{lines}</EstimateAdd></EstimateAddRq>"


def est_line(item: str, amount: str, tag: str = "EstimateLineAdd", line_id: str | None = None) -> str:
    return po_line(item, amount, rate=amount, desc=f"Budget {item}", job="", tag=tag, line_id=line_id)


def test_add_budget_on_a_job(run) -> None:
    est = ret(run(est_add(JOB, est_line(CONCRETE, "12000.00") + est_line(ELECTRICAL, "8000.00"))))
    assert text(est, "CustomerRef/FullName") == JOB
    assert (text(est, "Subtotal"), text(est, "TotalAmount"), text(est, "IsActive")) == (
        "20000.00",
        "20000.00",
        "true",
    )
    first = est.find("EstimateLineRet")
    assert (text(first, "Rate"), text(first, "Amount"), text(first, "Desc")) == (
        "12000.00",
        "12000.00",
        f"Budget {CONCRETE}",
    )


def test_estimates_preference_off_is_3250(run, company) -> None:
    company.ui.set_preference("JobsAndEstimatesPreferences", "IsUsingEstimates", "false")
    el = rs(run(est_add(JOB, est_line(CONCRETE, "1.00"))))
    assert status(el) == (
        "3250",
        "Error",
        "This feature is not enabled or not available in this version of QuickBooks.",
    )
    assert company.list_records("Estimate") == []


def test_budget_modification_with_estimates_off_is_3250(run, company) -> None:
    est = ret(run(est_add(JOB, est_line(CONCRETE, "1.00"))))
    company.ui.set_preference("JobsAndEstimatesPreferences", "IsUsingEstimates", "false")
    mod = (
        f"<EstimateModRq><EstimateMod><TxnID>{text(est, 'TxnID')}</TxnID><EditSequence>"
        f"{text(est, 'EditSequence')}</EditSequence><Memo>BM-1</Memo></EstimateMod></EstimateModRq>"
    )
    assert status(rs(run(mod))) == ("3250", "Error",
        "This feature is not enabled or not available in this version of QuickBooks.")
    assert "Memo" not in company.list_records("Estimate")[0]


def test_unknown_job_is_3140(run) -> None:
    el = rs(run(est_add("Nobody:Nothing", est_line(CONCRETE, "1.00"))))
    assert status(el) == (
        "3140",
        "Error",
        f'There is an invalid reference to QuickBooks Customer "Nobody:Nothing" in the Estimate.  {REF_TAIL}',
    )


def test_budget_modification_appends_from_and_to_lines(run, company) -> None:
    est = ret(run(est_add(JOB, est_line(CONCRETE, "12000.00") + est_line(ELECTRICAL, "8000.00"))))
    ids = [x.text for x in est.findall("EstimateLineRet/TxnLineID")]
    company.advance_clock(30)
    keep = "".join(f"<EstimateLineMod><TxnLineID>{i}</TxnLineID></EstimateLineMod>" for i in ids)
    moved = est_line(CONCRETE, "-1500.00", "EstimateLineMod", "-1") + est_line(
        ELECTRICAL, "1500.00", "EstimateLineMod", "-1"
    )
    new = ret(
        run(
            f"<EstimateModRq><EstimateMod><TxnID>{text(est, 'TxnID')}</TxnID><EditSequence>"
            f"{text(est, 'EditSequence')}</EditSequence>{keep}{moved}</EstimateMod></EstimateModRq>"
        )
    )
    amounts = [text(x, "Amount") for x in new.findall("EstimateLineRet")]
    assert amounts == ["12000.00", "8000.00", "-1500.00", "1500.00"]
    assert money(new, "TotalAmount") == money(est, "TotalAmount")  # a budget move has zero net effect
    assert [x.text for x in new.findall("EstimateLineRet/TxnLineID")][:2] == ids
    assert text(new, "EditSequence") != text(est, "EditSequence")


def test_query_by_job_and_customer_with_children(run) -> None:
    run(est_add(JOB, est_line(CONCRETE, "1.00")))
    run(est_add(OTHER_JOB, est_line(CONCRETE, "2.00")))

    def jobs(body: str) -> list[str]:
        return [
            text(r, "CustomerRef/FullName") for r in rs(run(f"<EstimateQueryRq>{body}</EstimateQueryRq>"))
        ]

    assert jobs("") == [JOB, OTHER_JOB]
    assert jobs(f"<EntityFilter><FullName>{OTHER_JOB}</FullName></EntityFilter>") == [OTHER_JOB]
    assert jobs(
        "<EntityFilter><FullNameWithChildren>Smith Residence</FullNameWithChildren></EntityFilter>"
    ) == [JOB]


def test_estimate_ui_actions(company) -> None:
    est = company.ui.enter_estimate(
        JOB, [{"item": CONCRETE, "rate": "100", "amount": "100"}], ref_number="B-1"
    )
    moved = company.ui.edit_estimate(
        "B-1", add_lines=[{"item": CONCRETE, "amount": "-40"}, {"item": ELECTRICAL, "amount": "40"}]
    )
    assert len(moved["EstimateLineRet"]) == 3 and moved["TotalAmount"] == est["TotalAmount"] == "100.00"
    assert company.ui.edit_estimate("B-1", active=False)["IsActive"] == "false"
