"""Status errors specific to transactions (the shared ones live in ``..errors``).

Real texts: 3210's "You cannot pay more than the amount due." with ``statusSeverity="Info"`` is a
captured QuickBooks answer (STATUS-CODES.md, quickbooks-php). The 3180 "error when saving" texts for
transactions follow the captured list pattern; QuickBooks' exact reason sentences for an unbalanced
journal entry or a negative bill are **not** in the stored sources — they are the fake's wording.
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import StatusError
from .money import amt


class PaymentExceedsAmountDue(StatusError):
    """3210 with severity Info (sic, as captured): a payment larger than the bill's open balance."""

    code = 3210
    severity = "Info"

    def __init__(self, amount: Decimal) -> None:
        super().__init__(
            f'The "AppliedToTxnAdd payment amount" field has an invalid value "{amt(amount)}".  '
            "QuickBooks error message: You cannot pay more than the amount due."
        )


class TxnSaveError(StatusError):
    """3180: QuickBooks refused to save the transaction (reason text chosen; see module doc).

    The frame is the captured 3180 text (STATUS-CODES.md, quickbooks-php): one space after the period
    before "QuickBooks error message:" (unlike 3120/3130/3140, which have two).
    """

    code = 3180

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(f"There was an error when saving a {label}. QuickBooks error message: {reason}")


class LinkClosed(StatusError):
    """570 (Warn): OSR "Unable to link to transaction "fieldValue" because it has already been closed."

    A warning: the transaction is saved without that link and returned.
    """

    code = 570
    severity = "Warn"

    def __init__(self, txn_id: str) -> None:
        super().__init__(f'Unable to link to transaction "{txn_id}" because it has already been closed.')
