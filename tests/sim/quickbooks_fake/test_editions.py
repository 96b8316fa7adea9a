"""Host/Company/Preferences queries reflect the edition; preferences toggled through the UI."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake import CompanyFile
from tests.sim.quickbooks_fake.helpers import rs


def host(run, company: CompanyFile, version: str = "13.0"):
    return rs(run("<HostQueryRq/>", target=company, version=version))[0]


@pytest.mark.parametrize(("country", "year", "product", "name", "major"), [
    ("US", 2024, "Premier Contractor", "QuickBooks Premier Contractor Edition 2024", "34"),
    ("US", 2022, "Pro", "QuickBooks Pro 2022", "32"),
    ("US", 2023, "Enterprise Contractor", "QuickBooks Enterprise Solutions: Contractor 23.0", "33"),
    ("CA", 2024, "Accountant", "QuickBooks Accountant Desktop 2024 Canadian Edition", "34"),
    ("US", 2019, "Pro", "QuickBooks Pro 2019", "29"),
])
def test_host_ret_per_edition(run, country, year, product, name, major) -> None:
    company = CompanyFile.create(country=country, year=year, product=product)
    ret = host(run, company)
    assert ret.findtext("ProductName") == name
    assert ret.findtext("MajorVersion") == major
    assert ret.findtext("Country") == country


def test_supported_versions_by_year(run) -> None:
    versions = lambda c: [v.text for v in host(run, c, "8.0").findall("SupportedQBXMLVersion")]  # noqa: E731
    assert versions(CompanyFile.create(year=2024))[-4:] == ["13.0", "14.0", "15.0", "16.0"]
    assert versions(CompanyFile.create(year=2022))[-3:] == ["13.0", "14.0", "15.0"]
    assert versions(CompanyFile.create(year=2019))[-1] == "13.0"
    assert versions(CompanyFile.create(year=2012))[-1] == "11.0"
    assert versions(CompanyFile.create(year=2010))[-2:] == ["8.0", "9.0"]
    assert "CA3.0" in versions(CompanyFile.create(country="CA"))


def test_procore_support_matrix() -> None:
    from sim.quickbooks_fake.edition import Edition

    assert Edition("US", 2022, "Pro").is_procore_supported
    assert not Edition("US", 2021, "Premier Contractor").is_procore_supported
    assert not Edition("US", 2024, "Mac").is_procore_supported
    with pytest.raises(ValueError):
        Edition("UK", 2024, "Pro")


def test_file_mode_in_host_ret(run, company) -> None:
    assert host(run, company).findtext("QBFileMode") == "MultiUser"
    company.ui.open_single_user()
    assert host(run, company).findtext("QBFileMode") == "SingleUser"


def test_company_query(run, company) -> None:
    ret = rs(run("<CompanyQueryRq/>"))[0]
    assert ret.findtext("CompanyName") == "Procore Demo Construction"
    company.ui.set_company_info(Phone="805-555-0199")
    assert rs(run("<CompanyQueryRq/>"))[0].findtext("Phone") == "805-555-0199"
    assert company.qbw_path == ("C:\\Users\\Public\\Documents\\Intuit\\QuickBooks\\Company Files\\"
                                "Procore Demo Construction.QBW")


def test_inventory_preference_toggled_by_ui(run, company) -> None:
    path = "PurchasesAndVendorsPreferences/IsUsingInventory"
    assert rs(run("<PreferencesQueryRq/>"))[0].findtext(path) == "false"
    company.ui.set_inventory_active(True)
    assert rs(run("<PreferencesQueryRq/>"))[0].findtext(path) == "true"
    company.ui.set_preference("JobsAndEstimatesPreferences", "IsUsingEstimates", "false")
    assert rs(run("<PreferencesQueryRq/>"))[0].findtext("JobsAndEstimatesPreferences/IsUsingEstimates") \
        == "false"


def test_include_ret_element_on_host(run) -> None:
    ret = rs(run("<HostQueryRq><IncludeRetElement>ProductName</IncludeRetElement></HostQueryRq>"))[0]
    assert [c.tag for c in ret] == ["ProductName"]


def test_state_and_ui_over_http(client, company) -> None:
    state = client.get("/_sim/state").json()
    assert state["edition"] == {"country": "US", "year": 2024, "product": "Premier Contractor"}
    assert state["counts"]["Account"] > 5
    resp = client.post("/_sim/ui/set_inventory_active", json={"active": True})
    assert resp.status_code == 200
    assert company.inventory_enabled
    assert client.post("/_sim/ui/drop_database", json={}).status_code == 404
    bad = client.post("/_sim/ui/create_vendor", json={"name": "Dup"})
    assert bad.status_code == 200
    dup = client.post("/_sim/ui/create_customer", json={"name": "Dup"})
    assert dup.status_code == 422
    assert dup.json() == {"error": "NameNotUnique", "statusCode": 3100,
                          "statusMessage": 'The name "Dup" of the list element is already in use.'}


@pytest.mark.parametrize("product", ["Pro", "Premier Contractor", "Enterprise Contractor", "Accountant"])
@pytest.mark.parametrize("country", ["US", "CA"])
@pytest.mark.parametrize("year", [2019, 2021, 2022, 2023, 2024])
def test_every_edition_answers_host_company_and_preferences(run, country, year, product) -> None:
    """One message set per edition; every answer is XSD-validated by the runner."""
    company = CompanyFile.create(country=country, year=year, product=product)
    answers = run("<HostQueryRq/><CompanyQueryRq/><PreferencesQueryRq/>", target=company).find("QBXMLMsgsRs")
    host_ret, company_ret, prefs = (rs[0] for rs in answers)
    versions = [v.text for v in host_ret.findall("SupportedQBXMLVersion")]
    assert host_ret.findtext("MajorVersion") == str(year - 1990)
    assert host_ret.findtext("Country") == country
    assert ("16.0" in versions) == (year >= 2023)
    assert ("15.0" in versions) == (year >= 2022)
    assert ("CA3.0" in versions) == (country == "CA")
    assert company_ret.findtext("Address/Country") == ("Canada" if country == "CA" else "US")
    assert prefs.findtext("PurchasesAndVendorsPreferences/IsUsingInventory") == "false"
    assert company.edition.is_procore_supported == (year >= 2022)
