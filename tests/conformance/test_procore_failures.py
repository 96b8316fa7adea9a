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
    assert len(stack.waits) == 5  # the client's bounded retries, none slept for real
    request = stack.side.connections[stack.company_key]._store.all(stack.company_key)[0]
    assert request.state == "received"  # still there: read again by the next round
    stack.procore_link.fault = None
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
    stack.procore.post("/oauth/revoke", data={"token": token.refresh_token, "client_id": "qbsim-client-id",
                                              "client_secret": "qbsim-client-secret"})
    stack.procore.post("/oauth/revoke", data={"token": token.access_token, "client_id": "qbsim-client-id",
                                              "client_secret": "qbsim-client-secret"})
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
        "received", "Procore answered the ERP Request with list, not an object"
    )
    stack.procore_link.fault = None
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
