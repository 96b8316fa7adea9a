"""QuickBooks' answers are checked before anything of them is recorded: crossed requestIDs, repeated,
missing or unreadable Ret fields become named outcomes (a look-up by name, or failed with what QuickBooks
answered), never the anonymous ``handler-error`` and never an exception out of the session driver."""

from __future__ import annotations

from collections.abc import Sequence

from sync_helpers import COMPANY, OK, Env, customer_ret, full_vendor_ret, item_service_ret, rs, xml

from connector.qbwc.driver import DriverSettings, SessionDriver
from connector.qbxml import Request, Response
from connector.sync import jobs, projects, vendor_exports
from connector.sync.cost_codes import (
    OBJECT_TYPE,
    CostCode,
    CostCodeExportHandler,
    CostCodeUpdateHandler,
    enqueue_exports,
    enqueue_update,
)
from connector.sync.registry import build_handlers
from connector.work import IdMapUpdate, Outcome, WorkItemView

A = CostCode("1001", "01-100", "General Requirements", "Construction Income", "Job Expenses")
B = CostCode("1002", "01-200", "Site Work", "Construction Income", "Job Expenses")
TICKET = "T1"


def document(*bodies: str) -> str:
    """A QuickBooks answer document holding ``bodies`` (…Rs elements)."""
    inner = "\n".join(bodies)
    return f'<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n{inner}\n</QBXMLMsgsRs>\n</QBXML>\n'


def add_rs(request_id: int | str, ret: str, status: str = OK) -> str:
    return f'<ItemServiceAddRs requestID="{request_id}" {status}>{ret}</ItemServiceAddRs>'


def driver(env: Env) -> SessionDriver:
    return SessionDriver(env.queue, build_handlers(env.context), DriverSettings())


def state(env: Env, item_id: int) -> tuple[str, str | None, str | None]:
    record = env.queue.get(item_id)
    assert record is not None
    return record.state, record.last_status_code, record.last_status_message


# -- crossed requestIDs ------------------------------------------------------------------------------
def test_swapped_request_ids_record_nothing_and_look_each_code_up_by_name(env: Env) -> None:
    d = driver(env)
    ids = enqueue_exports(env.queue, COMPANY, [A, B]).queued
    a, b = ids["1001"], ids["1002"]
    assert d.next_request(COMPANY, TICKET) is not None
    # QuickBooks created both; the answers come back with each other's requestID
    d.apply_response(COMPANY, TICKET, document(add_rs(a, item_service_ret("80000002-1", "01-200", "7")),
                                               add_rs(b, item_service_ret("80000001-1", "01-100", "7"))))
    assert env.context.id_map.by_procore_id(COMPANY, OBJECT_TYPE, "1001") is None
    assert env.context.id_map.by_procore_id(COMPANY, OBJECT_TYPE, "1002") is None
    assert state(env, a) == ("pending", "WrongObject", 'QuickBooks answered ItemServiceAddRs with the '
                             'ItemServiceRet "01-200", not "01-100"; looking the object up by name')
    # the look-up is the probe's query by name; what it finds under our name is recorded
    batch = d.next_request(COMPANY, TICKET)
    assert batch is not None and batch.count("<ItemQueryRq") == 2 and "<FullName>01-100</FullName>" in batch
    d.apply_response(COMPANY, TICKET, document(
        f'<ItemQueryRs requestID="{a}" {OK}>{item_service_ret("80000001-1", "01-100", "7")}</ItemQueryRs>',
        f'<ItemQueryRs requestID="{b}" {OK}>{item_service_ret("80000002-1", "01-200", "7")}</ItemQueryRs>'))
    mapped = env.context.id_map.by_procore_id(COMPANY, OBJECT_TYPE, "1001")
    assert mapped is not None and mapped.qb_id == "80000001-1"
    mapped_b = env.context.id_map.by_procore_id(COMPANY, OBJECT_TYPE, "1002")
    assert mapped_b is not None and mapped_b.qb_id == "80000002-1"


def test_a_probe_answered_with_another_object_is_not_recovered(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [A]).queued["1001"]
    other = rs(f'<ItemQueryRs {OK}>{item_service_ret("80000002-1", "01-200", "3")}</ItemQueryRs>')
    out = handler.handle_probe_response(env.view(item_id, is_probe=True), [other])
    assert (out.state, out.result, out.id_map) == ("resend", {"phase": "add"}, ())


def test_a_cost_code_answered_with_another_kind_of_rs_is_looked_up(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [A]).queued["1001"]
    vendor = rs(f'<VendorAddRs {OK}>{full_vendor_ret("80000005-1", "01-100")}</VendorAddRs>')
    out = handler.handle_response(env.sent(item_id), [vendor])
    assert (out.state, out.status_code, out.message, out.id_map) == (
        "resend", "UnexpectedAnswer",
        "QuickBooks answered VendorAddRs to an ItemServiceAddRq; looking the object up by name", ())


def test_a_vendor_export_answered_with_another_vendor_is_looked_up(env: Env) -> None:
    handler = vendor_exports.VendorExportHandler(env.context)
    item_id = env.queue.enqueue(COMPANY, vendor_exports.KIND, {"name": "Ace Plumbing"}, procore_id="55")
    out = handler.handle_response(env.sent(item_id), [rs(
        f'<VendorAddRs {OK}>{full_vendor_ret("80000005-1", "Bee Electric")}</VendorAddRs>')])
    assert (out.state, out.status_code, out.message, out.id_map) == (
        "resend", "WrongObject",
        'QuickBooks answered VendorAddRs with the VendorRet "Bee Electric", not "Ace Plumbing"; looking the '
        "object up by name", ())
    env.apply(item_id, out)
    assert xml(handler.build_request(env.view(item_id))) == (
        "<VendorQueryRq><FullName>Ace Plumbing</FullName></VendorQueryRq>")
    found = rs(f'<VendorQueryRs {OK}>{full_vendor_ret("80000006-1", "Ace Plumbing")}</VendorQueryRs>')
    recovered = handler.handle_response(env.sent(item_id), [found])
    assert recovered.state == "done" and recovered.id_map[0].qb_id == "80000006-1"


def test_a_project_export_answered_with_another_customer_is_looked_up(env: Env) -> None:
    handler = projects.ProjectExportHandler(env.context)
    payload = {"name": "Riverside Clinic", "job_mode": "customers_are_jobs", "parent_list_id": None,
               "ship_address": None, "is_active": True, "cost_codes": []}
    item_id = env.queue.enqueue(COMPANY, projects.EXPORT_KIND, payload, procore_id="77")
    out = handler.handle_response(env.sent(item_id), [rs(
        f'<CustomerAddRs {OK}>{customer_ret("80000020-1", "Northside Hospital")}</CustomerAddRs>')])
    assert (out.state, out.status_code, out.message, out.id_map) == (
        "resend", "WrongObject",
        'QuickBooks answered CustomerAddRs with the CustomerRet "Northside Hospital", not '
        '"Riverside Clinic"; looking the object up by name', ())
    env.apply(item_id, out)
    assert xml(handler.build_request(env.view(item_id))) == (
        "<CustomerQueryRq><FullName>Riverside Clinic</FullName></CustomerQueryRq>")


def _synced(env: Env) -> int:
    env.queue.complete(enqueue_exports(env.queue, COMPANY, [A]).queued["1001"], TICKET, state="done",
                       status_code="0", message="Status OK",
                       id_map=(IdMapUpdate(OBJECT_TYPE, "1001", "80000001-1", "17", "01-100"),))
    return enqueue_update(env.queue, COMPANY, A)


def test_a_mod_answered_with_another_record_rereads_ours(env: Env) -> None:
    handler = CostCodeUpdateHandler(env.context)
    item_id = _synced(env)
    other = rs(f'<ItemServiceModRs {OK}>{item_service_ret("80000002-1", "01-200", "18")}</ItemServiceModRs>')
    out = handler.handle_response(env.sent(item_id), [other])
    assert (out.state, out.status_code, out.message) == (
        "resend", "UnexpectedAnswer",
        'QuickBooks answered ItemServiceModRs with the ItemServiceRet "01-200", not "01-100" (ListID '
        "80000002-1); reading the record again")
    assert out.id_map == (IdMapUpdate(OBJECT_TYPE, "1001", "80000001-1", None),)
    env.apply(item_id, out)
    assert xml(handler.build_request(env.view(item_id))) == (
        "<ItemServiceQueryRq><ListID>80000001-1</ListID></ItemServiceQueryRq>")


def test_a_reread_answered_with_another_record_fails_naming_it(env: Env) -> None:
    item_id = _synced(env)
    other = item_service_ret("80000002-1", "01-200", "18")
    d = driver(env)
    env.queue.complete(item_id, TICKET, state="pending", status_code=None, message=None,
                       id_map=(IdMapUpdate(OBJECT_TYPE, "1001", "80000001-1", None),))
    assert "<ItemServiceQueryRq" in (d.next_request(COMPANY, TICKET) or "")
    d.apply_response(COMPANY, TICKET, document(
        f'<ItemServiceQueryRs requestID="{item_id}" {OK}>{other}</ItemServiceQueryRs>'))
    assert state(env, item_id) == ("failed", "UnexpectedAnswer", "QuickBooks answered ItemServiceQueryRs "
                                   "status 0 with the ItemServiceRet of ListID 80000002-1, not 80000001-1")


# -- unreadable Ret fields -------------------------------------------------------------------------
def test_a_repeated_edit_sequence_is_not_stored_and_the_code_is_looked_up(env: Env) -> None:
    d = driver(env)
    a = enqueue_exports(env.queue, COMPANY, [A]).queued["1001"]
    d.next_request(COMPANY, TICKET)
    twice = item_service_ret("80000001-1", "01-100", "7").replace(
        "<EditSequence>7</EditSequence>", "<EditSequence>7</EditSequence><EditSequence>8</EditSequence>")
    d.apply_response(COMPANY, TICKET, document(add_rs(a, twice)))  # raised an SQLite binding error before
    assert state(env, a) == ("pending", "UnexpectedAnswer", "QuickBooks answered ItemServiceAddRs status 0 "
                             "with 2 EditSequence elements in its ItemServiceRet; looking the object up by "
                             "name")
    assert env.context.id_map.by_procore_id(COMPANY, OBJECT_TYPE, "1001") is None


def test_a_missing_list_id_is_a_named_look_up(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [A]).queued["1001"]
    ret = item_service_ret("80000001-1", "01-100", "7").replace("<ListID>80000001-1</ListID>", "")
    out = handler.handle_response(env.sent(item_id), [rs(add_rs(item_id, ret))])
    assert (out.state, out.status_code, out.message, out.result) == (
        "resend", "UnexpectedAnswer",
        "QuickBooks answered ItemServiceAddRs status 0 without a ListID in its ItemServiceRet; looking the "
        "object up by name", {"phase": "probe"})


def test_status_0_without_a_ret_is_a_named_look_up(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [A]).queued["1001"]
    out = handler.handle_response(env.sent(item_id), [rs(add_rs(item_id, ""))])
    assert (out.state, out.status_code, out.message) == (
        "resend", "UnexpectedAnswer",
        "QuickBooks answered ItemServiceAddRs status 0 without an ItemServiceRet; looking the object up by "
        "name")


def test_a_probe_finding_our_name_with_a_repeated_list_id_fails_naming_it(env: Env) -> None:
    d = driver(env)
    item_id = env.queue.enqueue(COMPANY, vendor_exports.KIND, {"name": "Ace Plumbing"}, procore_id="55")
    env.queue.complete(item_id, TICKET, state="pending", status_code=None, message=None, probe=True)
    assert "<VendorQueryRq" in (d.next_request(COMPANY, TICKET) or "")
    ret = full_vendor_ret("80000005-1", "Ace Plumbing").replace(
        "<ListID>80000005-1</ListID>", "<ListID>80000005-1</ListID><ListID>80000006-1</ListID>")
    d.apply_response(COMPANY, TICKET,
                     document(f'<VendorQueryRs requestID="{item_id}" {OK}>{ret}</VendorQueryRs>'))
    assert state(env, item_id) == ("failed", "UnexpectedAnswer", "QuickBooks answered VendorQueryRs status 0 "
                                   "with 2 ListID elements in its VendorRet")


def test_a_non_integer_sublevel_fails_the_import_naming_it(env: Env) -> None:
    item_id = env.queue.enqueue(COMPANY, jobs.KIND, {"job_mode": "customers_are_jobs"})
    ret = customer_ret("80000020-1", "Northside Hospital").replace("<Sublevel>0</Sublevel>",
                                                                     "<Sublevel>one</Sublevel>")
    d = driver(env)
    assert d.next_request(COMPANY, TICKET) is not None
    d.apply_response(COMPANY, TICKET,
                     document(f'<CustomerQueryRs requestID="{item_id}" {OK}>{ret}</CustomerQueryRs>'))
    assert state(env, item_id) == ("failed", "UnexpectedAnswer", "QuickBooks answered CustomerQueryRs "
                                   "status 0 with a Sublevel 'one' that is not a tier number in its "
                                   "CustomerRet")
    assert env.context.staging.list(COMPANY, jobs.OBJECT_TYPE) == []


def test_an_import_answered_with_another_query_stages_nothing_and_asks_again(env: Env) -> None:
    d = driver(env)
    item_id = env.queue.enqueue(COMPANY, jobs.KIND, {"job_mode": "customers_are_jobs"})
    d.next_request(COMPANY, TICKET)
    vendor = full_vendor_ret("80000005-1", "Ace Plumbing")
    d.apply_response(COMPANY, TICKET,
                     document(f'<VendorQueryRs requestID="{item_id}" {OK}>{vendor}</VendorQueryRs>'))
    assert state(env, item_id) == ("pending", "UnexpectedAnswer",
                                   "QuickBooks answered VendorQueryRs to a CustomerQueryRq; asking again")
    assert env.context.staging.list(COMPANY, jobs.OBJECT_TYPE) == []


# -- the session driver: one item's answer never sinks the others ----------------------------------
def test_one_unreadable_status_code_probes_its_item_and_applies_the_rest(env: Env) -> None:
    d = driver(env)
    ids = enqueue_exports(env.queue, COMPANY, [A, B]).queued
    a, b = ids["1001"], ids["1002"]
    d.next_request(COMPANY, TICKET)
    bad = f'<ItemServiceAddRs requestID="{b}" statusCode="x" statusSeverity="Info" statusMessage="?" />'
    d.apply_response(COMPANY, TICKET, document(add_rs(a, item_service_ret("80000001-1", "01-100", "7")), bad))
    assert state(env, a)[0] == "done"
    record = env.queue.get(b)
    assert record is not None and (record.state, record.probe) == ("pending", True)
    assert (record.last_status_code, record.last_status_message) == (
        "UnreadableAnswer",
        "QuickBooks' ItemServiceAddRs could not be read: <ItemServiceAddRs> statusCode='x' is not an integer")


def test_a_status_code_or_iterator_count_beyond_quickbooks_is_not_stored(env: Env) -> None:
    d = driver(env)
    ids = enqueue_exports(env.queue, COMPANY, [A, B]).queued
    a, b = ids["1001"], ids["1002"]
    d.next_request(COMPANY, TICKET)
    d.apply_response(COMPANY, TICKET, document(
        f'<ItemServiceAddRs requestID="{a}" statusCode="{"9" * 40}" statusSeverity="Error" '
        'statusMessage="?" />',
        f'<ItemServiceAddRs requestID="{b}" {OK} iteratorRemainingCount="{"9" * 30}" iteratorID="x">'
        f'{item_service_ret("80000002-1", "01-200", "7")}</ItemServiceAddRs>'))
    assert state(env, a) == ("pending", "UnreadableAnswer", "QuickBooks answered ItemServiceAddRs with "
                             f"statusCode {'9' * 40}, not a status code")
    assert state(env, b) == ("pending", "UnreadableAnswer", "QuickBooks answered ItemServiceAddRs with "
                             f"iteratorRemainingCount {'9' * 30}, not a count")


class UnstorableHandler:
    """A handler bug: an id map entry whose EditSequence is a list (the database cannot bind it)."""

    kind = "unstorable"

    def build_request(self, item: WorkItemView) -> Request:
        return Request("VendorQuery", {"FullName": ["Ace"]})

    def build_probe(self, item: WorkItemView) -> None:
        return None

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return Outcome.done(id_map=(IdMapUpdate("vendor", "1", "80000001-1", ["1", "2"]),))  # type: ignore[arg-type]

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return self.handle_response(item, responses)


def test_an_outcome_the_store_cannot_hold_fails_that_item_only(env: Env) -> None:
    handlers = {**build_handlers(env.context), "unstorable": UnstorableHandler()}
    d = SessionDriver(env.queue, handlers, DriverSettings())
    bad = env.queue.enqueue(COMPANY, "unstorable", {})
    a = enqueue_exports(env.queue, COMPANY, [A]).queued["1001"]
    d.next_request(COMPANY, TICKET)
    d.apply_response(COMPANY, TICKET, document(
        f'<VendorQueryRs requestID="{bad}" {OK}>{full_vendor_ret("80000001-1", "Ace")}</VendorQueryRs>',
        add_rs(a, item_service_ret("80000001-1", "01-100", "7"))))
    assert state(env, bad) == ("failed", "handler-error", "TypeError: id map entry IdMapUpdate(object_type="
                               "'vendor', procore_id='1', qb_id='80000001-1', edit_sequence=['1', '2'], "
                               "name=None) holds ['1', '2'], not text")
    assert state(env, a)[0] == "done"


def test_a_repeated_is_active_on_the_item_to_link_fails_naming_it(env: Env) -> None:
    item_id = enqueue_exports(env.queue, COMPANY, [A]).queued["1001"]
    twice = item_service_ret("80000007-1", "01-100", "99").replace(
        "<IsActive>true</IsActive>", "<IsActive>true</IsActive><IsActive>false</IsActive>")
    env.queue.complete(item_id, TICKET, state="pending", status_code="3100", message="in use",
                       result={"phase": "link"})
    d = driver(env)
    assert "<ItemQueryRq" in (d.next_request(COMPANY, TICKET) or "")
    d.apply_response(COMPANY, TICKET,
                     document(f'<ItemQueryRs requestID="{item_id}" {OK}>{twice}</ItemQueryRs>'))
    assert state(env, item_id) == ("failed", "UnexpectedAnswer", "QuickBooks answered ItemQueryRs status 0 "
                                   "with 2 IsActive elements in its ItemServiceRet")
