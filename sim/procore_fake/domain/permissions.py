"""Tool permission levels and the ERP privileges of seed 001's permissions matrix.

Procore grants each user a level per tool: None < Read Only < Standard < Admin. The ERP Integrations tool
adds the "Can Push to Accounting" privilege (an *Accounting Approver* is a Standard or Admin user of the
ERP Integrations tool who holds it) and the company's Executive Sponsor, who alone may turn the
subcontractor progress-claims feature on and designate approvers (seed 000).
"""

from __future__ import annotations

from typing import Any

from sim.procore_fake.errors import Forbidden

LEVELS = ("none", "read_only", "standard", "admin")
TOOLS = (
    "company_admin",
    "directory",
    "projects",
    "erp_integrations",
    "budget",
    "commitments",
    "change_orders",
    "direct_costs",
    "invoicing",
    "reports",
    "webhooks",
)

User = dict[str, Any]


def level(user: User, tool: str) -> str:
    return str(user.get("permissions", {}).get(tool, "none"))


def at_least(user: User, tool: str, required: str) -> bool:
    return LEVELS.index(level(user, tool)) >= LEVELS.index(required)


def require(user: User, tool: str, required: str) -> None:
    """Raise Procore's 403 unless ``user`` holds ``required`` (or more) on ``tool``."""
    if not at_least(user, tool, required):
        raise Forbidden()


def is_accounting_approver(user: User) -> bool:
    """Seed 001: 'Standard' or 'Admin' on the ERP Integrations tool *and* 'Can Push to Accounting'."""
    return at_least(user, "erp_integrations", "standard") and bool(user.get("can_push_to_accounting"))


def require_accounting_approver(user: User) -> None:
    if not is_accounting_approver(user):
        raise Forbidden(
            "Only accounting approvers ('Can Push to Accounting') can accept or reject items for export."
        )


def require_executive_sponsor(user: User) -> None:
    if not user.get("is_executive_sponsor"):
        raise Forbidden("Only the company's Executive Sponsor can perform this action.")
