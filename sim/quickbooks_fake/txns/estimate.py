"""EstimateAdd / EstimateMod / EstimateQuery (Procore budgets → estimates on a Customer:Job).

Real semantics imitated:

* Estimates need "Do you create estimates?" on (JobsAndEstimatesPreferences/IsUsingEstimates);
  off → 3250.
* Lines are Item/Desc/Quantity/Rate/Amount on Service items (Procore cost codes); ``Subtotal`` and
  ``TotalAmount`` are the sum of the lines (no sales tax on cost-code lines: SalesTaxTotal 0.00).
* A budget modification arrives as a Mod that re-sends the existing lines by ``TxnLineID`` and
  appends new ones (``TxnLineID`` -1): a negative line for the "from" cost code and a positive one
  for the "to" cost code (seed 001) — so the total usually does not move. Lines left out of a Mod
  are deleted (OSR).
* ``IsActive`` (default true): the Job Estimates vs. Actuals report uses active estimates only.

Markups: ``MarkupRate``/``MarkupRatePercent`` are stored; the report's Est. Revenue adds them to the
line amount (chosen reading: Amount is the cost side, the markup is the revenue side).
Not yet faithful: sales tax, line groups, addresses defaulting from the customer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import FeatureNotEnabled
from ..qbxml_io import Doc
from ..queries import txn_query
from ..registry import Reply, RequestContext, handles
from ..store import Record
from .common import LineSpec, TxnSpec, add_txn, apply_mod, line_total, touch
from .money import amt
from .replies import ret_reply

if TYPE_CHECKING:
    from ..company_api import Company

ESTIMATE_LINE = LineSpec("EstimateLineAdd", "EstimateLineMod", "EstimateLineRet", "Rate")
ESTIMATE = TxnSpec("Estimate", "Estimate", (ESTIMATE_LINE,))
LINE_FIELDS = ("EstimateLineRet", "EstimateLineGroupRet")


def _require_feature(company: Company) -> None:
    if company.preferences["JobsAndEstimatesPreferences"].get("IsUsingEstimates") != "true":
        raise FeatureNotEnabled()


def _totals(doc: Doc) -> None:
    total = line_total(doc, ESTIMATE)
    doc["Subtotal"] = amt(total)
    doc["SalesTaxPercentage"] = "0.00"
    doc["SalesTaxTotal"] = "0.00"
    doc["TotalAmount"] = amt(total)
    doc.setdefault("IsActive", "true")


def estimate_add_doc(company: Company, request: Doc) -> Record:
    _require_feature(company)
    return add_txn(company, ESTIMATE, request, _totals)


def estimate_mod_doc(company: Company, request: Doc) -> Record:
    rec = apply_mod(company, ESTIMATE, request, _totals, require=lambda: _require_feature(company))
    return touch(company, rec)


@handles("EstimateAdd")
def estimate_add(ctx: RequestContext) -> Reply:
    return ret_reply(ctx, estimate_add_doc(ctx.company, ctx.body["EstimateAdd"]))


@handles("EstimateMod")
def estimate_mod(ctx: RequestContext) -> Reply:
    return ret_reply(ctx, estimate_mod_doc(ctx.company, ctx.body["EstimateMod"]))


@handles("EstimateQuery")
def estimate_query(ctx: RequestContext) -> Reply:
    """EntityFilter matches the Customer:Job (with children via ``…WithChildren``)."""
    return txn_query(
        ctx, ("Estimate",), entity_fields=("CustomerRef",), account_fields=(), line_fields=LINE_FIELDS
    )
