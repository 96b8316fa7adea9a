"""The sync handlers by work kind, and how a connector installs them into its QBWC service.

    from connector.app import create_app
    from connector.sync.registry import install
    app = create_app(settings)
    context = install(app.state.qbwc)            # registers every handler below

The session driver looks a work item's handler up by ``WorkItem.kind``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine

from connector.store.queue import WorkQueue
from connector.sync import budgets
from connector.sync.accounts import AccountImportHandler
from connector.sync.change_orders import ChangeOrderExportHandler
from connector.sync.commitments import CommitmentExportHandler
from connector.sync.context import SyncContext, SyncOptions
from connector.sync.cost_codes import CostCodeExportHandler, CostCodeUpdateHandler
from connector.sync.invoices import InvoiceExportHandler
from connector.sync.job_costs import JobCostReadHandler
from connector.sync.jobs import JobImportHandler
from connector.sync.payments import PaymentImportHandler
from connector.sync.projects import ProjectExportHandler, ProjectUpdateHandler
from connector.sync.service_items import ServiceItemImportHandler
from connector.sync.staging import StagingStore
from connector.sync.vendor_exports import VendorExportHandler
from connector.sync.vendors import VendorImportHandler
from connector.work import SyncHandler


class _Settings(Protocol):
    @property
    def clock(self) -> Callable[[], datetime]: ...


class HandlerHost(Protocol):
    """What ``install`` needs of the QBWC service (``connector.qbwc.service.QbwcService``)."""

    engine: Engine
    queue: WorkQueue

    @property
    def settings(self) -> _Settings: ...

    def register(self, handler: SyncHandler) -> None: ...


def build_handlers(context: SyncContext) -> dict[str, SyncHandler]:
    """One handler per work kind, sharing ``context``."""
    handlers: list[SyncHandler] = [
        CostCodeExportHandler(context),
        CostCodeUpdateHandler(context),
        ProjectExportHandler(context),
        ProjectUpdateHandler(context),
        VendorExportHandler(context),
        CommitmentExportHandler(context),
        ChangeOrderExportHandler(context),
        InvoiceExportHandler(context),
        VendorImportHandler(context),
        JobImportHandler(context),
        ServiceItemImportHandler(context),
        AccountImportHandler(context),
        PaymentImportHandler(context),
        *budgets.handlers(context),
        JobCostReadHandler(context),
    ]
    return {h.kind: h for h in handlers}


def install(service: HandlerHost, options: SyncOptions | None = None) -> SyncContext:
    """Create the staging table on the service's database and register every handler."""
    context = SyncContext(
        queue=service.queue,
        staging=StagingStore(service.engine),
        options=options or SyncOptions(),
        clock=service.settings.clock,
    )
    for handler in build_handlers(context).values():
        service.register(handler)
    return context
