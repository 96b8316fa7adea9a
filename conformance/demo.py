"""The whole Web Connector path as a story a person can read: what ``qbsim run`` prints.

One in-process stack (fake QuickBooks Desktop 2024 company file, the connector with every sync module,
the Web Connector emulator): a contractor's Procore cost codes are exported as Service items in one
batch, QuickBooks vendors and customers/jobs are imported page by page with iterators, and the lines
returned say what each side now holds, the progress values QBWC showed and the tail of QWCLog.txt.
"""

from __future__ import annotations

from collections import Counter

from conformance.scenarios.data import cost_codes, seed_customers_and_jobs, seed_vendors
from conformance.stack import Stack
from sim.webconnector import UpdateResult

LOG_TAIL = 8


def _request_summary(result: UpdateResult) -> list[str]:
    lines = []
    for n, exchange in enumerate((e for e in result.exchanges if not e.hcp), start=1):
        counts = Counter(_request_tags(exchange.request))
        shown = ", ".join(f"{count} x {tag}" for tag, count in counts.items())
        lines.append(f"  qbXML document {n}: {shown}")
    return lines


def _request_tags(document: str) -> list[str]:
    from lxml import etree

    root = etree.fromstring(document.split("?>", 2)[-1].encode())
    return [
        f"{el.tag}" + (f' iterator="{el.get("iterator")}"' if el.get("iterator") else "")
        for el in root.find("QBXMLMsgsRq")
        if isinstance(el.tag, str)
    ]


def run_stack_demo(page_size: int = 2, log_tail: int = LOG_TAIL) -> list[str]:
    """Run the stack once in-process and describe it, line by line."""
    stack = Stack.create()
    try:
        codes = cost_codes()
        vendors = seed_vendors(stack.company)
        tiers = seed_customers_and_jobs(stack.company)
        plan = stack.connector.export_cost_codes(stack.company_key, codes)
        stack.connector.import_vendors(stack.company_key, page_size=page_size)
        stack.connector.import_jobs(stack.company_key, page_size=page_size)
        lines = [
            f"QuickBooks: {stack.company.edition.product_name}, company file {stack.company.qbw_path}",
            f"Procore: {len(plan.queued)} cost codes queued for export; "
            f"QuickBooks holds {len(vendors)} vendors and {sum(map(len, tiers.values()))} customers/jobs",
        ]
        result = stack.run_update()
        lines.append(f"Web Connector update: {result.outcome.value} — {result.status}")
        lines.append("  callbacks: " + " → ".join(result.operations))
        lines.extend(_request_summary(result))
        lines.append("  progress (receiveResponseXML): " + ", ".join(f"{p}%" for p in result.progress))
        items = stack.items("ItemService")
        lines.append(f"Cost codes exported as Service items: {len(items)}")
        for item in items:
            desc = item["SalesAndPurchase"].get("SalesDesc", "")
            lines.append(f"  {item['Name']:<8} {desc}  (ListID {item['ListID']})")
        staged_vendors = stack.connector.staged(stack.company_key, "vendor", "ready")
        lines.append(f"Vendors staged for import into Procore: {len(staged_vendors)}")
        lines.extend(
            f"  {v.name:<22} phone {v.data.get('phone') or '-':<13} fax {v.data.get('fax') or '-'}"
            for v in staged_vendors
        )
        jobs = stack.connector.staged(stack.company_key, "job")
        ready = [j for j in jobs if j.status == "ready"]
        lines.append(
            f"Jobs staged ('Customers = Jobs'): {len(ready)} importable, {len(jobs) - len(ready)} skipped"
        )
        lines.extend(f"  {j.name:<45} {j.status}{'' if j.reason is None else ': ' + j.reason}" for j in jobs)
        lines.append(f"QWCLog.txt (last {log_tail} lines):")
        lines.extend("  " + line.splitlines()[0][:160] for line in result.log[-log_tail:])
        return lines
    finally:
        stack.company.close()
