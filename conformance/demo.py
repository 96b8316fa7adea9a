"""The integration as a person meets it: what ``qbsim run`` prints first.

Procore users act in the fake Procore (an approver sends, the accountant accepts), Procore sends ERP
Requests to the connector by webhook, the Web Connector runs an update against the fake QuickBooks company
file, and the connector writes the results back to Procore. Each workflow ends with a check of what the
seeds say must be true (seed 001/002: what is Synced, what QuickBooks holds, what is on Ready to Import or
Failed to Export); :class:`DemoReport` says which held.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree

from conformance.procore_stack import RETAINAGE_ITEM, ProcoreStack, commitment_invoiced, job_actual_costs
from conformance.scenarios.data import COST_CODES, seed_customers_and_jobs, seed_vendors
from sim.webconnector import UpdateResult

LOG_TAIL = 6


@dataclass
class Workflow:
    """One workflow of the seeds, run end to end, and whether it ended as they say."""

    title: str
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def check(self, held: bool, expectation: str) -> None:
        self.lines.append(f"  {'ok ' if held else 'FAIL'} {expectation}")
        if not held:
            self.failures.append(expectation)


@dataclass
class DemoReport:
    workflows: list[Workflow]

    @property
    def ok(self) -> bool:
        return all(not w.failures for w in self.workflows)

    def lines(self) -> list[str]:
        out: list[str] = []
        for workflow in self.workflows:
            out.append(f"{'✔' if not workflow.failures else '✘'} {workflow.title}")
            out.extend(workflow.lines)
        done = sum(1 for w in self.workflows if not w.failures)
        out.append(f"{done} of {len(self.workflows)} workflows ended as the seeds say")
        return out


def _request_tags(document: str) -> list[str]:
    root = etree.fromstring(document.split("?>", 2)[-1].encode())
    return [
        str(el.tag) + (f' iterator="{el.get("iterator")}"' if el.get("iterator") else "")
        for el in root.find("QBXMLMsgsRq")
        if isinstance(el.tag, str)
    ]


def _update(stack: ProcoreStack, workflow: Workflow, *, detail: bool = False) -> UpdateResult:
    """Webhooks in, one Web Connector update, results back to Procore — described on the way."""
    stack.sync()
    result = stack.run_update()
    stack.tick()
    stack.deliver()
    workflow.lines.append(f"  Web Connector update: {result.outcome.value} — {result.status}")
    if detail:
        workflow.lines.append("    callbacks: " + " → ".join(result.operations))
        for n, exchange in enumerate((e for e in result.exchanges if not e.hcp), start=1):
            counts = Counter(_request_tags(exchange.request))
            workflow.lines.append(
                f"    qbXML document {n}: " + ", ".join(f"{c} x {t}" for t, c in counts.items())
            )
        workflow.lines.append(
            "    progress (receiveResponseXML): " + ", ".join(f"{p}%" for p in result.progress)
        )
    return result


def cost_codes(stack: ProcoreStack) -> Workflow:
    w = Workflow("Standard cost codes → QuickBooks Service items (seed 001 Cost Codes)")
    made = [stack.export_standard_cost_code(code, name) for code, name in COST_CODES]
    w.lines.append(
        f"  accountant accepts {len(made)} standard cost codes for export (income/expense accounts chosen)"
    )
    result = _update(stack, w, detail=True)
    items = {i["FullName"]: i for i in stack.records("ItemService")}
    for code in made:
        item = items.get(code["full_code"])
        seen = stack.item("standard_cost_code", code["id"])
        w.lines.append(
            f"    {code['full_code']:<8} {code['name']:<36} QuickBooks ListID "
            f"{item['ListID'] if item else '-':<22} Procore: {seen['status_label']}"
        )
    w.check(all(c["full_code"] in items for c in made), "each cost code is one Service item in QuickBooks")
    w.check(
        all(stack.synced("standard_cost_code", c["id"]) for c in made),
        "Procore shows every cost code Synced with the QuickBooks ListID",
    )
    w.lines.append(f"  QWCLog.txt (last {LOG_TAIL} lines):")
    w.lines.extend("    " + line.splitlines()[0][:150] for line in result.log[-LOG_TAIL:])
    return w


def project(stack: ProcoreStack) -> Workflow:
    w = Workflow("Project → QuickBooks customer (seed 001 Projects, 'Customers = Jobs')")
    made = stack.new_project("Harbor View Medical Office")
    stack.send_and_accept("project", made["id"], sender="Pat Manager")
    w.lines.append("  project manager sends the project; the accounting approver accepts it")
    _update(stack, w)
    job = next((c for c in stack.records("Customer") if c["FullName"] == made["name"]), None)
    seen = stack.item("project", made["id"])
    w.lines.append(
        f"    QuickBooks customer {made['name']!r}: ListID {job['ListID'] if job else '-'}, "
        f"Ship To {job['ShipAddress']['City'] if job else '-'}; Procore: {seen['status_label']}"
    )
    w.check(job is not None and str(job["Sublevel"]) == "0", "the project is a tier 1 customer in QuickBooks")
    w.check(
        seen["status"] == "synced" and job is not None and seen["origin_id"] == job["ListID"],
        "Procore shows the project Synced with the QuickBooks ListID",
    )
    return w


def company(stack: ProcoreStack) -> Workflow:
    w = Workflow("Company → QuickBooks vendor (seed 001 Vendors)")
    made = stack.new_vendor("Granite Ridge Masonry")
    stack.send_and_accept("vendor", made["id"])
    w.lines.append("  the Directory's company is sent to ERP and accepted")
    _update(stack, w)
    vendor = next((v for v in stack.records("Vendor") if v["Name"] == made["name"]), None)
    seen = stack.item("vendor", made["id"])
    w.lines.append(
        f"    QuickBooks vendor {made['name']!r}: phone {vendor.get('Phone') if vendor else '-'}; "
        f"Procore: {seen['status_label']}"
    )
    w.check(vendor is not None, "the company is a vendor in QuickBooks")
    w.check(seen["status"] == "synced", "Procore shows the company Synced")
    return w


def commitment(stack: ProcoreStack) -> Workflow:
    w = Workflow("Commitment → QuickBooks purchase order (seed 001 Commitments)")
    project = next(
        p
        for p in stack.rest("GET", "/rest/v1.0/projects", {"company_id": stack.company_id})
        if p["name"] == "Harbor View Medical Office"
    )
    vendor = next(
        v
        for v in stack.rest("GET", "/rest/v1.0/vendors", {"company_id": stack.company_id})
        if v["name"] == "Granite Ridge Masonry"
    )
    codes = {
        c["full_code"]: c for c in stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})
    }
    body = {
        "title": "Masonry",
        "description": "CMU walls, levels 1-2",
        "vendor_id": vendor["id"],
        "status": "Approved",
        "line_items": [
            {"cost_code_id": codes["03-300"]["id"], "amount": "42000", "description": "Grout and rebar"},
            {"cost_code_id": codes["06-100"]["id"], "amount": "18500.75", "description": "Blocking"},
        ],
    }
    woc = stack.rest(
        "POST",
        "/rest/v1.0/work_order_contracts",
        {"project_id": project["id"], "work_order_contract": body},
        expect=201,
    )
    stack.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    w.lines.append(
        f"  work order contract #{woc['number']} with {vendor['name']} (2 SOV lines) sent and accepted"
    )
    _update(stack, w)
    po = next((p for p in stack.records("PurchaseOrder") if p.get("RefNumber") == woc["number"]), None)
    seen = stack.item("work_order_contract", woc["id"])
    if po is not None:
        w.lines.append(
            f"    QuickBooks PO {po['RefNumber']} to {po['VendorRef']['FullName']}: "
            f"total {po['TotalAmount']}, vendor message {po.get('VendorMsg')!r}; "
            f"Procore: {seen['status_label']}"
        )
    w.check(
        po is not None and po["TotalAmount"] == "60500.75",
        "one purchase order with P.O. NO. = Commitment #, the SOV amounts and the Description as message",
    )
    w.check(
        seen["status"] == "synced" and po is not None and seen["origin_id"] == po["TxnID"],
        "Procore shows the commitment Synced with the QuickBooks TxnID",
    )
    return w


def _harbor_view(stack: ProcoreStack) -> dict[str, Any]:
    project: dict[str, Any] = next(
        p
        for p in stack.rest("GET", "/rest/v1.0/projects", {"company_id": stack.company_id})
        if p["name"] == "Harbor View Medical Office"
    )
    return project


def _estimate_lines(stack: ProcoreStack, job: str) -> list[tuple[str, str]]:
    estimate = next((e for e in stack.records("Estimate") if e["CustomerRef"]["FullName"] == job), None)
    return [(ln["ItemRef"]["FullName"], ln["Amount"]) for ln in (estimate or {}).get("EstimateLineRet", [])]


def budget_setup(stack: ProcoreStack) -> Workflow:
    w = Workflow("Set Up and Export a Budget → QuickBooks estimate (seed 002; seed 001 Budgets)")
    project = _harbor_view(stack)
    listed = stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})
    codes = {c["full_code"]: c for c in listed}
    amounts = {"01-100": "12000", "03-300": "185000", "06-100": "64250.50"}
    for code, amount in amounts.items():
        stack.add_budget_line(project["id"], codes[code]["id"], amount)
    stack.lock_budget(project["id"])
    budget_id = stack.erp_budget(project["id"])
    stack.send_and_accept("budget", budget_id, sender="Pat Manager")
    w.lines.append(f"  project manager adds {len(amounts)} budget line items, locks the budget and sends it; "
                   "the accounting approver accepts it")
    _update(stack, w)
    lines = _estimate_lines(stack, project["name"])
    seen = stack.item("budget", budget_id)
    for item, amount in lines:
        w.lines.append(f"    estimate line {item:<8} Rate = Amount {amount:>12}")
    w.lines.append(f"    Procore: {seen['status_label']}")
    w.check(
        lines == [(code, f"{Decimal(a):.2f}") for code, a in amounts.items()],
        "one estimate on the project's Customer:Job, a line per budget line (Item, Rate = Amount = Original "
        "Budget Amount)",
    )
    w.check(seen["status"] == "synced", "Procore shows the budget Synced with the estimate's TxnID")
    w.check(stack.est_cost(project["name"]) == stack.revised_budget(project["id"]),
            "QuickBooks' Job Estimates vs. Actuals shows Est. Cost = Procore's Revised Budget per cost code")
    return w


def budget_update(stack: ProcoreStack) -> Workflow:
    w = Workflow("Update and Export a Budget → new lines on the same estimate (seed 002; seed 001 Budgets)")
    project = _harbor_view(stack)
    lines = {ln["cost_code"]["full_code"]: ln for ln in stack.budget_lines(project["id"])}
    budget_id = stack.erp_budget(project["id"])
    stack.modify_budget(project["id"], lines["03-300"]["id"], lines["06-100"]["id"], "7500")
    ready = [(i["item_type"], i["item_id"]) for i in stack.lists()["ready_to_update"]]
    w.check(("budget", budget_id) in ready, "the modified synced budget is on Ready to Update")
    w.lines.append("  a budget modification moves 7,500.00 from 03-300 to 06-100; the budget is sent again "
                   "and accepted")
    stack.send_and_accept("budget", budget_id, sender="Pat Manager")
    _update(stack, w)
    estimates = [e for e in stack.records("Estimate") if e["CustomerRef"]["FullName"] == project["name"]]
    after = _estimate_lines(stack, project["name"])
    for item, amount in after[3:]:
        w.lines.append(f"    new estimate line {item:<8} {amount:>12}")
    seen = stack.item("budget", budget_id)
    w.lines.append(f"    Procore: {seen['status_label']}")
    w.check(len(estimates) == 1, "the existing estimate is modified, not duplicated")
    w.check(after[3:] == [("03-300", "-7500.00"), ("06-100", "7500.00")],
            "a negative line on the 'From' cost code and a positive one on the 'To' cost code, below the "
            "existing lines")
    w.check(seen["status"] == "synced" and not seen["changed_since_sync"], "Procore shows the budget Synced")
    w.check(stack.est_cost(project["name"]) == stack.revised_budget(project["id"]),
            "Est. Cost follows the revised budget; the first lines keep the Original Budget")
    return w


def _harbor_view_commitment(stack: ProcoreStack) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The project, its cost codes by code and the work order contract the commitment workflow synced."""
    project = _harbor_view(stack)
    codes = {
        c["full_code"]: c for c in stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})
    }
    woc = next(
        c
        for c in stack.rest("GET", "/rest/v1.0/work_order_contracts", {"project_id": project["id"]})
        if c["title"] == "Masonry"
    )
    return project, codes, woc


def change_order(stack: ProcoreStack) -> Workflow:
    w = Workflow("Commitment change orders → new lines on the QuickBooks purchase order (seed 001 CCOs)")
    project, codes, woc = _harbor_view_commitment(stack)
    [before] = [p for p in stack.records("PurchaseOrder") if p.get("RefNumber") == woc["number"]]
    ccos = []
    for title, code, amount in (("Added parapet", "03-300", "4200"), ("Extra blocking", "06-100", "950.25")):
        ccos.append(
            stack.rest(
                "POST",
                f"/rest/v1.0/projects/{project['id']}/commitment_change_orders",
                {"change_order": {"contract_id": woc["id"], "title": title, "status": "approved",
                                  "line_items": [{"cost_code_id": codes[code]["id"], "amount": amount,
                                                  "description": title}]}},
                expect=201,
            )
        )
        stack.send_and_accept("commitment_change_order", ccos[-1]["id"], sender="Pat Manager")
    w.lines.append(f"  two approved change orders of #{woc['number']} sent and accepted together")
    result = _update(stack, w, detail=True)
    [po] = [p for p in stack.records("PurchaseOrder") if p.get("RefNumber") == woc["number"]]
    new = po["PurchaseOrderLineRet"][len(before["PurchaseOrderLineRet"]):]
    for line in new:
        w.lines.append(f"    new PO line: {line.get('Desc')!r} {line.get('Amount', '')}")
    seen = [stack.item("commitment_change_order", c["id"]) for c in ccos]
    w.lines.append("    Procore: " + ", ".join(s["status_label"] for s in seen))
    mods = [x.request.count("<PurchaseOrderModRq") for x in result.exchanges
            if "PurchaseOrderMod" in x.request]
    w.check(
        po["PurchaseOrderLineRet"][: len(before["PurchaseOrderLineRet"])] == before["PurchaseOrderLineRet"]
        and [ln.get("Desc") for ln in new] == ["Added parapet"] * 2 + ["Extra blocking"] * 2,
        "the change orders' lines are added below the existing PO lines, in the order sent",
    )
    w.check(mods == [1, 1], "one change order per PurchaseOrderMod: never two of a commitment in one batch")
    w.check(po["TotalAmount"] == "65651.00", "the PO total grows by the change orders' amounts")
    w.check(all(s["status"] == "synced" for s in seen), "Procore shows both change orders Synced")
    return w


def subcontractor_invoice(stack: ProcoreStack) -> Workflow:
    w = Workflow(
        "Subcontractor invoice → QuickBooks bill against the PO (seed 001/002 Subcontractor Invoices)"
    )
    project, _codes, woc = _harbor_view_commitment(stack)
    retainage = next(i["ListID"] for i in stack.records("ItemService") if i["FullName"] == RETAINAGE_ITEM)
    stack.settings(invoice_retainage_item_origin_id=retainage)
    w.lines.append(f"  the Invoice Retainage Item is QuickBooks' {RETAINAGE_ITEM!r} Service item (seed 004)")
    sov = stack.rest(
        "GET", f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items", {"project_id": project["id"]}
    )
    items = [
        {"commitment_line_item_id": line["id"], "work_completed_this_period": work,
         "work_completed_retainage_percent": "10"}
        for line, work in zip(sov, ("21000", "5000"), strict=False)
    ]
    inv = stack.rest(
        "POST",
        "/rest/v1.0/requisitions",
        {"project_id": project["id"], "requisition": {
            "commitment_id": woc["id"], "invoice_number": "GRM-101", "billing_date": "2024-01-31",
            "payment_date": "2024-03-01", "status": "approved", "items": items}},
        expect=201,
    )
    stack.send_and_accept("requisition", inv["id"], sender="Pat Manager")
    w.lines.append(f"  invoice {inv['invoice_number']} (10% retainage) approved, sent and accepted")
    _update(stack, w, detail=True)
    bill = next((b for b in stack.records("Bill") if b.get("RefNumber") == "GRM-101"), None)
    seen = stack.item("requisition", inv["id"])
    invoiced = commitment_invoiced(stack.company, "Harbor View Medical Office")
    if bill is not None:
        for line in bill["ItemLineRet"]:
            w.lines.append(f"    bill line: {line['ItemRef']['FullName']:<10} {line['Amount']:>10}")
        w.lines.append(f"    Amount Due {bill['AmountDue']}; Procore: {seen['status_label']}")
    w.lines.append("    job costs, Commitment Invoiced: "
                   + ", ".join(f"{item} {amount}" for item, amount in sorted(invoiced.items())))
    actual = job_actual_costs(stack.company, "Harbor View Medical Office")
    w.lines.append("    job costs, Act. Cost (Job Estimates vs. Actuals Detail): "
                   + ", ".join(f"{item} {amount}" for item, amount in sorted(actual.items())))
    w.check(
        bill is not None and bill["TxnDate"] == "2024-01-31" and bill["DueDate"] == "2024-03-01"
        and bill["VendorRef"]["FullName"] == "Granite Ridge Masonry",
        "a bill dated the Billing Date, due the Payment Date, to the commitment's vendor, REF. NO. = "
        "Invoice #",
    )
    w.check(
        bill is not None
        and [ln["ItemRef"]["FullName"] for ln in bill["ItemLineRet"]] == ["03-300", "06-100", RETAINAGE_ITEM]
        and bill["ItemLineRet"][-1]["Amount"] == "-2600.00" and bill["AmountDue"] == "23400.00",
        "lines per cost code, retainage on its own line on the Invoice Retainage Item, Amount Due = "
        "payment due",
    )
    w.check(
        bill is not None and [t["RefNumber"] for t in bill.get("LinkedTxn", [])] == [woc["number"]],
        "the bill is received against the commitment's purchase order",
    )
    w.check(
        invoiced == {"03-300": Decimal("21000.00"), "06-100": Decimal("5000.00")},
        "QuickBooks' job costs show Commitment Invoiced = the billed lines (retainage not in it)",
    )
    w.check(
        actual.get("03-300") == Decimal("21000.00") and actual.get("06-100") == Decimal("5000.00"),
        "the Job Estimates vs. Actuals Detail's Act. Cost carries the bill's lines",
    )
    w.check(
        seen["status"] == "synced" and bill is not None and seen["origin_id"] == bill["TxnID"],
        "Procore shows the invoice Synced with the bill's TxnID",
    )
    return w


def bill_payment(stack: ProcoreStack) -> Workflow:
    w = Workflow("QuickBooks bill payment → Procore's Payments Issued (seed 001 Commitment Payments Issued, "
                 "seed 003)")
    project, _codes, woc = _harbor_view_commitment(stack)
    bill = next((b for b in stack.records("Bill") if b.get("RefNumber") == "GRM-101"), None)
    if bill is None:
        w.check(False, "the demo bill GRM-101 is in QuickBooks (the invoice workflow made it)")
        return w
    paid = stack.company.ui.pay_bill("GRM-101", check_number="5001", date="2024-03-01",
                                     memo="Harbor View masonry, January")
    w.lines.append(f"  the accountant pays bill GRM-101 in QuickBooks: check {paid['RefNumber']}, "
                   f"{paid['TxnDate']}, {paid['Amount']} (Bill Pmt -Check)")
    answer = stack.sim("POST", "/erp/refresh/payments", {"as_user_id": stack.users["Alex Accountant"]})
    w.lines.append("  the accounting approver clicks 'Sync Payments for Synced Progress Claims' "
                   f"({answer.status_code})")
    _update(stack, w)
    issued = stack.rest("GET", "/rest/v1.0/contract_payments",
                        {"project_id": project["id"], "contract_id": woc["id"]})
    for p in issued:
        w.lines.append(f"    Payments Issued: {p['payment_method']} {p['date']} invoice "
                       f"{p['invoice_number']} check {p['check_number']} {p['amount']} — {p['notes']}")
    want = [("check", "2024-03-01", "GRM-101", "5001", "Harbor View masonry, January",
             Decimal(bill["AmountDue"]))]
    got = [(p["payment_method"], p["date"], p["invoice_number"], p["check_number"], p["notes"],
            Decimal(str(p["amount"]))) for p in issued]
    w.check(got == want, "Procore shows the bill's payment under Payments Issued: Payment Method, Date, "
                         "Invoice # = Ref. No., Check/Ref # = No., Notes = Memo, Amount = Amt. Paid")
    w.check(bool(issued) and all(p.get("origin_id") for p in issued),
            "the payment is marked synced with QuickBooks (origin id)")
    return w


def job_costs(stack: ProcoreStack) -> Workflow:
    w = Workflow("QuickBooks job costs → Procore, on demand (seed 001 Job Costs)")
    project = _harbor_view(stack)
    job = project["name"]
    answer = stack.sim("POST", "/erp/refresh/job_costs",
                       {"as_user_id": stack.users["Erin Sponsor"], "project_id": project["id"]})
    w.lines.append("  the ERP Integrations admin syncs the project's job costs on demand: "
                   f"{answer.status_code} {answer.json().get('request_name')}")
    _update(stack, w, detail=True)
    codes = {c["id"]: c["full_code"]
             for c in stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})}
    path = f"/_sim/companies/{stack.company_id}/projects/{project['id']}/erp/job_costs"
    rows = stack.procore.get(path, params={"as_user_id": stack.users["Erin Sponsor"]}).json()
    shown = {codes[r["cost_code_id"]]: r for r in rows if r["cost_code_id"] in codes}
    est, actual = stack.est_cost(job), job_actual_costs(stack.company, job)
    invoiced = commitment_invoiced(stack.company, job)
    differ = []
    for code, row in sorted(shown.items()):
        got = (Decimal(row["estimate"]), Decimal(row["job_to_date_cost"]),
               Decimal(row["commitment_invoiced"]))
        want = (est.get(code, Decimal(0)), actual.get(code, Decimal(0)), invoiced.get(code, Decimal(0)))
        original = Decimal(row["original_estimate"])
        w.lines.append(f"    {code:<8} Original {original:>10.2f}  Revised {got[0]:>10.2f}  "
                       f"Job to Date {got[1]:>10.2f}  Commitment Invoiced {got[2]:>10.2f}")
        if got != want:
            differ.append(f"{code}: Procore {got}, QuickBooks {want}")
    [view] = stack.rest("GET", "/rest/v1.0/budget_views", {"project_id": project["id"]})
    detail = stack.rest("GET", f"/rest/v1.0/budget_views/{view['id']}/detail_rows",
                        {"project_id": project["id"]})
    direct = {r["cost_code"]: Decimal(r["direct_costs"]) for r in detail}
    w.check(bool(shown) and not differ,
            "Procore's job costs match QuickBooks' reports line by line (Revised Budget = Est. Cost, Job to "
            "Date = Act. Cost, Commitment Invoiced = bills against POs)" + (f": {'; '.join(differ)}"
                                                                            if differ else ""))
    w.check(set(shown) == set(codes.values()),
            "one job cost line per synced cost code; the retainage item's row is not among them")
    w.check(all(direct.get(code) == Decimal(r["job_to_date_cost"]) - Decimal(r["commitment_invoiced"])
                for code, r in shown.items() if code in direct),
            "the budget's Direct Costs = Job to Date Cost − Commitment Invoiced (Read Only, from QuickBooks)")
    return w


def duplicate_name(stack: ProcoreStack) -> Workflow:
    w = Workflow("A name QuickBooks already uses: Failed to Export, fixed, resent (seed 001 Vendors)")
    stack.company.ui.create_vendor("Summit Steel")
    made = stack.new_vendor("Summit Steel")
    stack.send_and_accept("vendor", made["id"])
    _update(stack, w)
    seen = stack.item("vendor", made["id"])
    w.lines.append(f"    Procore: {seen['status_label']} — {'; '.join(seen['messages']) or '-'}")
    w.check(
        seen["status"] == "failed" and "3100" in " ".join(seen["messages"]),
        "the export fails with QuickBooks' 3100 message, shown to the approver",
    )
    stack.company.ui.edit("Vendor", "Summit Steel", Name="Summit Steel (old)")
    w.lines.append(
        "  the accountant renames the QuickBooks vendor; the approver resends, the accountant accepts"
    )
    stack.act("resend", "Erin Sponsor", "vendor", made["id"])
    stack.act("accept", "Alex Accountant", "vendor", made["id"])
    _update(stack, w)
    seen = stack.item("vendor", made["id"])
    w.lines.append(f"    Procore: {seen['status_label']}")
    w.check(seen["status"] == "synced", "after the fix the resend succeeds")
    return w


def staging(stack: ProcoreStack) -> Workflow:
    w = Workflow("QuickBooks vendors and jobs → Procore's Ready to Import (seed 001 hourly company sync)")
    vendors = seed_vendors(stack.company)
    tiers = seed_customers_and_jobs(stack.company)
    w.lines.append(
        f"  the accountant keeps {len(vendors)} vendors and {sum(map(len, tiers.values()))} "
        "customers/jobs in QuickBooks; an hour passes"
    )
    stack.advance(60)
    emitted = stack.advance(3600)
    w.lines.append(
        f"  Procore's hourly company sync sends {len(emitted)} ERP Requests (sync_jobs, sync_vendors)"
    )
    _update(stack, w)
    staged = stack.lists()["ready_to_import"]
    names = {(s["item_type"], s["data"].get("name")) for s in staged}
    for item_type, name in sorted(n for n in names if n[1]):
        w.lines.append(f"    Ready to Import: {item_type:<8} {name}")
    w.check(
        all(("vendor", v) in names for v in vendors), "every active QuickBooks vendor is on Ready to Import"
    )
    w.check(
        all(("project", c) in names for c in tiers["tier1"]),
        "the tier 1 customers are on Ready to Import as projects ('Customers = Jobs')",
    )
    w.check(
        not any(n[1] and ":" in str(n[1]) for n in names if n[0] == "project"),
        "jobs below tier 1 are not offered ('Customers = Jobs')",
    )
    return w


WORKFLOWS: tuple[Callable[[ProcoreStack], Workflow], ...] = (
    cost_codes,
    project,
    company,
    commitment,
    budget_setup,
    budget_update,
    change_order,
    subcontractor_invoice,
    bill_payment,
    job_costs,
    duplicate_name,
    staging,
)


def run_procore_demo() -> DemoReport:
    """Every workflow on one stack, in order (later ones build on the cost codes of the first)."""
    stack = ProcoreStack.create()
    try:
        return DemoReport([workflow(stack) for workflow in WORKFLOWS])
    finally:
        stack.side.stop()
        stack.company.close()
