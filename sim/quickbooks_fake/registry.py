"""Handler registry: one function per qbXML request type, found by name (moto style).

``ItemServiceAddRq`` is answered by the function registered for ``ItemServiceAdd``; by convention it
is called ``item_service_add``. Families plug in without touching the core: any module under the
packages listed in :data:`PLUGIN_PACKAGES` (``lists``, ``txns``, ``reports``, ``host``) is imported on
first use, and its ``@handles("…")`` decorators register it.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lxml import etree

from .balances import balance_view
from .errors import StatusError
from .qbxml_io import Doc, as_list

if TYPE_CHECKING:
    from .company_api import Company

PLUGIN_PACKAGES = ("sim.quickbooks_fake.host", "sim.quickbooks_fake.lists", "sim.quickbooks_fake.txns",
                   "sim.quickbooks_fake.reports")


@dataclass
class Reply:
    """What a handler answers: children of the ``…Rs`` (Ret records or plain elements) and extras.

    ``children`` is a list of ``(element name, value)`` pairs, e.g. ``("ItemServiceRet", {...})``.
    ``status`` is set for a non-error status that still carries data (500 warning); errors are raised
    as :class:`StatusError` instead. ``attrs`` adds ``retCount`` / ``iteratorRemainingCount`` /
    ``iteratorID``.
    """

    children: list[tuple[str, Any]] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    status: StatusError | None = None


@dataclass
class RequestContext:
    """One request of a message set, as a handler sees it."""

    company: Company
    name: str  # "ItemServiceAdd" (the Rq element without "Rq")
    element: etree._Element
    body: Doc
    attrs: dict[str, str]
    version: str
    ticket: str | None = None

    @property
    def request_id(self) -> str | None:
        return self.attrs.get("requestID")

    @property
    def include_ret(self) -> list[str]:
        return [str(x) for x in as_list(self.body.get("IncludeRetElement"))]

    @property
    def store(self) -> Any:
        return self.company.store

    @cached_property
    def balances(self) -> Callable[[Any], Doc]:
        """Records as answered, with vendors' and customers' derived balances (``balances.py``): one
        view per request, so a query and its TotalBalanceFilter read the ledger once, and only if a
        vendor or customer is answered."""
        return balance_view(self.company)


Handler = Callable[[RequestContext], Reply]
_HANDLERS: dict[str, Handler] = {}
_loaded = False
_load_lock = threading.Lock()


def register(request_name: str, fn: Handler) -> Handler:
    """Register ``fn`` as the handler of ``<request_name>Rq``; a second registration is a bug."""
    if request_name in _HANDLERS and _HANDLERS[request_name] is not fn:
        raise ValueError(f"{request_name} already has a handler: {_HANDLERS[request_name].__qualname__}")
    _HANDLERS[request_name] = fn
    return fn


def handles(request_name: str) -> Callable[[Handler], Handler]:
    """Decorator form of :func:`register`."""

    def deco(fn: Handler) -> Handler:
        return register(request_name, fn)

    return deco


def load_plugins() -> None:
    """Import every module of the plugin packages once (registering their handlers)."""
    global _loaded
    with _load_lock:
        if _loaded:
            return
        for pkg_name in PLUGIN_PACKAGES:
            try:
                pkg = importlib.import_module(pkg_name)
            except ModuleNotFoundError as exc:
                if exc.name == pkg_name:
                    continue  # a family package that does not exist yet
                raise
            for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg_name + "."):
                importlib.import_module(info.name)
        _loaded = True


def get_handler(request_name: str) -> Handler | None:
    load_plugins()
    return _HANDLERS.get(request_name)


def handled_requests() -> list[str]:
    load_plugins()
    return sorted(_HANDLERS)
