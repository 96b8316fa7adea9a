"""Companies, users and OAuth applications: the part of Procore an administrator sets up by hand.

``seed_company`` builds what a fresh ERP-enabled Procore company looks like once Procore's Integration
Implementation Specialist has connected QuickBooks Desktop: the company, a few people with the permission
levels of seed 001's matrix, one OAuth application (whose client-credentials grant acts as the Developer
Managed Service Account that erp-api-reference.json requires), the default Procore cost code list, the
"Other" cost type and the ERP connection with its "QuickBooks Standard Cost Codes" list.
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import erp_settings
from sim.procore_fake.store import Record, Store

DEFAULT_CLIENT_ID = "qbsim-client-id"
DEFAULT_CLIENT_SECRET = "qbsim-client-secret"
DEFAULT_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob"

ALL_ADMIN = {
    "company_admin": "admin",
    "directory": "admin",
    "projects": "admin",
    "erp_integrations": "admin",
    "budget": "admin",
    "commitments": "admin",
    "change_orders": "admin",
    "direct_costs": "admin",
    "invoicing": "admin",
    "reports": "admin",
    "webhooks": "admin",
}

# name -> (permissions, can_push_to_accounting, is_executive_sponsor)
SEED_USERS: dict[str, tuple[dict[str, str], bool, bool]] = {
    "Erin Sponsor": (ALL_ADMIN, True, True),
    "Pat Manager": (
        {
            "projects": "admin",
            "budget": "admin",
            "commitments": "admin",
            "change_orders": "admin",
            "direct_costs": "admin",
            "invoicing": "admin",
            "directory": "standard",
            "erp_integrations": "none",
        },
        False,
        False,
    ),
    "Alex Accountant": (
        {
            "erp_integrations": "standard",
            "directory": "standard",
            "projects": "read_only",
            "budget": "read_only",
            "commitments": "read_only",
            "change_orders": "read_only",
            "direct_costs": "read_only",
            "invoicing": "read_only",
        },
        True,
        False,
    ),
    "Robin Viewer": ({t: "read_only" for t in ALL_ADMIN}, False, False),
}


def make_user(
    store: Store,
    company_id: int,
    name: str,
    permissions: dict[str, str],
    *,
    can_push: bool = False,
    sponsor: bool = False,
    service_account: bool = False,
) -> Record:
    login = name.lower().replace(" ", ".") + "@example.com"
    return store.add(
        "user",
        {
            "login": login,
            "name": name,
            "email_address": login,
            "company_id": company_id,
            "is_service_account": service_account,
            "permissions": dict(permissions),
            "can_push_to_accounting": can_push,
            "is_executive_sponsor": sponsor,
        },
        company_id=company_id,
    )


def make_company(store: Store, clock: Clock, name: str) -> Record:
    return store.add(
        "company",
        {
            "name": name,
            "is_active": True,
            "logo_url": None,
            "pcn_business_experience": False,
            "my_company": True,
        },
        company_id=None,
    )


def seed_company(
    store: Store,
    clock: Clock,
    *,
    name: str = "Sim Construction Co.",
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
) -> dict[str, Any]:
    company = make_company(store, clock, name)
    cid = company["id"]
    users = {n: make_user(store, cid, n, p, can_push=c, sponsor=s) for n, (p, c, s) in SEED_USERS.items()}
    dmsa = make_user(store, cid, "QuickBooks Connector DMSA", ALL_ADMIN, service_account=True)
    store.add(
        "oauth_client",
        {
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": DEFAULT_REDIRECT_URI,
            "company_id": cid,
            "service_account_user_id": dmsa["id"],
            "owner_user_id": users["Erin Sponsor"]["id"],
        },
        company_id=cid,
        key=client_id,
    )
    std_list = store.add(
        "standard_cost_code_list",
        {"name": "Procore Standard Cost Code List", "is_erp_list": False, "company_id": cid},
        company_id=cid,
    )
    other = store.add(
        "line_item_type",
        {"name": "Other", "code": "O", "base_type": None, "origin_id": None, "origin_data": None},
        company_id=cid,
    )
    connection = erp_settings.connect(store, cid, service_url="http://127.0.0.1:8080/qbwc")
    return {
        "company": company,
        "users": users,
        "service_account": dmsa,
        "client_id": client_id,
        "client_secret": client_secret,
        "standard_cost_code_list": std_list,
        "line_item_type_other": other,
        "erp_connection": connection,
    }
