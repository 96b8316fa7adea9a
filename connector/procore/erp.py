"""The ERP Integrations ("ERP platform") calls the QuickBooks Desktop connector makes, typed and thin.

Each method names its real Procore path and where that path comes from: **documented** (Procore's
reference: the public OAS, the ERP API reference or the 2022 ERP dictionary) or **inferred** (Procore
publishes only an anchor or a suffix; the path is the fake Procore's guess, tagged ``inferred`` there
too). Request and answer shapes are those of ``sim/procore_fake`` (routers/erp.py, schemas.py, domain/*).

Sync actions (``PATCH …/sync``) take at most 1000 updates per call (api-conventions.json); longer lists
are sent in chunks of 1000 and the answers concatenated. A chunk that fails (Procore unavailable) raises,
with a note counting the updates earlier chunks already applied; sync actions upsert, so the caller sends
the whole list again later. A sync action always answers 200 with
``{"entities": [...], "errors": [...]}``; :class:`SyncResult` returns both — a failed update is never
dropped (each error is the submitted update plus Rails' ``errors``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector.procore.client import ProcoreClient
from connector.procore.errors import ProcoreError

__all__ = [
    "ERP_NAMESPACE",
    "ERP_REQUESTS_RESOURCE",
    "SYNC_MAX_ITEMS",
    "ErpApi",
    "SyncResult",
    "WebhookRegistration",
]

SYNC_MAX_ITEMS = 1000
ERP_NAMESPACE = "erp-integration"
ERP_REQUESTS_RESOURCE = "ERP Requests"
DETAIL_STATUSES = ("in progress", "success", "failed", "stale")


@dataclass
class SyncResult:
    """The answer of a sync action: ``entities`` written, ``errors`` refused (submitted attrs + errors)."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def extend(self, answer: Any) -> None:
        if not isinstance(answer, dict):
            raise TypeError(f"a sync action answered {type(answer).__name__}, expected {{entities, errors}}")
        self.entities.extend(answer.get("entities") or [])
        self.errors.extend(answer.get("errors") or [])


@dataclass(frozen=True)
class WebhookRegistration:
    """The connector's hook and its ERP Requests / create trigger; ``created`` when this call made either."""

    hook: dict[str, Any]
    trigger: dict[str, Any]
    created: bool


def chunks(items: Sequence[Any], size: int = SYNC_MAX_ITEMS) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ErpApi:
    """ERP Integrations calls for the client's company (``client.company_id``)."""

    def __init__(self, client: ProcoreClient) -> None:
        self.client = client

    @property
    def company_id(self) -> int:
        return self.client.company_id

    @property
    def _company(self) -> str:
        return f"/rest/v1.0/companies/{self.company_id}"

    def _sync(
        self,
        path: str,
        updates: Sequence[Mapping[str, Any]],
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> SyncResult:
        result = SyncResult()
        for chunk in chunks(list(updates)):
            payload = {**(body or {}), "updates": [dict(u) for u in chunk]}
            try:
                answer = self.client.request("PATCH", path, params=params, json=payload)
            except ProcoreError as exc:
                if result.entities or result.errors:
                    # Sync actions upsert, so sending the whole list again later is safe.
                    exc.add_note(
                        f"{len(result.entities) + len(result.errors)} updates in earlier chunks of "
                        f"{SYNC_MAX_ITEMS} were already answered ({len(result.errors)} refused)"
                    )
                raise
            result.extend(answer)
        return result

    # -- the ERP connection -----------------------------------------------------------------------------
    def create_connection(
        self, service_url: str, metadata: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """``POST /rest/v1.0/companies/{company_id}/erp_connections`` (documented): registers the connector
        (its ``service_url``); Procore creates the company's single ERP standard cost code list and answers
        ``{"id": company_id, "standard_cost_code_list_id": …}``. Procore shows the connection Connected
        while the connector keeps calling."""
        connection: dict[str, Any] = {"service_url": service_url}
        if metadata is not None:
            connection["metadata"] = dict(metadata)
        answer: dict[str, Any] = self.client.post(
            f"{self._company}/erp_connections", {"connection": connection}
        )
        return answer

    def update_connection(
        self, service_url: str | None = None, metadata: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """``PATCH /rest/v1.0/companies/{company_id}/erp_connections`` (inferred: Procore documents the
        anchor "update ERP metadata configuration", not the path); fields left out keep their value."""
        connection: dict[str, Any] = {}
        if service_url is not None:
            connection["service_url"] = service_url
        if metadata is not None:
            connection["metadata"] = dict(metadata)
        answer: dict[str, Any] = self.client.patch(
            f"{self._company}/erp_connections", {"connection": connection}, idempotent=True
        )
        return answer

    # -- webhooks ---------------------------------------------------------------------------------------
    def register_webhook(
        self, destination_url: str, *, destination_headers: Mapping[str, str] | None = None
    ) -> WebhookRegistration:
        """Subscribe ``destination_url`` to ERP Requests, idempotently (documented paths).

        Finds a company-level hook of namespace ``erp-integration`` with this destination
        (``GET /rest/v1.0/webhooks/hooks?company_id=…&namespace=erp-integration``), else creates it
        (``POST /rest/v1.0/webhooks/hooks``); then makes sure it has the trigger
        ``{"resource_name": "ERP Requests", "event_type": "create"}``
        (``GET``/``POST /rest/v1.0/webhooks/hooks/{id}/triggers``). Calling it again changes nothing.
        """
        created = False
        hooks = self.client.get_all(
            "/rest/v1.0/webhooks/hooks", {"company_id": self.company_id, "namespace": ERP_NAMESPACE}
        )
        hook = next(
            (
                h
                for h in hooks
                if h.get("destination_url") == destination_url and h.get("namespace") == ERP_NAMESPACE
            ),
            None,
        )
        if hook is None:
            spec: dict[str, Any] = {
                "api_version": "v2",
                "namespace": ERP_NAMESPACE,
                "destination_url": destination_url,
            }
            if destination_headers:
                spec["destination_headers"] = dict(destination_headers)
            hook = self.client.post(
                "/rest/v1.0/webhooks/hooks", {"company_id": self.company_id, "hook": spec}
            )
            created = True
        triggers_path = f"/rest/v1.0/webhooks/hooks/{hook['id']}/triggers"
        triggers = self.client.get_all(triggers_path, {"company_id": self.company_id})
        trigger = next(
            (
                t
                for t in triggers
                if t.get("resource_name") == ERP_REQUESTS_RESOURCE and t.get("event_type") == "create"
            ),
            None,
        )
        if trigger is None:
            trigger = self.client.post(
                triggers_path,
                {
                    "company_id": self.company_id,
                    "api_version": "v2",
                    "trigger": {"resource_name": ERP_REQUESTS_RESOURCE, "event_type": "create"},
                },
            )
            created = True
        return WebhookRegistration(hook=hook, trigger=trigger, created=created)

    # -- ERP Requests and their details -------------------------------------------------------------------
    def get_erp_request(self, request_id: int) -> dict[str, Any]:
        """``GET /rest/v1.0/companies/{company_id}/erp_requests/{id}`` (inferred: the anchor "show ERP
        request" is documented, the path is not): ``{id, company_id, request_name, request_data,
        created_at, updated_at, integration_app_name}``. A webhook delivery carries only the id."""
        answer: dict[str, Any] = self.client.get(f"{self._company}/erp_requests/{int(request_id)}")
        return answer

    def list_request_details(
        self,
        *,
        status: str | None = None,
        item_type: str | None = None,
        item_id: int | None = None,
        erp_request_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """``GET /rest/v1.0/companies/{company_id}/erp_request_details`` (documented), every page;
        ``filters[status|item_type|item_id|erp_request_id]``. A detail: ``{id, erp_request_id, item_type,
        item_id, status, messages, created_at, updated_at}``."""
        params: dict[str, Any] = {}
        for key, value in (
            ("status", status),
            ("item_type", item_type),
            ("item_id", item_id),
            ("erp_request_id", erp_request_id),
        ):
            if value is not None:
                params[f"filters[{key}]"] = value
        return self.client.get_all(f"{self._company}/erp_request_details", params)

    def open_request_details(self) -> list[dict[str, Any]]:
        """The details still ``in progress`` (what a poller picks up when a webhook was lost)."""
        return self.list_request_details(status="in progress")

    def close_request_detail(
        self, detail_id: int, status: str, messages: Sequence[str] = ()
    ) -> dict[str, Any]:
        """``PATCH /rest/v1.0/companies/{company_id}/erp_request_details/{id}`` (documented: "closing out")
        with ``{"request_detail": {"status", "messages"}}``; ``status`` is ``success``, ``failed`` or
        ``stale``; ``messages`` (strings) are what the accounting approver reads under "Failed to Export".
        Setting the same status twice leaves the same state, so the call is retried as idempotent."""
        if status not in DETAIL_STATUSES:
            raise ValueError(f"status must be one of {', '.join(DETAIL_STATUSES)}, not {status!r}")
        answer: dict[str, Any] = self.client.patch(
            f"{self._company}/erp_request_details/{int(detail_id)}",
            {"request_detail": {"status": status, "messages": [str(m) for m in messages]}},
            idempotent=True,
        )
        return answer

    def close_request_details(self, updates: Sequence[Mapping[str, Any]]) -> SyncResult:
        """``PATCH /rest/v1.0/companies/{company_id}/erp_request_details/sync`` (documented, 2022
        dictionary): ``[{"id", "status", "messages"}]``; an unknown id comes back in ``errors``."""
        return self._sync(f"{self._company}/erp_request_details/sync", updates)

    # -- write-back ---------------------------------------------------------------------------------------
    def sync_external_data(self, updates: Sequence[Mapping[str, Any]]) -> SyncResult:
        """``PATCH /rest/v1.0/companies/{company_id}/external_data/sync`` (documented): origin ids back onto
        Procore records, ``[{"item_type", "item_id", "origin_id", "origin_data"?, "origin_code"?}]``
        (``origin_id: None`` unlinks). Entities are ``{id, item_type, item_id, origin_id}``."""
        return self._sync(f"{self._company}/external_data/sync", updates)

    def sync_staged_records(self, updates: Sequence[Mapping[str, Any]]) -> SyncResult:
        """``PATCH /rest/v1.0/companies/{company_id}/erp_staged_records/sync`` (inferred: Procore documents
        the suffix ``/staged_records`` only): QuickBooks records offered on Ready to Import, upserted by
        ``(item_type, origin_id)``: ``[{"item_type", "origin_id", "origin_code"?, "origin_data"?, "status"?,
        "data"?, "children"?}]``."""
        return self._sync(f"{self._company}/erp_staged_records/sync", updates)

    def list_staged_records(self, status: str | None = None) -> list[dict[str, Any]]:
        """``GET /rest/v1.0/companies/{company_id}/erp_staged_records`` (inferred, as above), every page;
        ``status`` is ``staged``, ``imported``, ``invalid`` or ``archived``."""
        params = {"filters[status]": status} if status is not None else {}
        return self.client.get_all(f"{self._company}/erp_staged_records", params)

    def sync_job_costs(self, job_origin_id: str, updates: Sequence[Mapping[str, Any]]) -> SyncResult:
        """``PATCH /rest/v1.0/erp_job_costs/sync`` (documented, not in the public OAS): a job's QuickBooks
        costs per cost code, ``{"company_id", "job_origin_id", "updates": [{"cost_code_id",
        "line_item_type_id"?, amounts…}]}``."""
        return self._sync(
            "/rest/v1.0/erp_job_costs/sync",
            updates,
            {"company_id": self.company_id, "job_origin_id": job_origin_id},
        )

    def sync_transactions(self, project_id: int, updates: Sequence[Mapping[str, Any]]) -> SyncResult:
        """``PATCH /rest/v1.0/erp_transactions/sync`` (documented): marks budget export transactions
        written, ``{"project_id", "updates": [{"id", "origin_id", "synced": true}]}``."""
        return self._sync("/rest/v1.0/erp_transactions/sync", updates, {"project_id": int(project_id)})

    def sync_invoice_payments(self, updates: Sequence[Mapping[str, Any]]) -> SyncResult:
        """``PATCH /rest/v1.0/companies/{company_id}/invoice_payments/sync`` (documented, not in the public
        OAS): QuickBooks bill payments onto subcontractor invoices, ``[{"invoice_id", "origin_id",
        "amount", "date", "invoice_type"?, "check_number"?, …}]``."""
        return self._sync(f"{self._company}/invoice_payments/sync", updates)

    def sync_standard_cost_codes(
        self, standard_cost_code_list_id: int, updates: Sequence[Mapping[str, Any]]
    ) -> SyncResult:
        """``PATCH /rest/v1.0/standard_cost_codes/sync`` (documented): ``{"company_id",
        "standard_cost_code_list_id", "updates": [{"id"?, "origin_id"?, "code"?, "name"?, …}]}``."""
        return self._sync(
            "/rest/v1.0/standard_cost_codes/sync",
            updates,
            {"company_id": self.company_id, "standard_cost_code_list_id": int(standard_cost_code_list_id)},
        )

    def sync_cost_codes(self, project_id: int, updates: Sequence[Mapping[str, Any]]) -> SyncResult:
        """``PATCH /rest/v1.0/cost_codes/sync?project_id=…`` (documented): a project's cost codes (the only
        way to change them on an ERP project)."""
        return self._sync("/rest/v1.0/cost_codes/sync", updates, params={"project_id": int(project_id)})

    def sync_vendors(self, updates: Sequence[Mapping[str, Any]]) -> SyncResult:
        """``PATCH /rest/v1.0/vendors/sync`` (documented): company directory vendors by id / origin_id."""
        return self._sync("/rest/v1.0/vendors/sync", updates, {"company_id": self.company_id})

    def sync_projects(self, updates: Sequence[Mapping[str, Any]]) -> SyncResult:
        """``PATCH /rest/v1.0/projects/sync`` (documented): projects by id / origin_id."""
        return self._sync("/rest/v1.0/projects/sync", updates, {"company_id": self.company_id})

    # -- reads --------------------------------------------------------------------------------------------
    def list_vendors(self, **filters: Any) -> list[dict[str, Any]]:
        """``GET /rest/v1.0/vendors?company_id=…`` (documented: Procore's company vendors list lives here,
        not under ``/companies/{id}/vendors``), every page; ``filters`` become ``filters[key]``."""
        params = {"company_id": self.company_id, **{f"filters[{k}]": v for k, v in filters.items()}}
        return self.client.get_all("/rest/v1.0/vendors", params)

    def list_projects(self, **filters: Any) -> list[dict[str, Any]]:
        """``GET /rest/v1.0/projects?company_id=…`` (documented), every page (Procore lists active projects
        unless ``by_status="All"`` or ``"Inactive"``)."""
        params = {"company_id": self.company_id, **{f"filters[{k}]": v for k, v in filters.items()}}
        return self.client.get_all("/rest/v1.0/projects", params)

    def list_standard_cost_code_lists(self) -> list[dict[str, Any]]:
        """``GET /rest/v1.0/standard_cost_code_lists?company_id=…`` (documented); the ERP list has
        ``is_erp_list: true``."""
        return self.client.get_all("/rest/v1.0/standard_cost_code_lists", {"company_id": self.company_id})

    def list_standard_cost_codes(self, standard_cost_code_list_id: int) -> list[dict[str, Any]]:
        """``GET /rest/v1.0/standard_cost_codes?standard_cost_code_list_id=…`` (documented), every page."""
        return self.client.get_all(
            "/rest/v1.0/standard_cost_codes",
            {"company_id": self.company_id, "standard_cost_code_list_id": int(standard_cost_code_list_id)},
        )

    def list_cost_codes(self, project_id: int) -> list[dict[str, Any]]:
        """``GET /rest/v1.0/cost_codes?project_id=…`` (documented): a project's cost codes, every page."""
        return self.client.get_all("/rest/v1.0/cost_codes", {"project_id": int(project_id)})
