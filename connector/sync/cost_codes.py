"""Procore cost codes → QuickBooks Service items (ItemServiceAdd / ItemServiceMod).

seed 001, "Cost Codes": Code → Item Name/Number; Description → Description on Purchase Transactions
and on Sales Transactions; the income and expense accounts chosen at export fill the item's account
fields (so the item is a *SalesAndPurchase* Service item). Cost codes are synced only with items of type
Service; option 1 of the implementation choices links cost codes to existing Service items of the same
name instead of creating them.

Export (``cost_code.export``) sends one ItemServiceAddRq per cost code; the session driver batches
many of them into one QBXMLMsgsRq. Answers:

* 0 → done, id map ``cost_code`` ← ListID + EditSequence.
* 3100 (name in use) → the item is sent again as an ``ItemQuery`` by FullName: an existing active
  *Service* item is linked (its ListID recorded, nothing created); an item of another type fails with a
  message saying cost codes must be Service items; an inactive Service item fails asking the
  accountant to reactivate it (we do not change an accountant's item behind their back).
* crash between sendRequestXML and receiveResponseXML → the probe is the same ItemQuery, so a Web
  Connector killed after QuickBooks created the item links it instead of adding it twice.

Update (``cost_code.update``) sends ItemServiceMod with the ListID and EditSequence from the id map.
On 3200 (EditSequence out of date: someone edited the item in QuickBooks since we last read it)
QuickBooks returns the current record in the response; its EditSequence goes into the id map and the
Mod is retried once. Without a record in the response the item is re-read with ItemServiceQuery first.

From Procore (``work_from_request``): one entry of a ``create_standard_cost_codes`` ERP Request becomes
one export. The Item Name is the entry's ``full_code`` ("01-100"), not its ``code`` segment ("100"):
seed 001 maps Code → Item Name/Number and a QuickBooks item name is what transactions, budgets and
commitments later name the item by, so it must be unique in the one company-level list; the segment
is unique only under its parent (two divisions can each have a "100"), the full code is unique in
the list (the fake Procore's prerequisite messages name codes by it too). The code is sent
flat (no ParentRef sub-items, whose ':' FullNames seed 001 never shows). ``name`` is the description.
The income and expense accounts the Accounting Approver chose at acceptance arrive as QuickBooks Account
ListIDs (``erp_custom_fields.income_account_origin_id`` / ``expense_account_origin_id``) and are sent
as ``IncomeAccountRef``/``ExpenseAccountRef`` ``ListID``; callers that name accounts by FullName (the
scenarios) keep doing so. Without an account the code is refused (``CostCodeAccountsMissing``).

Refused before sending (never reaches QuickBooks): codes over 96 characters (seed 001: "Transaction
Detail" reporting limit), names longer than QuickBooks' own item Name limit (31 characters: the 13.0
XSD ``maxLength`` of ItemServiceAdd/Name; QuickBooks answers a longer value with 3070 "The string … is too
long." — refused here so the Approver sees why before anything is sent),
and names with ':' (QuickBooks' sub-item separator in FullName; whether QuickBooks refuses it in a
qbXML Name is not in our sources — refusing is our choice).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector.qbxml import QBXMLBuildError, Request, Response
from connector.store.queue import WorkQueue
from connector.sync import adds, answers, codec, mods
from connector.sync.context import SyncContext
from connector.work import IdMapUpdate, NewWork, Outcome, RequestBody, WorkItemView, WorkRefused

EXPORT_KIND = "cost_code.export"
UPDATE_KIND = "cost_code.update"
OBJECT_TYPE = "cost_code"  # id map object type
PROCORE_MAX_CODE_LENGTH = 96  # seed 001, Limitations
QB_ITEM_NAME_MAX_LENGTH = 31  # qbxml130.xsd: ItemServiceAdd/Name STRTYPE maxLength 31


class CostCodeRejected(WorkRefused, ValueError):
    """A cost code the connector refuses to send (the reason is shown to the Accounting Approver)."""

    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__("CostCodeRejected", f"Cost code {code!r} cannot be exported: {reason}")


class CostCodeAccountsMissing(CostCodeRejected):
    """A cost code without the income or expense account the Accounting Approver chooses at acceptance."""

    def __init__(self, code: str, missing: Sequence[str]) -> None:
        self.code = code
        self.missing = tuple(missing)
        self.reason = (
            f"no {' and no '.join(missing)} account was chosen; the income and expense accounts are "
            "chosen when the cost code is accepted for export"
        )
        WorkRefused.__init__(
            self, "CostCodeAccountsMissing", f"Cost code {code!r} cannot be exported: {self.reason}"
        )


class CostCodeNotSynced(WorkRefused, LookupError):
    """An update for a cost code that has no QuickBooks item in the id map yet."""

    def __init__(self, code: str, procore_id: str) -> None:
        self.code = code
        self.procore_id = procore_id
        super().__init__(
            "CostCodeNotSynced",
            f"Cost code {code!r} (Procore id {procore_id}) has no QuickBooks item yet; export it first",
        )


@dataclass(frozen=True)
class CostCode:
    """A Procore cost code of the "QuickBooks Standard Cost Codes" list, with its export accounts.

    Each account is named by QuickBooks ListID (``*_account_list_id``, what Procore sends) or by
    FullName (``income_account`` / ``expense_account``); the ListID wins when both are given.
    """

    procore_id: str
    code: str
    description: str
    income_account: str = ""
    expense_account: str = ""
    income_account_list_id: str | None = None
    expense_account_list_id: str | None = None

    def payload(self) -> dict[str, str]:
        out = {
            "code": self.code,
            "description": self.description,
            "income_account": self.income_account,
            "expense_account": self.expense_account,
        }
        if self.income_account_list_id:
            out["income_account_list_id"] = self.income_account_list_id
        if self.expense_account_list_id:
            out["expense_account_list_id"] = self.expense_account_list_id
        return out

    def work(self) -> NewWork:
        """The ``cost_code.export`` work item for this code."""
        return NewWork(EXPORT_KIND, self.payload(), self.procore_id)

    @classmethod
    def from_item(cls, item: WorkItemView) -> CostCode:
        p = item.payload
        return cls(
            procore_id=item.procore_id or "",
            code=str(p["code"]),
            description=str(p.get("description") or ""),
            income_account=str(p.get("income_account") or ""),
            expense_account=str(p.get("expense_account") or ""),
            income_account_list_id=p.get("income_account_list_id") or None,
            expense_account_list_id=p.get("expense_account_list_id") or None,
        )


def work_from_request(entry: Mapping[str, Any]) -> CostCode:
    """One entry of a ``create_standard_cost_codes`` ERP Request's ``request_data`` as a cost code.

    Raises ``CostCodeRejected`` (or ``CostCodeAccountsMissing``) for a code that cannot go to
    QuickBooks, with the reason the Accounting Approver is shown. The entry's ``request_detail_id``
    is the caller's to close out; ``origin_id``/``parent_origin_id`` are not used (a code already in
    QuickBooks under its name is linked on 3100; codes are sent flat, see the module docstring).
    """
    if not isinstance(entry, Mapping):
        raise CostCodeRejected("", "the ERP Request entry is not an object")
    fields = entry.get("erp_custom_fields") or {}
    if not isinstance(fields, Mapping):
        fields = {}
    try:
        code = adds.text(entry, "full_code") or adds.text(entry, "code")
        procore_id = adds.procore_id(entry)
        if procore_id is None:
            raise CostCodeRejected(code, "the ERP Request entry has no cost code id")
        cc = CostCode(
            procore_id=procore_id,
            code=code,
            description=adds.text(entry, "name"),
            income_account_list_id=adds.text(fields, "income_account_origin_id") or None,
            expense_account_list_id=adds.text(fields, "expense_account_origin_id") or None,
        )
    except adds.NotText as exc:
        raise CostCodeRejected(str(entry.get("full_code") or entry.get("code") or ""), str(exc)) from exc
    check_cost_code(cc)
    return cc


def _account_ref(list_id: str | None, full_name: str) -> dict[str, str]:
    return {"ListID": list_id} if list_id else {"FullName": full_name}


def _sales_and_purchase(cc: CostCode) -> dict[str, Any]:
    return {
        "SalesDesc": cc.description or None,
        "IncomeAccountRef": _account_ref(cc.income_account_list_id, cc.income_account),
        "PurchaseDesc": cc.description or None,
        "ExpenseAccountRef": _account_ref(cc.expense_account_list_id, cc.expense_account),
    }


def add_request(cc: CostCode) -> Request:
    """ItemServiceAddRq for one cost code (raises CostCodeRejected when it cannot be sent)."""
    check_cost_code(cc)
    return add_request_unchecked(cc)


def add_request_unchecked(cc: CostCode) -> Request:
    return codec.build("ItemServiceAdd", {"Name": cc.code, "SalesAndPurchase": _sales_and_purchase(cc)})


def check_cost_code(cc: CostCode) -> None:
    """Refuse what QuickBooks or Procore's integration would refuse, before anything is sent."""
    code = cc.code
    if not code.strip():
        raise CostCodeRejected(code, "the code is empty")
    if len(code) > PROCORE_MAX_CODE_LENGTH:
        raise CostCodeRejected(
            code,
            f"it has {len(code)} characters; cost codes must not exceed {PROCORE_MAX_CODE_LENGTH} "
            "characters (QuickBooks Desktop 'Transaction Detail' reporting limitation)",
        )
    if len(code) > QB_ITEM_NAME_MAX_LENGTH:
        raise CostCodeRejected(
            code,
            f"it has {len(code)} characters; a QuickBooks Desktop item name holds at most "
            f"{QB_ITEM_NAME_MAX_LENGTH}",
        )
    if ":" in code:
        raise CostCodeRejected(code, "':' separates sub-items in QuickBooks item names")
    missing = [
        side
        for side, list_id, name in (
            ("income", cc.income_account_list_id, cc.income_account),
            ("expense", cc.expense_account_list_id, cc.expense_account),
        )
        if not (list_id or name.strip())
    ]
    if missing:
        raise CostCodeAccountsMissing(code, missing)
    try:
        codec.check(add_request_unchecked(cc))
    except QBXMLBuildError as exc:
        raise CostCodeRejected(code, f"it cannot be written as qbXML ({exc})") from exc


@dataclass(frozen=True)
class ExportPlan:
    """What :func:`enqueue_exports` did: work item per cost code, and the ones refused."""

    queued: dict[str, int] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


def enqueue_exports(queue: WorkQueue, company_key: str, codes: Iterable[CostCode]) -> ExportPlan:
    """Queue one export per valid cost code; invalid ones are refused here and never sent."""
    plan = ExportPlan()
    for cc in codes:
        try:
            check_cost_code(cc)
        except CostCodeRejected as exc:
            plan.refused[cc.procore_id] = str(exc)
            continue
        plan.queued[cc.procore_id] = queue.enqueue(
            company_key, EXPORT_KIND, cc.payload(), procore_id=cc.procore_id
        )
    return plan


def enqueue_update(queue: WorkQueue, company_key: str, cc: CostCode, depends_on: Sequence[int] = ()) -> int:
    """Queue an ItemServiceMod for an exported cost code (refused like an export when invalid)."""
    check_cost_code(cc)
    return queue.enqueue(
        company_key, UPDATE_KIND, cc.payload(), procore_id=cc.procore_id, depends_on=depends_on
    )


def _mapping(cc: CostCode, rs: Response, ret: Mapping[str, Any]) -> IdMapUpdate:
    list_id, edit_sequence = answers.list_ids(rs, ret)
    return IdMapUpdate(OBJECT_TYPE, cc.procore_id, list_id, edit_sequence, cc.code)


class CostCodeExportHandler:
    """``cost_code.export``: ItemServiceAdd, link on 3100, probe by name after a crash."""

    kind = EXPORT_KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    def build_request(self, item: WorkItemView) -> RequestBody:
        cc = CostCode.from_item(item)
        if item.result.get("phase") == "link" or adds.is_probe_phase(item.result):
            return self._item_query(cc)
        return add_request(cc)

    def build_probe(self, item: WorkItemView) -> RequestBody:
        return self._item_query(CostCode.from_item(item))

    @staticmethod
    def _item_query(cc: CostCode) -> Request:
        # ItemQuery (not ItemServiceQuery): all item types share one name space, and a non-Service
        # item with this name must be told apart from "not found".
        return codec.build("ItemQuery", {"FullName": [cc.code]})

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        cc = CostCode.from_item(item)
        if item.result.get("phase") == "link":
            return self._link(cc, rs, after_3100=True)
        if adds.is_probe_phase(item.result):
            return self._link(cc, rs, after_3100=False)
        if rs.name == "ItemServiceAddRs" and rs.status_code == 3100:
            # Name in use: look at what holds it before deciding (seed 001 option 1: link, not duplicate).
            return Outcome.resend(status_code="3100", message=rs.status_message, result={"phase": "link"})
        if rs.name == "ItemServiceAddRs" and (rs.status_code != 0 or codec.is_error(rs)):
            return Outcome.failed(rs, result={"action": "failed"})
        ret, instead = adds.created(rs, "ItemServiceAdd", cc.code)
        if instead is not None:
            return instead
        return Outcome.done(rs, result=adds.ids("created", rs, ret), id_map=(_mapping(cc, rs, ret),))

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return self._link(CostCode.from_item(item), responses[0], after_3100=False)

    def _link(self, cc: CostCode, rs: Response, *, after_3100: bool) -> Outcome:
        if rs.name != "ItemQueryRs":
            # Another request's answer (requestIDs crossed): ask again, in the same phase.
            return Outcome.resend(status_code="UnexpectedAnswer",
                                  message=f"QuickBooks answered {rs.name} to an ItemQueryRq; asking again",
                                  result={"phase": "link" if after_3100 else "probe"})
        if codec.is_error(rs):
            return Outcome.failed(rs, result={"action": "failed"})
        found = adds.find_named(rs, codec.records(rs), cc.code)
        if found is None:
            # Nothing holds the name (never created, or deleted since the 3100): add it.
            return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                                  result={"phase": "add"})
        found_name = answers.name_of(rs, found) or cc.code
        found_id = answers.single(rs, found, "ListID", required=False)
        kind = found.tag  # ItemQuery answers each item type with its own Ret
        if kind != "ItemServiceRet":
            item_type = kind[:-3] if kind.endswith("Ret") else "unknown"
            return Outcome.failed(
                status_code="3100",
                message=(
                    f'Cost code "{cc.code}" cannot be synced: QuickBooks already has an item named '
                    f'"{found_name}" of type {item_type}; Procore cost codes can only '
                    "be synced with QuickBooks items of type Service."
                ),
                result={"action": "failed", "conflicting_type": item_type, "ListID": found_id},
            )
        if not answers.flag(rs, found, "IsActive", True):
            # seed 001 option 1 links *active* Service items; linking an inactive one would leave the
            # cost code pointing at an item QuickBooks will not accept on new transactions.
            return Outcome.failed(
                status_code="3100" if after_3100 else str(rs.status_code),
                message=(
                    f'Cost code "{cc.code}" cannot be linked: the QuickBooks Service item '
                    f'"{found_name}" is inactive. Make it active in QuickBooks '
                    "(or rename the cost code in Procore) and export it again."
                ),
                result={"action": "failed", "inactive": True, "ListID": found_id},
            )
        action = "linked" if after_3100 else "recovered"
        why = (
            "QuickBooks answered 3100 (name already in use) to the add"
            if after_3100
            else "found after an interrupted session; not added again"
        )
        ids = adds.ids(action, rs, found)
        return Outcome.done(
            status_code=str(rs.status_code),
            message=f'Linked to the existing Service item "{found_name}" (ListID {ids["ListID"]}): {why}.',
            result=ids,
            id_map=(_mapping(cc, rs, found),),
        )


class CostCodeUpdateHandler:
    """``cost_code.update``: ItemServiceMod with the id map's EditSequence; one retry on 3200."""

    kind = UPDATE_KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    def build_request(self, item: WorkItemView) -> RequestBody:
        cc = CostCode.from_item(item)
        check_cost_code(cc)
        mapping = self._context.id_map.by_procore_id(item.company_key, OBJECT_TYPE, cc.procore_id)
        if mapping is None:
            raise CostCodeNotSynced(cc.code, cc.procore_id)
        if mapping.edit_sequence is None:
            return codec.build("ItemServiceQuery", {"ListID": [mapping.qb_id]})
        return codec.build(
            "ItemServiceMod",
            {
                "ListID": mapping.qb_id,
                "EditSequence": mapping.edit_sequence,
                "Name": cc.code,
                "SalesAndPurchaseMod": _sales_and_purchase(cc),
            },
        )

    def build_probe(self, item: WorkItemView) -> None:
        # Re-sending the Mod is safe: if it was applied, its EditSequence is stale and the 3200 path
        # re-reads the record and applies the same values again.
        return None

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        cc = CostCode.from_item(item)
        mapping = self._context.id_map.by_procore_id(item.company_key, OBJECT_TYPE, cc.procore_id)
        return mods.mod_outcome(responses[0], object_type=OBJECT_TYPE, procore_id=cc.procore_id,
                                list_id=mapping.qb_id if mapping else "",
                                spent=int(item.result.get("stale_retries", 0)),
                                request="ItemServiceMod", name=cc.code)

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return self.handle_response(item, responses)
