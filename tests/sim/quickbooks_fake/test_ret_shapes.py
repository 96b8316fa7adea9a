"""Records as thick as a new contractor company file's: what real Rets carry even when nobody set it.

Seen in responses of real QuickBooks (issue evidence): every AccountRet has CashFlowClassification; an
ItemInventoryRet shows SalesPrice/PurchaseCost 0.00 when none was given; a PurchaseOrderRet carries
TemplateRef and ShipAddressBlock; the CompanyRet/PreferencesRet of strHCPResponse carry AddressBlock,
SubscribedServices, AccountantCopy and the SalesAndCustomers / ItemsAndInventory / MultiLocationInventory
preference sections. Every response here is checked against the 13.0 XSD (schema order included).
"""

from __future__ import annotations

from sim.quickbooks_fake import CompanyFile
from tests.sim.quickbooks_fake.helpers import rs


def _rets(run, body: str):
    return list(rs(run(body)))


def test_every_account_has_its_cash_flow_section(run) -> None:
    accounts = {a.findtext("FullName"): a for a in _rets(run, "<AccountQueryRq/>")}
    assert all(a.findtext("CashFlowClassification") for a in accounts.values())
    assert {name: accounts[name].findtext("CashFlowClassification") for name in (
        "Checking", "Accounts Receivable", "Accounts Payable", "Opening Balance Equity",
        "Construction Income", "Job Expenses:Subcontractors")} == {
        "Checking": "NotApplicable", "Accounts Receivable": "Operating", "Accounts Payable": "Operating",
        "Opening Balance Equity": "Financing", "Construction Income": "NotApplicable",
        "Job Expenses:Subcontractors": "NotApplicable"}
    truck = rs(run("<AccountAddRq><AccountAdd><Name>Trucks</Name><AccountType>FixedAsset</AccountType>"
                   "</AccountAdd></AccountAddRq>"))[0]
    assert truck.findtext("CashFlowClassification") == "Investing"
    mod = (f"<AccountModRq><AccountMod><ListID>{truck.findtext('ListID')}</ListID><EditSequence>"
           f"{truck.findtext('EditSequence')}</EditSequence><AccountType>LongTermLiability</AccountType>"
           "</AccountMod></AccountModRq>")
    assert rs(run(mod))[0].findtext("CashFlowClassification") == "Financing"


ACCOUNTS = ("<IncomeAccountRef><FullName>Construction Income</FullName></IncomeAccountRef>"
            "<COGSAccountRef><FullName>Cost of Goods Sold</FullName></COGSAccountRef>"
            "<AssetAccountRef><FullName>Inventory Asset</FullName></AssetAccountRef>")


def test_an_inventory_item_shows_zero_prices(run, company) -> None:
    company.ui.set_inventory_active(True)
    item = rs(run("<ItemInventoryAddRq><ItemInventoryAdd><Name>Rebar</Name>"
                  f"{ACCOUNTS}</ItemInventoryAdd></ItemInventoryAddRq>"))[0]
    assert (item.findtext("SalesPrice"), item.findtext("PurchaseCost")) == ("0.00", "0.00")
    priced = rs(run("<ItemInventoryAddRq><ItemInventoryAdd><Name>Mesh</Name><SalesPrice>12</SalesPrice>"
                    f"{ACCOUNTS}</ItemInventoryAdd></ItemInventoryAddRq>"))[0]
    assert (priced.findtext("SalesPrice"), priced.findtext("PurchaseCost")) == ("12.00", "0.00")


def _po(run, company, extra: str = ""):
    company.ui.set_inventory_active(True)
    company.ui.create_vendor("Acme Concrete")
    company.ui.create_service_item("01-100 Concrete")
    return rs(run("<PurchaseOrderAddRq><PurchaseOrderAdd><VendorRef><FullName>Acme Concrete</FullName>"
                  f"</VendorRef>{extra}<PurchaseOrderLineAdd><ItemRef><FullName>01-100 Concrete</FullName>"
                  "</ItemRef><Amount>100</Amount></PurchaseOrderLineAdd></PurchaseOrderAdd></PurchaseOrderAddRq>"))[0]


def test_a_purchase_order_carries_its_template_and_ship_to_block(run, company) -> None:
    po = _po(run, company)
    template = company.list_records("Template")
    assert [(t["Name"], t["TemplateType"]) for t in template] == [("Custom Purchase Order", "PurchaseOrder")]
    assert (po.findtext("TemplateRef/ListID"), po.findtext("TemplateRef/FullName")) == (
        template[0]["ListID"], "Custom Purchase Order")
    assert [line.text for line in po.find("ShipAddressBlock")] == [
        "Procore Demo Construction", "100 Main Street", "Carpinteria, CA 93013"]
    names = [c.tag for c in po]
    assert names.index("TemplateRef") < names.index("TxnDate") < names.index("ShipAddressBlock")


def test_a_ship_address_sent_is_the_ship_to_block(run, company) -> None:
    po = _po(run, company, "<ShipAddress><Addr1>Smith Residence site</Addr1><Addr2>5 Oak Lane</Addr2>"
                           "<City>Austin</City><State>TX</State><PostalCode>78701</PostalCode></ShipAddress>")
    assert [line.text for line in po.find("ShipAddressBlock")] == [
        "Smith Residence site", "5 Oak Lane", "Austin, TX 78701"]
    mod = (f"<PurchaseOrderModRq><PurchaseOrderMod><TxnID>{po.findtext('TxnID')}</TxnID><EditSequence>"
           f"{po.findtext('EditSequence')}</EditSequence><ShipAddress><Addr1>Yard</Addr1><City>Waco</City>"
           "</ShipAddress></PurchaseOrderMod></PurchaseOrderModRq>")
    modded = rs(run(mod))[0]
    # the fake's transaction Mods replace an address aggregate whole; the block follows what is stored
    assert [line.text for line in modded.find("ShipAddressBlock")] == ["Yard", "Waco"]


def test_a_purchase_order_may_name_the_template(run, company) -> None:
    po = _po(run, company, "<TemplateRef><FullName>Custom Purchase Order</FullName></TemplateRef>")
    assert po.findtext("TemplateRef/FullName") == "Custom Purchase Order"


HCP = ('<HostQueryRq requestID="0"/><CompanyQueryRq requestID="1"/><PreferencesQueryRq requestID="2"/>')


def test_company_and_preferences_of_the_hcp_response(run, company) -> None:
    _, company_rs, prefs_rs = rs(run(HCP), 0), rs(run(HCP), 1), rs(run(HCP), 2)
    ret = company_rs[0]
    assert [line.text for line in ret.find("AddressBlock")] == ["100 Main Street", "Carpinteria, CA 93013"]
    services = ret.findall("SubscribedServices/Service")
    assert len(services) == 16
    assert {s.findtext("ServiceStatus") for s in services} == {"Never"}
    assert services[0].findtext("Name") == "QuickBooks Online Banking"
    assert ret.findtext("AccountantCopy/AccountantCopyExists") == "false"
    assert ret.findtext("TaxForm") == "OtherOrNone"
    prefs = prefs_rs[0]
    assert prefs.findtext("SalesAndCustomersPreferences/IsAutoApplyingPayments") == "true"
    assert prefs.findtext("SalesAndCustomersPreferences/PriceLevels/IsUsingPriceLevels") == "true"
    assert prefs.findtext("ItemsAndInventoryPreferences/IsTrackingSerialOrLotNumber") == "None"
    assert prefs.findtext("MultiLocationInventoryPreferences/IsMultiLocationInventoryAvailable") == "false"
    sections = [c.tag for c in prefs]
    assert sections.index("MultiLocationInventoryPreferences") < sections.index(
        "PurchasesAndVendorsPreferences")
    assert sections[-1] == "ItemsAndInventoryPreferences"


def test_the_address_block_follows_my_company(run, company) -> None:
    company.ui.set_company_info(Address={"Addr1": "9 Dock St", "City": "Halifax", "State": "NS",
                                         "PostalCode": "B3H 1A1"})
    ret = rs(run('<CompanyQueryRq requestID="1"/>'))[0]
    assert [line.text for line in ret.find("AddressBlock")] == ["9 Dock St", "Halifax, NS B3H 1A1"]


def test_a_canadian_file_has_the_same_sections() -> None:
    company = CompanyFile.create(country="CA")
    assert set(company.preferences) >= {"SalesAndCustomersPreferences", "ItemsAndInventoryPreferences",
                                        "MultiLocationInventoryPreferences"}
