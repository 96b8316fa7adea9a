"""The scenario file: what a customer's failed sync looked like, written down so it can be run again.

A scenario names the QuickBooks edition and preferences, the company file it starts from (lists, a
snapshot, or a generated company), the Procore data and ERP settings, the fault rules of each party
(QuickBooks status codes and HRESULTs, a Web Connector that dies or is slow at a given call, Procore
429/5xx, duplicate webhooks), the steps people and schedules take, and what both systems must show at the
end. Every model forbids unknown keys so a misspelt field is refused, not ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- the QuickBooks side -----------------------------------------------------------------------------
class Edition(Strict):
    """The QuickBooks that has the file open (seed 001 "Requirements" lists the supported ones)."""

    country: Literal["US", "CA"] = "US"
    year: Annotated[int, Field(ge=2010, le=2030)] = 2024
    product: Literal["Pro", "Premier Contractor", "Enterprise Contractor", "Accountant", "Mac"] = (
        "Premier Contractor"
    )


class Preference(Strict):
    """Edit > Preferences: PreferencesRet/<section>/<field> = value."""

    section: str
    field: str
    value: str


class Preferences(Strict):
    inventory_active: bool = True
    set: list[Preference] = Field(default_factory=list)


class GeneratedQuickBooks(Strict):
    """A realistic company, made by faker from ``seed``: vendors and customers with jobs."""

    seed: int = 0
    vendors: Annotated[int, Field(ge=0, le=5000)] = 0
    customers: Annotated[int, Field(ge=0, le=5000)] = 0
    jobs_per_customer: Annotated[int, Field(ge=0, le=20)] = 0


class QuickBooksStart(Strict):
    """The company file before the first step: a snapshot, then lists added in QuickBooks' own windows."""

    #: A company file (``qbsim quickbooks serve``'s SQLite file or a ``snapshot``), relative to the scenario.
    snapshot: str | None = None
    #: List kind (``Vendor``, ``Customer``, ``ItemService`` …) → records, fields as in its qbXML Add.
    lists: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    generated: GeneratedQuickBooks | None = None


class QuickBooksFault(Strict):
    """A fault rule of the fake company file (``company.faults``; first match wins)."""

    action: Literal["status", "hresult", "delay"]
    target: Literal["request", "session"] = "request"
    request_type: str | None = None
    object_name: str | None = None
    nth: Annotated[int, Field(ge=1)] | None = None
    probability: Annotated[float, Field(ge=0, le=1)] | None = None
    times: Annotated[int, Field(ge=1)] | None = None
    status_code: int = 3180
    status_severity: Literal["Error", "Warn", "Info"] = "Error"
    status_message: str = ""
    hresult: Annotated[str, Field(pattern=r"^0x[0-9A-Fa-f]{8}$")] = "0x80040401"
    message: str | None = None
    delay_seconds: Annotated[float, Field(ge=0)] = 0.0

    @model_validator(mode="after")
    def _status_has_text(self) -> QuickBooksFault:
        if self.action == "status" and not self.status_message:
            raise ValueError("a status fault needs status_message (QuickBooks' text for that code)")
        return self


# -- the Procore side ---------------------------------------------------------------------------------
class ConnectorOptions(Strict):
    """How the connector is set up for this customer (its ``[[procore]]`` settings)."""

    job_mode: Literal["customers_are_jobs", "jobs_under_customers"] = "customers_are_jobs"
    grant: Literal["client_credentials", "authorization_code"] = "client_credentials"
    #: ``file`` keeps the connector's database in a file so a ``restart`` step finds it again.
    database: Literal["memory", "file"] = "memory"
    options: dict[str, Any] = Field(default_factory=dict)


class GeneratedProcore(Strict):
    """A realistic Procore company, made by faker from ``seed`` (not exported unless a step says so)."""

    seed: int = 0
    vendors: Annotated[int, Field(ge=0, le=5000)] = 0
    cost_codes: Annotated[int, Field(ge=0, le=5000)] = 0
    projects: Annotated[int, Field(ge=0, le=5000)] = 0


class ProcoreStart(Strict):
    #: ERP Integrations settings (``PATCH …/erp/settings`` as the ERP admin), e.g. ``quickbooks_country``.
    settings: dict[str, Any] = Field(default_factory=dict)
    generated: GeneratedProcore | None = None


class ProcoreFault(Strict):
    """Procore answering the connector with an error status instead of the real answer."""

    status: Literal[429, 500, 502, 503, 504]
    #: Only requests whose path contains this (e.g. ``/erp_requests/``); every request when empty.
    path_contains: str = ""
    method: Literal["GET", "POST", "PATCH", "PUT", "DELETE"] | None = None
    #: How many matching requests are answered so; every one when absent.
    times: Annotated[int, Field(ge=1)] | None = None
    retry_after: Annotated[int, Field(ge=0)] | None = None


class Faults(Strict):
    quickbooks: list[QuickBooksFault] = Field(default_factory=list)
    procore: list[ProcoreFault] = Field(default_factory=list)
    #: The next N webhook deliveries go out twice (Procore retries a delivery it thinks failed).
    duplicate_webhooks: Annotated[int, Field(ge=0)] = 0


# -- steps ------------------------------------------------------------------------------------------------
ProcoreKind = Literal[
    "standard_cost_code", "project", "vendor", "work_order_contract", "commitment_change_order", "requisition"
]


class Create(Strict):
    """A Procore user creates a record through Procore's REST API; ``ref`` names it for later steps."""

    type: ProcoreKind
    ref: str
    fields: dict[str, Any] = Field(default_factory=dict)


class ItemAction(Strict):
    """An ERP Integrations action on a record made by an earlier ``create`` (by ``ref``)."""

    ref: str
    by: str | None = None
    #: More fields of the action (e.g. ``income_account``/``expense_account`` by QuickBooks name).
    fields: dict[str, Any] = Field(default_factory=dict)


UiAction = Literal[
    "create",
    "edit",
    "inactivate",
    "reactivate",
    "create_vendor",
    "create_customer",
    "create_job",
    "create_service_item",
    "set_preference",
    "set_inventory_active",
    "open_single_user",
    "open_multi_user",
    "lock_by_other_user",
    "release_other_user",
    "open_modal_dialog",
    "close_modal_dialog",
    "quit_quickbooks",
    "start_quickbooks",
    "open_other_company",
    "reopen_this_company",
]


class QuickBooksAction(Strict):
    """What a person does in QuickBooks' own windows (``company.ui``): ``do`` is the action, ``args`` its
    arguments (``kind``, ``name_or_id`` …) and ``fields`` the record's fields."""

    do: UiAction
    args: dict[str, Any] = Field(default_factory=dict)
    fields: dict[str, Any] = Field(default_factory=dict)


class SlowCall(Strict):
    """The Web Connector (or the line to the service) takes ``seconds`` before the nth call of ``call``."""

    call: Literal[
        "serverVersion",
        "clientVersion",
        "authenticate",
        "sendRequestXML",
        "receiveResponseXML",
        "getLastError",
        "connectionError",
        "closeConnection",
    ]
    nth: Annotated[int, Field(ge=1)] = 1
    seconds: Annotated[float, Field(gt=0)]


class Die(Strict):
    """The Web Connector process dies (task manager, reboot) at a given call."""

    #: After the nth sendRequestXML that returned a request (None: not at a send).
    after_send: Annotated[int, Field(ge=1)] | None = 1
    #: True: QuickBooks already ran that request (its answer is lost); False: it never reached QuickBooks.
    after_quickbooks: bool = True
    #: The work finished but closeConnection is never called.
    before_close: bool = False


class Update(Strict):
    """One Web Connector update ("Update Selected")."""

    password: str | None = None
    die: Die | None = None
    slow: list[SlowCall] = Field(default_factory=list)


class Step(Strict):
    """One step; exactly one of its fields is given."""

    create: Create | None = None
    send: ItemAction | None = None
    accept: ItemAction | None = None
    reject: ItemAction | None = None
    resend: ItemAction | None = None
    #: send (by the item's sender) and accept (by the accounting approver) in one step.
    export: ItemAction | None = None
    #: A Procore user edits a record (``PATCH`` with ``fields``).
    edit: ItemAction | None = None
    #: Procore's ERP Integrations "refresh" button (``jobs``, ``vendors``, ``payments`` …).
    refresh: str | None = None
    quickbooks: QuickBooksAction | None = None
    #: Procore delivers its webhooks and the connector runs one round (read, plan, write back).
    sync: bool | None = None
    #: The connector runs one round without new webhooks.
    tick: bool | None = None
    update: Update | None = None
    #: Seconds pass for everyone (Procore's schedules run).
    advance: Annotated[float, Field(gt=0)] | None = None
    #: Seconds pass at Procore only (its tokens expire; the connector's clock stays).
    advance_procore: Annotated[float, Field(gt=0)] | None = None
    #: The connector process is killed and started again on its database (``connector.database: file``).
    restart: bool | None = None
    faults: Faults | None = None
    #: Clear the fault rules of ``quickbooks``, ``procore`` or ``all``.
    clear_faults: Literal["quickbooks", "procore", "all"] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Step:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            names = ", ".join(type(self).model_fields)
            raise ValueError(f"a step has exactly one of: {names} (got {', '.join(given) or 'none'})")
        return self

    @property
    def action(self) -> str:
        return next(name for name in type(self).model_fields if getattr(self, name) is not None)


# -- expectations ---------------------------------------------------------------------------------------
ErpStatus = Literal["not_sent", "waiting", "retrieved", "rejected", "in_progress", "synced", "failed"]


class ProcoreItemExpectation(Strict):
    """What the ERP Integrations tool shows for a record made by ``ref``."""

    ref: str
    status: ErpStatus
    message_contains: str | None = None
    #: The record carries QuickBooks' ListID/TxnID as its origin id.
    has_origin_id: bool | None = None


class ProcoreDetailsExpectation(Strict):
    """How many ERP request details ended with ``status`` (``message_contains``: in their messages)."""

    status: Literal["open", "success", "failed"]
    count: Annotated[int, Field(ge=0)] | None = None
    at_least: Annotated[int, Field(ge=0)] | None = None
    message_contains: str | None = None
    request_name: str | None = None


class QuickBooksRecordsExpectation(Strict):
    """How many records of ``kind`` match ``where`` (fields compared as text)."""

    kind: str
    where: dict[str, Any] = Field(default_factory=dict)
    count: Annotated[int, Field(ge=0)] | None = None
    at_least: Annotated[int, Field(ge=0)] | None = None


class QuickBooksRequestsExpectation(Strict):
    """How many requests of ``type`` (e.g. ``ItemServiceAdd``) QuickBooks ran over the whole scenario."""

    type: str
    count: Annotated[int, Field(ge=0)] | None = None
    at_least: Annotated[int, Field(ge=0)] | None = None


class UpdateExpectation(Strict):
    """How a Web Connector update ended: ``update`` is its index (1-based; -1 the last)."""

    update: int = -1
    outcome: Literal[
        "completed",
        "no_work",
        "auth_failed",
        "busy",
        "postponed",
        "version_refused",
        "connection_failed",
        "call_failed",
        "hcp_failed",
        "killed",
        "loop_capped",
        "skipped",
    ]
    status_contains: str | None = None
    error_contains: str | None = None


class ProcoreCallsExpectation(Strict):
    """How many calls of the connector to Procore (as they crossed the wire) match."""

    path_contains: str
    method: Literal["GET", "POST", "PATCH", "PUT", "DELETE"] | None = None
    #: Only calls Procore answered with this status (e.g. 401, 429).
    status: int | None = None
    count: Annotated[int, Field(ge=0)] | None = None
    at_least: Annotated[int, Field(ge=0)] | None = None


class ProcoreListExpectation(Strict):
    """How many entries one list of the ERP Integrations tool shows (``ready_to_import`` …)."""

    list: Literal[
        "ready_to_import", "ready_to_export", "ready_to_update", "failed_to_export", "synced", "archived"
    ]
    item_type: str | None = None
    count: Annotated[int, Field(ge=0)] | None = None
    at_least: Annotated[int, Field(ge=0)] | None = None


class RefusalExpectation(Strict):
    """Procore refused a person's action (e.g. accepting a negative invoice) with this message."""

    action: Literal["create", "send", "accept", "reject", "resend", "edit", "refresh"]
    ref: str | None = None
    message_contains: str


class Expectation(Strict):
    """One check at the end; exactly one of its fields is given. ``why`` says what it stands for."""

    why: str | None = None
    procore_item: ProcoreItemExpectation | None = None
    procore_details: ProcoreDetailsExpectation | None = None
    quickbooks_records: QuickBooksRecordsExpectation | None = None
    quickbooks_requests: QuickBooksRequestsExpectation | None = None
    web_connector: UpdateExpectation | None = None
    procore_refused: RefusalExpectation | None = None
    procore_calls: ProcoreCallsExpectation | None = None
    procore_list: ProcoreListExpectation | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Expectation:
        given = [n for n in type(self).model_fields if n != "why" and getattr(self, n) is not None]
        if len(given) != 1:
            names = ", ".join(n for n in type(self).model_fields if n != "why")
            raise ValueError(f"an expectation has exactly one of: {names} (got {', '.join(given) or 'none'})")
        return self


class Scenario(Strict):
    """A whole scenario file."""

    name: Annotated[str, Field(min_length=1)]
    description: str = ""
    #: Where the behaviour is described (a seed, STATUS-CODES.md, the QBWC protocol notes …).
    source: str = ""
    #: A note on behaviour this repository does not carry out yet (the expectations are today's).
    note: str = ""
    seed: int = 0
    edition: Edition = Field(default_factory=Edition)
    preferences: Preferences = Field(default_factory=Preferences)
    quickbooks: QuickBooksStart = Field(default_factory=QuickBooksStart)
    procore: ProcoreStart = Field(default_factory=ProcoreStart)
    connector: ConnectorOptions = Field(default_factory=ConnectorOptions)
    faults: Faults = Field(default_factory=Faults)
    steps: Annotated[list[Step], Field(min_length=1)]
    expect: Annotated[list[Expectation], Field(min_length=1)]
