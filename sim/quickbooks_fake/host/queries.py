"""HostQuery, CompanyQuery, PreferencesQuery.

* HostRet: ProductName / MajorVersion / MinorVersion / Country / SupportedQBXMLVersion… /
  IsAutomaticLogin / QBFileMode from the edition and the UI state (see ``edition.py``).
* CompanyRet: the company's name and address (set at creation; ``ui.set_company_info``).
* PreferencesRet: the company preferences, incl. PurchasesAndVendorsPreferences/IsUsingInventory
  ("Inventory and purchase orders are active"), toggled through ``company.ui``.
IncludeRetElement applies to each Ret. Not yet faithful: ListMetaData, DataExtRet on CompanyRet,
OwnerID.
"""

from __future__ import annotations

from typing import Any

from ..company import CompanyFile
from ..qbxml_io import filter_ret
from ..registry import Reply, RequestContext, handles


def host_ret(company: CompanyFile, ticket: str | None) -> dict[str, Any]:
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


def company_ret(company: CompanyFile) -> dict[str, Any]:
    info = company.store.meta_get("company_info") or default_company_info(company)
    return info


def default_company_info(company: CompanyFile) -> dict[str, Any]:
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
