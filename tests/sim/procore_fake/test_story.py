"""End to end, the way the QuickBooks connector sees Procore: webhook -> GET ERP Request -> write back
origin ids -> close the request detail; from standard cost codes to a paid subcontractor invoice."""

from __future__ import annotations

import json
from typing import Any

from pcfake_helpers import Fake, cost_codes_of, make_project, make_std_codes, make_vendor


class Connector:
    """A minimal stand-in for the real connector: it handles each ERP Request as QuickBooks would."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.base = f"/rest/v1.0/companies/{fake.company_id}"
        self.handled: list[str] = []
        hook = fake.dmsa.post(
            "/rest/v1.0/webhooks/hooks",
            {
                "company_id": fake.company_id,
                "hook": {
                    "api_version": "v2",
                    "namespace": "erp-integration",
                    "destination_url": "https://connector.example/hooks",
                },
            },
        ).json()
        fake.dmsa.post(
            f"/rest/v1.0/webhooks/hooks/{hook['id']}/triggers",
            {
                "company_id": fake.company_id,
                "trigger": {"resource_name": "ERP Requests", "event_type": "create"},
            },
        )
        self.seen = 0

    def run(self) -> None:
        self.fake.http.post("/_sim/webhooks/deliver")
        for sent in self.fake.transport_log[self.seen :]:
            event = json.loads(sent.content)
            request = self.fake.dmsa.get(f"{self.base}/erp_requests/{event['resource_id']}").json()
            getattr(self, request["request_name"])(request["request_data"])
            self.handled.append(request["request_name"])
        self.seen = len(self.fake.transport_log)

    def _sync(self, *updates: dict[str, Any]) -> None:
        r = self.fake.dmsa.patch(f"{self.base}/external_data/sync", {"updates": list(updates)})
        assert r.json()["errors"] == [], r.text

    def _close(self, detail_id: int) -> None:
        r = self.fake.dmsa.patch(
            f"{self.base}/erp_request_details/{detail_id}", {"request_detail": {"status": "success"}}
        )
        assert r.status_code == 200

    def create_standard_cost_codes(self, data: list[dict[str, Any]]) -> None:
        for item in data:
            self._sync(
                {
                    "item_type": "standard_cost_code",
                    "item_id": item["id"],
                    "origin_id": f"8000{item['id']}-ITEM",
                }
            )
            self._close(item["request_detail_id"])

    def create_or_update_job(self, data: dict[str, Any]) -> None:
        job_id = "800003DD-1600977189"
        self._sync(
            {
                "item_type": "project",
                "item_id": data["job"]["id"],
                "origin_id": job_id,
                "origin_data": '{"edit_sequence":"1600977189"}',
            },
            *(
                {
                    "item_type": "cost_code",
                    "item_id": cc["id"],
                    "origin_id": f"{job_id}|{cc['standard_cost_code_origin_id']}",
                }
                for cc in data["all_cost_codes"]
            ),
        )
        self._close(data["request_detail_id"])

    def create_vendor(self, data: dict[str, Any]) -> None:
        self._sync(
            {"item_type": "vendor", "item_id": data["vendor"]["id"], "origin_id": "800000CD-1389650341"}
        )
        self._close(data["request_detail_id"])

    def create_commitment(self, data: dict[str, Any]) -> None:
        assert data["job_id"] == "800003DD-1600977189"
        assert data["commitment"]["vendor"]["origin_id"] == "800000CD-1389650341"
        self._sync(
            {
                "item_type": "work_order_contract",
                "item_id": data["commitment"]["id"],
                "origin_id": "PO-TXN-1",
            },
            *(
                {"item_type": "line_item", "item_id": li["id"], "origin_id": f"PO-LINE-{n}"}
                for n, li in enumerate(data["commitment_items"])
            ),
        )
        self._close(data["request_detail_id"])

    def create_requisitions(self, data: dict[str, Any]) -> None:
        for req in data["requisitions"]:
            assert req["contract_origin_id"] == "PO-TXN-1"
            assert req["line_items"][0]["commitment_item_origin_id"] == "PO-LINE-0"
            self._sync(
                {
                    "item_type": "requisition",
                    "item_id": req["procore_requisition_id"],
                    "origin_id": "BILL-TXN-1",
                }
            )

    def sync_contract_payments(self, data: dict[str, Any]) -> None:
        reqs = [
            r
            for r in self.fake.dmsa.get("/rest/v1.0/requisitions", project_id=self.project_id).json()
            if r["origin_id"]
        ]
        r = self.fake.dmsa.patch(
            f"{self.base}/invoice_payments/sync",
            {
                "updates": [
                    {
                        "invoice_type": "Billings::Requisition",
                        "invoice_id": req["id"],
                        "origin_id": "BILLPMT-1",
                        "amount": req["summary"]["current_payment_due"],
                        "date": "2024-03-05",
                        "check_number": "1042",
                    }
                    for req in reqs
                ]
            },
        )
        assert r.json()["errors"] == []
        self._close(data["request_detail_id"])

    project_id = 0


def _export(fake: Fake, kind: str, item_id: int, **options: Any) -> None:
    sender = {"vendor": "Erin Sponsor", "standard_cost_code": "Erin Sponsor"}.get(kind, "Pat Manager")
    assert fake.act("send", sender, kind, item_id).status_code == 200
    r = fake.act("accept", "Alex Accountant", kind, item_id, **options)
    assert r.status_code == 200, r.text


def test_from_cost_codes_to_a_paid_invoice(fake: Fake) -> None:
    qb = Connector(fake)
    codes = make_std_codes(fake, [("01-100", "Site Work")])
    _export(
        fake,
        "standard_cost_code",
        codes[0]["id"],
        income_account_origin_id="INC",
        expense_account_origin_id="EXP",
    )
    qb.run()
    project = make_project(fake)
    qb.project_id = project["id"]
    _export(fake, "project", project["id"])
    vendor = make_vendor(fake)
    _export(fake, "vendor", vendor["id"])
    qb.run()
    cc = cost_codes_of(fake, project["id"])[0]
    woc = fake.dmsa.post(
        "/rest/v1.0/work_order_contracts",
        {
            "project_id": project["id"],
            "work_order_contract": {
                "title": "Sitework",
                "vendor_id": vendor["id"],
                "status": "Approved",
                "line_items": [{"cost_code_id": cc["id"], "amount": "1000"}],
            },
        },
    ).json()
    _export(fake, "work_order_contract", woc["id"])
    qb.run()
    fake.settings(invoice_retainage_item_origin_id="80000099-RET")
    sov = fake.dmsa.get(
        f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items", project_id=project["id"]
    ).json()
    req = fake.dmsa.post(
        "/rest/v1.1/requisitions",
        {
            "project_id": project["id"],
            "commitment_id": woc["id"],
            "requisition": {
                "status": "approved",
                "invoice_number": "7",
                "items": [
                    {
                        "commitment_line_item_id": sov[0]["id"],
                        "work_completed_this_period": "400",
                        "work_completed_retainage_percent": "10",
                    }
                ],
            },
        },
    ).json()
    _export(fake, "requisition", req["id"])
    qb.run()
    assert (
        fake.sim("POST", "/erp/refresh/payments", {"as_user_id": fake.users["Alex Accountant"]}).status_code
        == 200
    )
    qb.run()
    assert qb.handled == [
        "create_standard_cost_codes",
        "create_or_update_job",
        "create_vendor",
        "create_commitment",
        "create_requisitions",
        "sync_contract_payments",
    ]
    synced = {(i["item_type"], i["item_id"]) for i in fake.sim("GET", "/erp/lists").json()["synced"]}
    assert {
        ("project", project["id"]),
        ("vendor", vendor["id"]),
        ("work_order_contract", woc["id"]),
        ("requisition", req["id"]),
        ("standard_cost_code", codes[0]["id"]),
    } <= synced
    payments = fake.dmsa.get(
        "/rest/v1.0/contract_payments", project_id=project["id"], contract_id=woc["id"]
    ).json()
    assert [(p["amount"], p["check_number"]) for p in payments] == [("360.0", "1042")]
    details = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details", **{"filters[status]": "in progress"}
    ).json()
    # the requisition's detail (its payload carries no id) was closed by its origin id
    assert details == []
