"""The batch the session driver returns is the qbXML codec's: requests that the codec refuses, and handler
results that are not codec requests, fail their own item with a named reason and never reach QuickBooks."""

from __future__ import annotations

from collections.abc import Sequence

from connector.qbxml import Request, Response
from connector.work import Outcome, WorkItemView


class _Fixed:
    """A handler whose request is whatever the test gives it."""

    def __init__(self, kind: str, body: object) -> None:
        self.kind = kind
        self._body = body

    def build_request(self, item: WorkItemView) -> object:
        return self._body

    def build_probe(self, item: WorkItemView) -> None:
        return None

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return Outcome.done(responses[0])

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return Outcome.done(responses[0])


def test_a_request_the_codec_refuses_fails_its_item_and_the_rest_of_the_batch_goes_out(harness, kit) -> None:
    too_long = Request("VendorAdd", {"Name": "V" * 42})  # VendorAdd/Name: maxLength 41 in the 13.0 XSD
    harness.service.register(_Fixed("too_long", too_long))
    q = harness.service.queue
    bad = q.enqueue("acme-co", "too_long", {})
    good = q.enqueue("acme-co", "vendor_add", {"name": "Ace"})
    ticket = harness.wsc.authenticate()[0]
    batch = harness.wsc.send(ticket, kit.hcp_response())
    kit.assert_valid_qbxml(batch)
    assert f'requestID="{good}"' in batch and f'requestID="{bad}"' not in batch
    refused = q.get(bad)
    assert refused is not None and refused.state == "failed"
    assert refused.last_status_code == "qbxml-build"
    assert refused.last_status_message is not None
    assert refused.last_status_message.startswith("The request cannot be written as qbXML: ")
    assert "VendorAddRq/VendorAdd/Name" in refused.last_status_message


def test_a_handler_that_returns_raw_text_is_a_handler_error(harness, kit) -> None:
    raw = "<VendorAddRq><VendorAdd><Name>A</Name></VendorAdd></VendorAddRq>"
    harness.service.register(_Fixed("raw_text", raw))
    item = harness.service.queue.enqueue("acme-co", "raw_text", {})
    ticket = harness.wsc.authenticate()[0]
    assert harness.wsc.send(ticket, kit.hcp_response()) == ""
    failed = harness.service.queue.get(item)
    assert failed is not None and failed.state == "failed" and failed.last_status_code == "handler-error"
    assert failed.last_status_message == "TypeError: a handler returned str, not a connector.qbxml.Request"


def test_several_requests_of_one_item_go_out_together_or_not_at_all(harness, kit) -> None:
    pair = [Request("VendorQuery", {"FullName": ["Ace"]}), Request("VendorAdd", {"Name": "V" * 42})]
    harness.service.register(_Fixed("pair", pair))
    item = harness.service.queue.enqueue("acme-co", "pair", {})
    ticket = harness.wsc.authenticate()[0]
    assert harness.wsc.send(ticket, kit.hcp_response()) == ""
    failed = harness.service.queue.get(item)
    assert failed is not None and failed.last_status_code == "qbxml-build"
