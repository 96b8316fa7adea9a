"""Customer (and jobs): CustomerAdd/Mod/Query.

Jobs are customers with a ParentRef to a customer; sub-jobs nest further (tier 3+), FullName
"Customer:Job:SubJob", Sublevel 0/1/2…. Bill-to/ship-to addresses (BillAddress, ShipAddress,
ShipToAddress) are kept as sent. The name space is shared with Vendor/Employee/OtherName (3100); a
bad ParentRef answers 3130 "… in the Customers list." (hotglue capture). OpenBalance is the opening
balance; Balance adds A/R journal lines naming the customer/job, and TotalBalance rolls its jobs up
(``balances.py``). Not yet faithful: the *AddressBlock elements, Contacts/AdditionalNotes on Add,
CurrencyFilter.
"""

from __future__ import annotations

from ..company_api import Company
from ..qbxml_io import Doc
from ..queries import all_of, class_filter, total_balance_filter
from ..registry import Reply, RequestContext, handles
from .common import ListFamily
from .replies import add_reply, mod_reply, query_reply


def _on_add(company: Company, doc: Doc, request: Doc) -> None:
    balance = str(request.get("OpenBalance", "0.00"))
    doc.setdefault("Balance", balance)
    doc.setdefault("TotalBalance", balance)
    doc.setdefault("JobStatus", "None")


CUSTOMER = ListFamily(kind="Customer", name_space="Entity", hierarchical=True, list_label="Customers",
                      on_add=_on_add)


@handles("CustomerAdd")
def customer_add(ctx: RequestContext) -> Reply:
    return add_reply(ctx, CUSTOMER)


@handles("CustomerMod")
def customer_mod(ctx: RequestContext) -> Reply:
    return mod_reply(ctx, CUSTOMER)


@handles("CustomerQuery")
def customer_query(ctx: RequestContext) -> Reply:
    """ListFilter + TotalBalanceFilter + ClassFilter. Not yet faithful: CurrencyFilter and OwnerID are
    ignored."""
    return query_reply(ctx, CUSTOMER, extra=all_of(total_balance_filter(ctx), class_filter(ctx)))
