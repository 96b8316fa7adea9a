"""The scripted exchange (``qbsim quickbooks demo``) reports what QuickBooks really answers."""

from __future__ import annotations

from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.demo import Step, run_exchange


def _by_title(steps: list[Step]) -> dict[str, Step]:
    return {step.title: step for step in steps}


def test_exchange_meets_quickbooks_real_statuses() -> None:
    steps = _by_title(run_exchange(CompanyFile.create(seed=7)))
    batch = steps["Export three cost codes as Service items (one batch, continueOnError)"].statuses
    assert [code for _, code, _, _ in batch] == ["0", "0", "3100"]
    assert batch[2][3] == 'The name "03-300" of the list element is already in use.'
    orphan = steps["A job under a customer that does not exist"].statuses[0]
    assert orphan[1] == "3130"
    assert orphan[3].startswith(
        'There is an invalid reference to a parent "No Such Customer" in the Customers list.')
    assert steps["A vendor whose name a customer already has (one name space)"].statuses[0][1] == "3100"
    stale = steps["Connector updates 01-100 with the EditSequence it read before"].statuses[0]
    assert stale[1] == "3200" and stale[3].endswith("is out-of-date. ")
    assert steps["Import vendors, two at a time (iterator Start)"].note == "iteratorRemainingCount=2"
    malformed = steps["A malformed document"].statuses[0]
    assert malformed[1:] == ("0x80040400", "Error",
                             "QuickBooks found an error when parsing the provided XML text stream.")
