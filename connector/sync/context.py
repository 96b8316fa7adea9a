"""What sync handlers share: the connector's store (work queue, id map, staging) and the settings.

Handlers are built once per connector (``connector.sync.registry.install``) over the same database
the QBWC service uses, so the id map they read (EditSequence for a Mod) is the one the session
driver writes when it applies an outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from connector.store.idmap import IdMap
from connector.store.queue import WorkQueue
from connector.sync.staging import StagingStore
from connector.work import WorkRefused

#: seed 001 "Projects": which QuickBooks Customer Center tier a Procore project ties to.
JobMode = Literal["customers_are_jobs", "jobs_under_customers"]
JOB_MODES: tuple[JobMode, ...] = ("customers_are_jobs", "jobs_under_customers")


class UnknownJobMode(WorkRefused, ValueError):
    """A job setting that is neither "Customers = Jobs" nor "Jobs under Customers"."""

    def __init__(self, mode: object) -> None:
        self.mode = mode
        super().__init__("UnknownJobMode", f"job_mode must be one of {JOB_MODES}, not {mode!r}")


def parse_job_mode(value: object) -> JobMode:
    """``value`` as a :data:`JobMode` (raises :class:`UnknownJobMode`)."""
    for known in JOB_MODES:
        if value == known:
            return known
    raise UnknownJobMode(value)


@dataclass(frozen=True)
class SyncOptions:
    """Per-connector sync settings (set during implementation, seed 001)."""

    #: "Customers = Jobs" (tier 1, Sublevel 0) or "Jobs under Customers" (tier 2, Sublevel 1).
    job_mode: JobMode = "customers_are_jobs"
    #: MaxReturned of each iterator page of an import (VendorQuery / CustomerQuery).
    import_page_size: int = 100
    #: Import only active list elements (ActiveStatus ActiveOnly), as Procore's "Ready to Import".
    import_active_only: bool = True

    def __post_init__(self) -> None:
        if self.job_mode not in JOB_MODES:
            raise ValueError(f"job_mode must be one of {JOB_MODES}, not {self.job_mode!r}")
        if not 1 <= self.import_page_size <= 100_000:
            raise ValueError("import_page_size must be between 1 and 100000")


@dataclass
class SyncContext:
    """The store and settings every handler reads."""

    queue: WorkQueue
    staging: StagingStore
    options: SyncOptions = field(default_factory=SyncOptions)
    clock: Callable[[], datetime] | None = None

    @property
    def id_map(self) -> IdMap:
        return self.queue.id_map

    def now(self) -> datetime:
        if self.clock is None:
            raise RuntimeError("SyncContext has no clock")
        return self.clock()
