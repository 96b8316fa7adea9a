"""End-to-end sync benchmarks: one Web Connector update through the whole stack, beside QuickBooks alone.

- ``stack``: a fresh in-process stack (fake company file, connector on SQLite, Web Connector emulator
  driving SOAP through zeep) exports ``CODES`` Procore cost codes as Service items in batches of the
  connector's ``batch_size``, then closes: every SOAP call, the qbXML codec, the durable queue and the id
  map are in the measurement.
- ``floor``: the same qbXML request documents (captured from one stack run) processed by a fresh fake
  company file directly -- what QuickBooks itself spends, with no Web Connector and no connector.

The ratio stack/floor is the cost the integration adds on top of QuickBooks' own processing. Report it
from one run, side by side: ``pytest benchmarks/e2e --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.stack import Stack
from connector.sync.cost_codes import CostCode
from sim.quickbooks_fake import CompanyFile
from sim.webconnector import Outcome

CODES = 200


def cost_codes() -> list[CostCode]:
    return [
        CostCode(str(10_000 + n), f"{n // 100:02d}-{n % 100:03d}", f"Cost code {n}", "Construction Income",
                 "Job Expenses")
        for n in range(CODES)
    ]


def ready_stack() -> tuple[tuple[Stack], dict[str, Any]]:
    stack = Stack.create()
    stack.connector.export_cost_codes(stack.company_key, cost_codes())
    return (stack,), {}


def run_stack(stack: Stack) -> None:
    result = stack.run_update()
    assert result.outcome is Outcome.COMPLETED


@pytest.fixture(scope="module")
def captured_requests() -> list[str]:
    """The qbXML documents one stack run sends to QuickBooks (the HCP query excluded)."""
    (stack,), _ = ready_stack()
    run_stack(stack)
    requests = stack.results[-1].requests
    assert len(stack.items("ItemService")) >= CODES
    return requests


@pytest.mark.benchmark(group="e2e: export cost codes as Service items")
def test_stack(benchmark: Any) -> None:
    benchmark.pedantic(run_stack, setup=ready_stack, rounds=5, iterations=1)


@pytest.mark.benchmark(group="e2e: export cost codes as Service items")
def test_floor_quickbooks_alone(benchmark: Any, captured_requests: list[str]) -> None:
    def fresh() -> tuple[tuple[CompanyFile], dict[str, Any]]:
        return (CompanyFile.create(),), {}

    def process(company: CompanyFile) -> None:
        for document in captured_requests:
            company.process_request(document)

    benchmark.pedantic(process, setup=fresh, rounds=5, iterations=1)
