"""Property: whatever QuickBooks-like answer comes back, the receive path keeps its promises.

For one queued item of every registered work kind (exports and updates in their different phases, imports;
a change order's Mod and re-read, a bill's PO read, add and probe),
the session driver builds its batch; each request is then answered the way QuickBooks would — or not:
correct answers, other status codes, missing/repeated/renamed Ret fields, empty or extra Rets, another
object's Ret, another Rs, crossed, unknown or duplicated requestIDs, no answer, non-numeric numbers, huge
strings. The answer goes through ``SessionDriver.apply_response`` (the real handlers, the real queue on
in-memory SQLite), a few rounds per example. Then:

* ``apply_response`` never raises for a well-formed qbXML document;
* no item ends as ``handler-error`` (the project calls that a bug) and none is left ``sent``;
* a failed item carries a status code and a message;
* the id map never holds an entry whose name is not the item's (nor re-points an updated record);
* staged import records hold ids as text.

Derandomized and bounded: the same examples everywhere, in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree
from sync_helpers import COMPANY, Env, new_env

from connector.qbwc.driver import DriverSettings, SessionDriver
from connector.sync import (
    accounts,
    budgets,
    change_orders,
    commitments,
    invoices,
    jobs,
    projects,
    service_items,
    vendor_exports,
    vendors,
)
from connector.sync.cost_codes import EXPORT_KIND as CC_EXPORT
from connector.sync.cost_codes import OBJECT_TYPE as COST_CODE
from connector.sync.cost_codes import UPDATE_KIND as CC_UPDATE
from connector.sync.cost_codes import CostCode
from connector.sync.registry import build_handlers
from connector.work import IdMapUpdate

TICKET = "00000000-0000-4000-8000-000000000001"
CODE = CostCode("1001", "01-100", "General Requirements", "Construction Income", "Job Expenses")
SYNCED_CODE = CostCode("1002", "01-200", "Site Work", "Construction Income", "Job Expenses")
SYNCED_CODE_ID = "80000002-1700000000"
SYNCED_PROJECT_ID = "80000030-1700000000"
CUSTOMER_ID = "80000010-1700000000"


PO = "1-1700000000"
PO_LINE = {"procore_id": "7460", "cost_code": "01-200", "item_list_id": SYNCED_CODE_ID,
           "description": "More grading", "amount": "300.0"}
CHANGE_ORDER = {"change_order_id": "7537", "commitment_item_type": "work_order_contract",
                "ref_number": "SC-001", "txn_id": PO, "job_list_id": SYNCED_PROJECT_ID,
                "title": "Extra grading", "lines": [PO_LINE]}
INVOICE = {"invoice_number": "INV-7", "po_txn_id": PO, "job_list_id": SYNCED_PROJECT_ID,
           "txn_date": "2026-01-05", "due_date": None, "retainage_item_list_id": "80000040-1700000000",
           "retainage": "40.0", "amount_due": "360.0",
           "lines": [{"procore_id": "7601", "po_line_id": "3-1700000000", "description": "Grading",
                      "amount": "400.0"}]}
BILL_PHASE = {"phase": "add", "vendor_list_id": "80000050-1700000000",
              "items": {"3-1700000000": SYNCED_CODE_ID}}


@dataclass(frozen=True)
class Expected:
    """What an item's id map entry must look like, if it has one."""

    object_type: str
    procore_id: str
    name: str  # the Name (a job's FullName may add "Customer:")
    qb_id: str | None = None  # an update must keep pointing at the record it modifies


def _address() -> dict[str, str]:
    return {"Addr1": "1 Main St", "City": "Austin", "State": "TX", "PostalCode": "78701"}


BUDGET = {"budget_id": "7479", "project_id": 7428, "job_list_id": CUSTOMER_ID, "txn_id": None,
          "lines": [{"transaction_id": "7481", "source": "original", "budget_line_item_id": 501,
                     "cost_code": "01-200", "item_list_id": SYNCED_CODE_ID, "description": "Site Work",
                     "amount": "1000.00"}]}


def queue_one_of_each(env: Env, phases: dict[str, dict[str, object] | None],
                      probes: set[str]) -> list[Expected]:
    """One item per registered kind (two project exports: a customer and a job), in the drawn phases."""
    q = env.queue
    exported = q.enqueue(COMPANY, CC_EXPORT, SYNCED_CODE.payload(), procore_id=SYNCED_CODE.procore_id)
    q.complete(exported, "setup", state="done", status_code="0", message="Status OK",
               id_map=(IdMapUpdate(COST_CODE, "1002", SYNCED_CODE_ID, "1700000000", "01-200"),))
    project = {"name": "Riverside Clinic", "job_mode": "customers_are_jobs", "parent_list_id": None,
               "ship_address": _address(), "is_active": True, "cost_codes": []}
    job = {**project, "name": "Wing B", "job_mode": "jobs_under_customers", "parent_list_id": CUSTOMER_ID}
    update = {**project, "name": "Eastside Tower", "list_id": SYNCED_PROJECT_ID,
              "edit_sequence": "1700000000"}
    items = [
        (CC_EXPORT, CODE.payload(), "1001", Expected(COST_CODE, "1001", "01-100")),
        (CC_UPDATE, SYNCED_CODE.payload(), "1002", Expected(COST_CODE, "1002", "01-200", SYNCED_CODE_ID)),
        (projects.EXPORT_KIND, project, "77", Expected(projects.OBJECT_TYPE, "77", "Riverside Clinic")),
        (projects.EXPORT_KIND, job, "78", Expected(projects.OBJECT_TYPE, "78", "Wing B")),
        (projects.UPDATE_KIND, update, "79",
         Expected(projects.OBJECT_TYPE, "79", "Eastside Tower", SYNCED_PROJECT_ID)),
        (vendor_exports.KIND, {"name": "Ace Plumbing", "address": _address(), "phone": "512-555-0100",
                               "fax": None}, "55",
         Expected(vendor_exports.OBJECT_TYPE, "55", "Ace Plumbing")),
        (budgets.EXPORT_KIND, BUDGET, "7479", None),
        (budgets.UPDATE_KIND, {**BUDGET, "txn_id": "1-1700000000"}, "7480", None),
        (vendors.KIND, {"page_size": 2}, None, None),
        (jobs.KIND, {"page_size": 2, "job_mode": "jobs_under_customers"}, None, None),
        (service_items.KIND, {"page_size": 2}, None, None),
        (accounts.KIND, {}, None, None),
        (change_orders.KIND, CHANGE_ORDER, "7486", None),
        (invoices.KIND, INVOICE, "7600", None),
    ]
    # the commitment's export, done: what the change order's Mod keeps
    export = q.enqueue(COMPANY, commitments.KIND, {}, procore_id="7486")
    q.complete(export, "setup", state="done", status_code="0", message="Status OK",
               result={"TxnID": PO, "EditSequence": "1700000000", "title_line_id": None,
                       "TxnLineIDs": ["3-1700000000"]},
               id_map=(IdMapUpdate(commitments.OBJECT_TYPE, "7486", PO, "1700000000", "SC-001"),))
    expected = []
    for kind, payload, procore_id, want in items:
        item_id = q.enqueue(COMPANY, kind, payload, procore_id=procore_id)
        key = f"{kind}:{procore_id}"
        if phases.get(key) is not None or key in probes:
            q.complete(item_id, "setup", state="pending", status_code=None, message=None,
                       result=phases.get(key), probe=key in probes)
        if want is not None:
            expected.append(want)
    return expected


# -- answers ---------------------------------------------------------------------------------------
NAMES = st.sampled_from(["01-100", "01-200", "Riverside Clinic", "Wing B", "Northside Hospital:Wing B",
                         "Eastside Tower", "Ace Plumbing", "Bee Electric", "01-100 ", "RIVERSIDE CLINIC"])
IDS = st.sampled_from(["80000001-1700000000", SYNCED_CODE_ID, SYNCED_PROJECT_ID, CUSTOMER_ID,
                       "80000099-1700000000", "", " 80000001-1", "9" * 200])
NUMBERS = st.sampled_from(["0", "1", "2", "-1", "x", "1.5", "٣", "9" * 30, ""])
HUGE = st.sampled_from(["N" * 100_000, "é" * 5_000, "a\u202eb", "&<>\"'"])
STATUSES = st.sampled_from([
    ("0", "Info", "Status OK"),
    ("1", "Info", "A query request did not find a matching object in QuickBooks"),
    ("500", "Warn", "The query request has not been fully completed."),
    ("530", "Warn", "A warning"),
    ("3100", "Error", 'The name "01-100" of the list element is already in use.'),
    ("3140", "Error", "There is an invalid reference to QuickBooks Customer."),
    ("3170", "Error", "There was an error when modifying a Customer list."),
    ("3200", "Error", "The provided edit sequence \"1\" is out-of-date."),
    ("3391", "Error", 'The iteratorID "{x}" is not valid.'),
    ("0", "Error", "Status OK"),
    ("3100", "Info", "odd severity"),
    ("-5", "Error", "negative"),
    ("x", "Info", "not a number"),
    ("9" * 40, "Error", "too long"),
])
RET_TAGS = {"ItemQueryRq": "ItemServiceRet"}


def _ret_tag(rq_tag: str) -> str:
    if rq_tag in RET_TAGS:
        return RET_TAGS[rq_tag]
    base = rq_tag.removesuffix("Rq")
    for suffix in ("Add", "Mod", "Query"):
        if base.endswith(suffix):
            return base.removesuffix(suffix) + "Ret"
    return base + "Ret"


def _asked_name(rq: etree._Element) -> str | None:
    for path in (".//Name", ".//FullName"):
        found = rq.find(path)
        if found is not None and found.text:
            return found.text
    return None


@st.composite
def estimate_ret(draw: st.DrawFn) -> str:
    """An EstimateRet of the budget's job, its lines marked (or not) with its transaction, mutated."""
    line = ("<EstimateLineRet><TxnLineID>{line_id}</TxnLineID><ItemRef><ListID>" + SYNCED_CODE_ID +
            "</ListID></ItemRef><Amount>1000.00</Amount>{other1}</EstimateLineRet>")
    markers = ["<Other1>Procore 7481</Other1>", "", "<Other1>x</Other1>",
               "<Other1>Procore 7481</Other1><Other1>y</Other1>"]
    lines = [line.format(line_id=draw(st.sampled_from(["3-1", "4-1", "", "9" * 60])),
                         other1=draw(st.sampled_from(markers)))
             for _ in range(draw(st.integers(0, 3)))]
    if draw(st.integers(0, 5)) == 5:
        lines.append("<EstimateLineGroupRet><TxnLineID>9-1</TxnLineID></EstimateLineGroupRet>")
    txn_id = draw(st.sampled_from(["1-1700000000", "2-1700000000", "", "1-1700000000</TxnID><TxnID>2"]))
    job = draw(st.sampled_from([CUSTOMER_ID, SYNCED_PROJECT_ID]))
    fields = [f"<TxnID>{txn_id}</TxnID>", "<EditSequence>1700000001</EditSequence>",
              f"<CustomerRef><ListID>{job}</ListID></CustomerRef>"]
    if draw(st.booleans()):
        del fields[draw(st.integers(0, len(fields) - 1))]
    return f"<EstimateRet>{''.join(fields)}{''.join(lines)}</EstimateRet>"


@st.composite
def ret(draw: st.DrawFn, tag: str, name: str | None, list_id: str | None) -> str:
    """One Ret, correct or mutated."""
    if tag == "EstimateRet":
        return draw(estimate_ret())
    name = name or draw(NAMES)
    fields: list[tuple[str, str]] = [
        ("ListID", list_id or draw(IDS.filter(bool))),
        ("TimeCreated", "2026-01-05T09:00:00-05:00"),
        ("TimeModified", "2026-01-05T09:00:00-05:00"),
        ("EditSequence", "1700000001"),
        ("Name", name.rsplit(":", 1)[-1]),
        ("FullName", name),
        ("IsActive", "true"),
        ("Sublevel", str(name.count(":"))),
    ]
    if tag == "AccountRet":
        fields.append(("AccountType", draw(st.sampled_from(["Income", "Expense", "Bank"]))))
    for _ in range(draw(st.integers(0, 2))):
        mutation = draw(st.sampled_from(["drop", "duplicate", "rename", "number", "huge", "name", "id"]))
        index = draw(st.integers(0, len(fields) - 1))
        field, value = fields[index]
        if mutation == "drop":
            del fields[index]
        elif mutation == "duplicate":
            fields.insert(index, (field, draw(st.sampled_from([value, "2", "Other"]))))
        elif mutation == "rename":
            fields[index] = (field.lower(), value)
        elif mutation == "number":
            target = draw(st.sampled_from(["Sublevel", "IsActive", "TimeCreated", field]))
            fields[index] = (target, draw(NUMBERS))
        elif mutation == "huge":
            fields[index] = (field, draw(HUGE))
        elif mutation == "name":
            fields = [(f, draw(NAMES)) if f in ("Name", "FullName") else (f, v) for f, v in fields]
        else:
            fields = [(f, draw(IDS)) if f == "ListID" else (f, v) for f, v in fields]
        if not fields:
            break
    if draw(st.integers(0, 19)) == 19:
        return f"<{tag}/>"
    body = "".join(f"<{f}>{escape(v)}</{f}>" for f, v in fields)
    return f"<{tag}>{body}</{tag}>"


@st.composite
def answer(draw: st.DrawFn, rq: etree._Element) -> str:
    """The …Rs to one request (requestID filled in by the caller as ``{rid}``)."""
    rs_tag = rq.tag.removesuffix("Rq") + "Rs"
    if draw(st.integers(0, 9)) == 9:
        rs_tag = draw(st.sampled_from(["ItemServiceAddRs", "CustomerAddRs", "VendorQueryRs", "ItemQueryRs",
                                       "CustomerModRs", "AccountQueryRs", "UnknownThingRs"]))
    tag = _ret_tag(rs_tag.removesuffix("Rs") + "Rq")
    if draw(st.integers(0, 9)) == 9:
        tag = draw(st.sampled_from(["ItemServiceRet", "CustomerRet", "VendorRet", "ItemOtherChargeRet"]))
    code, severity, message = draw(STATUSES) if draw(st.integers(0, 2)) == 2 else ("0", "Info", "Status OK")
    asked_id = rq.findtext(".//ListID") or None
    count = draw(st.sampled_from([1, 1, 1, 0, 2])) if code == "0" else draw(st.sampled_from([0, 0, 1]))
    rets = "".join(draw(ret(tag, _asked_name(rq), asked_id)) for _ in range(count))
    extra = ""
    if rq.get("iterator") is not None and draw(st.booleans()):
        remaining = draw(st.sampled_from(["0", "3", "-1", "x", "9" * 30]))
        iterator_id = draw(st.sampled_from(["{6F0D1A7E-0000-0000-0000-000000000001}", "", "i" * 300]))
        extra = f" iteratorRemainingCount={quoteattr(remaining)} iteratorID={quoteattr(iterator_id)}"
    return (f'<{rs_tag} requestID="{{rid}}" statusCode={quoteattr(code)} statusSeverity="{severity}" '
            f"statusMessage={quoteattr(message)}{extra}>{rets}</{rs_tag}>")


def respond(data: st.DataObject, batch: str) -> str:
    """QuickBooks' (mutated) answer document to one batch."""
    root = etree.fromstring(batch.split("?>", 2)[-1].encode())
    requests = list(root.find("QBXMLMsgsRq"))
    ids = [rq.get("requestID", "") for rq in requests]
    answers: list[str] = []
    for rq, rid in zip(requests, ids, strict=True):
        fate = data.draw(st.sampled_from(["ours"] * 6 + ["swapped", "unknown", "missing", "twice"]))
        if fate == "missing":
            continue
        body = data.draw(answer(rq))
        if fate == "swapped":
            rid = data.draw(st.sampled_from(ids))
        elif fate == "unknown":
            rid = data.draw(st.sampled_from(["999999", "abc", "", "1.7", "٣"]))
        answers.append(body.replace("{rid}", escape(rid, {'"': "&quot;"})))
        if fate == "twice":
            answers.append(body.replace("{rid}", escape(rid, {'"': "&quot;"})))
    if data.draw(st.booleans()):
        answers = data.draw(st.permutations(answers))
    inner = "\n".join(answers)
    return f'<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n{inner}\n</QBXMLMsgsRs>\n</QBXML>\n'


PHASES = {
    f"{CC_EXPORT}:1001": st.sampled_from([None, {"phase": "link"}, {"phase": "probe"}, {"phase": "add"}]),
    f"{projects.EXPORT_KIND}:77": st.sampled_from([None, {"phase": "probe"},
                                                   {"phase": "probe_name", "full_name": "Riverside Clinic"}]),
    f"{projects.EXPORT_KIND}:78": st.sampled_from([None, {"phase": "probe"},
                                                   {"phase": "probe_name", "full_name": "Northside:Wing B"}]),
    f"{vendor_exports.KIND}:55": st.sampled_from([None, {"phase": "probe"}]),
    f"{CC_UPDATE}:1002": st.sampled_from([None, {"stale_retries": 1}]),
    f"{budgets.EXPORT_KIND}:7479": st.sampled_from([None, {"phase": "probe"}, {"phase": "add"}]),
    f"{budgets.UPDATE_KIND}:7480": st.sampled_from([
        None, {"phase": "read", "TxnID": "1-1700000000", "stale_retries": 1},
        {"phase": "mod", "TxnID": "1-1700000000", "EditSequence": "1700000000", "keep": ["3-1"],
         "missing": ["7481"], "stale_retries": 0}]),
    f"{change_orders.KIND}:7486": st.sampled_from([None, {"stale_retries": 1, "reread": True},
                                                   {"reread": True, "unsure_after": ["3-1700000000"]}]),
    f"{invoices.KIND}:7600": st.sampled_from([None, BILL_PHASE, {**BILL_PHASE, "phase": "probe"}]),
}
PROBE_KEYS = [f"{CC_EXPORT}:1001", f"{projects.EXPORT_KIND}:77", f"{projects.EXPORT_KIND}:78",
              f"{vendor_exports.KIND}:55", f"{budgets.EXPORT_KIND}:7479", f"{budgets.UPDATE_KIND}:7480",
              f"{change_orders.KIND}:7486", f"{invoices.KIND}:7600"]
COUNTS = {"examples": 0, "rounds": 0, "answers": 0}


def check(env: Env, expected: list[Expected]) -> None:
    records = env.queue.items(COMPANY)
    for record in records:
        assert record.state != "sent", record
        assert record.last_status_code != "handler-error", (record.kind, record.last_status_message)
        if record.state == "failed":
            assert record.last_status_code and record.last_status_message, record
    for want in expected:
        mapped = env.context.id_map.by_procore_id(COMPANY, want.object_type, want.procore_id)
        if mapped is None:
            continue
        if want.qb_id is not None:
            assert mapped.qb_id == want.qb_id, (want, mapped)
        if mapped.name is None:
            # an update forgets the EditSequence of the record it modifies (re-read next); no name yet
            assert want.qb_id is not None, (want, mapped)
        else:
            name, wanted = mapped.name.casefold(), want.name.casefold()
            assert name == wanted or name.endswith(":" + wanted), (want, mapped)
        assert isinstance(mapped.qb_id, str) and mapped.qb_id, mapped
        assert mapped.edit_sequence is None or isinstance(mapped.edit_sequence, str), mapped
    for object_type in ("vendor", "job", "item", "account"):
        for staged in env.context.staging.list(COMPANY, object_type):
            assert isinstance(staged.qb_id, str) and staged.qb_id
            assert staged.edit_sequence is None or isinstance(staged.edit_sequence, str)


# No shrink phase: shrinking documents this size takes minutes; a failure prints its draws as they were.
@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_no_answer_breaks_the_receive_path(data: st.DataObject) -> None:
    env = new_env()
    driver = SessionDriver(env.queue, build_handlers(env.context), DriverSettings(batch_size=20))
    phases = {key: data.draw(strategy) for key, strategy in PHASES.items()}
    probes = {key for key in PROBE_KEYS if data.draw(st.integers(0, 3)) == 3}
    expected = queue_one_of_each(env, phases, probes)
    COUNTS["examples"] += 1
    for _ in range(data.draw(st.integers(1, 3))):
        batch = driver.next_request(COMPANY, TICKET)
        if batch is None:
            break
        document = respond(data, batch)
        COUNTS["rounds"] += 1
        COUNTS["answers"] += document.count("requestID=")
        driver.apply_response(COMPANY, TICKET, document)
        check(env, expected)
