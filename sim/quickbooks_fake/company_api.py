"""The company file as the domain sees it: the narrow interface every handler, UI action and report takes.

:class:`~sim.quickbooks_fake.company.CompanyFile` builds the handlers' world (request processor, UI,
seed data) and is what they receive; if they imported it, every module would import every other. They
depend on :class:`Company` instead, a Protocol in this leaf module, which ``CompanyFile`` satisfies.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from sim.clock import Clock

from .edition import Edition
from .faults import Faults
from .ids import IdGenerator
from .iterators import IteratorRegistry
from .session import Session
from .store import Store


class Company(Protocol):
    """One open company file: its store, clock, ids, edition, preferences and window state."""

    store: Store
    clock: Clock
    ids: IdGenerator
    iterators: IteratorRegistry
    sessions: dict[str, Session]
    lock: threading.RLock

    @property
    def edition(self) -> Edition: ...

    @property
    def company_name(self) -> str: ...

    @property
    def qbw_path(self) -> str: ...

    @property
    def preferences(self) -> dict[str, Any]: ...

    def set_preferences(self, prefs: dict[str, Any]) -> None: ...

    @property
    def inventory_enabled(self) -> bool: ...

    @property
    def ui_state(self) -> dict[str, Any]: ...

    def set_ui_state(self, state: dict[str, Any]) -> None: ...

    def now_text(self) -> str: ...

    def advance_clock(self, seconds: float) -> None: ...


class ProcessingCompany(Company, Protocol):
    """What the request processor needs besides: fault rules, the size cap, session checks, bookkeeping."""

    faults: Faults
    max_request_bytes: int
    unsupported: list[dict[str, Any]]

    def require_session(self, ticket: str) -> Session: ...

    def after_request(self) -> None: ...
