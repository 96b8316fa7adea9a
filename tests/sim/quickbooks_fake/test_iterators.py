"""Query iterators: Start / Continue / Stop, iteratorRemainingCount, expiry, bad iteratorID."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake.iterators import ITERATOR_IDLE_SECONDS
from tests.sim.quickbooks_fake.helpers import rs, status


def bad_iterator(iterator_id: str) -> tuple[str, str, str]:
    """QuickBooks' answer for an iterator that is gone (quickbooks-php#183 capture)."""
    return ("3391", "Error", f'The iteratorID "{iterator_id}" is not valid.')


@pytest.fixture
def five_vendors(company) -> None:
    for n in range(5):
        company.ui.create_vendor(f"Vendor {n}")


def start(run, size: int = 2, ticket: str | None = None):
    return rs(run(f'<VendorQueryRq requestID="1" iterator="Start"><MaxReturned>{size}</MaxReturned>'
                  "</VendorQueryRq>", ticket=ticket))


def cont(run, iterator_id: str, size: int = 2, ticket: str | None = None):
    return rs(run(f'<VendorQueryRq requestID="2" iterator="Continue" iteratorID="{iterator_id}">'
                  f"<MaxReturned>{size}</MaxReturned></VendorQueryRq>", ticket=ticket))


@pytest.mark.usefixtures("five_vendors")
def test_start_continue_until_exhausted(run) -> None:
    first = start(run)
    iterator_id = first.get("iteratorID")
    assert (len(first), first.get("iteratorRemainingCount")) == (2, "3")
    assert iterator_id
    second = cont(run, iterator_id)
    assert (len(second), second.get("iteratorRemainingCount")) == (2, "1")
    assert second.get("iteratorID") == iterator_id
    third = cont(run, iterator_id)
    assert (len(third), third.get("iteratorRemainingCount")) == (1, "0")
    # real iterator pages carry iteratorRemainingCount and iteratorID, no retCount (that is metaData's)
    assert [el.get("retCount") for el in (first, second, third)] == [None, None, None]
    assert list(first.attrib) == ["requestID", "statusCode", "statusSeverity", "statusMessage",
                                  "iteratorRemainingCount", "iteratorID"]
    seen = [c.findtext("Name") for el in (first, second, third) for c in el]
    assert seen == [f"Vendor {n}" for n in range(5)]
    # the iterator is gone once drained
    assert status(cont(run, iterator_id)) == bad_iterator(iterator_id)


@pytest.mark.usefixtures("five_vendors")
def test_continue_sees_edits_made_meanwhile(run, company) -> None:
    iterator_id = start(run).get("iteratorID")
    company.ui.edit("Vendor", "Vendor 2", Phone="555-0199")
    nxt = cont(run, iterator_id)
    assert nxt[0].findtext("Phone") == "555-0199"


def test_unknown_iterator_id(run) -> None:
    assert status(cont(run, "{nope}")) == bad_iterator("{nope}")


@pytest.mark.usefixtures("five_vendors")
def test_iterator_expires_when_idle(run, company) -> None:
    iterator_id = start(run).get("iteratorID")
    company.clock.advance(ITERATOR_IDLE_SECONDS + 1)
    assert status(cont(run, iterator_id)) == bad_iterator(iterator_id)


@pytest.mark.usefixtures("five_vendors")
def test_iterator_dies_with_its_session(run, company) -> None:
    ticket = company.begin_session("Procore")
    iterator_id = start(run, ticket=ticket).get("iteratorID")
    company.end_session(ticket)
    other = company.begin_session("Procore")
    assert status(cont(run, iterator_id, ticket=other)) == bad_iterator(iterator_id)


@pytest.mark.usefixtures("five_vendors")
def test_iterator_is_bound_to_its_request_type(run) -> None:
    iterator_id = start(run).get("iteratorID")
    answer = rs(run(f'<CustomerQueryRq iterator="Continue" iteratorID="{iterator_id}"><MaxReturned>2'
                    "</MaxReturned></CustomerQueryRq>"))
    assert status(answer) == bad_iterator(iterator_id)


@pytest.mark.usefixtures("five_vendors")
def test_stop(run) -> None:
    iterator_id = start(run).get("iteratorID")
    stopped = rs(run(f'<VendorQueryRq iterator="Stop" iteratorID="{iterator_id}"></VendorQueryRq>'))
    assert status(stopped)[0] == "0"
    assert status(cont(run, iterator_id)) == bad_iterator(iterator_id)


def test_start_with_nothing_to_return(run) -> None:
    answer = rs(run('<CustomerQueryRq iterator="Start"><MaxReturned>10</MaxReturned></CustomerQueryRq>'))
    assert status(answer) == ("1", "Info", "A query request did not find a matching object in QuickBooks")
    assert answer.get("iteratorRemainingCount") == "0"


@pytest.mark.usefixtures("five_vendors")
def test_iterators_over_http(http_run) -> None:
    first = rs(http_run('<VendorQueryRq iterator="Start"><MaxReturned>4</MaxReturned></VendorQueryRq>'))
    assert first.get("iteratorRemainingCount") == "1"
    rest = rs(http_run(f'<VendorQueryRq iterator="Continue" iteratorID="{first.get("iteratorID")}">'
                       "<MaxReturned>4</MaxReturned></VendorQueryRq>"))
    assert [c.findtext("Name") for c in rest] == ["Vendor 4"]


@pytest.mark.usefixtures("five_vendors")
def test_meta_data_only_counts(run) -> None:
    only = rs(run('<VendorQueryRq metaData="MetaDataOnly"/>'))
    assert (only.get("retCount"), len(only), status(only)[0]) == ("5", 0, "0")
    both = rs(run('<VendorQueryRq metaData="MetaDataAndResponseData"><MaxReturned>2</MaxReturned>'
                  "</VendorQueryRq>"))
    assert (both.get("retCount"), len(both)) == ("5", 2)
