"""The connector under test, reached by URL: in-process (ASGI) today, another process over HTTP later.

A scenario needs two things of a connector:

* its **SOAP face** — the .qwc AppURL the Web Connector emulator posts to, and how to reach it
  (``transport``: the ASGI app in-process, or ``None`` for real HTTP to ``app_url``);
* a **control face** to arrange work and read outcomes — create the Web Connector user, queue sync
  work, read the work items' states and statuses, the id map and the staged imports.

:class:`InProcessConnector` provides both for this repository's connector (``connector.app``). The
control face is typed in this connector's internals (work items, the id map): it serves this repository's
white-box tests. Another connector is judged by URL only, through its public faces: ``conformance.blackbox``
and ``qbsim conformance``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from fastapi import FastAPI

from connector.app import create_app
from connector.config import Settings
from connector.qbwc.qwc import QwcSpec, build_qwc
from connector.qbwc.service import QbwcService
from connector.store.idmap import IdMapping
from connector.store.queue import WorkRecord
from connector.sync.context import SyncContext, SyncOptions
from connector.sync.cost_codes import CostCode, ExportPlan, enqueue_exports, enqueue_update
from connector.sync.jobs import KIND as JOB_IMPORT
from connector.sync.registry import install
from connector.sync.staging import Staged
from connector.sync.vendors import KIND as VENDOR_IMPORT

APP_NAME = "Procore QBD Connector"
DEFAULT_URL = "http://localhost:8000/qbwc"


class ConnectorTarget(Protocol):
    """What a scenario needs of the connector under test."""

    app_url: str
    transport: Any  # an ASGI app, an httpx.Client, or None (real HTTP to app_url)

    def qwc(self, username: str) -> str: ...

    def add_user(self, username: str, password: str, company_key: str, company_file: str) -> None: ...

    def export_cost_codes(self, company_key: str, codes: Iterable[CostCode]) -> ExportPlan: ...

    def update_cost_code(self, company_key: str, code: CostCode, depends_on: tuple[int, ...] = ()) -> int: ...

    def import_vendors(self, company_key: str, page_size: int | None = None) -> int: ...

    def import_jobs(
        self, company_key: str, page_size: int | None = None, job_mode: str | None = None
    ) -> int: ...

    def work_items(self, company_key: str) -> list[WorkRecord]: ...

    def work_item(self, item_id: int) -> WorkRecord: ...

    def id_mapping(self, company_key: str, object_type: str, procore_id: str) -> IdMapping | None: ...

    def staged(self, company_key: str, object_type: str, status: str | None = None) -> list[Staged]: ...


@dataclass
class InProcessConnector:
    """This repository's connector app on its own database, with every sync handler installed."""

    app: FastAPI
    service: QbwcService
    sync: SyncContext
    app_url: str = DEFAULT_URL
    app_name: str = APP_NAME
    #: True when the app is served on a real socket at ``app_url``: the Web Connector then posts over
    #: HTTP (``transport=None``) exactly as it would to a connector in another process.
    over_http: bool = False

    @classmethod
    def create(
        cls,
        *,
        clock: Callable[[], datetime],
        database_url: str = "sqlite://",
        app_url: str = DEFAULT_URL,
        options: SyncOptions | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> InProcessConnector:
        """A fresh connector (``create_app``) whose clock is the scenario's virtual clock."""
        values: dict[str, Any] = {
            "database_url": database_url,
            "clock": clock,
            "password_iterations": 1_000,  # the KDF cost is not what these scenarios test
        }
        values.update(settings or {})
        app = create_app(Settings(**values))
        service: QbwcService = app.state.qbwc
        return cls(app=app, service=service, sync=install(service, options), app_url=app_url)

    @property
    def transport(self) -> FastAPI | None:
        return None if self.over_http else self.app

    def served_at(self, base_url: str) -> InProcessConnector:
        """Point the .qwc AppURL at ``base_url`` (where :func:`conformance.serve.serve` runs the app)."""
        self.app_url, self.over_http = base_url.rstrip("/") + "/qbwc", True
        return self

    def qwc(self, username: str) -> str:
        """The .qwc the connector generates for ``username`` (``connector.qbwc.qwc.build_qwc``)."""
        return build_qwc(QwcSpec(app_name=self.app_name, app_url=self.app_url, username=username))

    def add_user(self, username: str, password: str, company_key: str, company_file: str) -> None:
        self.service.users.add_user(username, password, company_key, company_file)

    def export_cost_codes(self, company_key: str, codes: Iterable[CostCode]) -> ExportPlan:
        return enqueue_exports(self.service.queue, company_key, codes)

    def update_cost_code(self, company_key: str, code: CostCode, depends_on: tuple[int, ...] = ()) -> int:
        return enqueue_update(self.service.queue, company_key, code, depends_on)

    def import_vendors(self, company_key: str, page_size: int | None = None) -> int:
        payload = {"page_size": page_size} if page_size else {}
        return self.service.queue.enqueue(company_key, VENDOR_IMPORT, payload)

    def import_jobs(self, company_key: str, page_size: int | None = None, job_mode: str | None = None) -> int:
        payload: dict[str, Any] = {"page_size": page_size} if page_size else {}
        if job_mode:
            payload["job_mode"] = job_mode
        return self.service.queue.enqueue(company_key, JOB_IMPORT, payload)

    def work_items(self, company_key: str) -> list[WorkRecord]:
        return self.service.queue.items(company_key)

    def work_item(self, item_id: int) -> WorkRecord:
        record = self.service.queue.get(item_id)
        if record is None:
            raise KeyError(item_id)
        return record

    def id_mapping(self, company_key: str, object_type: str, procore_id: str) -> IdMapping | None:
        return self.service.queue.id_map.by_procore_id(company_key, object_type, procore_id)

    def staged(self, company_key: str, object_type: str, status: str | None = None) -> list[Staged]:
        return self.sync.staging.list(company_key, object_type, status)
