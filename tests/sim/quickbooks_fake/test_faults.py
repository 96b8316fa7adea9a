"""Fault rules: status, HRESULT, delay; request type / object name / nth / probability; first match wins."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake import CompanyFile, QBXMLError
from tests.sim.quickbooks_fake.helpers import request, rs, status

MSG_3180 = ('There was an error when saving a Vendors list, element "Acme". QuickBooks error message: '
            "This list has been modified by another user.")


def vendor(name: str) -> str:
    return f"<VendorAddRq><VendorAdd><Name>{name}</Name></VendorAdd></VendorAddRq>"


def test_status_fault_answers_the_request_and_changes_nothing(company, run) -> None:
    company.faults.add(action="status", request_type="VendorAdd", object_name="Acme", status_code=3180,
                       status_message=MSG_3180)
    assert status(rs(run(vendor("Other"))))[0] == "0"
    assert status(rs(run(vendor("Acme")))) == ("3180", "Error", MSG_3180)
    assert [v["Name"] for v in company.list_records("Vendor")] == ["Other"]


def test_nth_occurrence_and_times(company, run) -> None:
    company.faults.add(action="status", request_type="VendorAdd", nth=2, status_code=3180,
                       status_message=MSG_3180)
    codes = [status(rs(run(vendor(f"V{n}"))))[0] for n in range(4)]
    assert codes == ["0", "3180", "0", "0"]


def test_times_limits_firing(company, run) -> None:
    company.faults.add(action="status", request_type="HostQuery", times=1, status_code=1000,
                       status_message="There has been an internal error when processing the request.")
    assert [status(rs(run("<HostQueryRq/>")))[0] for _ in range(3)] == ["1000", "0", "0"]


def test_probability_is_reproducible_from_the_seed() -> None:
    def pattern(seed: int) -> list[str]:
        c = CompanyFile.create(seed=seed)
        c.faults.add(action="status", request_type="HostQuery", probability=0.5, status_code=1000,
                     status_message="There has been an internal error when processing the request.")
        return [c.process_request(request("<HostQueryRq/>")).split('statusCode="')[1][0] for _ in range(40)]

    first = pattern(7)
    assert first == pattern(7)
    assert 5 < first.count("1") < 35
    assert first != pattern(8)


def test_hresult_fault_raises_and_rolls_back_the_set(company) -> None:
    company.faults.add(action="hresult", request_type="VendorAdd", object_name="Boom", hresult="0x80040401")
    body = vendor("Before") + vendor("Boom")
    with pytest.raises(QBXMLError) as info:
        company.process_request(request(body, on_error="continueOnError"))
    assert (info.value.hresult, info.value.message) == ("0x80040401", "Could not access QuickBooks.")
    assert company.list_records("Vendor") == []
    assert company.faults.rules()[0].fired == 1  # bookkeeping survives the rollback


def test_delay_moves_the_injected_clock(company, run) -> None:
    before = company.clock.now()
    company.faults.add(action="delay", request_type="HostQuery", delay_seconds=90)
    assert status(rs(run("<HostQueryRq/>")))[0] == "0"
    assert (company.clock.now() - before).total_seconds() == 90


def test_first_match_wins_and_clear(company, run) -> None:
    company.faults.add(action="status", request_type="HostQuery", status_code=1000,
                       status_message="There has been an internal error when processing the request.")
    company.faults.add(action="status", status_code=3180, status_message=MSG_3180)
    assert status(rs(run("<HostQueryRq/>"))) == ("1000", "Error",
        "There has been an internal error when processing the request.")
    assert status(rs(run(vendor("Acme")))) == ("3180", "Error",
        'There was an error when saving a Vendors list, element "Acme". QuickBooks error message: This '
        "list has been modified by another user.")
    assert [r.id for r in company.faults.rules()] == [1, 2]
    company.faults.clear()
    assert company.faults.rules() == []
    assert status(rs(run(vendor("Acme"))))[0] == "0"


def test_session_fault(company) -> None:
    company.faults.add(action="hresult", target="session", hresult="0x8004041B", times=1)
    with pytest.raises(QBXMLError) as info:
        company.begin_session("Procore")
    assert info.value.hresult == "0x8004041B"
    assert info.value.message.startswith("Unable to lock the necessary information")
    assert company.begin_session("Procore")


def test_fault_validation() -> None:
    c = CompanyFile.create()
    with pytest.raises(ValueError):
        c.faults.add(action="status", status_code=3180)  # no QuickBooks text given
    with pytest.raises(ValueError):
        c.faults.add(action="explode")


def test_faults_over_http(client, http_run) -> None:
    rule = {"action": "status", "request_type": "VendorAdd", "status_code": 3180, "status_message": MSG_3180}
    assert client.post("/_sim/faults", json=rule).status_code == 200
    assert [r["request_type"] for r in client.get("/_sim/faults").json()] == ["VendorAdd"]
    assert status(rs(http_run(vendor("Acme")))) == ("3180", "Error", MSG_3180)
    assert client.delete("/_sim/faults").json() == {"rules": 0}
    assert client.get("/_sim/faults").json() == []
    assert client.post("/_sim/faults", json={"action": "nope"}).status_code == 400


def test_request_type_may_be_given_as_the_element_name(company, run) -> None:
    rule = company.faults.add(action="status", request_type="VendorAddRq", status_code=3180,
                              status_message=MSG_3180)
    assert rule.request_type == "VendorAdd"
    assert status(rs(run(vendor("Acme")))) == ("3180", "Error", MSG_3180)
