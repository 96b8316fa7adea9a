"""Every approval action from every ERP status (domain/approval.py's state diagram), on a company (vendor).

Each cell is either the new status or the refusal Procore's tool shows; lists follow the status.
"""

from __future__ import annotations

import pytest
from pcfake_helpers import Fake, make_vendor, mark_synced

ACTOR = {
    "send": "Erin Sponsor",  # Admin on the Directory (the item's tool)
    "retrieve": "Erin Sponsor",
    "resend": "Erin Sponsor",
    "accept": "Alex Accountant",  # accounting approver
    "reject": "Alex Accountant",
    "direct_export": "Alex Accountant",
    "unlink": "Alex Accountant",  # Standard on ERP Integrations
}
VERB = {"direct_export": "export"}
LABEL = {
    "not_sent": "Not Sent",
    "waiting": "Waiting for Acceptance",
    "retrieved": "Retrieved",
    "rejected": "Rejected",
    "in_progress": "Export in Progress",
    "failed": "Failed to Export",
    "synced": "Synced",
}
ALREADY_SYNCED = "This item is already synced with ERP and has no changes to send."
LIST_OF = {"waiting": "ready_to_export", "failed": "failed_to_export", "synced": "synced"}

# from-status -> {action: new status}; every other action is refused
ALLOWED: dict[str, dict[str, str]] = {
    "not_sent": {"send": "waiting", "direct_export": "in_progress"},
    "waiting": {"retrieve": "retrieved", "accept": "in_progress", "reject": "rejected"},
    "retrieved": {"send": "waiting", "resend": "waiting", "direct_export": "in_progress"},
    "rejected": {"resend": "waiting", "direct_export": "in_progress"},
    "in_progress": {},
    "failed": {"resend": "waiting", "direct_export": "in_progress", "unlink": "not_sent"},
    "synced": {"unlink": "not_sent"},
}


def _detail_of(fake: Fake, vendor_id: int) -> int:
    details = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details", **{"filters[item_id]": vendor_id}
    ).json()
    return details[-1]["id"]


def _into(fake: Fake, state: str) -> int:
    """A vendor in ``state``, reached through the tool's own actions."""
    vendor = make_vendor(fake)["id"]
    steps: dict[str, list[str]] = {
        "not_sent": [],
        "waiting": ["send"],
        "retrieved": ["send", "retrieve"],
        "rejected": ["send", "reject"],
        "in_progress": ["send", "accept"],
        "failed": ["send", "accept"],
        "synced": [],
    }
    for action in steps[state]:
        assert fake.act(action, ACTOR[action], "vendor", vendor).status_code == 200
    if state == "failed":
        r = fake.dmsa.patch(
            f"/rest/v1.0/companies/{fake.company_id}/erp_request_details/{_detail_of(fake, vendor)}",
            {"request_detail": {"status": "failed", "messages": ["QuickBooks error: 3100"]}},
        )
        assert r.status_code == 200, r.text
    if state == "synced":
        mark_synced(fake, "vendor", vendor, "800000CD-1389650341")
    assert fake.sim("GET", f"/erp/items/vendor/{vendor}").json()["status"] == state
    return vendor


CELLS = [(s, a) for s in ALLOWED for a in ACTOR]


@pytest.mark.parametrize("start,action", CELLS, ids=[f"{s}-{a}" for s, a in CELLS])
def test_transition(fake: Fake, start: str, action: str) -> None:
    fake.settings(direct_export_enabled=True)
    vendor = _into(fake, start)
    r = fake.act(action, ACTOR[action], "vendor", vendor)
    after = fake.sim("GET", f"/erp/items/vendor/{vendor}").json()
    if action in ALLOWED[start]:
        new = ALLOWED[start][action]
        assert r.status_code == 200, r.text
        assert r.json()["status"] == new and after["status_label"] == LABEL[new]
        lists = fake.sim("GET", "/erp/lists").json()
        for status, name in LIST_OF.items():
            listed = [i["item_id"] for i in lists[name] if i.get("item_type") == "vendor"]
            assert listed == ([vendor] if status == new else []), name
        if new == "not_sent":
            assert after["origin_id"] is None  # unlink cleared the origin fields
        return
    if start == "synced" and action in ("send", "direct_export"):
        message = ALREADY_SYNCED
    else:
        message = f"Cannot {VERB.get(action, action)} an item whose ERP status is '{LABEL[start]}'."
    assert r.status_code == 422 and r.json() == {"errors": {"base": [message]}}
    assert after["status"] == start  # nothing moved
