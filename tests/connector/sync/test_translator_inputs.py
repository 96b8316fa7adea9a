"""Whatever Procore sends, a translator gives work or a named refusal — never another exception.

Every field of the three payloads (as the fake Procore emits them) is replaced in turn by values of the
wrong JSON type; the translators must answer each with work or a ``WorkRefused`` naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from test_cost_codes import entry
from test_projects import job_request
from test_vendor_exports import vendor_request

from connector.sync import cost_codes, projects, vendor_exports
from connector.work import WorkRefused

WRONG = [None, 0, 123, 1.5, "", "text", [], ["x"], {}, {"a": 1}, True, False]


def outcome(translate: Callable[[], Any]) -> str:
    try:
        translate()
    except WorkRefused:
        return "refused"
    except Exception as exc:  # what the test is for: name it
        return f"{type(exc).__name__}: {exc}"
    return "work"


def test_every_field_of_a_job_request_of_the_wrong_type() -> None:
    bad = []
    for mode in ("customers_are_jobs", "jobs_under_customers"):
        for key in job_request()["job"]:
            for value in WRONG:
                data = job_request(erp_custom_fields={"customer_origin_id": "80000001-1767621600"})
                data["job"][key] = value
                result = outcome(lambda: projects.work_from_request(data, mode))  # noqa: B023
                if result not in ("work", "refused"):
                    bad.append((mode, key, value, result))
        for key in ("id", "full_code", "code", "standard_cost_code_origin_id"):
            for value in WRONG:
                data = job_request()
                data["all_cost_codes"][0][key] = value
                result = outcome(lambda: projects.work_from_request(data, mode))  # noqa: B023
                if result not in ("work", "refused"):
                    bad.append((mode, f"all_cost_codes[0].{key}", value, result))
        for value in WRONG:
            result = outcome(lambda: projects.work_from_request({"job": value}, mode))  # noqa: B023
            if result not in ("work", "refused"):
                bad.append((mode, "job", value, result))
    assert bad == []


def test_every_field_of_a_vendor_request_of_the_wrong_type() -> None:
    bad = []
    for key in vendor_request()["vendor"]:
        for value in WRONG:
            data = vendor_request()
            data["vendor"][key] = value
            result = outcome(lambda: vendor_exports.work_from_request(data))  # noqa: B023
            if result not in ("work", "refused"):
                bad.append((key, value, result))
    for value in WRONG:
        result = outcome(lambda: vendor_exports.work_from_request(value))  # noqa: B023
        if result not in ("work", "refused"):
            bad.append(("request_data", value, result))
    assert bad == []


def test_every_field_of_a_cost_code_entry_of_the_wrong_type() -> None:
    bad = []
    for key in entry():
        for value in WRONG:
            data = entry(**{key: value})
            result = outcome(lambda: cost_codes.work_from_request(data))  # noqa: B023
            if result not in ("work", "refused"):
                bad.append((key, value, result))
    for key in ("income_account_origin_id", "expense_account_origin_id"):
        for value in WRONG:
            data = entry()
            data["erp_custom_fields"][key] = value  # type: ignore[index]
            result = outcome(lambda: cost_codes.work_from_request(data))  # noqa: B023
            if result not in ("work", "refused"):
                bad.append((f"erp_custom_fields.{key}", value, result))
    assert bad == []


def test_a_field_that_is_no_text_is_named_and_a_numeric_zip_is_text() -> None:
    with pytest.raises(projects.ProjectRejected) as project:
        projects.work_from_request(job_request(city=["Austin"]), "customers_are_jobs")
    assert project.value.message == (
        "Project 'Riverside Clinic' cannot be exported: its city ['Austin'] is not text"
    )
    with pytest.raises(vendor_exports.VendorRejected) as vendor:
        vendor_exports.work_from_request(vendor_request(id=True))
    assert vendor.value.reason == "the ERP Request's vendor has no company id"
    with pytest.raises(cost_codes.CostCodeRejected) as code:
        cost_codes.work_from_request(entry(name={"en": "General Requirements"}))
    assert code.value.reason == "its name {'en': 'General Requirements'} is not text"
    work = projects.work_from_request(job_request(zip=78701), "customers_are_jobs")
    assert work.payload["ship_address"]["PostalCode"] == "78701"
