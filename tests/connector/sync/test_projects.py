"""Projects → customers/jobs: the create_or_update_job translator, CustomerAdd, the probe, CustomerMod."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sync_helpers import COMPANY, OK, Env, customer_ret, valid_rs, xml

from connector.sync.context import UnknownJobMode
from connector.sync.projects import (
    EXPORT_KIND,
    OBJECT_TYPE,
    UPDATE_KIND,
    ProjectCostCodeNotSynced,
    ProjectCustomerMissing,
    ProjectExportHandler,
    ProjectNotSynced,
    ProjectPredatesIntegration,
    ProjectRejected,
    ProjectUpdateHandler,
    work_from_request,
)
from connector.work import IdMapUpdate, NewWork

CUSTOMER_ID = "80000001-1767621600"
NORTHSIDE = customer_ret(CUSTOMER_ID, "Northside Hospital")


def job_request(**job: Any) -> dict[str, Any]:
    """``create_or_update_job`` request_data as the fake Procore emits it (sim/procore_fake payloads)."""
    body = {"id": 7, "name": "Riverside Clinic", "origin_id": None, "origin_data": None,
            "origin_code": "JOB-EXP", "address": "4 River Rd", "city": "Austin", "state_code": "TX",
            "zip": "78701", "latitude": None, "longitude": None, "active": True, "custom_fields": {},
            "erp_custom_fields": {}, "synced": False}
    body.update(job)
    codes = [
        {"id": 11, "name": "General Requirements", "full_code": "01-100", "code": "100", "origin_id": None,
         "standard_cost_code_origin_id": "80000010-1767621600"},
        {"id": 12, "name": "Site Preparation", "full_code": "02-200", "code": "200", "origin_id": None,
         "standard_cost_code_origin_id": "80000011-1767621600"},
    ]
    return {"job": body, "all_cost_codes": codes, "company_id": 8, "request_detail_id": 2}


def enqueue(env: Env, work: NewWork) -> int:
    return env.queue.enqueue(COMPANY, work.kind, work.payload, procore_id=work.procore_id)


IN_USE = ('statusCode="3100" statusSeverity="Error" '
          'statusMessage="The name &quot;Riverside Clinic&quot; of the list element is already in use."')
NOT_FOUND_500 = ('statusCode="500" statusSeverity="Warn" statusMessage="The query request has not been fully '
                 'completed. There was a required element (&quot;Riverside Clinic&quot;) that could not be '
                 'found in QuickBooks."')


# -- translator ------------------------------------------------------------------------------------
def test_customers_are_jobs_becomes_a_tier_1_customer_add(env: Env) -> None:
    work = work_from_request(job_request(), "customers_are_jobs")
    assert (work.kind, work.procore_id) == (EXPORT_KIND, "7")
    assert work.payload == {
        "name": "Riverside Clinic",
        "job_mode": "customers_are_jobs",
        "parent_list_id": None,
        "ship_address": {"Addr1": "4 River Rd", "City": "Austin", "State": "TX", "PostalCode": "78701"},
        "is_active": True,
        "cost_codes": [
            {"procore_id": "11", "code": "01-100", "item_list_id": "80000010-1767621600"},
            {"procore_id": "12", "code": "02-200", "item_list_id": "80000011-1767621600"},
        ],
    }
    request = xml(ProjectExportHandler(env.context).build_request(env.view(enqueue(env, work))))
    assert request == (
        "<CustomerAddRq><CustomerAdd><Name>Riverside Clinic</Name><IsActive>true</IsActive><ShipAddress>"
        "<Addr1>4 River Rd</Addr1><City>Austin</City><State>TX</State><PostalCode>78701</PostalCode>"
        "</ShipAddress></CustomerAdd></CustomerAddRq>"
    )


def test_jobs_under_customers_adds_a_job_under_the_chosen_customer(env: Env) -> None:
    data = job_request(erp_custom_fields={"customer_origin_id": CUSTOMER_ID}, active=False, address="")
    work = work_from_request(data, "jobs_under_customers")
    assert work.payload["parent_list_id"] == CUSTOMER_ID
    assert xml(ProjectExportHandler(env.context).build_request(env.view(enqueue(env, work)))) == (
        "<CustomerAddRq><CustomerAdd><Name>Riverside Clinic</Name><IsActive>false</IsActive><ParentRef>"
        f"<ListID>{CUSTOMER_ID}</ListID></ParentRef><ShipAddress><City>Austin</City><State>TX</State>"
        "<PostalCode>78701</PostalCode></ShipAddress></CustomerAdd></CustomerAddRq>"
    )


def test_a_customer_chosen_in_customers_are_jobs_mode_is_not_a_parent() -> None:
    data = job_request(erp_custom_fields={"customer_origin_id": CUSTOMER_ID})
    assert work_from_request(data, "customers_are_jobs").payload["parent_list_id"] is None


def test_jobs_under_customers_without_a_customer_is_refused() -> None:
    with pytest.raises(ProjectCustomerMissing) as caught:
        work_from_request(job_request(), "jobs_under_customers")
    assert caught.value.status_code == "ProjectCustomerMissing"
    assert caught.value.message == (
        "Project 'Riverside Clinic' cannot be exported: with the 'Jobs under Customers' setting the "
        "Accounting Approver selects the QuickBooks customer the job is created under, and none was selected"
    )


def test_a_cost_code_not_synced_is_a_named_prerequisite_refusal() -> None:
    data = job_request()
    data["all_cost_codes"][1]["standard_cost_code_origin_id"] = None
    with pytest.raises(ProjectCostCodeNotSynced) as caught:
        work_from_request(data, "customers_are_jobs")
    assert caught.value.status_code == "ProjectCostCodeNotSynced"
    assert caught.value.message == (
        "Cost code 02-200 must be synced with QuickBooks before project 'Riverside Clinic' can be exported."
    )
    data["all_cost_codes"][0].pop("standard_cost_code_origin_id")
    with pytest.raises(ProjectCostCodeNotSynced) as both:
        work_from_request(data, "customers_are_jobs")
    assert both.value.codes == ("01-100", "02-200")
    assert both.value.message.startswith("Cost codes 01-100, 02-200 must be synced with QuickBooks before")


@pytest.mark.parametrize(
    ("job", "reason"),
    [
        ({"name": "R" * 42}, "its name has 42 characters; a QuickBooks Desktop customer or job name holds "
                             "at most 41"),
        ({"name": "Northside:Garage"}, "':' separates a customer from its jobs in QuickBooks names"),
        ({"name": "  "}, "the project name is empty"),
        ({"city": "C" * 32}, f"its address field '{'C' * 32}' (City) has 32 characters; QuickBooks holds at "
                             "most 31"),
        ({"address": "1\n2\n3\n4\n5\n6"}, "its address has 6 lines; QuickBooks holds at most 5"),
        ({"name": "Bad\x01Name"}, "it cannot be written as qbXML"),
    ],
)
def test_what_quickbooks_cannot_hold_is_refused_before_sending(job: dict[str, Any], reason: str) -> None:
    with pytest.raises(ProjectRejected) as caught:
        work_from_request(job_request(**job), "customers_are_jobs")
    assert caught.value.status_code == "ProjectRejected"
    assert caught.value.reason.startswith(reason)
    assert caught.value.message.startswith(f"Project {caught.value.name!r} cannot be exported: {reason}")


def test_a_41_character_name_and_a_multi_line_address_are_accepted() -> None:
    data = job_request(name="R" * 41, address="Building 2\n4 River Rd")
    work = work_from_request(data, "customers_are_jobs")
    assert work.payload["name"] == "R" * 41
    assert work.payload["ship_address"]["Addr1"] == "Building 2"
    assert work.payload["ship_address"]["Addr2"] == "4 River Rd"


def test_a_project_created_before_the_integration_is_refused() -> None:
    connected = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    before = datetime(2025, 11, 3, 9, 30, tzinfo=UTC)
    with pytest.raises(ProjectPredatesIntegration) as caught:
        work_from_request(job_request(), "customers_are_jobs", connected_at=connected,
                          project_created_at=before)
    assert caught.value.status_code == "ProjectPredatesIntegration"
    assert caught.value.message == (
        "Project 'Riverside Clinic' cannot be exported: it was created (2025-11-03T09:30:00+00:00) before "
        "the QuickBooks Desktop integration was connected (2026-01-05T12:00:00+00:00); projects created "
        "before the integration cannot be synced (Procore's ERP Professional Services can integrate them)"
    )
    # a created_at in the payload is read when Procore sends one
    with pytest.raises(ProjectPredatesIntegration):
        work_from_request(job_request(created_at="2025-11-03T09:30:00Z"), "customers_are_jobs",
                          connected_at=connected)
    after = work_from_request(job_request(created_at="2026-01-06T08:00:00Z"), "customers_are_jobs",
                              connected_at=connected)
    assert after.kind == EXPORT_KIND
    # without the connection date nothing can be compared: not refused
    assert work_from_request(job_request(created_at="2025-11-03T09:30:00Z"), "customers_are_jobs").kind == (
        EXPORT_KIND
    )


def test_unknown_job_mode_is_refused() -> None:
    with pytest.raises(UnknownJobMode) as caught:
        work_from_request(job_request(), "projects")
    assert (caught.value.status_code, caught.value.message) == (
        "UnknownJobMode",
        "job_mode must be one of ('customers_are_jobs', 'jobs_under_customers'), not 'projects'",
    )


def test_a_synced_project_is_re_exported_as_an_update() -> None:
    work = work_from_request(job_request(origin_id="80000020-1767621600", origin_data="1767621700"),
                             "jobs_under_customers")
    assert (work.kind, work.procore_id) == (UPDATE_KIND, "7")
    assert (work.payload["list_id"], work.payload["edit_sequence"]) == ("80000020-1767621600", "1767621700")
    # the chosen customer is not needed to update a job (a Mod does not re-parent it)
    assert work.payload["parent_list_id"] is None


# -- export handler --------------------------------------------------------------------------------
def test_created_customer_is_mapped(env: Env) -> None:
    handler = ProjectExportHandler(env.context)
    item_id = enqueue(env, work_from_request(job_request(), "customers_are_jobs"))
    ret = customer_ret("80000020-1767621600", "Riverside Clinic", "1767621601")
    out = handler.handle_response(env.sent(item_id), [valid_rs(f"<CustomerAddRs {OK}>{ret}</CustomerAddRs>")])
    assert (out.state, out.status_code, out.message) == ("done", "0", "Status OK")
    assert out.result == {"action": "created", "ListID": "80000020-1767621600", "EditSequence": "1767621601"}
    assert out.id_map == (
        IdMapUpdate(OBJECT_TYPE, "7", "80000020-1767621600", "1767621601", "Riverside Clinic"),
    )


def test_name_in_use_fails_with_quickbooks_message_and_links_nothing(env: Env) -> None:
    handler = ProjectExportHandler(env.context)
    item_id = enqueue(env, work_from_request(job_request(), "customers_are_jobs"))
    out = handler.handle_response(env.sent(item_id), [valid_rs(f'<CustomerAddRs requestID="1" {IN_USE} />')])
    assert (out.state, out.status_code) == ("failed", "3100")
    assert out.message == 'The name "Riverside Clinic" of the list element is already in use.'
    assert out.id_map == () and out.result == {"action": "failed"}


def test_an_invalid_parent_fails_with_quickbooks_message(env: Env) -> None:
    handler = ProjectExportHandler(env.context)
    data = job_request(erp_custom_fields={"customer_origin_id": CUSTOMER_ID})
    item_id = enqueue(env, work_from_request(data, "jobs_under_customers"))
    message = (f'There is an invalid reference to QuickBooks Customer "{CUSTOMER_ID}" in the Customers list.'
               "  QuickBooks error message: Invalid argument.  The specified record does not exist in the "
               "list.")
    body = (f'<CustomerAddRs statusCode="3140" statusSeverity="Error" '
            f'statusMessage="{message.replace(chr(34), "&quot;")}" />')
    out = handler.handle_response(env.sent(item_id), [valid_rs(body)])
    assert (out.state, out.status_code, out.message) == ("failed", "3140", message)


def test_probe_of_a_customer_after_a_crash_recovers_it(env: Env) -> None:
    handler = ProjectExportHandler(env.context)
    item_id = enqueue(env, work_from_request(job_request(), "customers_are_jobs"))
    assert xml(handler.build_probe(env.view(item_id))) == (
        "<CustomerQueryRq><FullName>Riverside Clinic</FullName></CustomerQueryRq>"
    )
    found = valid_rs(f"<CustomerQueryRs {OK}>{customer_ret('80000020-1767621600', 'Riverside Clinic')}"
                     "</CustomerQueryRs>")
    out = handler.handle_probe_response(env.view(item_id, is_probe=True), [found])
    assert (out.state, out.result) == ("done", {"action": "recovered", "ListID": "80000020-1767621600",
                                                "EditSequence": "1767621600"})
    assert out.message == ('Found "Riverside Clinic" (ListID 80000020-1767621600) after an interrupted '
                           "session; not added again.")
    assert out.id_map[0].qb_id == "80000020-1767621600"
    missing = handler.handle_probe_response(env.view(item_id, is_probe=True),
                                            [valid_rs(f"<CustomerQueryRs {NOT_FOUND_500} />")])
    assert (missing.state, missing.result) == ("resend", {"phase": "add"})


def test_probe_of_a_job_reads_the_customer_then_queries_customer_job(env: Env) -> None:
    handler = ProjectExportHandler(env.context)
    data = job_request(erp_custom_fields={"customer_origin_id": CUSTOMER_ID})
    item_id = enqueue(env, work_from_request(data, "jobs_under_customers"))
    assert xml(handler.build_probe(env.view(item_id))) == (
        f"<CustomerQueryRq><ListID>{CUSTOMER_ID}</ListID></CustomerQueryRq>"
    )
    parent = valid_rs(f"<CustomerQueryRs {OK}>{NORTHSIDE}</CustomerQueryRs>")
    step = handler.handle_probe_response(env.view(item_id, is_probe=True), [parent])
    assert (step.state, step.result) == (
        "resend", {"phase": "probe_name", "full_name": "Northside Hospital:Riverside Clinic"}
    )
    env.apply(item_id, step)
    assert xml(handler.build_request(env.view(item_id))) == (
        "<CustomerQueryRq><FullName>Northside Hospital:Riverside Clinic</FullName></CustomerQueryRq>"
    )
    job = customer_ret("80000021-1767621600", "Northside Hospital:Riverside Clinic", parent_id=CUSTOMER_ID)
    found = valid_rs(f"<CustomerQueryRs {OK}>{job}</CustomerQueryRs>")
    out = handler.handle_response(env.sent(item_id), [found])
    assert (out.state, out.result["action"], out.result["ListID"]) == (
        "done", "recovered", "80000021-1767621600"
    )
    assert out.id_map[0].name == "Northside Hospital:Riverside Clinic"


def test_probe_of_a_job_not_created_goes_back_to_adding(env: Env) -> None:
    handler = ProjectExportHandler(env.context)
    data = job_request(erp_custom_fields={"customer_origin_id": CUSTOMER_ID})
    item_id = enqueue(env, work_from_request(data, "jobs_under_customers"))
    parent = valid_rs(f"<CustomerQueryRs {OK}>{NORTHSIDE}</CustomerQueryRs>")
    env.apply(item_id, handler.handle_probe_response(env.view(item_id, is_probe=True), [parent]))
    out = handler.handle_response(env.sent(item_id), [valid_rs(f"<CustomerQueryRs {NOT_FOUND_500} />")])
    assert (out.state, out.result) == ("resend", {"phase": "add"})
    env.apply(item_id, out)
    assert xml(handler.build_request(env.view(item_id))).startswith("<CustomerAddRq>")
    # the customer itself gone: the add is sent, and QuickBooks says why it fails
    gone = handler.handle_probe_response(env.view(item_id, is_probe=True),
                                         [valid_rs(f"<CustomerQueryRs {NOT_FOUND_500} />")])
    assert (gone.state, gone.result) == ("resend", {"phase": "add"})


# -- update handler --------------------------------------------------------------------------------
RENAMED = {"name": "Riverside Clinic East", "address": "6 River Rd"}
STALE = ('statusCode="3200" statusSeverity="Error" '
         'statusMessage="The provided edit sequence &quot;1767621601&quot; is out-of-date. "')


def _exported(env: Env) -> None:
    export_id = enqueue(env, work_from_request(job_request(), "customers_are_jobs"))
    ret = customer_ret("80000020-1767621600", "Riverside Clinic", "1767621601")
    env.apply(export_id, ProjectExportHandler(env.context).handle_response(
        env.sent(export_id), [valid_rs(f"<CustomerAddRs {OK}>{ret}</CustomerAddRs>")]))


def _update(env: Env, **job: Any) -> int:
    fields = {"origin_id": "80000020-1767621600", "origin_data": "1767621601", **RENAMED, **job}
    return enqueue(env, work_from_request(job_request(**fields), "customers_are_jobs"))


def test_update_sends_customer_mod_with_the_id_map_edit_sequence(env: Env) -> None:
    _exported(env)
    item_id = _update(env, origin_data="stale-in-procore")
    assert xml(ProjectUpdateHandler(env.context).build_request(env.view(item_id))) == (
        "<CustomerModRq><CustomerMod><ListID>80000020-1767621600</ListID><EditSequence>1767621601"
        "</EditSequence><Name>Riverside Clinic East</Name><IsActive>true</IsActive><ShipAddress>"
        "<Addr1>6 River Rd</Addr1><City>Austin</City><State>TX</State><PostalCode>78701</PostalCode>"
        "</ShipAddress></CustomerMod></CustomerModRq>"
    )


def test_update_without_a_mapping_uses_procore_origin_data_and_is_done(env: Env) -> None:
    handler = ProjectUpdateHandler(env.context)
    item_id = _update(env)
    assert "<EditSequence>1767621601</EditSequence>" in xml(handler.build_request(env.view(item_id)))
    ret = customer_ret("80000020-1767621600", "Riverside Clinic East", "1767621700")
    out = handler.handle_response(env.sent(item_id), [valid_rs(f"<CustomerModRs {OK}>{ret}</CustomerModRs>")])
    assert (out.state, out.result) == ("done", {"action": "updated", "ListID": "80000020-1767621600",
                                                "EditSequence": "1767621700", "stale_retries": 0})
    assert out.id_map[0] == IdMapUpdate(OBJECT_TYPE, "7", "80000020-1767621600", "1767621700",
                                        "Riverside Clinic East")


def test_update_3200_rereads_then_retries_once(env: Env) -> None:
    handler = ProjectUpdateHandler(env.context)
    _exported(env)
    item_id = _update(env)
    out = handler.handle_response(env.sent(item_id), [valid_rs(f"<CustomerModRs {STALE} />")])
    assert (out.state, out.status_code, out.result) == ("resend", "3200", {"stale_retries": 1})
    env.apply(item_id, out)
    assert xml(handler.build_request(env.view(item_id))) == (
        "<CustomerQueryRq><ListID>80000020-1767621600</ListID></CustomerQueryRq>"
    )
    current = customer_ret("80000020-1767621600", "Riverside Clinic", "1767621900")
    reread = handler.handle_response(env.sent(item_id),
                                     [valid_rs(f"<CustomerQueryRs {OK}>{current}</CustomerQueryRs>")])
    assert reread.state == "resend"
    env.apply(item_id, reread)
    assert "<EditSequence>1767621900</EditSequence>" in xml(handler.build_request(env.view(item_id)))
    again = handler.handle_response(env.sent(item_id), [valid_rs(f"<CustomerModRs {STALE} />")])
    assert (again.state, again.status_code, again.message) == (
        "failed", "3200", 'The provided edit sequence "1767621601" is out-of-date. '
    )


def test_update_with_a_stale_record_in_the_answer_retries_with_its_edit_sequence(env: Env) -> None:
    handler = ProjectUpdateHandler(env.context)
    _exported(env)
    item_id = _update(env)
    current = customer_ret("80000020-1767621600", "Riverside Clinic", "1767622000")
    stale = valid_rs(f"<CustomerModRs {STALE}>{current}</CustomerModRs>")
    out = handler.handle_response(env.sent(item_id), [stale])
    env.apply(item_id, out)
    assert "<EditSequence>1767622000</EditSequence>" in xml(handler.build_request(env.view(item_id)))


def test_update_of_a_project_quickbooks_never_had_is_refused(env: Env) -> None:
    item_id = env.queue.enqueue(COMPANY, UPDATE_KIND, {"name": "Riverside Clinic", "is_active": True},
                                procore_id="7")
    with pytest.raises(ProjectNotSynced) as caught:
        ProjectUpdateHandler(env.context).build_request(env.view(item_id))
    assert (caught.value.status_code, caught.value.message) == (
        "ProjectNotSynced",
        "Project 'Riverside Clinic' (Procore id 7) has no QuickBooks customer or job yet; export it first",
    )


@pytest.mark.parametrize(
    ("request_data", "reason"),
    [
        ({"all_cost_codes": []}, "the ERP Request carries no job object"),
        ({"job": {"name": "Riverside Clinic"}}, "the ERP Request's job has no project id"),
        ({"job": {"id": 7, "name": "Riverside Clinic"}, "all_cost_codes": ["01-100"]},
         "the ERP Request's all_cost_codes is not a list of cost codes"),
    ],
)
def test_a_malformed_request_is_a_named_refusal(request_data: dict[str, Any], reason: str) -> None:
    with pytest.raises(ProjectRejected) as caught:
        work_from_request(request_data, "customers_are_jobs")
    assert (caught.value.status_code, caught.value.reason) == ("ProjectRejected", reason)


def test_the_driver_fails_a_refused_project_and_sends_nothing(env: Env) -> None:
    from connector.qbwc.driver import DriverSettings, SessionDriver
    from connector.sync.registry import build_handlers

    payload = {"name": "Riverside Clinic", "job_mode": "jobs_under_customers", "parent_list_id": None,
               "ship_address": None, "is_active": True, "cost_codes": []}
    item_id = env.queue.enqueue(COMPANY, EXPORT_KIND, payload, procore_id="7")
    driver = SessionDriver(env.queue, build_handlers(env.context), DriverSettings())
    assert driver.next_request(COMPANY, "T1") is None
    record = env.queue.get(item_id)
    assert record is not None
    assert (record.state, record.last_status_code) == ("failed", "ProjectCustomerMissing")
    assert record.last_status_message == ProjectCustomerMissing("Riverside Clinic").message


@pytest.mark.parametrize("origin_data", [None, "", '{"EditSequence": "1767621601"}', "1" * 17])
def test_origin_data_that_is_no_edit_sequence_makes_the_update_reread_first(
    env: Env, origin_data: Any
) -> None:
    work = work_from_request(job_request(origin_id="80000020-1767621600", origin_data=origin_data),
                             "customers_are_jobs")
    assert work.payload["edit_sequence"] is None
    item_id = enqueue(env, work)
    assert xml(ProjectUpdateHandler(env.context).build_request(env.view(item_id))) == (
        "<CustomerQueryRq><ListID>80000020-1767621600</ListID></CustomerQueryRq>"
    )


def test_a_created_at_that_is_no_timestamp_is_refused() -> None:
    for bad in ("last spring", "2025-11-03T09:30:00"):
        with pytest.raises(ProjectRejected) as caught:
            work_from_request(job_request(created_at=bad), "customers_are_jobs",
                              connected_at=datetime(2026, 1, 5, tzinfo=UTC))
        assert caught.value.reason == f"its created_at {bad!r} is not a timestamp with a time zone"
    with pytest.raises(ValueError, match="must be timezone-aware"):
        work_from_request(job_request(), "customers_are_jobs", connected_at=datetime(2026, 1, 5))
