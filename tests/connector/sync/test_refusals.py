"""Named refusals: a handler raising ``WorkRefused`` fails its item with that code and message.

The session driver (``connector.qbwc.driver.SessionDriver``) runs here over the real sync handlers and
the in-memory store; nothing refused is ever put in a batch for QuickBooks.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sync_helpers import COMPANY, OK, Env

from connector.qbwc.driver import DriverSettings, SessionDriver
from connector.qbxml import Response
from connector.sync.cost_codes import CostCode, CostCodeNotSynced, CostCodeUpdateHandler, enqueue_update
from connector.sync.jobs import KIND as JOB_KIND
from connector.sync.jobs import JobImportHandler
from connector.sync.registry import build_handlers
from connector.work import Outcome, WorkItemView, WorkRefused

NEVER_EXPORTED = CostCode("2002", "02-200", "Site Work", "Construction Income", "Job Expenses")
NOT_SYNCED_MESSAGE = "Cost code '02-200' (Procore id 2002) has no QuickBooks item yet; export it first"


def failure(env: Env, item_id: int) -> tuple[str, str | None, str | None]:
    record = env.queue.get(item_id)
    assert record is not None
    return record.state, record.last_status_code, record.last_status_message


def test_cost_code_not_synced_is_a_named_refusal(env: Env) -> None:
    item_id = enqueue_update(env.queue, COMPANY, NEVER_EXPORTED)
    with pytest.raises(WorkRefused) as caught:
        CostCodeUpdateHandler(env.context).build_request(env.view(item_id))
    assert isinstance(caught.value, CostCodeNotSynced)
    assert (caught.value.status_code, caught.value.message) == ("CostCodeNotSynced", NOT_SYNCED_MESSAGE)


def test_driver_fails_a_refused_item_with_its_code_and_sends_nothing(env: Env) -> None:
    driver = SessionDriver(env.queue, build_handlers(env.context), DriverSettings())
    refused = enqueue_update(env.queue, COMPANY, NEVER_EXPORTED)
    bad_mode = env.queue.enqueue(COMPANY, JOB_KIND, {"job_mode": "projects"})
    assert driver.next_request(COMPANY, "T1") is None
    assert failure(env, refused) == ("failed", "CostCodeNotSynced", NOT_SYNCED_MESSAGE)
    assert failure(env, bad_mode) == (
        "failed",
        "UnknownJobMode",
        "job_mode must be one of ('customers_are_jobs', 'jobs_under_customers'), not 'projects'",
    )


class RefusesOnResponse(JobImportHandler):
    """A handler that refuses what QuickBooks answered (the response-side path of the driver)."""

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        raise WorkRefused("PageRejected", f"{responses[0].name} was not accepted")


def test_driver_fails_an_item_refused_on_its_response(env: Env) -> None:
    driver = SessionDriver(env.queue, {JOB_KIND: RefusesOnResponse(env.context)}, DriverSettings())
    item_id = env.queue.enqueue(COMPANY, JOB_KIND, {})
    request = driver.next_request(COMPANY, "T1")
    assert request is not None and f'requestID="{item_id}"' in request
    response = (
        '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n'
        f'<CustomerQueryRs requestID="{item_id}" {OK} />\n</QBXMLMsgsRs>\n</QBXML>\n'
    )
    driver.apply_response(COMPANY, "T1", response)
    assert failure(env, item_id) == ("failed", "PageRejected", "CustomerQueryRs was not accepted")
