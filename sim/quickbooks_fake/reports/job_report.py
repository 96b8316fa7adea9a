"""JobReportQuery ``JobEstimatesVsActualsDetail``: Reports > Jobs, Time & Mileage > Job Estimates vs.
Actuals Detail, computed from the file's estimates and cost transactions.

This is where Procore reads job costs (seed 001 "Job Costs"): Revised Budget ← **Est. Cost**, Job to
Date Cost ← **Act. Cost**, per item. Layout (QuickBooks' detail report, one section per job):

    TextRow  <Customer:Job>
      TextRow  Service                     (one section per item type)
        DataRow  item  | Est. Cost | Act. Cost | ($) Diff. | (%) Diff. | Est. Rev | Act. Rev | …
      SubtotalRow  Total Service
      TextRow  Other                       (job costs coded straight to accounts: rowType account)
      SubtotalRow  Total Other
    SubtotalRow  Total <Customer:Job>
    TotalRow  TOTAL

* Est. Cost: the active estimates' line amounts for the job/item; Est. Revenue adds the line's markup.
* Act. Cost: bill, check and journal-entry lines with that Customer:Job — item lines on the item's row;
  expense lines and journal entries (no item) on their account's row under "Other", which is why the
  integration cannot retrieve them (it reads item rows).
* ($) Diff. = Act − Est; (%) Diff. = Act ÷ Est × 100, one decimal, empty when Est is zero (chosen:
  QuickBooks' exact percent convention is not in the stored sources).
* Act. Revenue comes from invoices, which the fake does not hold yet: always 0.00 (not yet faithful).

Other ``JobReportType`` values → 1030 (not supported by this implementation).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import UnsupportedRequest
from ..lists.common import ITEM_KINDS, find_ref
from ..qbxml_io import Doc
from ..registry import Reply, RequestContext, handles
from ..txns.money import ZERO, amt, dec
from .filters import period, posting_filter, subtitle
from .model import Column, Report, Row
from .postings import Posting, all_postings

if TYPE_CHECKING:
    from ..company_api import Company

TITLE = "Job Estimates vs. Actuals Detail"
COLUMNS = [
    Column("Blank", ""),
    Column("Amount", "Est. Cost", "AMTTYPE"),
    Column("Amount", "Act. Cost", "AMTTYPE"),
    Column("AmountDifference", "($) Diff.", "AMTTYPE"),
    Column("Percent", "(%) Diff.", "PERCENTTYPE"),
    Column("Amount", "Est. Revenue", "AMTTYPE"),
    Column("Amount", "Act. Revenue", "AMTTYPE"),
    Column("AmountDifference", "($) Diff.", "AMTTYPE"),
    Column("Percent", "(%) Diff.", "PERCENTTYPE"),
]
SECTIONS = {
    "ItemService": "Service",
    "ItemInventory": "Inventory Part",
    "ItemNonInventory": "Non-inventory Part",
    "ItemOtherCharge": "Other Charge",
}
SECTION_ORDER = ["Service", "Inventory Part", "Non-inventory Part", "Other Charge", "Other"]
COST_KINDS = ("Bill", "Check", "JournalEntry")

# figures: est cost, act cost, est revenue, act revenue
Figures = list[Decimal]


def _markup(line: Doc, amount: Decimal) -> Decimal:
    if line.get("MarkupRatePercent"):
        return amount * dec(line["MarkupRatePercent"]) / Decimal(100)
    if line.get("MarkupRate"):
        return dec(line["MarkupRate"]) * dec(line.get("Quantity"), Decimal(1))
    return ZERO


def _section(company: Company, p: Posting) -> tuple[str, str, str]:
    """(section, row label, rowType) of a posting."""
    if p.item:
        rec = find_ref(company, p.item, ITEM_KINDS)
        kind = rec.kind if rec is not None else ""
        return SECTIONS.get(kind, "Other"), str(p.item.get("FullName", "")), "item"
    return "Other", str((p.account or {}).get("FullName", "")), "account"


def _percent(act: Decimal, est: Decimal) -> str | None:
    if est == ZERO:
        return None
    return f"{(act / est * Decimal(100)).quantize(Decimal('0.1'))}"


def _values(label: str, f: Figures) -> dict[int, str]:
    est_cost, act_cost, est_rev, act_rev = f
    values = {
        1: label,
        2: amt(est_cost),
        3: amt(act_cost),
        4: amt(act_cost - est_cost),
        6: amt(est_rev),
        7: amt(act_rev),
        8: amt(act_rev - est_rev),
    }
    for col, pct in ((5, _percent(act_cost, est_cost)), (9, _percent(act_rev, est_rev))):
        if pct is not None:
            values[col] = pct
    return values


def _add(a: Figures, b: Figures) -> Figures:
    return [x + y for x, y in zip(a, b, strict=True)]


def collect(company: Company, body: Doc) -> dict[str, dict[str, dict[tuple[str, str], Figures]]]:
    """job → section → (label, rowType) → figures, from the filtered postings."""
    keep = posting_filter(company, body, default_status="Either")
    jobs: dict[str, dict[str, dict[tuple[str, str], Figures]]] = {}
    for p in all_postings(company, ("Estimate",) + COST_KINDS):
        if not p.job or not keep(p):
            continue
        if p.kind == "Estimate" and p.txn.doc.get("IsActive") == "false":
            continue
        section, label, row_type = _section(company, p)
        figures = [ZERO, ZERO, ZERO, ZERO]
        if p.kind == "Estimate":
            figures[0] = p.amount
            figures[2] = p.amount + _markup(p.line, p.amount)
        else:
            figures[1] = p.amount
        rows = jobs.setdefault(str(p.job.get("FullName")), {}).setdefault(section, {})
        rows[(label, row_type)] = _add(rows.get((label, row_type), [ZERO] * 4), figures)
    return jobs


def build(company: Company, body: Doc) -> Report:
    low, high = period(company, body)
    basis = company.preferences.get("ReportsPreferences", {}).get("SummaryReportBasis", "Accrual")
    report = Report(TITLE, subtitle(low, high), COLUMNS, basis=basis)
    grand = [ZERO] * 4
    for job in sorted(collect(company, body).items(), key=lambda kv: kv[0].casefold()):
        job_name, sections = job
        report.text_row(job_name)
        job_total = [ZERO] * 4
        for section in [s for s in SECTION_ORDER if s in sections]:
            report.text_row(section)
            section_total = [ZERO] * 4
            for (label, row_type), figures in sorted(
                sections[section].items(), key=lambda kv: kv[0][0].casefold()
            ):
                report.add(Row("DataRow", _values(label, figures), row_type=row_type, row_value=label))
                section_total = _add(section_total, figures)
            report.add(Row("SubtotalRow", _values(f"Total {section}", section_total)))
            job_total = _add(job_total, section_total)
        report.add(
            Row(
                "SubtotalRow",
                _values(f"Total {job_name}", job_total),
                row_type="customer",
                row_value=job_name,
            )
        )
        grand = _add(grand, job_total)
    report.add(Row("TotalRow", _values("TOTAL", grand)))
    return report


@handles("JobReportQuery")
def job_report_query(ctx: RequestContext) -> Reply:
    """JobEstimatesVsActualsDetail from the file's estimates, bills, checks and journal entries.

    Not yet faithful: Act. Revenue is always 0.00 (the fake holds no invoices); other JobReportType
    values answer 1030; report macros beyond the eight listed in ``filters.py``, AccountTypeFilter,
    EntityTypeFilter, ItemTypeFilter and ReportClassFilter are ignored.
    """
    if ctx.body.get("JobReportType") != "JobEstimatesVsActualsDetail":
        raise UnsupportedRequest()
    return Reply(children=[("ReportRet", build(ctx.company, ctx.body).raw())])
