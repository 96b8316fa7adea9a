"""QuickBooks customers/jobs → staged Procore projects (CustomerQuery with an iterator).

seed 001, "Projects": the integration is set up either as "Customers = Jobs" — only tier 1 records of
the Customer Center (``Sublevel`` 0) are importable — or as "Jobs under Customers" — only tier 2 jobs
directly under a customer (``Sublevel`` 1); jobs and sub-jobs on tier 3 or beyond cannot be imported.
Project Name ↔ Job Name/Customer Name; Address/City/State/Zip ↔ Ship To, and "if Ship To is not
populated, the Invoice/Bill To address will be used".

Every record read is staged (``job``): importable ones ``ready``, the others ``skipped`` with the
reason, so the Approver can see why a job is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connector.qbxml import Record, Request, Response
from connector.sync import answers
from connector.sync.context import JobMode, parse_job_mode
from connector.sync.imports import PageImportHandler, address, entry, procore_address, staged_update
from connector.sync.staging import Staged, StageEntry
from connector.work import WorkItemView

KIND = "job.import"
OBJECT_TYPE = "job"
IMPORTABLE_SUBLEVEL: dict[JobMode, int] = {"customers_are_jobs": 0, "jobs_under_customers": 1}


def skip_reason(mode: JobMode, sublevel: int) -> str | None:
    """Why a Customer Center record on ``sublevel`` cannot become a Procore project (None = it can)."""
    if sublevel == IMPORTABLE_SUBLEVEL[mode]:
        return None
    if mode == "customers_are_jobs":
        return (
            f"tier {sublevel + 1} record: with the 'Customers = Jobs' setting only tier 1 customers "
            "are imported"
        )
    if sublevel == 0:
        return "tier 1 customer: with the 'Jobs under Customers' setting only tier 2 jobs are imported"
    return f"tier {sublevel + 1} job: jobs and sub-jobs on tier 3 or beyond cannot be imported"


def job_entry(rs: Response, ret: Record, mode: JobMode) -> StageEntry:
    """The Procore-side fields of one CustomerRet (a customer or a job)."""
    sublevel = answers.sublevel(rs, ret)
    ship = address(ret.get("ShipAddress"))
    bill = address(ret.get("BillAddress"))
    parent = ret.get("ParentRef")
    data = {
        "name": answers.single(rs, ret, "Name"),
        "full_name": answers.name_of(rs, ret),
        "customer": parent.get("FullName") if isinstance(parent, dict) else None,
        "sublevel": sublevel,
        "address": ship or bill,
        # a Bill To with no address lines (only a Note) is no address: name a source only for an address
        "address_source": "ShipAddress" if ship else ("BillAddress" if bill else None),
        "is_active": ret.get("IsActive", True),
    }
    reason = skip_reason(mode, sublevel)
    return entry(rs, ret, str(data["full_name"]), data, status="ready" if reason is None else "skipped",
                 reason=reason)


def procore_staged_record(staged: Staged) -> dict[str, Any] | None:
    """A staged job as Procore's staged record (``item_type`` project); None for a skipped one.

    Project Name ← the job's (or customer's) own Name, Address/City/State/Zip ← Ship To else Bill To
    (seed 001), ``tier`` = Customer Center tier (Procore checks it against the job setting on import),
    ``active``. A record the job setting cannot import is not staged in Procore: why it was skipped stays
    in the connector's staging (``reason``); Procore's "invalid" status is not used for it (our choice).
    """
    if staged.status != "ready":
        return None
    data = staged.data
    return staged_update(staged, "project", {
        "name": data.get("name") or staged.name,
        **procore_address(data.get("address")),
        "tier": int(data.get("sublevel") or 0) + 1,
        "active": data.get("is_active", True) is not False,
    })


class JobImportHandler(PageImportHandler):
    """``job.import``: CustomerQuery Start/Continue, tiers filtered by the job setting."""

    kind = KIND
    query = "CustomerQuery"
    object_type = OBJECT_TYPE

    def _mode(self, item: WorkItemView) -> JobMode:
        return parse_job_mode(item.payload.get("job_mode") or self._context.options.job_mode)

    def build_request(self, item: WorkItemView) -> Request:
        self._mode(item)  # refuse a bad mode before anything is sent
        return super().build_request(item)

    def entries(self, item: WorkItemView, rs: Response, records: Sequence[Record]) -> list[StageEntry]:
        mode = self._mode(item)
        return [job_entry(rs, r, mode) for r in records]
