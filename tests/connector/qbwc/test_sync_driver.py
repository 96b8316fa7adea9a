"""The session driver over the durable queue: batching, dependencies, iterators, progress, crash safety."""

from __future__ import annotations

from lxml import etree


def batch_request_ids(request: str) -> list[tuple[str, str]]:
    root = etree.fromstring(request.split("?>", 2)[-1].encode())
    return [(rq.tag, rq.get("requestID")) for rq in root.find("QBXMLMsgsRq")]


def test_batches_respect_size_and_request_ids_are_work_item_ids(make_harness, kit) -> None:
    h = make_harness(batch_size=2)
    ids = [h.service.queue.enqueue("acme-co", "vendor_add", {"name": f"V{n}"}) for n in range(5)]
    ticket = h.wsc.authenticate()[0]
    request = h.wsc.send(ticket, kit.hcp_response())
    assert batch_request_ids(request) == [("VendorAddRq", str(ids[0])), ("VendorAddRq", str(ids[1]))]
    percents = [h.wsc.receive(ticket, h.qb.process(request))]
    while percents[-1] != 100:
        percents.append(h.wsc.receive(ticket, h.qb.process(h.wsc.send(ticket))))
    assert percents == [40, 80, 100]
    assert sorted(h.qb.vendors) == [f"V{n}" for n in range(5)]


def test_progress_is_honest_and_never_100_before_the_last_response(make_harness, kit) -> None:
    h = make_harness(batch_size=1)
    for n in range(3):
        h.service.queue.enqueue("acme-co", "vendor_add", {"name": f"V{n}"})
    percents = h.wsc.run_update(h.qb)
    assert percents == [33, 66, 100]


def test_purchase_order_waits_for_its_vendor(make_harness, kit) -> None:
    h = make_harness(batch_size=10)
    q = h.service.queue
    vendor = q.enqueue("acme-co", "vendor_add", {"name": "Ace"})
    po = q.enqueue("acme-co", "po_add", {"vendor": "Ace", "ref": "PO-1"}, depends_on=[vendor])
    other = q.enqueue("acme-co", "vendor_add", {"name": "Bee"})
    ticket = h.wsc.authenticate()[0]
    first = h.wsc.send(ticket, kit.hcp_response())
    assert batch_request_ids(first) == [("VendorAddRq", str(vendor)), ("VendorAddRq", str(other))]
    assert h.wsc.receive(ticket, h.qb.process(first)) == 66
    second = h.wsc.send(ticket)
    assert batch_request_ids(second) == [("PurchaseOrderAddRq", str(po))]
    assert h.wsc.receive(ticket, h.qb.process(second)) == 100
    assert h.qb.adds == ["vendor:Ace", "vendor:Bee", "po:PO-1"]


def test_failed_vendor_fails_its_purchase_order_without_sending_it(make_harness) -> None:
    h = make_harness()
    h.qb.vendors["Ace"] = "80000001-1600000000"  # already in QuickBooks: VendorAdd gets 3100
    q = h.service.queue
    vendor = q.enqueue("acme-co", "vendor_add", {"name": "Ace"})
    po = q.enqueue("acme-co", "po_add", {"vendor": "Ace", "ref": "PO-1"}, depends_on=[vendor])
    assert h.wsc.run_update(h.qb) == [100]
    failed_vendor, failed_po = q.get(vendor), q.get(po)
    assert failed_vendor is not None and failed_po is not None
    assert (failed_vendor.state, failed_vendor.last_status_code) == ("failed", "3100")
    assert failed_vendor.last_status_message == 'The name "Ace" of the list element is already in use.'
    assert failed_po.state == "failed" and failed_po.attempts == 0
    assert failed_po.last_status_message == (
        f"Not sent: work item {vendor} (vendor_add) it depends on failed: "
        '3100 The name "Ace" of the list element is already in use.'
    )
    assert h.qb.adds == []


def test_follow_up_work_from_a_handler_runs_in_the_same_session(harness) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_then_po", {"name": "Ace", "po_ref": "PO-9"})
    assert harness.wsc.run_update(harness.qb) == [50, 100]
    assert harness.qb.adds == ["vendor:Ace", "po:PO-9"]


def test_iterator_continues_on_the_next_send_request_xml(harness, kit) -> None:
    harness.qb.items = [f"Cost code {n:02d}" for n in range(5)]
    item_id = harness.service.queue.enqueue("acme-co", "item_service_import", {"page": 2})
    ticket = harness.wsc.authenticate()[0]
    first = harness.wsc.send(ticket, kit.hcp_response())
    assert '<ItemServiceQueryRq requestID="1" iterator="Start">' in first
    assert harness.wsc.receive(ticket, harness.qb.process(first)) == 1
    second = harness.wsc.send(ticket)
    iterator_id = "{00000001-0000-0000-0000-000000000000}"
    assert f'iterator="Continue" iteratorID="{iterator_id}"' in second
    assert harness.wsc.receive(ticket, harness.qb.process(second)) == 1
    third = harness.wsc.send(ticket)
    assert f'iteratorID="{iterator_id}"' in third
    assert harness.wsc.receive(ticket, harness.qb.process(third)) == 100
    handler = harness.service.handlers["item_service_import"]
    assert handler.seen == [f"Cost code {n:02d}" for n in range(5)]
    item = harness.service.queue.get(item_id)
    assert item is not None and item.state == "done" and item.iterator_id is None


def test_iterator_restarts_from_start_in_a_new_session(harness, kit) -> None:
    """QuickBooks iterators die with the session, so a half-read query starts again."""
    harness.qb.items = [f"C{n}" for n in range(4)]
    harness.service.queue.enqueue("acme-co", "item_service_import", {"page": 2})
    ticket = harness.wsc.authenticate()[0]
    harness.wsc.receive(ticket, harness.qb.process(harness.wsc.send(ticket, kit.hcp_response())))
    harness.wsc.close(ticket)
    second_ticket = harness.wsc.authenticate()[0]
    again = harness.wsc.send(second_ticket, kit.hcp_response())
    assert 'iterator="Start"' in again and "iteratorID" not in again


def test_crash_between_send_and_receive_probes_and_does_not_duplicate(harness, kit) -> None:
    q = harness.service.queue
    vendor = q.enqueue("acme-co", "vendor_add", {"name": "Ace"}, procore_id="55")
    ticket = harness.wsc.authenticate()[0]
    request = harness.wsc.send(ticket, kit.hcp_response())
    harness.qb.process(request)  # QuickBooks applied it ... and the Web Connector died: no receive
    record = q.get(vendor)
    assert record is not None and record.state == "sent"
    # "Update Selected" again right away: the restarted Web Connector authenticates as the same user

    new_ticket = harness.wsc.authenticate()[0]
    probe = harness.wsc.send(new_ticket, kit.hcp_response())
    assert batch_request_ids(probe) == [("VendorQueryRq", str(vendor))]
    assert harness.wsc.receive(new_ticket, harness.qb.process(probe)) == 100
    assert harness.qb.adds == ["vendor:Ace"]
    done = q.get(vendor)
    assert done is not None and done.state == "done" and done.attempts == 2
    mapping = q.id_map.by_procore_id("acme-co", "vendor", "55")
    assert mapping is not None and mapping.qb_id == harness.qb.vendors["Ace"]


def test_crash_before_quickbooks_applied_probes_then_adds_once(harness, kit) -> None:
    q = harness.service.queue
    vendor = q.enqueue("acme-co", "vendor_add", {"name": "Ace"})
    ticket = harness.wsc.authenticate()[0]
    harness.wsc.send(ticket, kit.hcp_response())  # the Web Connector died before QuickBooks saw it
    harness.clock.advance(minutes=31)
    new_ticket = harness.wsc.authenticate()[0]
    probe = harness.wsc.send(new_ticket, kit.hcp_response())
    assert batch_request_ids(probe) == [("VendorQueryRq", str(vendor))]
    assert harness.wsc.receive(new_ticket, harness.qb.process(probe)) == 1  # not found → re-add pending
    add = harness.wsc.send(new_ticket)
    assert batch_request_ids(add) == [("VendorAddRq", str(vendor))]
    assert harness.wsc.receive(new_ticket, harness.qb.process(add)) == 100
    assert harness.qb.adds == ["vendor:Ace"]


def test_work_survives_a_connector_restart(make_harness, tmp_path, kit) -> None:
    url = f"sqlite:///{tmp_path / 'connector.db'}"
    h = make_harness(database_url=url)
    vendor = h.service.queue.enqueue("acme-co", "vendor_add", {"name": "Ace"})
    po = h.service.queue.enqueue("acme-co", "po_add", {"vendor": "Ace", "ref": "PO-1"}, depends_on=[vendor])
    ticket = h.wsc.authenticate()[0]
    h.qb.process(h.wsc.send(ticket, kit.hcp_response()))  # applied, then connector + QBWC crash
    h.client.close()
    h.service.engine.dispose()

    restarted = h.reopen()
    h.clock.advance(minutes=31)
    assert [r.state for r in restarted.service.queue.items("acme-co")] == ["sent", "pending"]
    assert restarted.service.users.authenticate("acme", "s3cret") is not None
    assert restarted.wsc.run_update(restarted.qb) == [50, 100]
    assert restarted.qb.adds == ["vendor:Ace", "po:PO-1"]
    states = {r.id: r.state for r in restarted.service.queue.items("acme-co")}
    assert states == {vendor: "done", po: "done"}


def test_parse_error_on_a_batch_isolates_each_item_next_time(make_harness, kit) -> None:
    h = make_harness(batch_size=5)
    q = h.service.queue
    ids = [q.enqueue("acme-co", "vendor_add", {"name": f"V{n}"}) for n in range(3)]
    ticket = h.wsc.authenticate()[0]
    h.wsc.send(ticket, kit.hcp_response())
    message = "QuickBooks found an error when parsing the provided XML text stream."
    assert h.wsc.receive(ticket, "", "0x80040400", message) == -101
    assert [(r.state, r.solo) for r in q.items("acme-co")] == [("pending", True)] * 3
    h.wsc.close(ticket)
    next_ticket = h.wsc.authenticate()[0]
    alone = h.wsc.send(next_ticket, kit.hcp_response())
    assert batch_request_ids(alone) == [("VendorAddRq", str(ids[0]))]


def test_unknown_hresult_leaves_the_fate_unknown_so_the_item_is_probed(harness, kit) -> None:
    vendor = harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "Ace"})
    ticket = harness.wsc.authenticate()[0]
    harness.wsc.send(ticket, kit.hcp_response())
    assert harness.wsc.receive(ticket, "", "0x80040408", "QBSession not open") == -101
    record = harness.service.queue.get(vendor)
    assert record is not None and (record.state, record.probe) == ("pending", True)


def test_missing_handler_and_broken_handler_fail_the_item_not_the_session(harness) -> None:
    q = harness.service.queue
    unknown = q.enqueue("acme-co", "bill_add", {})
    broken = q.enqueue("acme-co", "vendor_add", {})  # no "name": the handler raises KeyError
    good = q.enqueue("acme-co", "vendor_add", {"name": "Ok"})
    assert harness.wsc.run_update(harness.qb) == [100]
    records = {r.id: r for r in q.items("acme-co")}
    assert (records[unknown].last_status_code, records[unknown].last_status_message) == (
        "no-handler",
        "No sync handler is registered for work kind 'bill_add'",
    )
    assert (records[broken].last_status_code, records[broken].last_status_message) == (
        "handler-error",
        "KeyError: 'name'",
    )
    assert records[good].state == "done"


def test_gives_up_after_max_attempts(make_harness, kit) -> None:
    h = make_harness(max_attempts=2)
    vendor = h.service.queue.enqueue("acme-co", "vendor_add", {"name": "Ace"})
    for _ in range(2):
        ticket = h.wsc.authenticate()[0]
        h.wsc.send(ticket, kit.hcp_response())
        h.wsc.receive(ticket, "", "0x80040408", "QBSession not open")
        h.wsc.close(ticket)
    ticket = h.wsc.authenticate()[0]
    assert h.wsc.send(ticket, kit.hcp_response()) == ""
    assert h.wsc.last_error(ticket) == "Nothing left to send (1 work items finished)."
    record = h.service.queue.get(vendor)
    assert record is not None and record.state == "failed"
    assert (
        record.last_status_message == "Gave up after 2 attempts; last status 0x80040408: QBSession not open"
    )


def test_many_companies_update_at_once_on_the_embedded_database(make_harness, kit) -> None:
    """Concurrent Web Connectors (one per company) on the in-memory default: no interleaved transactions."""
    import threading

    h = make_harness(batch_size=2)
    companies = [f"co{n}" for n in range(6)]
    for key in companies:
        h.service.users.add_user(key, "pw", key, rf"C:\Company\{key}.qbw")
        for n in range(5):
            h.service.queue.enqueue(key, "vendor_add", {"name": f"{key}-vendor-{n}"})
    errors: list[BaseException] = []
    results: dict[str, list[int]] = {}

    def run(key: str) -> None:
        try:
            wsc = kit.Wsc(h.client)
            qb = kit.ScriptedQuickBooks()
            ticket = wsc.authenticate(key, "pw")[0]
            first = wsc.send(ticket, kit.hcp_response(), rf"C:\Company\{key}.qbw")
            percents = [wsc.receive(ticket, qb.process(first))]
            while percents[-1] != 100:
                percents.append(wsc.receive(ticket, qb.process(wsc.send(ticket))))
            results[key] = percents
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(key,)) for key in companies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == {key: [40, 80, 100] for key in companies}
    for key in companies:
        assert {r.state for r in h.service.queue.items(key)} == {"done"}


def test_unreadable_response_is_an_error_and_the_fate_unknown(harness, kit) -> None:
    vendor = harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "Ace"})
    ticket = harness.wsc.authenticate()[0]
    harness.wsc.send(ticket, kit.hcp_response())
    assert harness.wsc.receive(ticket, "<QBXML><QBXMLMsgsRs>") == -101
    assert harness.wsc.last_error(ticket).startswith(
        "Could not read the qbXML response: response rejected by the XML parser: "
    )
    record = harness.service.queue.get(vendor)
    assert record is not None and (record.state, record.probe) == ("pending", True)


def test_an_item_missing_from_the_response_is_probed(make_harness, kit) -> None:
    h = make_harness(batch_size=5)
    first = h.service.queue.enqueue("acme-co", "vendor_add", {"name": "A"})
    second = h.service.queue.enqueue("acme-co", "vendor_add", {"name": "B"})
    ticket = h.wsc.authenticate()[0]
    request = h.wsc.send(ticket, kit.hcp_response())
    full = h.qb.process(request)
    only_first = full.replace(
        full[full.index(f'<VendorAddRs requestID="{second}"') : full.index("</QBXMLMsgsRs>")], ""
    )
    assert h.wsc.receive(ticket, only_first) == 50
    record = h.service.queue.get(second)
    assert record is not None and (record.state, record.probe) == ("pending", True)
    probe = h.wsc.send(ticket)
    assert f'<VendorQueryRq requestID="{second}">' in probe
    assert h.wsc.receive(ticket, h.qb.process(probe)) == 100
    assert h.qb.adds == ["vendor:A", "vendor:B"]
    assert h.service.queue.get(first).state == "done"
