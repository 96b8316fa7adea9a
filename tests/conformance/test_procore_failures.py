"""Procore failing the connector: rate limits, outages, expired and revoked tokens. Nothing is lost, nothing
is done twice in QuickBooks, and each failure is a clear, named error."""

from __future__ import annotations

import logging

import httpx
import pytest

from conformance.procore_stack import ProcoreStack
from connector.procore.errors import ProcoreAuthError


def _quickbooks_requests(stack: ProcoreStack) -> int:
    return sum(len(r.exchanges) for r in stack.results)


def test_a_429_with_retry_after_is_waited_out(tmp_path) -> None:
    stack = ProcoreStack.create()
    code = stack.export_standard_cost_code("01-100", "Site Work")
    stack.deliver()
    limited = {"left": 1}

    def rate_limit(request: httpx.Request) -> httpx.Response | None:
        if "/erp_requests/" in request.url.path and limited["left"]:
            limited["left"] -= 1
            return httpx.Response(
                429, headers={"Retry-After": "7"}, json={"errors": "You have reached your rate limit."}
            )
        return None

    stack.procore_link.fault = rate_limit
    report = stack.tick()
    assert (report.read, report.error) == (1, "")
    assert stack.waits == [7.0]
    stack.run_update()
    stack.tick()
    assert stack.synced("standard_cost_code", code["id"])


def test_a_503_is_retried_and_an_outage_leaves_the_request_for_the_next_round() -> None:
    stack = ProcoreStack.create()
    code = stack.export_standard_cost_code("01-100", "Site Work")
    stack.deliver()
    stack.procore_link.fault = lambda r: httpx.Response(503, text="Service Unavailable")
    report = stack.tick()
    assert report.read == 0 and "503" in report.error
    assert len(stack.waits) == 10  # the poll's and the read's bounded retries, none slept for real
    request = stack.side.connections[stack.company_key]._store.all(stack.company_key)[0]
    assert (request.state, request.read_attempts) == ("received", 1)  # still there: read again later
    stack.procore_link.fault = None
    assert stack.tick().read == 0  # not before its retry time (30 s)
    stack.advance(30)
    assert stack.tick().read == 1
    stack.run_update()
    stack.tick()
    assert stack.synced("standard_cost_code", code["id"])


def test_procore_down_during_write_back_is_retried_later_and_quickbooks_is_not_asked_twice() -> None:
    stack = ProcoreStack.create()
    code = stack.export_standard_cost_code("01-100", "Site Work")
    stack.sync()
    stack.run_update()
    sent = _quickbooks_requests(stack)
    stack.procore_link.down = True
    report = stack.tick()
    assert report.flushed.written == 0 or report.error
    assert not stack.synced("standard_cost_code", code["id"])
    stack.procore_link.down = False
    stack.advance(120)  # past the write-back's retry delay
    stack.tick()
    assert stack.synced("standard_cost_code", code["id"])
    again = stack.run_update()
    assert again.calls_to("authenticate")[0].result[1] == "none"  # nothing left for QuickBooks
    assert _quickbooks_requests(stack) == sent
    assert len([i for i in stack.records("ItemService") if i["FullName"] == "01-100"]) == 1


def test_an_access_token_expired_at_procore_is_refreshed_once() -> None:
    stack = ProcoreStack.create()
    code = stack.export_standard_cost_code("01-100", "Site Work")
    stack.deliver()
    stack.procore_clock.advance(5400 + 1)  # expired at Procore; the connector's clock did not move
    report = stack.tick()
    assert (report.read, report.error) == (1, "")
    tokens = [p for m, p in stack.procore_link.log if p.startswith("/oauth/token")]
    assert len(tokens) == 2  # the first token, and one renewal after the 401
    stack.run_update()
    stack.tick()
    assert stack.synced("standard_cost_code", code["id"])


def test_a_revoked_refresh_token_is_a_clear_error_and_nothing_is_lost(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stack = ProcoreStack.create(grant="authorization_code")
    connection = stack.side.connections[stack.company_key]
    token = connection.client.auth.store.load()  # type: ignore[attr-defined]
    assert token is not None and token.refresh_token
    stack.procore.post(
        "/oauth/revoke",
        data={
            "token": token.refresh_token,
            "client_id": "qbsim-client-id",
            "client_secret": "qbsim-client-secret",
        },
    )
    stack.procore.post(
        "/oauth/revoke",
        data={
            "token": token.access_token,
            "client_id": "qbsim-client-id",
            "client_secret": "qbsim-client-secret",
        },
    )
    code = stack.export_standard_cost_code("01-100", "Site Work")
    stack.deliver()
    with caplog.at_level(logging.WARNING, logger="connector.procore"):
        report = stack.tick()
    assert report.read == 0
    assert "authoris" in report.error or "authoriz" in report.error, report.error
    with pytest.raises(ProcoreAuthError):
        connection.erp.open_request_details()
    # A person signs in again; the waiting request goes on from where it stopped.
    stack.authorize_as("Erin Sponsor")
    stack.advance(30)  # the failed read's retry time
    assert stack.tick().read == 1
    stack.run_update()
    stack.tick()
    assert stack.synced("standard_cost_code", code["id"])


def test_an_erp_request_answered_with_no_object_is_read_again_later_and_blocks_nothing() -> None:
    stack = ProcoreStack.create()
    code = stack.export_standard_cost_code("01-100", "Site Work")
    stack.deliver()
    stack.procore_link.fault = lambda r: (
        httpx.Response(200, json=["not", "a", "request"]) if "/erp_requests/" in r.url.path else None
    )
    report = stack.tick()
    assert (report.read, report.error) == (0, "")
    request = stack.side.connections[stack.company_key]._store.all(stack.company_key)[0]
    assert (request.state, request.last_error) == (
        "received",
        "Procore answered the ERP Request with list, not an object",
    )
    stack.procore_link.fault = None
    stack.advance(30)
    assert stack.tick().read == 1
    stack.run_update()
    stack.tick()
    assert stack.synced("standard_cost_code", code["id"])


def test_a_defect_in_one_write_back_holds_back_no_other(monkeypatch: pytest.MonkeyPatch) -> None:
    from connector.procore.writeback import WriteBack

    stack = ProcoreStack.create()
    first = stack.export_standard_cost_code("01-100", "Site Work")
    second = stack.export_standard_cost_code("01-200", "Demolition")
    stack.sync()
    stack.run_update()
    real = WriteBack._export

    def export(self: WriteBack, item: object, payload: dict[str, object]) -> None:
        if payload["item_id"] == first["id"]:
            raise KeyError("a defect")
        real(self, item, payload)  # type: ignore[arg-type]

    monkeypatch.setattr(WriteBack, "_export", export)
    report = stack.tick()
    assert (report.flushed.written, report.flushed.failed, report.error) == (1, 1, "")
    assert stack.synced("standard_cost_code", second["id"])
    assert not stack.synced("standard_cost_code", first["id"])
    monkeypatch.setattr(WriteBack, "_export", real)
    stack.advance(120)
    stack.tick()
    assert stack.synced("standard_cost_code", first["id"])


def test_an_id_too_big_for_64_bits_in_the_open_details_stops_nothing() -> None:
    stack = ProcoreStack.create()
    stack.webhook_link.down = True  # found by the poll only
    code = stack.export_standard_cost_code("01-100", "Site Work")
    stack.deliver()

    def with_a_huge_id(request: httpx.Request) -> httpx.Response | None:
        if request.method == "GET" and request.url.path.endswith("/erp_request_details"):
            real = stack.procore_link.target.handle_request(request)  # type: ignore[union-attr]
            real.read()
            return httpx.Response(
                200, json=[*real.json(), {"id": 1, "erp_request_id": 2**63}], headers={"Total": "2"}
            )
        return None

    stack.procore_link.fault = with_a_huge_id
    report = stack.tick()
    assert (report.polled, report.read, report.planned, report.error) == (1, 1, 1, "")
    stack.procore_link.fault = None
    stack.run_update()
    stack.tick()
    assert stack.synced("standard_cost_code", code["id"])


def test_a_project_procore_will_not_show_is_still_exported_not_left_waiting() -> None:
    stack = ProcoreStack.create()
    project = stack.new_project("Tower Apartments")
    stack.send_and_accept("project", project["id"], sender="Pat Manager")
    stack.procore_link.fault = lambda r: (
        httpx.Response(
            404, json={"errors": "The URI requested is invalid or the resource requested does not exist."}
        )
        if r.method == "GET" and r.url.path == f"/rest/v1.0/projects/{project['id']}"
        else None
    )
    report = stack.sync()
    assert (report.read, report.planned, report.error) == (1, 1, "")
    stack.procore_link.fault = None
    stack.run_update()
    stack.tick()
    assert stack.synced("project", project["id"])


def test_an_export_request_that_names_nothing_closes_its_details_failed() -> None:
    stack = ProcoreStack.create()
    code = stack.export_standard_cost_code("01-100", "Site Work")
    stack.procore_link.fault = lambda r: (
        httpx.Response(
            200,
            json={
                "id": int(r.url.path.rsplit("/", 1)[1]),
                "request_name": "create_standard_cost_codes",
                "request_data": [],
            },
        )
        if "/erp_requests/" in r.url.path
        else None
    )
    stack.sync()
    stack.procore_link.fault = None
    stack.tick()
    seen = stack.item("standard_cost_code", code["id"])
    assert (seen["status"], seen["messages"]) == (
        "failed",
        ["The connector could not read this ERP Request (ValueError: it names nothing to export)."],
    )


def test_a_request_procore_never_answers_is_given_up_after_a_dozen_reads() -> None:
    stack = ProcoreStack.create()
    stack.export_standard_cost_code("01-100", "Site Work")
    stack.deliver()
    stack.procore_link.fault = lambda r: (
        httpx.Response(403, json={"errors": "You do not have access to this resource."})
        if "/erp_requests/" in r.url.path
        else None
    )
    for _ in range(12):
        stack.tick()
        stack.advance(3600)
    request = stack.side.connections[stack.company_key]._store.all(stack.company_key)[0]
    assert (request.state, request.read_attempts) == ("closed", 12)
    assert request.note.startswith("given up after 12 reads: ")
