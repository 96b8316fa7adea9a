"""Emulator → connector → fake company file, end to end: the Web Connector path and its failures.

Each test runs a catalogue scenario (``conformance.scenarios``) and judges it by what a person
would check: QuickBooks' final state (the fake's lists), the connector's recorded statuses (its
work items and id map) and what crossed the wire (every qbXML document validates against 13.0).
"""

from __future__ import annotations

from lxml import etree

from connector.sync.context import SyncOptions
from sim.webconnector import Outcome

PARSE_ERROR = "QuickBooks found an error when parsing the provided XML text stream."
SINGLE_USER = (
    "The QuickBooks company data file is currently open in a mode other than the one specified by your "
    "application."
)
SUPPORTED = (
    "The Procore QuickBooks Desktop connector supports QuickBooks Desktop 2022, 2023 and 2024 (United States "
    "and Canada): Pro, Premier (Contractor Edition), Enterprise (Contractor Edition) and Accountant."
)


def requests_in(document: str) -> list[etree._Element]:
    """The …Rq elements of one qbXML request document."""
    root = etree.fromstring(document.split("?>", 2)[-1].encode())
    return [el for el in root.find("QBXMLMsgsRq") if isinstance(el.tag, str)]


def responses_in(document: str) -> list[etree._Element]:
    root = etree.fromstring(document.encode())
    return [el for el in root.find("QBXMLMsgsRs") if isinstance(el.tag, str)]


def tags(document: str) -> list[str]:
    return [el.tag for el in requests_in(document)]


def service_items(run) -> dict[str, dict]:
    return {rec["Name"]: rec for rec in run.stack.items("ItemService")}


def work(run, role: str):
    return run.stack.connector.work_item(run.items[role])


def test_cost_codes_are_exported_as_service_items_in_one_batch(scenario, assert_schema_valid) -> None:
    run = scenario("export_cost_codes")
    result = run.last
    assert result.outcome is Outcome.COMPLETED
    assert result.progress == [100]
    assert len(result.requests) == 1  # one sendRequestXML carried every cost code
    assert tags(result.requests[0]) == ["ItemServiceAddRq"] * 8
    items = service_items(run)
    assert sorted(items) == sorted(run.items)
    concrete = items["03-300"]["SalesAndPurchase"]
    assert concrete["SalesDesc"] == concrete["PurchaseDesc"] == "Cast-in-Place Concrete"
    assert concrete["IncomeAccountRef"]["FullName"] == "Construction Income"
    assert concrete["ExpenseAccountRef"]["FullName"] == "Job Expenses"
    for code, item_id in run.items.items():
        record = run.stack.connector.work_item(item_id)
        status = (record.state, record.last_status_code, record.last_status_message)
        assert status == ("done", "0", "Status OK")
        assert record.result == {"action": "created", "ListID": items[code]["ListID"],
                                 "EditSequence": items[code]["EditSequence"]}
        mapping = run.stack.connector.id_mapping(run.stack.company_key, "cost_code", record.procore_id)
        assert mapping is not None and mapping.qb_id == items[code]["ListID"]
    # the 98-character cost code never left the connector
    assert list(run.notes["refused"]) == ["1999"]
    assert "must not exceed 96 characters" in run.notes["refused"]["1999"]
    assert all(len(name) <= 31 for name in items)
    assert assert_schema_valid(run.documents()) == 4  # HCP request/response + the batch and its answer


def test_vendors_and_jobs_are_imported_with_iterators(scenario, assert_schema_valid) -> None:
    run = scenario("import_vendors_and_jobs")
    result = run.last
    assert result.outcome is Outcome.COMPLETED
    assert result.progress == [1, 1, 100]
    vendor_rqs = [rq for doc in result.requests for rq in requests_in(doc) if rq.tag == "VendorQueryRq"]
    assert [rq.get("iterator") for rq in vendor_rqs] == ["Start", "Continue", "Continue"]
    assert all(rq.findtext("MaxReturned") == "2" for rq in vendor_rqs)
    assert vendor_rqs[1].get("iteratorID") == vendor_rqs[2].get("iteratorID") != None  # noqa: E711
    customer_rqs = [rq for doc in result.requests for rq in requests_in(doc) if rq.tag == "CustomerQueryRq"]
    assert [rq.get("iterator") for rq in customer_rqs] == ["Start", "Continue", "Continue"]
    answers = [rs for ex in result.exchanges if not ex.hcp for rs in responses_in(ex.response)]
    remaining = [rs.get("iteratorRemainingCount") for rs in answers if rs.tag == "VendorQueryRs"]
    assert remaining == ["3", "1", "0"]

    staged = {s.name: s for s in run.stack.connector.staged(run.stack.company_key, "vendor")}
    assert sorted(staged) == sorted(run.notes["vendors"])
    acme = staged["Acme Concrete"]
    assert acme.status == "ready"
    assert acme.qb_id == next(v["ListID"] for v in run.stack.items("Vendor") if v["Name"] == "Acme Concrete")
    assert acme.data["phone"] == "312-555-0100" and acme.data["fax"] == "312-555-0101"
    assert acme.data["address"] == {"Addr1": "100 Main St", "City": "Chicago", "State": "IL",
                                    "PostalCode": "60601"}
    vendors = work(run, "vendors")
    assert (vendors.state, vendors.last_status_code, vendors.iterator_id) == ("done", "0", None)
    assert vendors.result == {"pages": 3, "read": 5, "staged": 5, "skipped": 0, "remaining": 0}

    # default setting "Customers = Jobs": only tier 1 customers are importable
    ready = [s.name for s in run.stack.connector.staged(run.stack.company_key, "job", "ready")]
    assert ready == run.notes["tiers"]["tier1"]
    skipped = {s.name: s.reason for s in run.stack.connector.staged(run.stack.company_key, "job", "skipped")}
    assert skipped["Northside Hospital:Parking Garage"] == (
        "tier 2 record: with the 'Customers = Jobs' setting only tier 1 customers are imported"
    )
    assert work(run, "jobs").result == {"pages": 3, "read": 6, "staged": 2, "skipped": 4, "remaining": 0}
    assert_schema_valid(run.documents())


def test_jobs_under_customers_imports_tier_2_only(make_stack, assert_schema_valid) -> None:
    from conformance.scenarios.data import seed_customers_and_jobs

    stack = make_stack(options=SyncOptions(job_mode="jobs_under_customers", import_page_size=4))
    tiers = seed_customers_and_jobs(stack.company)
    item = stack.connector.import_jobs(stack.company_key)
    result = stack.run_update()
    assert result.outcome is Outcome.COMPLETED
    assert [rq.get("iterator") for doc in result.requests for rq in requests_in(doc)] == ["Start", "Continue"]
    ready = {s.name: s for s in stack.connector.staged(stack.company_key, "job", "ready")}
    assert sorted(ready) == tiers["tier2"]
    assert ready["Northside Hospital:East Wing Expansion"].data["address_source"] == "ShipAddress"
    garage = ready["Northside Hospital:Parking Garage"].data
    assert garage["address_source"] == "BillAddress"  # no Ship To: Bill To is used (seed 001)
    assert garage["customer"] == "Northside Hospital" and garage["name"] == "Parking Garage"
    skipped = {s.name: s.reason for s in stack.connector.staged(stack.company_key, "job", "skipped")}
    assert skipped == {
        "Northside Hospital": "tier 1 customer: with the 'Jobs under Customers' setting only tier 2 jobs "
        "are imported",
        "Riverfront Partners": "tier 1 customer: with the 'Jobs under Customers' setting only tier 2 jobs "
        "are imported",
        "Northside Hospital:East Wing Expansion:Phase 2": "tier 3 job: jobs and sub-jobs on tier 3 or beyond "
        "cannot be imported",
    }
    assert stack.connector.work_item(item).state == "done"
    assert_schema_valid(stack.documents())


def test_stale_edit_sequence_is_reread_and_retried_once(scenario, assert_schema_valid) -> None:
    run = scenario("stale_edit_sequence")
    exported = work(run, "01-100").result
    update = run.updates[1]
    assert update.outcome is Outcome.COMPLETED
    mods = [rq for doc in update.requests for rq in requests_in(doc)]
    assert [rq.tag for rq in mods] == ["ItemServiceModRq", "ItemServiceModRq"]
    stale = mods[0].findtext("ItemServiceMod/EditSequence")
    assert stale == exported["EditSequence"]
    first_answer = responses_in(update.exchanges[1].response)[0]
    assert first_answer.get("statusCode") == "3200"
    assert first_answer.get("statusMessage") == f'The provided edit sequence "{stale}" is out-of-date. '
    current = first_answer.findtext("ItemServiceRet/EditSequence")
    assert mods[1].findtext("ItemServiceMod/EditSequence") == current != stale
    item = service_items(run)["01-100"]
    assert item["SalesAndPurchase"]["SalesDesc"] == "General Requirements (Div. 01)"
    assert item["SalesAndPurchase"]["PurchaseDesc"] == "General Requirements (Div. 01)"
    assert item["SalesAndPurchase"]["SalesPrice"] == "125.00"  # the accountant's edit survives
    record = work(run, "update")
    assert (record.state, record.last_status_code, record.attempts) == ("done", "0", 2)
    assert record.result["stale_retries"] == 1
    mapping = run.stack.connector.id_mapping(run.stack.company_key, "cost_code", record.procore_id)
    assert mapping is not None and mapping.edit_sequence == item["EditSequence"]
    assert_schema_valid(run.documents())


def test_duplicate_name_links_service_items_and_refuses_other_types(scenario, assert_schema_valid) -> None:
    run = scenario("duplicate_name")
    result = run.last
    assert result.outcome is Outcome.COMPLETED
    assert tags(result.requests[0]) == ["ItemServiceAddRq"] * 4
    answers = responses_in(result.exchanges[1].response)
    statuses = [(rs.get("statusCode"), rs.get("statusMessage")) for rs in answers]
    assert [s for s in statuses if s[0] != "0"] == [
        ("3100", 'The name "01-100" of the list element is already in use.'),
        ("3100", 'The name "02-200" of the list element is already in use.'),
    ]
    assert tags(result.requests[1]) == ["ItemQueryRq", "ItemQueryRq"]
    items = service_items(run)
    assert sorted(items) == ["01-100", "01-500", "03-300"]  # nothing duplicated, nothing re-typed
    assert items["01-100"]["ListID"] == run.notes["existing_list_id"]
    assert [r["Name"] for r in run.stack.items("ItemNonInventory")] == ["02-200"]
    linked = work(run, "01-100")
    assert linked.state == "done" and linked.result["action"] == "linked"
    assert linked.result["ListID"] == run.notes["existing_list_id"]
    mapping = run.stack.connector.id_mapping(run.stack.company_key, "cost_code", linked.procore_id)
    assert mapping is not None and mapping.qb_id == run.notes["existing_list_id"]
    refused = work(run, "02-200")
    assert (refused.state, refused.last_status_code) == ("failed", "3100")
    assert refused.last_status_message == (
        'Cost code "02-200" cannot be synced: QuickBooks already has an item named "02-200" of type '
        "ItemNonInventory; Procore cost codes can only be synced with QuickBooks items of type Service."
    )
    assert_schema_valid(run.documents())


def test_an_inactive_service_item_with_the_name_is_not_linked(make_stack, assert_schema_valid) -> None:
    from conformance.scenarios.data import cost_codes

    stack = make_stack()
    stack.company.ui.create_service_item("01-100")
    before = stack.company.ui.inactivate("ItemService", "01-100")
    plan = stack.connector.export_cost_codes(stack.company_key, cost_codes(1))
    result = stack.run_update()
    record = stack.connector.work_item(plan.queued["1001"])
    assert (record.state, record.last_status_code) == ("failed", "3100")
    assert "is inactive. Make it active in QuickBooks" in (record.last_status_message or "")
    assert stack.items("ItemService") == [before]  # untouched: still one, still inactive
    assert stack.connector.id_mapping(stack.company_key, "cost_code", "1001") is None
    assert_schema_valid(stack.documents(result))


def test_parse_error_isolates_the_bad_request(scenario, assert_schema_valid) -> None:
    run = scenario("parse_error")
    first, second = run.updates
    receive = first.calls_to("receiveResponseXML")[0]
    assert (receive.params["hresult"], receive.params["message"], receive.result) == (
        "0x80040400", PARSE_ERROR, -101)
    assert first.calls_to("getLastError")[0].result == (
        f"QuickBooks could not process the request (0x80040400): {PARSE_ERROR}"
    )
    assert first.status == "OK: 0 done, 0 failed, 4 left for the next update."
    assert [tags(doc) for doc in second.requests] == [["ItemServiceAddRq"]] * 4  # each alone now
    assert second.progress == [25, 50, 75, -101]
    assert sorted(service_items(run)) == ["01-100", "01-500", "02-200"]
    bad = work(run, "03-300")
    assert (bad.state, bad.last_status_code, bad.last_status_message) == ("failed", "0x80040400", PARSE_ERROR)
    assert all(work(run, code).state == "done" for code in ("01-100", "01-500", "02-200"))
    assert_schema_valid(run.documents())


def test_single_user_mode_ends_in_connection_error_and_nothing_is_sent(scenario, assert_schema_valid) -> None:
    run = scenario("single_user_mode")
    blocked, after = run.updates
    assert blocked.outcome is Outcome.CONNECTION_FAILED
    errors = blocked.calls_to("connectionError")
    assert [(c.params["hresult"], c.params["message"]) for c in errors] == [("0x80040410", SINGLE_USER)] * 2
    assert [c.result for c in errors] == [run.stack.company.qbw_path, "done"]
    assert "sendRequestXML" not in blocked.operations and blocked.exchanges == []
    assert after.outcome is Outcome.COMPLETED
    assert sorted(service_items(run)) == ["01-100", "01-500"]
    assert all(work(run, code).attempts == 1 for code in run.items)  # the blocked run sent nothing
    assert assert_schema_valid(run.documents()) == 4


def test_killed_web_connector_never_duplicates(scenario, assert_schema_valid) -> None:
    run = scenario("killed_mid_session")
    killed, again = run.updates
    assert killed.outcome is Outcome.KILLED
    assert killed.operations[-1] == "sendRequestXML"
    created = {name: rec["ListID"] for name, rec in service_items(run).items()}
    assert sorted(created) == ["01-100", "01-500", "02-200"]  # QuickBooks did run the batch
    assert again.outcome is Outcome.COMPLETED
    assert tags(again.requests[0]) == ["ItemQueryRq"] * 3  # probes, not adds
    assert {name: rec["ListID"] for name, rec in service_items(run).items()} == created
    for code, list_id in created.items():
        record = work(run, code)
        outcome = (record.state, record.result["action"], record.result["ListID"])
        assert outcome == ("done", "recovered", list_id)
    assert_schema_valid(run.documents())


def test_killed_before_quickbooks_ran_the_batch_adds_each_item_once(make_stack, assert_schema_valid) -> None:
    """The other half of "killed between sendRequestXML and receiveResponseXML": QuickBooks never saw it."""
    from conformance.scenarios.data import cost_codes
    from sim.webconnector import KillSwitch

    stack = make_stack()
    plan = stack.connector.export_cost_codes(stack.company_key, cost_codes(3))
    killed = stack.run_update(kill=KillSwitch(after_send=1, after_process=False))
    assert killed.outcome is Outcome.KILLED and stack.items("ItemService") == []
    again = stack.run_update()
    assert again.outcome is Outcome.COMPLETED
    # probes find nothing, so the adds go out once: one probe batch, then one add batch
    assert [tags(doc) for doc in again.requests] == [["ItemQueryRq"] * 3, ["ItemServiceAddRq"] * 3]
    assert sorted(r["Name"] for r in stack.items("ItemService")) == ["01-100", "01-500", "02-200"]
    for item_id in plan.queued.values():
        record = stack.connector.work_item(item_id)
        assert (record.state, record.result["action"], record.attempts) == ("done", "created", 3)
    assert_schema_valid(stack.documents())


def test_wrong_password_is_nvu_and_nothing_is_written(scenario, assert_schema_valid) -> None:
    run = scenario("wrong_password")
    result = run.last
    assert result.outcome is Outcome.AUTH_FAILED
    assert result.operations == ["serverVersion", "clientVersion", "authenticate"]
    assert result.calls_to("authenticate")[0].result[1] == "nvu"
    assert [(e.code, e.message) for e in result.errors] == [
        ("QBWC1040", "Web connector did not provide a valid username and/or password.")
    ]
    assert result.exchanges == [] and service_items(run) == {}
    assert all((work(run, c).state, work(run, c).attempts) == ("pending", 0) for c in run.items)
    assert assert_schema_valid(run.documents()) == 0  # no session, so not even QBWC's HCP query


def _refused(run, edition: str) -> None:
    result = run.last
    message = (
        f"Unsupported QuickBooks version: {edition} (QuickBooks Desktop 2021 or older is not supported). "
        f"{SUPPORTED}"
    )
    assert result.calls_to("sendRequestXML")[0].result in ("", None)
    assert result.calls_to("getLastError")[0].result == message
    assert result.status == message
    assert [ex.hcp for ex in result.exchanges] == [True]  # only QBWC's own Host/Company/Preferences query
    assert service_items(run) == {}
    assert all(work(run, c).state == "pending" for c in run.items)


def test_quickbooks_2021_is_refused(scenario, assert_schema_valid) -> None:
    run = scenario("unsupported_edition_2021")
    _refused(run, "QuickBooks Premier Contractor Edition 2021 (US) is QuickBooks Desktop 2021")
    assert_schema_valid(run.documents())


def test_canadian_pro_2019_is_refused(scenario, assert_schema_valid) -> None:
    run = scenario("unsupported_edition_ca_pro_2019")
    _refused(run, "QuickBooks Pro 2019 Canadian Edition (CA) is QuickBooks Desktop 2019")
    assert_schema_valid(run.documents())


def test_more_cost_codes_than_a_batch_holds_go_in_several_documents(make_stack, assert_schema_valid) -> None:
    from connector.sync.cost_codes import CostCode

    stack = make_stack(connector_settings={"batch_size": 20})
    codes = [CostCode(str(5000 + n), f"99-{n:03d}", f"Allowance {n}", "Construction Income", "Job Expenses")
             for n in range(25)]
    plan = stack.connector.export_cost_codes(stack.company_key, codes)
    result = stack.run_update()
    assert [len(requests_in(doc)) for doc in result.requests] == [20, 5]
    assert result.progress == [80, 100]
    assert len(stack.items("ItemService")) == 25
    assert {stack.connector.work_item(i).state for i in plan.queued.values()} == {"done"}
    assert_schema_valid(stack.documents(result))


def test_every_web_connector_version_procore_lists_runs_the_export(make_stack) -> None:
    """Seed 001 Requirements: QBWC 31, 32, 33 and 34 builds; each gets "" from clientVersion and syncs."""
    from conformance.scenarios.data import cost_codes
    from sim.webconnector import SUPPORTED_VERSIONS

    assert SUPPORTED_VERSIONS == ("31.0.10015.29", "32.0.10011.30", "33.0.1006.28", "34.0.1001.27")
    for n, version in enumerate(SUPPORTED_VERSIONS):
        stack = make_stack()
        stack.connector.export_cost_codes(stack.company_key, cost_codes(1 + n))
        result = stack.run_update(version=version)
        assert result.calls_to("clientVersion")[0].params["strVersion"] == version
        assert (result.client_version_reply, result.outcome) == ("", Outcome.COMPLETED)
        assert len(stack.items("ItemService")) == 1 + n


def test_an_old_web_connector_is_refused_before_authenticate(make_stack) -> None:
    """QBWC 2.x numbering (before 31): clientVersion says E:, the Web Connector stops (QBWC1037)."""
    from conformance.scenarios.data import cost_codes

    stack = make_stack()
    stack.connector.export_cost_codes(stack.company_key, cost_codes(1))
    result = stack.run_update(version="2.3.0.215")
    assert result.outcome is Outcome.VERSION_REFUSED
    assert result.operations == ["serverVersion", "clientVersion"]
    assert result.client_version_reply.startswith(
        "E:Web Connector 2.3.0.215 is not supported by the Procore QuickBooks Desktop connector."
    )
    assert [e.code for e in result.errors] == ["QBWC1037"]
    assert stack.items("ItemService") == []
