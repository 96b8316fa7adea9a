"""HostQuery, CompanyQuery, PreferencesQuery.

* HostRet: ProductName / MajorVersion / MinorVersion / Country / SupportedQBXMLVersion… /
  IsAutomaticLogin / QBFileMode from the edition and the UI state (see ``edition.py``).
* CompanyRet: the company's name and address (set at creation; ``ui.set_company_info``), the
  AddressBlock derived from the address, TaxForm, SubscribedServices (all "Never") and AccountantCopy
  (none), as a new file's CompanyRet carries them.
* PreferencesRet: the company preferences, incl. PurchasesAndVendorsPreferences/IsUsingInventory
  ("Inventory and purchase orders are active"), toggled through ``company.ui``.
IncludeRetElement applies to each Ret. Not yet faithful: ListMetaData, DataExtRet on CompanyRet,
OwnerID.
"""

from __future__ import annotations

from typing import Any

from ..company_api import Company
from ..qbxml_io import filter_ret
from ..registry import Reply, RequestContext, handles


def host_ret(company: Company, ticket: str | None) -> dict[str, Any]:
    edition = company.edition
    state = company.ui_state
    auto = False
    if ticket is not None:
        auto = company.sessions[ticket].app_name in state["auto_login_apps"]
    return {
        "ProductName": edition.product_name,
        "MajorVersion": edition.major_version,
        "MinorVersion": "0",
        "Country": edition.country,
        "SupportedQBXMLVersion": edition.supported_versions(),
        "IsAutomaticLogin": "true" if auto else "false",
        "QBFileMode": state["file_mode"],
    }


#: CompanyRet/SubscribedServices of a file that never signed up for an Intuit service: every service
#: QuickBooks Desktop lists there, status "Never". Names and domains as real strHCPResponses list them
#: (recalled from published captures, not a stored source; the list differs between releases).
SUBSCRIBED_SERVICES = (
    ("QuickBooks Online Banking", "banking.qb"),
    ("QuickBooks Online Billing", "billing.qb"),
    ("QuickBooks Online Billing Level 1 Service", "qbob1.qbn"),
    ("QuickBooks Online Billing Level 2 Service", "qbob2.qbn"),
    ("QuickBooks Online Billing Payment Service", "qbobpay.qbn"),
    ("QuickBooks Bill Payment", "billpay.qbn"),
    ("QuickBooks Online Billing Paper Mailing Service", "qbobpaper.qbn"),
    ("QuickBooks Payroll Service", "payroll.qb"),
    ("QuickBooks Basic Payroll Service", "payroll.qbn"),
    ("QuickBooks Basic Disk Payroll Service", "payrollbsc.qbn"),
    ("QuickBooks Deluxe Payroll Service", "payrolldlx.qbn"),
    ("QuickBooks Premier Payroll Service", "payrollprm.qbn"),
    ("Basic Plus Federal", "bpfed.qbn"),
    ("Basic Plus Federal and State", "bpfedst.qbn"),
    ("Basic Plus Direct Deposit", "bpdd.qbn"),
    ("Merchant Account Service", "mas.qbn"),
)


def address_block(address: dict[str, Any], first_line: str | None = None) -> dict[str, str]:
    """An address as the printed block QuickBooks keeps beside it (``AddressBlock``,
    ``ShipAddressBlock``): an optional first line (a name), the street lines, then "City, ST ZIP" —
    at most the five lines the block has. The country line is left out for the file's own country
    (chosen; QuickBooks prints it only for a foreign address)."""
    lines = [first_line] if first_line else []
    lines += [str(address[k]) for k in ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5") if address.get(k)]
    city = ", ".join(str(address[k]) for k in ("City", "State") if address.get(k))
    last = " ".join(part for part in (city, str(address.get("PostalCode") or "")) if part)
    if last:
        lines.append(last)
    return {f"Addr{i}": line for i, line in enumerate(lines[:5], start=1)}


def company_ret(company: Company) -> dict[str, Any]:
    """CompanyRet: what My Company holds, the derived AddressBlock, the services and Accountant's Copy
    state of a new file (no subscriptions, no Accountant's Copy)."""
    info = dict(company.store.meta_get("company_info") or default_company_info(company))
    if isinstance(info.get("Address"), dict):
        info["AddressBlock"] = address_block(info["Address"])
    info.setdefault("TaxForm", "OtherOrNone")
    info.setdefault("SubscribedServices", {"Service": [
        {"Name": name, "Domain": domain, "ServiceStatus": "Never"} for name, domain in SUBSCRIBED_SERVICES]})
    info.setdefault("AccountantCopy", {"AccountantCopyExists": "false"})
    return info


def default_company_info(company: Company) -> dict[str, Any]:
    ca = company.edition.country == "CA"
    address = {
        "Addr1": "100 Main Street",
        "City": "Toronto" if ca else "Carpinteria",
        "State": "ON" if ca else "CA",
        "PostalCode": "M5V 2T6" if ca else "93013",
        "Country": "Canada" if ca else "US",
    }
    return {
        "IsSampleCompany": "false",
        "CompanyName": company.company_name,
        "LegalCompanyName": company.company_name,
        "Address": address,
        "LegalAddress": dict(address),
        "Phone": "805-555-0100",
        "FirstMonthFiscalYear": "January",
        "FirstMonthIncomeTaxYear": "January",
        "CompanyType": "Construction General Contractor",
    }


def _one(ctx: RequestContext, name: str, doc: dict[str, Any]) -> Reply:
    include = ctx.include_ret
    return Reply(children=[(name, filter_ret(doc, include) if include else doc)])


@handles("HostQuery")
def host_query(ctx: RequestContext) -> Reply:
    return _one(ctx, "HostRet", host_ret(ctx.company, ctx.ticket))


@handles("CompanyQuery")
def company_query(ctx: RequestContext) -> Reply:
    return _one(ctx, "CompanyRet", company_ret(ctx.company))


@handles("PreferencesQuery")
def preferences_query(ctx: RequestContext) -> Reply:
    return _one(ctx, "PreferencesRet", ctx.company.preferences)
