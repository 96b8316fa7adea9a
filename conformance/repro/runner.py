"""Run a scenario file on the in-process stack and record its trace.

The stack is :class:`~conformance.procore_stack.ProcoreStack`: the fake Procore, the connector and a fake
company file on one virtual clock. People act through the fakes' public faces (Procore's REST API and its
``/_sim`` web-UI routes, QuickBooks' ``company.ui``); the Web Connector emulator drives the connector's SOAP
service; the connector reaches Procore over a link the runner watches (and faults). Nothing reads the
connector's database: expectations look at the two fakes and at what crossed the wires.

Procore's own fault rules are applied on the connector's link to Procore (a rule answers the matching
request with its status instead of Procore): the fake Procore has no fault-rule API of its own here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from lxml import etree

from conformance.procore_stack import (
    CLIENT_ID,
    CLIENT_SECRET,
    CONNECTOR_URL,
    EXPENSE_ACCOUNT,
    INCOME_ACCOUNT,
    PASSWORD,
    USERNAME,
    ProcoreStack,
)
from conformance.repro import generated_company
from conformance.repro.expectations import CheckResult, check_all
from conformance.repro.schema import (
    Create,
    Faults,
    ItemAction,
    ProcoreFault,
    QuickBooksAction,
    Scenario,
    SlowCall,
    Step,
    Update,
)
from conformance.repro.trace import Trace
from connector.qbwc.qwc import QwcSpec, build_qwc
from sim.webconnector import KillSwitch, UpdateResult, WebConnector
from sim.webconnector.result import CallRecord

#: Who sends each kind to ERP by default (seed 001's permission matrix: the tool's Admin).
SENDERS = {
    "standard_cost_code": "Erin Sponsor",
    "vendor": "Erin Sponsor",
    "project": "Pat Manager",
    "work_order_contract": "Pat Manager",
    "commitment_change_order": "Pat Manager",
    "requisition": "Pat Manager",
}
APPROVER = "Alex Accountant"
#: QuickBooks lists whose changes the trace shows (records keyed by ListID / TxnID).
WATCHED_KINDS = ("Vendor", "Customer", "ItemService", "PurchaseOrder", "Bill", "Estimate")
_HARDENED = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class ScenarioError(RuntimeError):
    """A step could not be carried out as written (not a failed expectation: the scenario is wrong)."""


@dataclass
class Refusal:
    step: int
    action: str
    ref: str | None
    status: int
    message: str


@dataclass
class ProcoreRecord:
    item_type: str
    id: int
    body: dict[str, Any]


@dataclass
class ScenarioRun:
    """The outcome of one run: the trace, each expectation's result, and the stack as it ended."""

    scenario: Scenario
    trace: Trace
    checks: list[CheckResult]
    stack: ProcoreStack
    refs: dict[str, ProcoreRecord]
    refusals: list[Refusal]
    qwclog: list[str]

    @property
    def ok(self) -> bool:
        return all(c.held for c in self.checks)


@dataclass
class _Watch:
    """What the trace last saw of each party's state (to report what changed)."""

    quickbooks: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    procore: dict[tuple[str, int], str] = field(default_factory=dict)


def _qbxml_summary(document: str, element_suffix: str) -> str:
    """``ItemServiceAddRq x2, ItemServiceQueryRq`` or ``ItemServiceAddRs 0 Status OK`` for a trace title."""
    try:
        root = etree.fromstring(document.split("?>", 1)[-1].strip().encode(), _HARDENED)
    except etree.XMLSyntaxError:
        return "not well-formed qbXML"
    messages = root.find("QBXMLMsgsRq" if element_suffix == "Rq" else "QBXMLMsgsRs")
    if messages is None:
        return root.tag
    if element_suffix == "Rq":
        tags = [str(el.tag) for el in messages if isinstance(el.tag, str)]
        counted: dict[str, int] = {}
        for tag in tags:
            counted[tag] = counted.get(tag, 0) + 1
        return ", ".join(f"{t} x{n}" if n > 1 else t for t, n in counted.items())
    return "; ".join(
        f"{el.tag} {el.get('statusCode')} {el.get('statusMessage', '')[:120]}"
        for el in messages
        if isinstance(el.tag, str)
    )


def request_types(document: str) -> list[str]:
    """The request types (``ItemServiceAdd`` …) in one qbXML request document, in order."""
    try:
        root = etree.fromstring(document.split("?>", 1)[-1].strip().encode(), _HARDENED)
    except etree.XMLSyntaxError:
        return []
    messages = root.find("QBXMLMsgsRq")
    if messages is None:
        return []
    return [str(el.tag).removesuffix("Rq") for el in messages if isinstance(el.tag, str)]


def _query(request: httpx.Request) -> str:
    return "?" + request.url.query.decode() if request.url.query else ""


class _TracedTransport(httpx.BaseTransport):
    """Wraps a link's target: each request and its answer go into the trace."""

    def __init__(self, target: httpx.BaseTransport, note: Callable[[httpx.Request, httpx.Response], None]):
        self.target = target
        self.note = note

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.target.handle_request(request)
        response.read()
        self.note(request, response)
        return response


class Runner:
    """Carries out one scenario; :func:`run_scenario` is the way in."""

    def __init__(self, scenario: Scenario, base_dir: Path, work_dir: Path) -> None:
        self.scenario = scenario
        self.base_dir = base_dir
        self.work_dir = work_dir
        self.trace = Trace(scenario.name)
        self.refs: dict[str, ProcoreRecord] = {}
        self.refusals: list[Refusal] = []
        #: (method, path, status) of every call of the connector to Procore, faulted ones included.
        self.procore_calls: list[tuple[str, str, int]] = []
        self.procore_faults: list[tuple[ProcoreFault, list[int]]] = []
        self.watch = _Watch()
        self.step_number = 0
        self._pending: CallRecord | None = None
        self._answered = 0  # qbXML responses the trace has shown (the rest were lost with a dying QBWC)
        self._soap_counts: dict[str, int] = {}
        self._slow: list[SlowCall] = []
        self.stack = self._build()

    # -- the stack -------------------------------------------------------------------------------------
    def _build(self) -> ProcoreStack:
        sc = self.scenario
        database = (
            f"sqlite:///{self.work_dir / 'connector.sqlite'}"
            if sc.connector.database == "file"
            else "sqlite://"
        )
        stack = ProcoreStack.create(
            job_mode=sc.connector.job_mode,
            database_url=database,
            grant=sc.connector.grant,
            procore_options=sc.connector.options,
            seed=sc.seed,
            country=sc.edition.country,
            year=sc.edition.year,
            product=sc.edition.product,
        )
        self.stack = stack
        self._at(
            "step",
            f"stack: QuickBooks {sc.edition.country} {sc.edition.product} {sc.edition.year}, "
            f"connector ({sc.connector.job_mode}, {sc.connector.grant}), fake Procore company "
            f"{stack.company_id}",
        )
        self._start_company(stack)
        if sc.procore.settings:
            answer = stack.settings(**{k: self._resolve(k, v) for k, v in sc.procore.settings.items()})
            if answer.status_code != 200:
                raise ScenarioError(
                    f"procore.settings refused by Procore: {answer.status_code} {answer.text}"
                )
        if sc.procore.generated is not None:
            made = generated_company.fill_procore(stack, sc.procore.generated)
            self._at("step", f"generated Procore data: {made}")
        self._wrap_links()
        self._apply_faults(sc.faults)
        self._state_changes()
        return stack

    def _resolve(self, key: str, value: Any) -> Any:
        """``{quickbooks_list_id: {kind: ItemService, name: Retainage}}`` → that record's ListID, as the
        ERP admin picks it from the lists the connector sent to Procore."""
        if not (isinstance(value, dict) and set(value) == {"quickbooks_list_id"}):
            return value
        wanted = value["quickbooks_list_id"]
        kind, name = str(wanted.get("kind")), str(wanted.get("name"))
        for record in self.stack.company.list_records(kind):
            if name in (record.get("FullName"), record.get("Name")):
                return str(record["ListID"])
        raise ScenarioError(f"procore.settings.{key}: QuickBooks has no {kind} named {name!r}")

    def _start_company(self, stack: ProcoreStack) -> None:
        sc = self.scenario
        company = stack.company
        if sc.quickbooks.snapshot:
            source = (self.base_dir / sc.quickbooks.snapshot).resolve()
            if not source.is_file():
                raise ScenarioError(f"quickbooks.snapshot: no such company file: {source}")
            company.restore(source)
            # The connector's login names the file QuickBooks has open (its path follows the company name).
            stack.service.users.add_user(USERNAME, PASSWORD, stack.company_key, company.qbw_path)
            self._at("step", f"company file restored from the snapshot {source.name}")
        company.ui.set_inventory_active(sc.preferences.inventory_active)
        for pref in sc.preferences.set:
            company.ui.set_preference(pref.section, pref.field, pref.value)
        for kind, records in sc.quickbooks.lists.items():
            for fields in records:
                company.ui.create(kind, **fields)
        if sc.quickbooks.generated is not None:
            made = generated_company.fill_quickbooks(company, sc.quickbooks.generated)
            self._at("step", f"generated QuickBooks lists: {made}")

    def _wrap_links(self) -> None:
        stack = self.stack
        for link, note in (
            (stack.procore_link, self._note_procore),
            (stack.webhook_link, self._note_webhook),
        ):
            if link.target is not None and not isinstance(link.target, _TracedTransport):
                link.target = _TracedTransport(link.target, note)
        stack.procore_link.fault = self._procore_fault
        stack.qbwc_link.before = self._before_soap

    # -- trace notes -------------------------------------------------------------------------------------
    def _now(self) -> datetime:
        return self.stack.clock.now()

    def _at(
        self, kind: str, title: str, body: Any = "", *, failed: bool = False, at: datetime | None = None
    ) -> None:
        self.trace.add(at or self._now(), kind, title, body, failed=failed)

    def _note_procore(self, request: httpx.Request, response: httpx.Response) -> None:
        self.procore_calls.append((request.method, request.url.path, response.status_code))
        body = request.content.decode("utf-8", "replace")
        answer = response.content.decode("utf-8", "replace")
        self._at(
            "procore",
            f"{request.method} {request.url.path}{_query(request)} -> {response.status_code}",
            (f"request: {body}\n" if body else "") + f"response: {answer}",
            failed=response.status_code >= 400,
        )

    def _note_webhook(self, request: httpx.Request, response: httpx.Response) -> None:
        self._at(
            "webhook",
            f"Procore delivers {request.method} {request.url.path} -> {response.status_code}",
            request.content.decode("utf-8", "replace"),
            failed=response.status_code >= 400,
        )

    def _on_call(self, record: CallRecord) -> None:
        # The emulator reports a call before its result is filled in: show each call at the next one (or
        # at the end of the update), when its result is known; the order of events stays the wire's.
        self._flush_call()
        if record.operation == "receiveResponseXML":
            response = str(record.params.get("response") or "")
            title = _qbxml_summary(response, "Rs") if response else f"HRESULT {record.params.get('hresult')}"
            self._at("qbxml", f"QuickBooks answered: {title}", response or str(record.params.get("message")))
            self._answered += 1
        self._pending = record

    def _flush_call(self) -> None:
        record, self._pending = self._pending, None
        if record is None:
            return
        params = {k: ("<MaskedForSecurity>" if k == "strPassword" else v) for k, v in record.params.items()}
        if record.operation == "sendRequestXML" and params.get("strHCPResponse"):
            self._at(
                "qbxml",
                "QBWC's Host/Company/Preferences query answered",
                str(params["strHCPResponse"]),
                at=record.at,
            )
            params["strHCPResponse"] = f"<{len(str(record.params['strHCPResponse']))} characters>"
        if record.operation == "receiveResponseXML":
            params["response"] = f"<{len(str(record.params.get('response') or ''))} characters>"
        result = record.failure if record.failure else record.result
        request = (
            record.result if record.operation == "sendRequestXML" and isinstance(record.result, str) else ""
        )
        self._at(
            "soap",
            f"{record.operation}() -> {'FAILED ' if record.failure else ''}"
            f"{(_qbxml_summary(request, 'Rq') if request.startswith('<') else str(result))[:100]}",
            {"params": params, "result": "(the qbXML request below)" if request.startswith("<") else result},
            failed=record.failure is not None,
            at=record.at,
        )
        if request.startswith("<"):
            self._at("qbxml", f"QuickBooks is asked: {_qbxml_summary(request, 'Rq')}", request, at=record.at)

    # -- faults --------------------------------------------------------------------------------------------
    def _apply_faults(self, faults: Faults) -> None:
        for rule in faults.quickbooks:
            added = self.stack.company.faults.add(**rule.model_dump(exclude_none=True))
            self._at(
                "step",
                f"QuickBooks fault rule {added.id}: {rule.action} on {rule.request_type or rule.target}",
                rule.model_dump(exclude_none=True),
            )
        for procore_rule in faults.procore:
            self.procore_faults.append((procore_rule, [0]))
            self._at(
                "step",
                f"Procore fault rule: {procore_rule.status} on '{procore_rule.path_contains or '*'}'",
                procore_rule.model_dump(exclude_none=True),
            )
        if faults.duplicate_webhooks:
            answer = self.stack.procore.post(
                "/_sim/webhooks/duplicate_next", json={"count": faults.duplicate_webhooks}
            )
            if answer.status_code != 200:
                raise ScenarioError(f"duplicate_webhooks refused by the fake Procore: {answer.text}")
            self._at(
                "step", f"Procore will send the next {faults.duplicate_webhooks} webhook deliveries twice"
            )

    def _procore_fault(self, request: httpx.Request) -> httpx.Response | None:
        for rule, fired in self.procore_faults:
            if rule.path_contains not in request.url.path or (rule.method and rule.method != request.method):
                continue
            if rule.times is not None and fired[0] >= rule.times:
                continue
            fired[0] += 1
            self.procore_calls.append((request.method, request.url.path, rule.status))
            headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
            text = {429: "You have reached your rate limit."}.get(rule.status, "Service Unavailable")
            response = httpx.Response(rule.status, headers=headers, json={"errors": text})
            self._at(
                "procore",
                f"{request.method} {request.url.path} -> {rule.status} (fault rule)",
                f"Procore's fault rule answered: {text}",
                failed=True,
            )
            return response
        return None

    def _before_soap(self, request: httpx.Request) -> None:
        operation = (request.headers.get("SOAPAction") or "").strip('"').rsplit("/", 1)[-1]
        if not operation:
            return
        self._flush_call()  # the previous call has its answer by now: keep the trace in wire order
        self._soap_counts[operation] = self._soap_counts.get(operation, 0) + 1
        for slow in self._slow:
            if slow.call == operation and slow.nth == self._soap_counts[operation]:
                self._at(
                    "step", f"the Web Connector is slow: {slow.seconds:g} s before {operation} #{slow.nth}"
                )
                self.stack.advance(slow.seconds)

    # -- state changes -------------------------------------------------------------------------------------
    def _state_changes(self) -> None:
        company = self.stack.company
        now_qb: dict[tuple[str, str], tuple[str, str]] = {}
        for kind in WATCHED_KINDS:
            for record in company.list_records(kind):
                key = str(record.get("ListID") or record.get("TxnID"))
                name = str(record.get("FullName") or record.get("RefNumber") or record.get("Name") or key)
                now_qb[(kind, key)] = (name, str(record.get("EditSequence", "")))
        for key, (name, seq) in now_qb.items():
            before = self.watch.quickbooks.get(key)
            if before is None:
                self._at("state", f"QuickBooks: new {key[0]} {name!r} ({key[1]})")
            elif before[1] != seq:
                self._at(
                    "state", f"QuickBooks: {key[0]} {name!r} changed (EditSequence {before[1]} -> {seq})"
                )
        self.watch.quickbooks = now_qb
        now_procore: dict[tuple[str, int], str] = {}
        for ref, record in self.refs.items():
            seen = self.stack.item(record.item_type, record.id)
            label = seen["status_label"] + (f" — {'; '.join(seen['messages'])}" if seen["messages"] else "")
            now_procore[(record.item_type, record.id)] = label
            if self.watch.procore.get((record.item_type, record.id)) != label:
                self._at("state", f"Procore: {record.item_type} {ref!r} is {label}")
        self.watch.procore = now_procore

    # -- steps ---------------------------------------------------------------------------------------------
    def run(self) -> ScenarioRun:
        for number, step in enumerate(self.scenario.steps, start=1):
            self.step_number = number
            self._step(step)
            self._state_changes()
        checks = check_all(self)
        for check in checks:
            self._at(
                "check",
                f"{'ok  ' if check.held else 'FAIL'} {check.description}",
                check.detail,
                failed=not check.held,
            )
        held = sum(c.held for c in checks)
        verdict = "PASS" if held == len(checks) else "FAIL"
        self.trace.verdict = f"{verdict}: {held} of {len(checks)} expectations held"
        qwclog = [line for result in self.stack.results for line in result.log]
        return ScenarioRun(self.scenario, self.trace, checks, self.stack, self.refs, self.refusals, qwclog)

    def _step(self, step: Step) -> None:
        action = step.action
        value = getattr(step, action)
        handler = getattr(self, f"_do_{action}")
        handler(value)

    def _refused(self, action: str, ref: str | None, answer: httpx.Response) -> None:
        try:
            body = answer.json()
            errors = body.get("errors", body) if isinstance(body, dict) else body
        except ValueError:
            errors = answer.text
        message = str(errors)
        self.refusals.append(Refusal(self.step_number, action, ref, answer.status_code, message))
        self._at("step", f"  Procore refused: {answer.status_code} {message[:200]}", failed=True)

    def _record(self, ref: str) -> ProcoreRecord:
        if ref not in self.refs:
            known = ", ".join(self.refs) or "none yet"
            raise ScenarioError(f"step {self.step_number}: no record named {ref!r} (known: {known})")
        return self.refs[ref]

    def _do_create(self, create: Create) -> None:
        self._at(
            "step", f"{self.step_number}. a Procore user creates {create.type} {create.ref!r}", create.fields
        )
        if create.ref in self.refs:
            raise ScenarioError(f"step {self.step_number}: the name {create.ref!r} is already used")
        body, path, query = self._create_request(create)
        answer = self._rest("POST", path, body, query)
        if answer.status_code != 201:
            self._refused("create", create.ref, answer)
            raise ScenarioError(
                f"step {self.step_number}: Procore refused to create {create.ref!r}: {answer.text}"
            )
        made = answer.json()
        self.refs[create.ref] = ProcoreRecord(create.type, int(made["id"]), made)

    def _create_request(self, create: Create) -> tuple[dict[str, Any], str, dict[str, Any] | None]:
        fields = dict(create.fields)
        company_id = self.stack.company_id
        if create.type == "standard_cost_code":
            state = self.stack.procore.get("/_sim/state").json()["companies"][0]
            fields.setdefault("standard_cost_code_list_id", state["erp_standard_cost_code_list_id"])
            return (
                {"company_id": company_id, "standard_cost_code": fields},
                "/rest/v1.0/standard_cost_codes",
                None,
            )
        if create.type == "project":
            defaults = {"address": "1 Main St", "city": "Austin", "state_code": "TX", "zip": "78701"}
            return {"company_id": company_id, "project": {**defaults, **fields}}, "/rest/v1.0/projects", None
        if create.type == "vendor":
            defaults = {"address": "9 Mill Rd", "city": "Austin", "state_code": "TX", "zip": "78702"}
            return {"company_id": company_id, "vendor": {**defaults, **fields}}, "/rest/v1.0/vendors", None
        if create.type == "work_order_contract":
            project = self._record(str(fields.pop("project")))
            vendor = self._record(str(fields.pop("vendor")))
            fields["vendor_id"] = vendor.id
            fields.setdefault("status", "Approved")
            fields["line_items"] = self._lines(project.id, fields.pop("lines", []))
            return (
                {"project_id": project.id, "work_order_contract": fields},
                "/rest/v1.0/work_order_contracts",
                None,
            )
        if create.type == "commitment_change_order":
            commitment = self._record(str(fields.pop("commitment")))
            project_id = (
                int(commitment.body["project"]["id"])
                if "project" in commitment.body
                else int(commitment.body["project_id"])
            )
            fields["contract_id"] = commitment.id
            fields.setdefault("status", "approved")
            fields["line_items"] = self._lines(project_id, fields.pop("lines", []))
            return (
                {"commitment_change_order": fields},
                f"/rest/v1.0/projects/{project_id}/commitment_change_orders",
                None,
            )
        commitment = self._record(str(fields.pop("commitment")))
        project_id = (
            int(commitment.body["project"]["id"])
            if "project" in commitment.body
            else int(commitment.body["project_id"])
        )
        sov = self._rest(
            "GET",
            f"/rest/v1.0/work_order_contracts/{commitment.id}/line_items",
            None,
            {"project_id": project_id},
        ).json()
        items = []
        for n, line in enumerate(fields.pop("lines", [])):
            items.append(
                {
                    "commitment_line_item_id": sov[int(line.get("sov_line", n))]["id"],
                    "work_completed_this_period": str(line["amount"]),
                    **({"retainage_this_period": str(line["retainage"])} if "retainage" in line else {}),
                }
            )
        fields.setdefault("status", "approved")
        fields["items"] = items
        return (
            {"project_id": project_id, "commitment_id": commitment.id, "requisition": fields},
            "/rest/v1.1/requisitions",
            None,
        )

    def _lines(self, project_id: int, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        codes = {
            c["full_code"]: c
            for c in self._rest(
                "GET", "/rest/v1.0/cost_codes", None, {"project_id": project_id, "per_page": 1000}
            ).json()
        }
        out = []
        for line in lines:
            code = str(line["cost_code"])
            if code not in codes:
                raise ScenarioError(f"step {self.step_number}: the project has no cost code {code!r}")
            out.append(
                {
                    "cost_code_id": codes[code]["id"],
                    "amount": str(line["amount"]),
                    **({"description": line["description"]} if "description" in line else {}),
                }
            )
        return out

    def _rest(self, method: str, path: str, body: Any, query: dict[str, Any] | None) -> httpx.Response:
        """Procore's REST API as the service account, with a fresh token (a scenario may expire them)."""
        token = self.stack.procore.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(self.stack.company_id)}
        return self.stack.procore.request(method, path, params=query, json=body, headers=headers)

    def _item_action(self, action: str, item: ItemAction, default_by: str) -> None:
        record = self._record(item.ref)
        who = item.by or default_by
        if who not in self.stack.users:
            raise ScenarioError(
                f"step {self.step_number}: no Procore user {who!r} ({', '.join(self.stack.users)})"
            )
        extra = self._action_fields(record, action, dict(item.fields))
        self._at("step", f"{self.step_number}. {who} {action}s {record.item_type} {item.ref!r}", extra)
        answer = self.stack.act(action, who, record.item_type, record.id, **extra)
        if answer.status_code != 200:
            self._refused(action, item.ref, answer)

    def _action_fields(self, record: ProcoreRecord, action: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Accounts named as QuickBooks shows them become their ListIDs, as the accountant picks them."""
        if record.item_type == "standard_cost_code" and action == "accept":
            fields.setdefault("income_account", INCOME_ACCOUNT)
            fields.setdefault("expense_account", EXPENSE_ACCOUNT)
        for key in ("income_account", "expense_account"):
            if key in fields:
                fields[f"{key}_origin_id"] = self.stack.account_id(str(fields.pop(key)))
        return fields

    def _do_send(self, item: ItemAction) -> None:
        self._item_action("send", item, SENDERS[self._record(item.ref).item_type])

    def _do_resend(self, item: ItemAction) -> None:
        self._item_action("resend", item, SENDERS[self._record(item.ref).item_type])

    def _do_accept(self, item: ItemAction) -> None:
        self._item_action("accept", item, APPROVER)

    def _do_reject(self, item: ItemAction) -> None:
        self._item_action("reject", item, APPROVER)

    def _do_export(self, item: ItemAction) -> None:
        kind = self._record(item.ref).item_type
        sender = SENDERS[kind]
        self._item_action("send", ItemAction(ref=item.ref, by=sender), sender)
        if not self.refusals or self.refusals[-1].step != self.step_number:
            self._item_action("accept", ItemAction(ref=item.ref, by=item.by, fields=item.fields), APPROVER)

    def _do_edit(self, item: ItemAction) -> None:
        record = self._record(item.ref)
        paths = {
            "project": "/rest/v1.0/projects/{id}",
            "vendor": "/rest/v1.0/vendors/{id}",
            "standard_cost_code": "/rest/v1.0/standard_cost_codes/{id}",
        }
        if record.item_type not in paths:
            raise ScenarioError(
                f"step {self.step_number}: edit supports {', '.join(paths)}, not {record.item_type}"
            )
        self._at(
            "step", f"{self.step_number}. a Procore user edits {record.item_type} {item.ref!r}", item.fields
        )
        body = {"company_id": self.stack.company_id, record.item_type: item.fields}
        answer = self._rest(
            "PATCH", paths[record.item_type].format(id=record.id), body, {"company_id": self.stack.company_id}
        )
        if answer.status_code != 200:
            self._refused("edit", item.ref, answer)

    def _do_refresh(self, what: str) -> None:
        who = "Alex Accountant" if what == "payments" else "Erin Sponsor"
        self._at("step", f"{self.step_number}. {who} presses ERP Integrations' refresh '{what}'")
        answer = self.stack.sim("POST", f"/erp/refresh/{what}", {"as_user_id": self.stack.users[who]})
        if answer.status_code != 200:
            self._refused("refresh", None, answer)

    def _do_quickbooks(self, action: QuickBooksAction) -> None:
        self._at("step", f"{self.step_number}. in QuickBooks: {action.do}", {**action.args, **action.fields})
        try:
            getattr(self.stack.company.ui, action.do)(**action.args, **action.fields)
        except Exception as exc:
            message = getattr(exc, "message", None) or str(exc)
            raise ScenarioError(
                f"step {self.step_number}: QuickBooks refused {action.do}: {message}"
            ) from exc

    def _do_sync(self, _: bool) -> None:
        self._at("step", f"{self.step_number}. Procore delivers its webhooks; the connector runs a round")
        self.stack.deliver()
        self._tick()

    def _do_tick(self, _: bool) -> None:
        self._at("step", f"{self.step_number}. the connector runs a round (poll, read, plan, write back)")
        self._tick()

    def _tick(self) -> None:
        report = self.stack.tick()
        self._at(
            "step",
            f"  round: polled {report.polled}, read {report.read}, planned {report.planned}, "
            f"written back {report.flushed.written}" + (f"; error: {report.error}" if report.error else ""),
            failed=bool(report.error),
        )

    def _do_update(self, update: Update) -> None:
        self._at(
            "step",
            f"{self.step_number}. the Web Connector runs an update"
            + (" (it will die mid-session)" if update.die else ""),
        )
        self._slow = list(update.slow)
        self._soap_counts = {}
        answered_before = self._answered
        kill = (
            KillSwitch(
                after_send=update.die.after_send,
                after_process=update.die.after_quickbooks,
                before_close=update.die.before_close,
            )
            if update.die
            else None
        )
        result = self._run_update(kill, update.password or PASSWORD)
        self._slow = []
        ran = [e for e in result.exchanges if not e.hcp]
        for exchange in ran[self._answered - answered_before :]:
            self._at(
                "qbxml",
                "QuickBooks answered, and the Web Connector never passed the answer on: "
                + (_qbxml_summary(exchange.response, "Rs") if exchange.response else exchange.hresult),
                exchange.response or exchange.message,
                failed=True,
            )
            self._answered += 1
        self._at(
            "step",
            f"  update ended: {result.outcome.value} — {result.status}",
            "\n".join(f"{e.code}: {e.message}" for e in result.errors),
        )

    def _run_update(self, kill: KillSwitch | None, password: str) -> UpdateResult:
        stack = self.stack
        qwc = build_qwc(QwcSpec(app_name="Procore", app_url=f"{CONNECTOR_URL}/qbwc", username=USERNAME))
        link = httpx.Client(transport=stack.qbwc_link, base_url=CONNECTOR_URL)
        try:
            with WebConnector(
                qwc, password, stack.company, clock=stack.clock, transport=link, on_call=self._on_call
            ) as wc:
                result = wc.run_update(kill=kill)
        finally:
            link.close()
            self._flush_call()
        stack.results.append(result)
        return result

    def _do_advance(self, seconds: float) -> None:
        self._at("step", f"{self.step_number}. {seconds:g} seconds pass")
        made = self.stack.advance(seconds)
        if made:
            self._at("step", f"  Procore's schedules made ERP Requests {made}")

    def _do_advance_procore(self, seconds: float) -> None:
        self._at("step", f"{self.step_number}. {seconds:g} seconds pass at Procore only (its tokens age)")
        self.stack.procore_clock.advance(seconds)

    def _do_restart(self, _: bool) -> None:
        if self.scenario.connector.database != "file":
            raise ScenarioError("a restart step needs connector.database: file (memory does not survive it)")
        self._at("step", f"{self.step_number}. the connector process is killed and started again")
        self.stack.restart()
        self._wrap_links()

    def _do_faults(self, faults: Faults) -> None:
        self._apply_faults(faults)

    def _do_clear_faults(self, which: str) -> None:
        self._at("step", f"{self.step_number}. fault rules cleared: {which}")
        if which in ("quickbooks", "all"):
            self.stack.company.faults.clear()
        if which in ("procore", "all"):
            self.procore_faults.clear()


def run_scenario(scenario: Scenario, base_dir: Path, work_dir: Path | None = None) -> ScenarioRun:
    """Run ``scenario`` (paths in it relative to ``base_dir``); the connector's files go to ``work_dir``."""
    if work_dir is None:
        work_dir = Path(tempfile.mkdtemp(prefix="qbsim-repro-"))
    runner = Runner(scenario, base_dir, work_dir)
    try:
        return runner.run()
    finally:
        runner.stack.side.stop()
