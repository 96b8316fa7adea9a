"""receiveResponseXML's percentage as the real Web Connector reads it: 0..99 → sendRequestXML again.

Evidence that 0 means "more to do": the qbwc Ruby gem's ``QBWC::Session`` starts ``@progress = 0``,
keeps it at 0 while jobs remain and sets 100 when the last job finished (``finished?`` is
``progress == 100``; ``lib/qbwc/session.rb``); qbwc-kit returns ``session.progress()`` = 0 mid-session;
a Python QBWC service returns ``int(done / total * 100)``, which is 0 for the first of 105 tasks. Those
services run whole sessions against the real Web Connector (QBWC-PROTOCOL.md, receiveResponseXML).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from lxml import etree

from sim.quickbooks_fake import CompanyFile
from sim.webconnector import Outcome

SERVICE_ADD = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML>'
    '<QBXMLMsgsRq onError="stopOnError"><ItemServiceAddRq requestID="{n}"><ItemServiceAdd>'
    "<Name>CC-{n:03d}</Name><SalesOrPurchase><Desc>Cost code {n}</Desc>"
    "<AccountRef><FullName>Job Expenses</FullName></AccountRef></SalesOrPurchase>"
    "</ItemServiceAdd></ItemServiceAddRq></QBXMLMsgsRq></QBXML>"
)


@dataclass
class JobQueueService:
    """A service written like the qbwc gem: a queue of jobs, progress 0 until the last one is done.

    Served by the same SOAP double as the other emulator tests (the official WSDL's operations and
    result elements); ``progress`` picks the percentage rule.
    """

    jobs: list[str]
    progress: Callable[[int, int], int]
    endless: bool = False
    received: list[Any] = field(default_factory=list)
    raw_replies: dict[str, bytes] = field(default_factory=dict)
    faults: dict[str, str] = field(default_factory=dict)
    done: int = 0
    sent: int = 0

    def answer(self, operation: str, params: dict[str, str | None]) -> Any:
        if operation == "serverVersion":
            return "2.0"
        if operation == "clientVersion":
            return ""
        if operation == "authenticate":
            return ["GEM-TICKET", ""]
        if operation == "sendRequestXML":
            if self.endless or self.sent < len(self.jobs):
                self.sent += 1
                return self.jobs[(self.sent - 1) % len(self.jobs)]
            return ""
        if operation == "receiveResponseXML":
            response = etree.fromstring((params["response"] or "").encode())
            if response.find("QBXMLMsgsRs/*").get("statusCode") == "0":
                self.done += 1
            return self.progress(self.done, len(self.jobs))
        if operation == "getLastError":
            return "No more jobs"
        if operation == "closeConnection":
            return "OK"
        raise AssertionError(operation)


def gem_progress(done: int, total: int) -> int:
    """lib/qbwc/session.rb: 0 while jobs remain, 100 once the last one finished."""
    return 100 if done >= total else 0


def truncated_progress(done: int, total: int) -> int:
    """``int(done / total * 100)``: 0 for the first of 105 tasks."""
    return int(done / total * 100)


def _run(make_wc: Any, service_factory: Callable[[Any], FastAPI], service: JobQueueService, **kw: Any) -> Any:
    fake = CompanyFile.create()
    result = make_wc(company=fake, transport=service_factory(service), **kw).run_update()
    return fake, result


@pytest.mark.parametrize("raw_envelopes", [False, True], ids=["zeep", "raw-envelopes"])
def test_a_service_reporting_zero_until_done_completes_105_requests(make_wc, service_factory, raw_envelopes):
    jobs = [SERVICE_ADD.format(n=n) for n in range(1, 106)]
    service = JobQueueService(jobs, gem_progress)
    fake, result = _run(make_wc, service_factory, service, raw_envelopes=raw_envelopes)
    assert result.outcome is Outcome.COMPLETED
    assert result.progress == [0] * 104 + [100]
    assert result.operations.count("sendRequestXML") == 105
    assert result.operations[-2:] == ["receiveResponseXML", "closeConnection"]
    assert result.status == "OK"
    names = {r["Name"] for r in fake.list_records("ItemService")}
    assert {f"CC-{n:03d}" for n in range(1, 106)} <= names


def test_a_service_reporting_truncated_percentages_completes(make_wc, service_factory):
    jobs = [SERVICE_ADD.format(n=n) for n in range(1, 106)]
    fake, result = _run(make_wc, service_factory, JobQueueService(jobs, truncated_progress))
    assert result.outcome is Outcome.COMPLETED
    assert result.progress[0] == 0  # int(1 / 105 * 100)
    assert result.progress[-1] == 100
    assert len(result.progress) == 105
    assert sum(1 for r in fake.list_records("ItemService") if r["Name"].startswith("CC-")) == 105


def test_a_service_that_never_progresses_is_capped(make_wc, service_factory):
    # Always a request, always 0: the emulator's request cap ends it (real QBWC would run forever).
    service = JobQueueService([SERVICE_ADD.format(n=1)], lambda done, total: 0, endless=True)
    _, result = _run(make_wc, service_factory, service, max_requests=120)
    assert result.outcome is Outcome.LOOP_CAPPED
    assert result.status == "more than 120 requests"
    assert result.operations.count("sendRequestXML") == 120
    assert result.operations[-1] == "closeConnection"


def test_zero_then_empty_request_ends_with_get_last_error(make_wc, script):
    script.requests = ["<QBXML />"]
    script.percents = [0]
    result = make_wc().run_update()
    assert result.operations[-5:] == [
        "sendRequestXML",
        "receiveResponseXML",
        "sendRequestXML",
        "getLastError",
        "closeConnection",
    ]
    assert result.outcome is Outcome.COMPLETED
