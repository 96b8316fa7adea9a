"""A QuickBooks Desktop company file: one SQLite file, its edition, its request processor.

``CompanyFile`` is the public face (DESIGN.md contract): ``create``/``open``, ``process_request``,
``begin_session``/``end_session``, ``ui``, ``faults``, ``snapshot``. One lock per company file (never a
global one), so many companies can be served at once.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from sim.clock import Clock, ManualClock

from .balances import balance_view
from .edition import Edition, default_preferences
from .errors import QBXMLError
from .faults import Faults
from .hardened import DEFAULT_MAX_BYTES
from .ids import IdGenerator
from .iterators import IteratorRegistry
from .pc_time import DEFAULT_START, DEFAULT_TZ, qb_datetime
from .session import Session, check_begin_session, default_ui_state
from .snapshots import SnapshotError, check_company_file, check_restore_source, check_snapshot_target
from .store import BUSY_TIMEOUT_SECONDS, FileBusy, Store

FORMAT_VERSION = 1


class CompanyFile:
    """One company file opened in one simulated QuickBooks."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.lock = threading.RLock()
        self.ids = IdGenerator(store, clock)
        self.iterators = IteratorRegistry()
        self.sessions: dict[str, Session] = {}
        self.max_request_bytes = DEFAULT_MAX_BYTES
        #: recent unsupported requests with the closest supported ones (shown in /_sim/state)
        self.unsupported: list[dict[str, Any]] = []
        self.faults = Faults(store, self.seed)
        from .ui import CompanyUI

        self.ui = CompanyUI(self)

    # -- lifecycle -------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | Path | None = None,
        *,
        country: str = "US",
        year: int = 2024,
        product: str = "Premier Contractor",
        seed: int = 0,
        company_name: str = "Procore Demo Construction",
        clock: Clock | None = None,
    ) -> CompanyFile:
        """A new company file (``path=None``: in memory) with a contractor's starting chart of accounts."""
        if path is not None and Path(path).exists():
            raise FileExistsError(f"{path} already exists; use CompanyFile.open")
        edition = Edition(country=country, year=year, product=product)
        clock = clock or ManualClock(DEFAULT_START)
        store = Store(path)
        with store.transaction():
            store.meta_set("format_version", FORMAT_VERSION)
            store.meta_set("edition", {"country": country, "year": year, "product": product})
            store.meta_set("seed", seed)
            store.meta_set("company_name", company_name)
            store.meta_set("created", qb_datetime(clock.now()))
            store.meta_set("clock.last_seen", qb_datetime(clock.now()))
            store.meta_set("preferences", default_preferences(edition))
            store.meta_set("ui.state", default_ui_state())
        company = cls(store, clock)
        from .lists.seed import seed_new_company

        with store.transaction():
            seed_new_company(company)
        return company

    @classmethod
    def open(cls, path: str | Path, *, clock: Clock | None = None,
             busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> CompanyFile:
        """Open an existing company file (or a snapshot of one).

        Another process may serve the same file: a message set waits up to ``busy_timeout`` seconds
        for the other's write to finish (then 0x8004041B). What each process keeps in memory --
        sessions, iterators, fault rules, its clock -- is its own.
        """
        if not Path(path).exists():
            raise FileNotFoundError(str(path))
        check_company_file(path, FORMAT_VERSION)  # NotACompanyFile (a ValueError) says why
        store = Store(path, busy_timeout=busy_timeout)
        if clock is None:
            from datetime import datetime

            # the stored text carries the offset of its moment; the PC's zone stays US Eastern
            clock = ManualClock(datetime.fromisoformat(store.meta_get("clock.last_seen")), tz=DEFAULT_TZ)
        return cls(store, clock)

    def close(self) -> None:
        self.store.close()

    def snapshot(self, path: str | Path) -> None:
        """Write an identical copy of the file to ``path`` (``CompanyFile.open(path)`` reads it back).

        Refused with a :class:`snapshots.SnapshotError` saying why: a missing directory, an existing file
        that is not a company file (never overwritten), the open file itself.
        """
        target = Path(path)
        with self.lock:
            check_snapshot_target(target, self.store.path, FORMAT_VERSION)
            try:
                self.store.backup_to(target)
            except sqlite3.Error as exc:
                raise SnapshotError(target, f"cannot be written: {exc}") from exc

    def restore(self, path: str | Path) -> None:
        """Replace this file's content with a snapshot (HTTP ``/_sim/restore``).

        Only from a company file of this format: a missing file, a text file, a foreign SQLite file
        are refused (:class:`snapshots.SnapshotError`) before anything changes.
        """
        source = Path(path)
        with self.lock:
            check_restore_source(source, self.store.path, FORMAT_VERSION)
            self.store.restore_from(source)
            self.faults.reload()
            self.iterators = IteratorRegistry()
            self.sessions.clear()

    # -- identity ----------------------------------------------------------------------------------
    @property
    def edition(self) -> Edition:
        return Edition(**self.store.meta_get("edition"))

    @property
    def seed(self) -> int:
        return int(self.store.meta_get("seed", 0))

    @property
    def company_name(self) -> str:
        return str(self.store.meta_get("company_name"))

    @property
    def qbw_path(self) -> str:
        """The Windows path QuickBooks reports for this file."""
        return f"C:\\Users\\Public\\Documents\\Intuit\\QuickBooks\\Company Files\\{self.company_name}.QBW"

    @property
    def preferences(self) -> dict[str, Any]:
        return self.store.meta_get("preferences")

    def set_preferences(self, prefs: dict[str, Any]) -> None:
        self.store.meta_set("preferences", prefs)

    @property
    def inventory_enabled(self) -> bool:
        """"Inventory and purchase orders are active" (Items & Inventory company preference)."""
        return self.preferences["PurchasesAndVendorsPreferences"]["IsUsingInventory"] == "true"

    @property
    def ui_state(self) -> dict[str, Any]:
        return self.store.meta_get("ui.state")

    def set_ui_state(self, state: dict[str, Any]) -> None:
        self.store.meta_set("ui.state", state)

    # -- time ----------------------------------------------------------------------------------------
    def now_text(self) -> str:
        return qb_datetime(self.clock.now())

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def after_request(self) -> None:
        self.store.meta_set("clock.last_seen", self.now_text())

    # -- request processor -----------------------------------------------------------------------
    def process_request(self, qbxml: str | bytes, ticket: str | None = None) -> str:
        """QBXMLRP2 ProcessRequest: a qbXML request document → the response document.

        Raises :class:`QBXMLError` (0x80040400 malformed/invalid, 0x80040423 version, 0x8004040D ticket,
        or a fault's HRESULT); then nothing has changed.
        """
        from .processor import process

        with self.lock:
            return process(self, qbxml, ticket)

    def begin_session(self, app_name: str, mode: str = "DoNotCare", company_file: str | None = None,
                      *, read_only: bool = False) -> str:
        """OpenConnection + BeginSession: a ticket, or the HRESULT QuickBooks would raise.

        ``company_file``: the path the application asks for ("" or None = the file QuickBooks has open).
        ``read_only``: the application asked for read-only access; its writes answer 3260.
        """
        with self.lock:
            outcome = self.faults.match("session", app_name, set())
            if outcome is not None and outcome.error is not None:
                raise outcome.error
            if outcome is not None and outcome.delay_seconds:
                self.advance_clock(outcome.delay_seconds)
            state = self.ui_state
            check_begin_session(state, app_name, mode, self.edition.has_sdk, company_file, self.qbw_path)
            try:
                with self.store.transaction():
                    if app_name not in state["apps"]:
                        state["apps"][app_name] = "granted"
                    if not state["running"]:
                        state["running"] = True  # started unattended for this application
                        state["open_file"] = "this"
                    self.set_ui_state(state)
                    ticket = self.ids.ticket()
            except FileBusy as exc:  # QuickBooks' "Unable to lock the necessary information …"
                raise QBXMLError("0x8004041B", detail=str(exc)) from exc
            self.sessions[ticket] = Session(ticket, app_name, mode, self.now_text(), read_only=read_only)
            return ticket

    def end_session(self, ticket: str) -> None:
        """EndSession (+ CloseConnection): the ticket and its iterators die."""
        with self.lock:
            self.require_session(ticket)
            del self.sessions[ticket]
            self.iterators.end_session(ticket)

    def qbxml_versions_for_session(self, ticket: str) -> list[str]:
        """QBXMLRP2 ``QBXMLVersionsForSession``: the qbXML versions this QuickBooks accepts (HostRet's
        SupportedQBXMLVersion list), asked before any qbXML is sent (the Web Connector picks its
        Host/Company/Preferences version from it)."""
        with self.lock:
            self.require_session(ticket)
            return self.edition.supported_versions()

    def require_session(self, ticket: str) -> Session:
        session = self.sessions.get(ticket)
        if session is None:
            raise QBXMLError("0x8004040D", detail=f"unknown or ended ticket {ticket!r}")
        return session

    # -- views -------------------------------------------------------------------------------------
    def list_records(self, kind: str) -> list[dict[str, Any]]:
        """Every live record of one kind (``Vendor``, ``ItemService`` …), Ret-shaped, in store order."""
        with self.lock:
            view = balance_view(self)
            return [view(r) for r in self.store.of_kinds(kind)]

    def state(self) -> dict[str, Any]:
        """A read-only view of everything (``/_sim/state``)."""
        with self.lock:
            kinds = self.store.kind_counts()
            return {
                "company_name": self.company_name,
                "qbw_path": self.qbw_path,
                "edition": self.store.meta_get("edition"),
                "host": {
                    "product_name": self.edition.product_name,
                    "supported_qbxml_versions": self.edition.supported_versions(),
                },
                "seed": self.seed,
                "now": self.now_text(),
                "preferences": self.preferences,
                "ui": self.ui_state,
                "sessions": [s.__dict__ for s in self.sessions.values()],
                "open_iterators": len(self.iterators),
                "counts": kinds,
                "faults": [r.to_dict() for r in self.faults.rules()],
                "unsupported_requests": list(self.unsupported),
            }

    def dump(self) -> dict[str, Any]:
        """Every stored byte that matters, for equality checks between a file and its snapshot."""
        with self.lock:
            return self.store.dump()
