"""3180's wording follows the captured QuickBooks text (STATUS-CODES.md): one space before
"QuickBooks error message", as in 'There was an error when saving a Customer list, element "…".
QuickBooks error message: This list has been modified by another user.'"""

from __future__ import annotations

from sim.quickbooks_fake.txns.bill import NEGATIVE_TOTAL
from sim.quickbooks_fake.txns.errors import TxnSaveError
from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.txns import CONCRETE, RETENTION, bill_add, bill_line

CAPTURED = ('There was an error when saving a Customer list, element "Newcastle Tenants Federation". '
            "QuickBooks error message: This list has been modified by another user.")


def test_save_error_uses_the_captured_separator() -> None:
    err = TxnSaveError('Customer list, element "Newcastle Tenants Federation"',
                       "This list has been modified by another user.")
    assert (err.code, err.severity, err.message) == (3180, "Error", CAPTURED)


def test_a_refused_bill_answers_the_captured_frame(run) -> None:
    el = rs(run(bill_add(bill_line(CONCRETE, "100") + bill_line(RETENTION, "-150"))))
    expected = f"There was an error when saving a Bill. QuickBooks error message: {NEGATIVE_TOTAL}"
    assert status(el) == ("3180", "Error", expected)
