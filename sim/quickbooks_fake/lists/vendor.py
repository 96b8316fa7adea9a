"""Vendor: VendorAdd/Mod/Query (name, company name, address, phone, fax …).

Shares the Customer/Employee/OtherName name space (3100). OpenBalance is the opening balance; the
Balance answered adds the vendor's open bills and A/P journal lines (``balances.py``). Not yet
faithful: VendorAddressBlock, Contacts/AdditionalNotes on Add, CurrencyFilter.
"""

from __future__ import annotations

from ..company_api import Company
from ..qbxml_io import Doc
from ..queries import all_of, class_filter, total_balance_filter
from ..registry import Reply, RequestContext, handles
from .common import ListFamily
from .replies import add_reply, mod_reply, query_reply


def _on_add(company: Company, doc: Doc, request: Doc) -> None:
    doc.setdefault("IsVendorEligibleFor1099", "false")
    doc.setdefault("Balance", str(request.get("OpenBalance", "0.00")))


VENDOR = ListFamily(kind="Vendor", name_space="Entity", on_add=_on_add)


@handles("VendorAdd")
def vendor_add(ctx: RequestContext) -> Reply:
    return add_reply(ctx, VENDOR)


@handles("VendorMod")
def vendor_mod(ctx: RequestContext) -> Reply:
    return mod_reply(ctx, VENDOR)


@handles("VendorQuery")
def vendor_query(ctx: RequestContext) -> Reply:
    """ListFilter + TotalBalanceFilter + ClassFilter. Not yet faithful: CurrencyFilter and OwnerID are
    ignored."""
    return query_reply(ctx, VENDOR, extra=all_of(total_balance_filter(ctx), class_filter(ctx)))
