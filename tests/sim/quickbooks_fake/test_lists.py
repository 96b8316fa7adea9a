"""Lists: Add/Mod/Query/ListDel with QuickBooks' rules, status codes and exact messages."""

from __future__ import annotations

from tests.sim.quickbooks_fake.helpers import rs, status

NOT_FOUND_TAIL = ("  QuickBooks error message: Invalid argument.  The specified record does not exist in "
                  "the list.")


def service(name: str, account: str = "Job Expenses", parent: str | None = None, rid: str = "1") -> str:
    parent_xml = f"<ParentRef><FullName>{parent}</FullName></ParentRef>" if parent else ""
    return (f'<ItemServiceAddRq requestID="{rid}"><ItemServiceAdd><Name>{name}</Name>{parent_xml}'
            f"<SalesOrPurchase><Desc>{name}</Desc><Price>125.5</Price><AccountRef><FullName>{account}"
            "</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd></ItemServiceAddRq>")


def customer(name: str, parent: str | None = None, extra: str = "") -> str:
    parent_xml = f"<ParentRef><FullName>{parent}</FullName></ParentRef>" if parent else ""
    return f"<CustomerAddRq><CustomerAdd><Name>{name}</Name>{parent_xml}{extra}</CustomerAdd></CustomerAddRq>"


def vendor(name: str) -> str:
    return (f"<VendorAddRq><VendorAdd><Name>{name}</Name><CompanyName>{name} Inc</CompanyName>"
            "<VendorAddress><Addr1>1 Quarry Rd</Addr1><City>Austin</City><State>TX</State>"
            "<PostalCode>78701</PostalCode></VendorAddress><Phone>512-555-0101</Phone>"
            "<Fax>512-555-0102</Fax></VendorAdd></VendorAddRq>")


def ret(root, index: int = 0):
    return rs(root, index)[0]


def test_item_service_add_returns_ret_in_schema_order(run) -> None:
    el = ret(run(service("01-100 Demolition")))
    assert el.tag == "ItemServiceRet"
    names = [c.tag for c in el]
    assert names[:4] == ["ListID", "TimeCreated", "TimeModified", "EditSequence"]
    assert el.findtext("ListID").startswith("8000")
    assert el.findtext("EditSequence").isdigit()
    assert el.findtext("SalesOrPurchase/Price") == "125.50"
    assert el.findtext("SalesOrPurchase/AccountRef/FullName") == "Job Expenses"
    assert el.findtext("Sublevel") == "0"


def test_bad_account_reference_is_3140(run, company) -> None:
    el = rs(run(service("X", account="No Such Account")))
    assert status(el) == ("3140", "Error", "There is an invalid reference to QuickBooks Account "
                          '"No Such Account" in the ItemService.' + NOT_FOUND_TAIL)
    assert company.list_records("ItemService") == []


def test_mod_changes_edit_sequence_and_only_sent_fields(run, company) -> None:
    first = ret(run(service("Framing")))
    list_id, seq = first.findtext("ListID"), first.findtext("EditSequence")
    company.clock.advance(5)
    mod = (f"<ItemServiceModRq><ItemServiceMod><ListID>{list_id}</ListID><EditSequence>{seq}</EditSequence>"
           "<SalesOrPurchaseMod><Price>200</Price></SalesOrPurchaseMod></ItemServiceMod></ItemServiceModRq>")
    el = ret(run(mod))
    assert el.findtext("EditSequence") != seq
    assert el.findtext("SalesOrPurchase/Price") == "200.00"
    assert el.findtext("SalesOrPurchase/Desc") == "Framing"  # untouched
    assert el.findtext("TimeModified") != el.findtext("TimeCreated")


def test_two_mods_in_the_same_second_still_change_edit_sequence(run) -> None:
    el = ret(run(vendor("Same Second")))
    list_id, seqs = el.findtext("ListID"), [el.findtext("EditSequence")]
    for phone in ("1", "2"):
        mod = (f"<VendorModRq><VendorMod><ListID>{list_id}</ListID><EditSequence>{seqs[-1]}</EditSequence>"
               f"<Phone>{phone}</Phone></VendorMod></VendorModRq>")
        seqs.append(ret(run(mod)).findtext("EditSequence"))
    assert len(set(seqs)) == 3


def test_stale_edit_sequence_is_3200_with_current_record(run, company) -> None:
    el = ret(run(vendor("Acme Concrete")))
    list_id, seq = el.findtext("ListID"), el.findtext("EditSequence")
    company.ui.edit("Vendor", "Acme Concrete", Phone="512-555-9999")  # the accountant edits it meanwhile
    mod = (f"<VendorModRq><VendorMod><ListID>{list_id}</ListID><EditSequence>{seq}</EditSequence>"
           "<Fax>1</Fax></VendorMod></VendorModRq>")
    answer = rs(run(mod))
    assert status(answer) == ("3200", "Error", f'The provided edit sequence "{seq}" is out-of-date. ')
    current = answer.find("VendorRet")
    assert current.findtext("Phone") == "512-555-9999"
    assert current.findtext("EditSequence") != seq
    assert current.findtext("Fax") == "512-555-0102"


def test_stale_message_is_escaped_like_quickbooks(company, run) -> None:
    el = ret(run(vendor("Esc")))
    from tests.sim.quickbooks_fake.helpers import request

    text = company.process_request(request(
        f"<VendorModRq><VendorMod><ListID>{el.findtext('ListID')}</ListID><EditSequence>1</EditSequence>"
        "</VendorMod></VendorModRq>"))
    assert 'statusMessage="The provided edit sequence &quot;1&quot; is out-of-date. "' in text


def test_unknown_list_id_is_3120(run) -> None:
    mod = ("<VendorModRq><VendorMod><ListID>8000001B-1405768916</ListID><EditSequence>1</EditSequence>"
           "</VendorMod></VendorModRq>")
    assert status(rs(run(mod))) == (
        "3120", "Error", 'Object "8000001B-1405768916" specified in the request cannot be found.'
        + NOT_FOUND_TAIL)


def test_shared_name_space_customer_vendor_employee_othername(run) -> None:
    msg = 'The name "Smith Drywall" of the list element is already in use.'
    assert status(rs(run(vendor("Smith Drywall"))))[0] == "0"
    assert status(rs(run(customer("Smith Drywall")))) == ("3100", "Error", msg)
    assert status(rs(run(customer("smith drywall")))) == ("3100", "Error",
        'The name "smith drywall" of the list element is already in use.')  # case-insensitive
    emp = "<EmployeeAddRq><EmployeeAdd><Name>Smith Drywall</Name></EmployeeAdd></EmployeeAddRq>"
    assert status(rs(run(emp))) == ("3100", "Error", msg)
    other = "<OtherNameAddRq><OtherNameAdd><Name>Smith Drywall</Name></OtherNameAdd></OtherNameAddRq>"
    assert status(rs(run(other))) == ("3100", "Error", msg)
    # items live in another name space
    assert status(rs(run(service("Smith Drywall"))))[0] == "0"
    assert status(rs(run(service("SMITH DRYWALL")))) == ("3100", "Error",
        'The name "SMITH DRYWALL" of the list element is already in use.')


def test_employee_named_from_first_and_last_name(run) -> None:
    el = ret(run("<EmployeeAddRq><EmployeeAdd><FirstName>Ana</FirstName><LastName>Ruiz</LastName>"
                 "</EmployeeAdd></EmployeeAddRq>"))
    assert el.findtext("Name") == "Ana Ruiz"


def test_jobs_and_sub_jobs(run) -> None:
    run(customer("Riverside Holdings", extra="<BillAddress><Addr1>9 River Rd</Addr1><City>Reno</City>"
                 "</BillAddress><ShipAddress><Addr1>Site 4</Addr1></ShipAddress>"))
    job = ret(run(customer("Tower A", parent="Riverside Holdings")))
    assert job.findtext("FullName") == "Riverside Holdings:Tower A"
    assert job.findtext("Sublevel") == "1"
    assert job.findtext("ParentRef/FullName") == "Riverside Holdings"
    sub = ret(run(customer("Level 3", parent="Riverside Holdings:Tower A")))
    assert sub.findtext("FullName") == "Riverside Holdings:Tower A:Level 3"
    assert sub.findtext("Sublevel") == "2"
    # same job name under another customer is fine; under the same parent it is not
    run(customer("Harbor LLC"))
    assert status(rs(run(customer("Tower A", parent="Harbor LLC"))))[0] == "0"
    assert status(rs(run(customer("Tower A", parent="Riverside Holdings")))) == (
        "3100", "Error", 'The name "Riverside Holdings:Tower A" of the list element is already in use.')
    top = ret(run("<CustomerQueryRq><FullName>Riverside Holdings</FullName></CustomerQueryRq>"))
    assert top.findtext("BillAddress/City") == "Reno"
    assert top.findtext("ShipAddress/Addr1") == "Site 4"


def test_bad_parent_is_3130(run) -> None:
    assert status(rs(run(customer("Job", parent="NONEXISTENT-PARENT-CUSTOMER")))) == (
        "3130", "Error", 'There is an invalid reference to a parent "NONEXISTENT-PARENT-CUSTOMER" in the '
        "Customers list." + NOT_FOUND_TAIL)


def test_rename_parent_rewrites_descendants(run, company) -> None:
    run(customer("Old Name"))
    run(customer("Job 1", parent="Old Name"))
    run(customer("Sub", parent="Old Name:Job 1"))
    company.ui.edit("Customer", "Old Name", Name="New Name")
    names = sorted(r["FullName"] for r in company.list_records("Customer"))
    assert names == ["New Name", "New Name:Job 1", "New Name:Job 1:Sub"]


def test_customer_query_is_hierarchical_name_order(run) -> None:
    for name, parent in [("B Corp", None), ("A Corp", None), ("Zeta", "A Corp"), ("Alpha", "A Corp")]:
        run(customer(name, parent=parent))
    answers = rs(run("<CustomerQueryRq/>"))
    assert [c.findtext("FullName") for c in answers] == ["A Corp", "A Corp:Alpha", "A Corp:Zeta", "B Corp"]


def test_inventory_item_needs_the_preference(run, company) -> None:
    inv = ("<ItemInventoryAddRq><ItemInventoryAdd><Name>Rebar #4</Name><IncomeAccountRef><FullName>"
           "Construction Income</FullName></IncomeAccountRef><COGSAccountRef><FullName>Cost of Goods Sold"
           "</FullName></COGSAccountRef><AssetAccountRef><FullName>Inventory Asset</FullName>"
           "</AssetAccountRef></ItemInventoryAdd></ItemInventoryAddRq>")
    assert status(rs(run(inv))) == (
        "3250", "Error", "This feature is not enabled or not available in this version of QuickBooks.")
    company.ui.set_inventory_active(True)
    el = ret(run(inv))
    assert el.findtext("QuantityOnHand") == "0"
    assert el.findtext("AssetAccountRef/FullName") == "Inventory Asset"


def test_item_query_spans_item_types(run) -> None:
    run(service("Labor"))
    run("<ItemNonInventoryAddRq><ItemNonInventoryAdd><Name>Nails</Name><SalesOrPurchase><AccountRef>"
        "<FullName>Job Expenses:Job Materials</FullName></AccountRef></SalesOrPurchase></ItemNonInventoryAdd>"
        "</ItemNonInventoryAddRq>")
    run("<ItemOtherChargeAddRq><ItemOtherChargeAdd><Name>Retention</Name><SalesOrPurchase><AccountRef>"
        "<FullName>Retainage Payable</FullName></AccountRef></SalesOrPurchase></ItemOtherChargeAdd>"
        "</ItemOtherChargeAddRq>")
    answers = rs(run("<ItemQueryRq/>"))
    assert [(c.tag, c.findtext("Name")) for c in answers] == [
        ("ItemServiceRet", "Labor"), ("ItemNonInventoryRet", "Nails"), ("ItemOtherChargeRet", "Retention")]
    only_services = rs(run("<ItemServiceQueryRq/>"))
    assert [c.findtext("Name") for c in only_services] == ["Labor"]


def test_sub_item_and_account_hierarchy(run) -> None:
    run(service("Sitework"))
    sub = ret(run(service("Grading", parent="Sitework")))
    assert sub.findtext("FullName") == "Sitework:Grading"
    acc = ret(run("<AccountQueryRq><FullName>Job Expenses:Subcontractors</FullName></AccountQueryRq>"))
    assert acc.findtext("Sublevel") == "1"


def test_account_add_and_type_filter(run) -> None:
    el = ret(run("<AccountAddRq><AccountAdd><Name>Retention Receivable</Name><AccountType>OtherCurrentAsset"
                 "</AccountType><OpenBalance>150</OpenBalance></AccountAdd></AccountAddRq>"))
    assert el.findtext("Balance") == "150.00"
    answers = rs(run("<AccountQueryRq><AccountType>AccountsPayable</AccountType></AccountQueryRq>"))
    assert [c.findtext("Name") for c in answers] == ["Accounts Payable"]


def test_active_status_filters(run, company) -> None:
    run(vendor("Active Co"))
    run(vendor("Sleepy Co"))
    company.ui.inactivate("Vendor", "Sleepy Co")
    names = lambda root: [c.findtext("Name") for c in rs(root)]  # noqa: E731
    assert names(run("<VendorQueryRq/>")) == ["Active Co"]
    inactive = run("<VendorQueryRq><ActiveStatus>InactiveOnly</ActiveStatus></VendorQueryRq>")
    assert names(inactive) == ["Sleepy Co"]
    assert names(run("<VendorQueryRq><ActiveStatus>All</ActiveStatus></VendorQueryRq>")) == [
        "Active Co", "Sleepy Co"]
    # by name, the active status does not matter
    assert names(run("<VendorQueryRq><FullName>Sleepy Co</FullName></VendorQueryRq>")) == ["Sleepy Co"]


def test_name_filters_and_max_returned(run) -> None:
    for name in ("Alpha Paving", "Beta Electric", "Bravo Plumbing", "Charlie Steel"):
        run(vendor(name))
    names = lambda root: [c.findtext("Name") for c in rs(root)]  # noqa: E731
    flt = "<NameFilter><MatchCriterion>{}</MatchCriterion><Name>{}</Name></NameFilter>"
    assert names(run(f"<VendorQueryRq>{flt.format('StartsWith', 'b')}</VendorQueryRq>")) == [
        "Beta Electric", "Bravo Plumbing"]
    contains = run(f"<VendorQueryRq>{flt.format('Contains', 'steel')}</VendorQueryRq>")
    assert names(contains) == ["Charlie Steel"]
    assert names(run(f"<VendorQueryRq>{flt.format('EndsWith', 'ing')}</VendorQueryRq>")) == [
        "Alpha Paving", "Bravo Plumbing"]
    rng = "<NameRangeFilter><FromName>B</FromName><ToName>Bravo</ToName></NameRangeFilter>"
    assert names(run(f"<VendorQueryRq>{rng}</VendorQueryRq>")) == ["Beta Electric", "Bravo Plumbing"]
    assert names(run("<VendorQueryRq><MaxReturned>2</MaxReturned></VendorQueryRq>")) == [
        "Alpha Paving", "Beta Electric"]


def test_modified_date_filters(run, company) -> None:
    run(vendor("Early"))
    company.clock.advance(86400 * 3)  # 2024-01-18
    run(vendor("Late"))
    names = lambda root: [c.findtext("Name") for c in rs(root)]  # noqa: E731
    assert names(run("<VendorQueryRq><FromModifiedDate>2024-01-17</FromModifiedDate></VendorQueryRq>")) == [
        "Late"]
    assert names(run("<VendorQueryRq><ToModifiedDate>2024-01-15</ToModifiedDate></VendorQueryRq>")) == [
        "Early"]
    assert names(run("<VendorQueryRq><FromModifiedDate>2024-01-15T09:00:00-05:00</FromModifiedDate>"
                     "</VendorQueryRq>")) == ["Early", "Late"]


def test_include_ret_element(run) -> None:
    run(vendor("Slim"))
    el = ret(run("<VendorQueryRq><IncludeRetElement>ListID</IncludeRetElement>"
                 "<IncludeRetElement>Name</IncludeRetElement></VendorQueryRq>"))
    assert [c.tag for c in el] == ["ListID", "Name"]


def test_no_match_and_partial_match(run) -> None:
    assert status(rs(run("<CustomerQueryRq><NameFilter><MatchCriterion>StartsWith</MatchCriterion><Name>zz"
                         "</Name></NameFilter></CustomerQueryRq>"))) == (
        "1", "Info", "A query request did not find a matching object in QuickBooks")
    run(vendor("Present"))
    answer = rs(run("<VendorQueryRq><FullName>Present</FullName><FullName>bleech</FullName></VendorQueryRq>"))
    assert status(answer) == ("500", "Warn", "The query request has not been fully completed. There was a "
                              'required element ("bleech") that could not be found in QuickBooks.')
    assert [c.findtext("Name") for c in answer] == ["Present"]


def test_a_query_by_an_unknown_list_id_is_3120_not_500(run) -> None:
    # the qbwc gem's captured CustomerQueryRs for an unknown ListID (STATUS-CODES.md): 3120, no data;
    # 500 "required element" is the capture for an unknown FullName (test above)
    known = ret(run(customer("Known Customer"))).findtext("ListID")
    for ids in (["8000001B-1405768916"], [known, "8000001B-1405768916"]):
        body = "".join(f"<ListID>{i}</ListID>" for i in ids)
        answer = rs(run(f"<CustomerQueryRq>{body}</CustomerQueryRq>"))
        assert status(answer) == ("3120", "Error", 'Object "8000001B-1405768916" specified in the request '
                                  "cannot be found." + NOT_FOUND_TAIL)
        assert len(answer) == 0
    answer = rs(run(f"<CustomerQueryRq><ListID>{known}</ListID></CustomerQueryRq>"))
    assert status(answer)[0] == "0" and answer[0].findtext("Name") == "Known Customer"
    bill = rs(run("<BillQueryRq><TxnID>1A-1405768916</TxnID></BillQueryRq>"))
    assert status(bill)[0] == "3120" and '"1A-1405768916"' in status(bill)[2]


def test_list_del(run, company) -> None:
    el = ret(run(vendor("Gone Soon")))
    list_id = el.findtext("ListID")
    answer = rs(run(f"<ListDelRq><ListDelType>Vendor</ListDelType><ListID>{list_id}</ListID></ListDelRq>"))
    assert status(answer)[0] == "0"
    assert [c.tag for c in answer] == ["ListDelType", "ListID", "TimeDeleted", "FullName"]
    assert answer.findtext("FullName") == "Gone Soon"
    assert company.list_records("Vendor") == []
    again = rs(run(f"<ListDelRq><ListDelType>Vendor</ListDelType><ListID>{list_id}</ListID></ListDelRq>"))
    assert status(again) == ("3120", "Error",
        f'Object "{list_id}" specified in the request cannot be found.  QuickBooks error message: '
        "Invalid argument.  The specified record does not exist in the list.")
    # the name is free again
    assert status(rs(run(vendor("Gone Soon"))))[0] == "0"


def test_entity_query(run) -> None:
    run(vendor("V1"))
    run(customer("C1"))
    answers = rs(run("<EntityQueryRq/>"))
    assert [c.tag for c in answers] == ["CustomerRet", "VendorRet"]


def test_lists_through_http(client, http_run) -> None:
    el = rs(http_run(vendor("Over HTTP")))
    assert status(el)[0] == "0"
    listing = client.get("/_sim/lists/Vendor").json()
    assert [v["Name"] for v in listing] == ["Over HTTP"]
    assert listing[0]["VendorAddress"]["City"] == "Austin"
    assert status(rs(http_run(customer("Over HTTP")))) == (
        "3100", "Error", 'The name "Over HTTP" of the list element is already in use.')


def test_add_and_mod_only_fields_never_break_the_ret(run) -> None:
    """Fields that exist only in Add/Mod (OpenBalance, Contacts, Apply…ToExistingTxns, BarCode) are
    consumed or dropped; every Ret stays schema-valid (the runner validates it)."""
    cust = ret(run("<CustomerAddRq><CustomerAdd><Name>Rich</Name><Contacts><FirstName>Al</FirstName>"
                   "</Contacts><OpenBalance>99.50</OpenBalance><OpenBalanceDate>2024-01-01</OpenBalanceDate>"
                   "<AdditionalNotes><Note>n</Note></AdditionalNotes></CustomerAdd></CustomerAddRq>"))
    assert cust.findtext("Balance") == "99.50"
    item = ret(run("<ItemServiceAddRq><ItemServiceAdd><Name>Dual</Name><BarCode><BarCodeValue>123"
                   "</BarCodeValue></BarCode><SalesAndPurchase><SalesPrice>10</SalesPrice><IncomeAccountRef>"
                   "<FullName>Construction Income</FullName></IncomeAccountRef><PurchaseCost>7</PurchaseCost>"
                   "<ExpenseAccountRef><FullName>Job Expenses:Subcontractors</FullName></ExpenseAccountRef>"
                   "</SalesAndPurchase></ItemServiceAdd></ItemServiceAddRq>"))
    assert item.findtext("BarCodeValue") == "123"
    mod = (f"<ItemServiceModRq><ItemServiceMod><ListID>{item.findtext('ListID')}</ListID><EditSequence>"
           f"{item.findtext('EditSequence')}</EditSequence><SalesAndPurchaseMod><SalesPrice>12</SalesPrice>"
           "<IncomeAccountRef><FullName>Construction Income</FullName></IncomeAccountRef>"
           "<ApplyIncomeAccountRefToExistingTxns>true</ApplyIncomeAccountRefToExistingTxns>"
           "</SalesAndPurchaseMod></ItemServiceMod></ItemServiceModRq>")
    changed = ret(run(mod))
    assert changed.findtext("SalesAndPurchase/SalesPrice") == "12.00"
    assert changed.findtext("SalesAndPurchase/PurchaseCost") == "7.00"
    assert changed.find("SalesAndPurchase/ApplyIncomeAccountRefToExistingTxns") is None


def test_mod_clears_a_field_with_an_empty_element(run) -> None:
    el = ret(run(vendor("Clearable")))
    mod = (f"<VendorModRq><VendorMod><ListID>{el.findtext('ListID')}</ListID><EditSequence>"
           f"{el.findtext('EditSequence')}</EditSequence><Fax></Fax></VendorMod></VendorModRq>")
    assert ret(run(mod)).find("Fax") is None


def test_mod_re_parents_a_job_and_refuses_cycles(run, company) -> None:
    run(customer("Owner A"))
    run(customer("Owner B"))
    job = ret(run(customer("Job", parent="Owner A")))
    mod = (f"<CustomerModRq><CustomerMod><ListID>{job.findtext('ListID')}</ListID><EditSequence>"
           f"{job.findtext('EditSequence')}</EditSequence><ParentRef><FullName>Owner B</FullName></ParentRef>"
           "</CustomerMod></CustomerModRq>")
    moved = ret(run(mod))
    assert moved.findtext("FullName") == "Owner B:Job"
    owner_b = company.list_records("Customer")[1]
    cycle = (f"<CustomerModRq><CustomerMod><ListID>{owner_b['ListID']}</ListID><EditSequence>"
             f"{owner_b['EditSequence']}</EditSequence><ParentRef><FullName>Owner B:Job</FullName>"
             "</ParentRef></CustomerMod></CustomerModRq>")
    assert status(rs(run(cycle))) == ("3130", "Error",
        'There is an invalid reference to a parent "Owner B:Job" in the Customers list.  QuickBooks error '
        "message: Invalid argument.  The specified record does not exist in the list.")


def test_list_deleted_query(run, company) -> None:
    none = rs(run("<ListDeletedQueryRq><ListDelType>Vendor</ListDelType></ListDeletedQueryRq>"))
    assert status(none) == ("1", "Info", "A query request did not find a matching object in QuickBooks")
    first = ret(run(vendor("Old One")))
    company.clock.advance(86400)
    second = ret(run(vendor("Old Two")))
    for el in (first, second):
        run(f"<ListDelRq><ListDelType>Vendor</ListDelType><ListID>{el.findtext('ListID')}</ListID></ListDelRq>")
        company.clock.advance(86400)
    answer = rs(run("<ListDeletedQueryRq><ListDelType>Vendor</ListDelType><ListDelType>Customer</ListDelType>"
                    "</ListDeletedQueryRq>"))
    assert [(c.findtext("ListDelType"), c.findtext("FullName")) for c in answer] == [
        ("Vendor", "Old One"), ("Vendor", "Old Two")]
    window = rs(run("<ListDeletedQueryRq><ListDelType>Vendor</ListDelType><DeletedDateRangeFilter>"
                    "<FromDeletedDate>2024-01-17</FromDeletedDate></DeletedDateRangeFilter></ListDeletedQueryRq>"))
    assert [c.findtext("FullName") for c in window] == ["Old Two"]


def test_account_query_is_in_chart_of_accounts_order(run) -> None:
    answers = rs(run("<AccountQueryRq/>"))
    types = [c.findtext("AccountType") for c in answers]
    assert types[0] == "Bank"
    order = [types.index(t) for t in ("AccountsPayable", "Equity", "Income", "Expense")]
    assert order == sorted(order)
    names = [c.findtext("FullName") for c in answers]
    assert names.index("Job Expenses") < names.index("Job Expenses:Equipment Rental")


def test_inactivating_a_customer_inactivates_its_jobs(run, company) -> None:
    run(customer("Parent Co"))
    job = ret(run(customer("Job", parent="Parent Co")))
    company.ui.inactivate("Customer", "Parent Co")
    now = {r["FullName"]: r for r in company.list_records("Customer")}
    assert now["Parent Co:Job"]["IsActive"] == "false"
    assert now["Parent Co:Job"]["EditSequence"] != job.findtext("EditSequence")
    assert status(rs(run("<CustomerQueryRq/>"))) == ("1", "Info",
        "A query request did not find a matching object in QuickBooks")


def test_total_balance_filter(run) -> None:
    run(customer("Owes", extra="<OpenBalance>500.00</OpenBalance>"))
    run(customer("Square"))
    flt = ("<CustomerQueryRq><TotalBalanceFilter><Operator>{}</Operator><Amount>{}</Amount>"
           "</TotalBalanceFilter></CustomerQueryRq>")
    names = lambda root: [c.findtext("Name") for c in rs(root)]  # noqa: E731
    assert names(run(flt.format("GreaterThan", "0.00"))) == ["Owes"]
    assert names(run(flt.format("Equal", "0.00"))) == ["Square"]
    assert names(run(flt.format("LessThanEqual", "500.00"))) == ["Owes", "Square"]
    run(vendor("Vendor Owed"))
    vflt = flt.replace("CustomerQueryRq", "VendorQueryRq")
    assert names(run(vflt.format("Equal", "0.00"))) == ["Vendor Owed"]


def test_customer_and_vendor_names_longer_than_41_are_3070(run, company) -> None:
    """Customer/Vendor/OtherName names: at most 41 characters (items: 31, see test_protocol); a longer
    one answers 3070 on that request and nothing is saved; exactly 41 is fine."""
    long_name, ok_name = "C" * 42, "C" * 41
    too_long = 'The string "{}" in the field "Name" is too long.'
    answers = run(customer(long_name) + customer(ok_name) + vendor("V" * 42),
                  on_error="continueOnError").find("QBXMLMsgsRs")
    assert status(answers[0]) == ("3070", "Error", too_long.format(long_name))
    assert status(answers[1])[0] == "0"
    assert status(answers[2]) == ("3070", "Error", too_long.format("V" * 42))
    assert [c["Name"] for c in company.list_records("Customer")] == [ok_name]
    assert company.list_records("Vendor") == []


def test_a_too_long_name_on_mod_changes_nothing(run, company) -> None:
    el = ret(run(customer("Short")))
    mod = (f"<CustomerModRq><CustomerMod><ListID>{el.findtext('ListID')}</ListID><EditSequence>"
           f"{el.findtext('EditSequence')}</EditSequence><Name>{'N' * 42}</Name>"
           "</CustomerMod></CustomerModRq>")
    too_long = f'The string "{"N" * 42}" in the field "Name" is too long.'
    assert status(rs(run(mod))) == ("3070", "Error", too_long)
    [stored] = company.list_records("Customer")
    assert (stored["Name"], stored["EditSequence"]) == ("Short", el.findtext("EditSequence"))


IN_USE = ('There was an error when deleting a {} list, element "{}". QuickBooks error message: This list '
          "element has been used and cannot be deleted.")


def list_del(kind: str, list_id: str) -> str:
    return f"<ListDelRq><ListDelType>{kind}</ListDelType><ListID>{list_id}</ListID></ListDelRq>"


def test_list_del_refuses_an_element_with_jobs_or_in_use(run, company) -> None:
    """Deleting a customer with jobs would leave the jobs with a dangling ParentRef: refused (3170, the
    fake's code/text), nothing changes; once the job is gone the customer can be deleted."""
    owner = ret(run(customer("Owner")))
    job = ret(run(customer("Job", parent="Owner")))
    answer = rs(run(list_del("Customer", owner.findtext("ListID"))))
    assert status(answer) == ("3170", "Error", IN_USE.format("Customer", "Owner"))
    assert len(company.list_records("Customer")) == 2
    assert status(rs(run(list_del("Customer", job.findtext("ListID")))))[0] == "0"
    assert status(rs(run(list_del("Customer", owner.findtext("ListID")))))[0] == "0"
    # an account an item points at is in use too
    account = ret(run("<AccountQueryRq><FullName>Job Expenses:Job Materials</FullName></AccountQueryRq>"))
    run(service("Lumber", account="Job Expenses:Job Materials"))
    answer = rs(run(list_del("Account", account.findtext("ListID"))))
    assert status(answer) == ("3170", "Error", IN_USE.format("Account", "Job Expenses:Job Materials"))


FEATURE_OFF = "This feature is not enabled or not available in this version of QuickBooks."


def test_inventory_items_freeze_when_the_preference_is_turned_off(run, company) -> None:
    """Turned off after items exist: they stay queryable, but ItemInventoryMod answers 3250."""
    company.ui.set_inventory_active(True)
    item = company.ui.create("ItemInventory", Name="Anchor Bolt",
                             AssetAccountRef={"FullName": "Inventory Asset"})
    company.ui.set_inventory_active(False)
    mod = (f"<ItemInventoryModRq><ItemInventoryMod><ListID>{item['ListID']}</ListID><EditSequence>"
           f"{item['EditSequence']}</EditSequence><SalesDesc>Bolt</SalesDesc></ItemInventoryMod>"
           "</ItemInventoryModRq>")
    assert status(rs(run(mod))) == ("3250", "Error", FEATURE_OFF)
    assert [c.findtext("Name") for c in rs(run("<ItemInventoryQueryRq/>"))] == ["Anchor Bolt"]


def test_renaming_onto_a_name_in_use_is_3100_and_changes_nothing(run, company) -> None:
    run(vendor("Taken"))
    el = ret(run(customer("Free")))
    mod = (f"<CustomerModRq><CustomerMod><ListID>{el.findtext('ListID')}</ListID><EditSequence>"
           f"{el.findtext('EditSequence')}</EditSequence><Name>TAKEN</Name></CustomerMod></CustomerModRq>")
    in_use = 'The name "TAKEN" of the list element is already in use.'
    assert status(rs(run(mod))) == ("3100", "Error", in_use)
    assert [c["Name"] for c in company.list_records("Customer")] == ["Free"]
