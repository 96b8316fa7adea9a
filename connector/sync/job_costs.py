"""QuickBooks job costs → Procore's job cost sync (``sync_single_job``: every two hours, and on demand).

seed 001 "Job Costs" mapping, per synced cost code of the project (the Service item behind it):

* Original Budget ← the amount at the time of first export to QuickBooks Desktop (the first
  ``budget.export`` of the job this connector carried out: its original-amount lines, per item);
* Revised Budget ← **Est. Cost** and Job to Date Cost ← **Act. Cost**, of the Job Estimates vs. Actuals
  Detail report (``JobReportQuery JobEstimatesVsActualsDetail``, the job's item rows);
* Commitment Invoiced ← **Amount** of the Custom Transaction Detail report (``CustomDetailReportQuery
  CustomTxnDetail``) for bill lines received against a purchase order (their "P. O. #" is filled);
* Direct Costs = Job to Date Cost − Commitment Invoiced: Procore computes it from the two (seed 001 note 1).

What is never retrieved (seed 001 "Job Costs" limitations): the report's account rows ("Other": journal
entries and expenses coded straight to G/L accounts), and rows of items that are not synced cost codes —
only the job's item rows are read here, and the write-back keeps only the items behind the project's synced
cost codes. Job costs are summaries per line item; no transaction detail is written.

Large jobs are read in pieces: both reports are asked per date window of the job (``ReportPeriod``;
everything before the project's start date first, then up to three windows of at least ``window_days``
days, the last one open-ended), one window per Web Connector round trip, summed here. The windows are fixed
at the first answer, so a session that spans midnight reads no day twice. (Not yet bounded in rows: a very
old job's windows grow with its age, since every round trip of one work item counts as an attempt.)
A job whose budget this connector has not exported is refused before anything is sent (seed 001: "A
project's budget must be synced before Job Costs can be retrieved").

Both are queries, safe to send again: an item left ``sent`` by a dead session starts its window again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from connector.qbxml import Request, Response
from connector.sync import adds, answers, codec
from connector.sync.budgets import EXPORT_KIND as BUDGET_EXPORT_KIND
from connector.sync.context import SyncContext
from connector.work import NewWork, Outcome, RequestBody, WorkItemView, WorkRefused

KIND = "job_costs.read"
#: Days per report window of a job with a start date (a quarter: a few hundred bill lines for most jobs).
WINDOW_DAYS = 92
#: Dated windows after the "before the start date" one (see ``plan_windows``).
MAX_SPANS = 3
BUDGET_NOT_SYNCED = ("The project's budget must be synced before Job Costs can be retrieved from QuickBooks "
                     "Desktop.")


class JobCostsRejected(WorkRefused, ValueError):
    """A ``sync_single_job`` the connector cannot carry out (named reason, nothing sent)."""

    def __init__(self, reason: str, status: str = "JobCostsRejected") -> None:
        self.reason = reason
        super().__init__(status, reason)


def work_from_request(request_data: Mapping[str, Any], window_days: int = WINDOW_DAYS) -> NewWork:
    """A ``sync_single_job`` request (``{"id": job origin id, "additional_job_data": {"project_id",
    "start_date"…}}``) as a ``job_costs.read`` work item."""
    if not isinstance(request_data, Mapping):
        raise JobCostsRejected("the ERP Request's request_data is not an object")
    try:
        job = adds.text(request_data, "id")
    except adds.NotText as exc:
        raise JobCostsRejected(str(exc)) from exc
    if not job:
        raise JobCostsRejected("the project is not synced with QuickBooks Desktop (no job origin id)")
    extra = request_data.get("additional_job_data")
    extra = extra if isinstance(extra, Mapping) else {}
    project_id = extra.get("procore_project_id") or extra.get("project_id")
    if not isinstance(project_id, int) or isinstance(project_id, bool):
        raise JobCostsRejected(f"its project id {project_id!r} is not a Procore id")
    start: str | None = None
    if extra.get("start_date"):
        try:
            start = date.fromisoformat(str(extra["start_date"])[:10]).isoformat()
        except ValueError:
            raise JobCostsRejected(f"its start date {extra['start_date']!r} is not a date") from None
    payload = {"job_list_id": job, "project_id": project_id, "start_date": start, "window_days": window_days}
    return NewWork(KIND, payload, str(project_id))


def window(payload: Mapping[str, Any], index: int,
           plan: Mapping[str, Any]) -> tuple[date | None, date | None]:
    """Report period of window ``index``: 0 is everything before the start date; then ``plan["days"]``-day
    windows from the start date, the last (``plan["last"]``) open-ended."""
    if not payload.get("start_date"):
        return None, None
    start = date.fromisoformat(str(payload["start_date"]))
    if index == 0:
        return None, start - timedelta(days=1)
    days = int(plan["days"])
    low = start + timedelta(days=days * (index - 1))
    high = None if index >= int(plan["last"]) else low + timedelta(days=days - 1)
    return low, high


def plan_windows(payload: Mapping[str, Any], today: date) -> dict[str, int]:
    """How the job is read, fixed at the first answer: ``last`` window index and ``days`` per window.

    Every round trip of one work item counts as an attempt of it (the driver gives up after
    ``max_attempts``, 5 by default), so a job is read in at most ``MAX_SPANS`` + 1 pieces: windows of at
    least ``window_days``, longer for an old job. A job without a start date is one unbounded read."""
    if not payload.get("start_date"):
        return {"last": 0, "days": 0}
    start = date.fromisoformat(str(payload["start_date"]))
    minimum = int(payload.get("window_days") or WINDOW_DAYS)
    age = max((today - start).days + 1, 1)
    spans = min(MAX_SPANS, -(-age // minimum))
    return {"last": spans, "days": -(-age // spans)}


def _period(low: date | None, high: date | None) -> dict[str, Any]:
    if low is None and high is None:
        return {}
    span: dict[str, Any] = {}
    if low is not None:
        span["FromReportDate"] = low
    if high is not None:
        span["ToReportDate"] = high
    return {"ReportPeriod": span}


def report_requests(payload: Mapping[str, Any], low: date | None, high: date | None) -> list[Request]:
    """The job's two reports for one window: Est./Act. Cost per item, and bill lines with their P. O. #."""
    job = {"ListID": [str(payload["job_list_id"])]}
    period = _period(low, high)
    return [
        codec.build("JobReportQuery", {"JobReportType": "JobEstimatesVsActualsDetail", **period,
                                       "ReportEntityFilter": job}),
        codec.build("CustomDetailReportQuery", {
            "CustomDetailReportType": "CustomTxnDetail", **period, "ReportEntityFilter": job,
            "ReportTxnTypeFilter": {"TxnTypeFilter": ["Bill"]}, "SummarizeRowsBy": "TotalOnly",
            "IncludeColumn": ["Item", "PONumber", "Amount"]}),
    ]


def _rows(rs: Response, tag: str) -> list[Mapping[str, Any]]:
    ret = answers.the_ret(rs, ("ReportRet",))
    data = ret.get("ReportData") or {}
    rows = data.get(tag) if isinstance(data, Mapping) else None
    if isinstance(rows, Mapping):
        rows = [rows]
    return [r for r in rows or [] if isinstance(r, Mapping)]


def _cells(rs: Response, row: Mapping[str, Any]) -> dict[str, str]:
    cols = row.get("ColData") or []
    cols = [cols] if isinstance(cols, Mapping) else cols
    return {str(c.get("@colID")): str(c.get("@value", "")) for c in cols if isinstance(c, Mapping)}


def _money(rs: Response, text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "")) if text else Decimal(0)
    except InvalidOperation:
        raise answers.UnexpectedAnswer(rs, f"with the amount {text!r} in a report row") from None


def _columns(rs: Response) -> dict[str, str]:
    """Column title → colID (the columns are found by title, not position)."""
    ret = answers.the_ret(rs, ("ReportRet",))
    descs = ret.get("ColDesc") or []
    out: dict[str, str] = {}
    for d in [descs] if isinstance(descs, Mapping) else descs:
        if not isinstance(d, Mapping):
            continue
        titles = d.get("ColTitle") or []
        for t in [titles] if isinstance(titles, Mapping) else titles:
            if isinstance(t, Mapping) and t.get("@value") and str(t["@value"]) not in out:
                out[str(t["@value"])] = str(d.get("@colID"))
        if d.get("ColType") and f"type:{d['ColType']}" not in out:
            out[f"type:{d['ColType']}"] = str(d.get("@colID"))
    return out


def read_job_report(rs: Response) -> dict[str, tuple[Decimal, Decimal]]:
    """Item FullName → (Est. Cost, Act. Cost): the job's item rows only (account rows are journal entries
    and expenses coded to G/L accounts, which the integration cannot retrieve)."""
    cols = _columns(rs)
    est, act = cols.get("Est. Cost"), cols.get("Act. Cost")
    if est is None or act is None:
        raise answers.UnexpectedAnswer(rs, "without Est. Cost and Act. Cost columns")
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for row in _rows(rs, "DataRow"):
        kind = row.get("RowData") if isinstance(row.get("RowData"), Mapping) else {}
        if kind.get("@rowType") != "item":
            continue
        cells = _cells(rs, row)
        name = str(kind.get("@value") or cells.get("1", ""))
        before = out.get(name, (Decimal(0), Decimal(0)))
        out[name] = (before[0] + _money(rs, cells.get(est, "")), before[1] + _money(rs, cells.get(act, "")))
    return out


def read_commitment_invoiced(rs: Response) -> dict[str, Decimal]:
    """Item FullName → Amount of the bill lines received against a purchase order (P. O. # filled)."""
    cols = _columns(rs)
    item, po, amount = cols.get("type:Item"), cols.get("type:PONumber"), cols.get("type:Amount")
    if item is None or po is None or amount is None:
        raise answers.UnexpectedAnswer(rs, "without Item, P. O. # and Amount columns")
    out: dict[str, Decimal] = {}
    for row in _rows(rs, "DataRow"):
        cells = _cells(rs, row)
        if cells.get(po) and cells.get(item):
            out[cells[item]] = out.get(cells[item], Decimal(0)) + _money(rs, cells.get(amount, ""))
    return out


def _add(into: Mapping[str, str], more: Mapping[str, Decimal]) -> dict[str, str]:
    out = dict(into)
    for key, value in more.items():
        out[key] = str(Decimal(out.get(key, "0")) + value)
    return out


class JobCostReadHandler:
    """``job_costs.read``: both reports per window of the job, summed; the original budget from the job's
    first budget export. The result is what the ``job_costs_outcome`` write sends to Procore."""

    kind = KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    def original_budget(self, item: WorkItemView) -> dict[str, str] | None:
        """Item ListID → original amount of the job's first budget export (None: no budget exported)."""
        exports = [w for w in self._context.queue.items(item.company_key, ["done"])
                   if w.kind == BUDGET_EXPORT_KIND and str(w.payload.get("job_list_id"))
                   == str(item.payload["job_list_id"])]
        if not exports:
            return None
        first = min(exports, key=lambda w: w.id)
        out: dict[str, Decimal] = {}
        for line in first.payload.get("lines") or []:
            if line.get("source") == "original" and line.get("item_list_id"):
                key = str(line["item_list_id"])
                out[key] = out.get(key, Decimal(0)) + Decimal(str(line["amount"]))
        return {k: str(v) for k, v in out.items()}

    def build_request(self, item: WorkItemView) -> RequestBody:
        if self.original_budget(item) is None:
            raise JobCostsRejected(BUDGET_NOT_SYNCED, "JobCostsBudgetNotSynced")
        index = int(item.result.get("next", 0))
        return report_requests(item.payload, *window(item.payload, index, item.result.get("plan") or {}))

    def build_probe(self, item: WorkItemView) -> RequestBody | None:
        return None  # queries: sent again as they are

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        names = [rs.name for rs in responses]
        if names != ["JobReportQueryRs", "CustomDetailReportQueryRs"]:
            return Outcome.resend(status_code="UnexpectedAnswer",
                                  message=f"QuickBooks answered {', '.join(names)} to the job cost reports",
                                  result=dict(item.result))
        for rs in responses:
            if codec.is_error(rs):
                return Outcome.failed(rs, result={"action": "failed"})
        try:
            costs = read_job_report(responses[0])
            invoiced = read_commitment_invoiced(responses[1])
        except answers.UnexpectedAnswer as unexpected:
            return Outcome.failed(status_code=unexpected.status_code, message=unexpected.message,
                                  result={"action": "failed"})
        index = int(item.result.get("next", 0))
        plan = item.result.get("plan") or plan_windows(item.payload, self._context.now().date())
        last = int(plan["last"])
        result = {
            "next": index + 1,
            "plan": plan,
            "est": _add(item.result.get("est") or {}, {k: v[0] for k, v in costs.items()}),
            "act": _add(item.result.get("act") or {}, {k: v[1] for k, v in costs.items()}),
            "invoiced": _add(item.result.get("invoiced") or {}, invoiced),
            "pieces": index + 1,
        }
        if index < last:
            return Outcome.resend(status_code="0", message=f"job cost window {index + 1} of {last + 1} read",
                                  result=result)
        result["original"] = self.original_budget(item) or {}
        result["action"] = "read"
        return Outcome.done(responses[0], result=result)

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return self.handle_response(item, responses)
