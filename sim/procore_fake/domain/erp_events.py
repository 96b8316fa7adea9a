"""Which of Procore's ERP events (``data/erp-events.json``, the erp_events_dictionary) the fake emits.

Every documented event is in exactly one of two registries:

- ``EMITTED``: the Procore-side action that makes the fake emit it. ``erp_requests.emit`` refuses a name
  that is not registered here, so the registry cannot fall behind the code.
- ``NOT_EMITTED``: events a company integrated with QuickBooks Desktop cannot cause, and why (seed 001,
  "Things to know about the QuickBooks Desktop Connector" and its data mapping);
- ``NOT_IMPLEMENTED``: events it can cause that the fake does not emit yet, and why.
``erp_requests.emit`` refuses both allow-lists too, so none can become emitted without moving to ``EMITTED``.

``tests/sim/procore_fake/test_erp_event_coverage.py`` checks the two cover the dictionary exactly;
``python -m sim.procore_fake.coverage`` lists them in ``COVERAGE.md``.
"""

from __future__ import annotations

EMITTED: dict[str, str] = {
    # Standard cost codes ("QuickBooks Standard Cost Codes", the one company list; seed 001 WBS)
    "create_standard_cost_codes": "an accounting approver exports standard cost codes (ERP tool)",
    "delete_standard_cost_codes": "a synced standard cost code is deleted: DELETE "
    "/rest/v1.0/standard_cost_codes/{id}, or ERP support's Super User delete (/_sim .../erp/support/delete)",
    "sync_standard_cost_codes": "Sync on the Std. Cost Codes & Cost Types tab (/_sim .../erp/refresh)",
    "unlink_standard_cost_codes": "ERP support's Super User unlink (/_sim .../erp/support/reset)",
    "sync_standard_categories": "the same Sync button (cost codes and cost types together)",
    # Vendors
    "create_vendor": "an accounting approver exports a company (vendor)",
    "create_vendor_in_procore": "Add to Procore on a staged vendor (Ready to Import)",
    "link_all_vendors": "Link All on Ready to Import: several staged vendors linked to their suggested "
    "Procore companies at once (/_sim .../erp/staged/link_all)",
    "link_vendor": "Link to Existing company on a staged vendor",
    "merge_vendors": "the Directory's Vendor Merge Tool (/_sim .../vendors/merge)",
    "sync_vendors": "Refresh Vendors, and the hourly company sync",
    "unlink_vendor": "unlink of a synced vendor (ERP tool)",
    # Projects (jobs)
    "create_job_in_procore": "Add to Procore on a staged job",
    "create_or_update_job": "an accounting approver exports or re-exports a project",
    "reset_job": "ERP support's Super User reset of a synced project",
    "sync_jobs": "Refresh Job List, and the hourly company sync",
    "sync_single_job": "the two-hourly project sync of each synced project (job costs)",
    # Project cost codes
    "delete_cost_code": "ERP support's Super User delete of synced project cost codes "
    "(/_sim .../erp/support/delete item_type cost_code)",
    "delete_cost_codes": "a project admin deletes synced project cost codes in the project's Admin tool "
    "(web UI only: /_sim .../projects/{id}/cost_codes/delete)",
    # Budgets
    "create_budget": "an accounting approver exports a budget (QuickBooks Estimate)",
    "update_budget": "an accounting approver re-exports a changed synced budget",
    # Subcontractor invoices and their payments
    "create_requisitions": "an accounting approver exports subcontractor invoices",
    "reset_requisition": "ERP support's Super User reset of a synced invoice",
    "reset_payment": "ERP support's Super User reset of a synced contract payment",
    "sync_contract_payments": "Sync payments on demand, and the payment Sync Program (US editions)",
    # Commitments and their change orders
    "create_commitment": "an accounting approver exports a commitment (QuickBooks Purchase Order)",
    "sync_commitments": "Refresh Commitments",
    "unlink_commitment": "unlink of a synced commitment",
    "create_commitment_change_order": "an accounting approver exports a CCO",
    "sync_commitment_change_orders": "sync of commitment change orders in the ERP tool",
    "unlink_commitment_change_order": "unlink of a synced CCO",
    # Metadata
    "sync_metadata": "an action needing ERP metadata the integration has not stored (/_sim .../erp/refresh)",
}

_SUB_JOBS = (
    "Sub Jobs are NOT supported by the QuickBooks Desktop connector (seed 001, work breakdown structure)"
)
_PRIME = (
    "Prime Contracts / Prime Contract Change Orders do NOT sync with QuickBooks Desktop (seed 001, "
    "limitations)"
)
_OWNER_INVOICES = (
    "payment applications are owner invoices on prime contracts; Prime Contract Invoices and Payments do "
    "NOT sync with QuickBooks Desktop (seed 001, limitations)"
)
_COMPANY_DIRECT_COSTS = (
    "company level direct costs are not among QuickBooks Desktop's exportable data (cost codes, jobs, "
    "vendors, budgets, commitments, CCOs, subcontractor invoices; seed 001) and the connector does not "
    "track expenses of any type; direct costs only come back as job costs"
)
_COST_TYPES = (
    "Cost Types are NOT supported by QuickBooks Desktop (seed 001): every cost type is the 'Other' "
    "placeholder, 'not transferred to QuickBooks Desktop in any way', so no QuickBooks record stands behind "
    "a category or a cost type assignment (the API would accept an origin id on 'Other'; the connector has "
    "none to give)"
)

NOT_EMITTED: dict[str, str] = {
    "delete_standard_categories": _COST_TYPES + "; there is no synced standard category to delete",
    "delete_cost_type_assignments": _COST_TYPES + "; there is no synced assignment to delete",
    "create_sub_job": _SUB_JOBS,
    "create_sub_job_in_procore": _SUB_JOBS,
    "reset_sub_job": _SUB_JOBS,
    "sync_sub_job": _SUB_JOBS,
    "sync_sub_jobs": _SUB_JOBS + " (there is no Refresh Sub Jobs button for it)",
    "create_budget_in_procore": "budgets are export only: QuickBooks Desktop Estimates can not be imported "
    "to Procore (seed 001, budget limitations)",
    "create_commitment_in_procore": "commitments are export only: QuickBooks Desktop Purchase Orders can "
    "not be imported to Procore (seed 001, commitments limitations)",
    "create_payment_application": _OWNER_INVOICES,
    "unlink_payment_application": _OWNER_INVOICES,
    "sync_prime_contracts": _PRIME,
    "create_prime_contract_change_order": _PRIME,
    "reset_prime_contract_change_order": _PRIME,
    "unlink_prime_contract_change_order": _PRIME,
    "create_company_level_direct_cost": _COMPANY_DIRECT_COSTS,
    "reset_company_level_direct_cost": _COMPANY_DIRECT_COSTS,
    "unlink_company_level_direct_cost": _COMPANY_DIRECT_COSTS,
}


# Events a QuickBooks Desktop company *can* cause that the fake does not emit yet.
NOT_IMPLEMENTED: dict[str, str] = {
    "create_payment": "possible with QuickBooks Desktop only for companies that license Procore Pay (seed "
    "001, data mapping note 4: export of payment records); the fake does not model Procore Pay payments "
    "(external payment ids, funding/settlement dates, bank ids), and the dictionary's example names the "
    "request create_contract_payment, not create_payment",
}


def not_emitted() -> dict[str, str]:
    """Every allow-listed event with its reason, the not-implemented ones marked as such."""
    return NOT_EMITTED | {name: f"NOT IMPLEMENTED: {why}" for name, why in NOT_IMPLEMENTED.items()}


def check_emittable(request_name: str) -> None:
    """Guard of ``erp_requests.emit``: a programming error, not an API answer."""
    allow_listed = not_emitted()
    if request_name in allow_listed:
        raise RuntimeError(f"{request_name} is allow-listed as not emitted: {allow_listed[request_name]}")
    if request_name not in EMITTED:
        raise RuntimeError(f"{request_name} is not registered in erp_events.EMITTED")
