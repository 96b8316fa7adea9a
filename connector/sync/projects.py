"""Procore projects → QuickBooks customers or jobs (CustomerAdd; CustomerMod on re-export).

seed 001, "Projects": the integration is set up either as "Customers = Jobs" — an exported project
becomes a new tier 1 Customer, no customer chosen — or as "Jobs under Customers" — the Accounting
Approver selects the QuickBooks customer before export and a new Job is created under it
(``ParentRef`` ListID = the ``customer_origin_id`` Procore sends). Data mapping: Project Name → Job
Name/Customer Name (``Name``); Address/City/State/Zip → Ship To (``ShipAddress`` Addr1…/City/State/
PostalCode). The project's ``active`` flag goes to ``IsActive``. ``origin_code`` is not sent: seed 001
maps no QuickBooks field to it.

Export (``project.export``) answers:

* 0 → done, id map ``project`` ← ListID + EditSequence (``action`` ``created``).
* 3100 (name in use) → failed with QuickBooks' own message. Existing records are never linked by an
  export (seed 001: "The integration can not link an existing Procore Project to an existing QuickBooks
  Desktop Job or Customer"; linking is done from Ready to Import).
* crash between sendRequestXML and receiveResponseXML → probe by FullName (``adds``: found → recovered).
  A job's FullName is "Customer:Job" and Procore names the customer only by ListID, so a job's probe
  first reads the customer (``CustomerQuery`` ListID) and then queries "Customer:Job".

Re-export (``project.update``, ``create_or_update_job`` for a project that already has an ``origin_id``):
seed 002's project workflow goes on after "PROJECT SYNCED TO QUICKBOOKS" with "Update General Project
Information", the mapping's Name and Ship To rows are export rows, and the request is Procore's
"create *or update*" job; unlike companies (seed 001: "Changes made to a Company in Procore will NOT
update the synced Vendor") nothing says a project edit stays in Procore. So QuickBooks is updated:
``CustomerMod`` with the id map's EditSequence (or the payload's ``origin_data`` when this connector has
no mapping yet), 3200 → re-read, one retry, as ``cost_code.update`` does. The job is not moved to another
customer (``ParentRef`` is not sent on a Mod: seed 001 does not say a re-export re-parents a job). An
empty Procore address leaves QuickBooks' Ship To as it is (our choice: qbXML clears an address only when
told to, and an emptied Procore field may be a cleared form rather than a moved job).

Refused before sending (``work_from_request``), each a named ``WorkRefused``: a name that is empty, over
QuickBooks' 41-character customer Name (13.0 XSD ``CustomerAdd/Name`` maxLength) or holding ':' (the
separator of "Customer:Job"), address lines over QuickBooks' lengths; "Jobs under Customers" without a
chosen customer; a cost code of the project not yet synced (``standard_cost_code_origin_id`` missing —
projects use the standard cost codes' Service items, seed 001 WBS); a project created before the
integration was connected (seed 001: "Projects that are in-progress or created before connection of the
integration cannot be synced"). That last check needs two dates Procore's documented ``create_or_update_job``
payload does not carry (the project's ``created_at`` and the connection's date): the caller passes them
(``GET /projects/{id}`` has ``created_at``; the connector knows when it connected), and a ``job.created_at``
in the payload is used when present. "In-progress" cannot be told from any payload field and is not checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from connector.qbxml import QBXMLBuildError, Request, Response
from connector.sync import adds, answers, codec, mods
from connector.sync.context import JobMode, SyncContext, parse_job_mode
from connector.work import NewWork, Outcome, RequestBody, WorkItemView, WorkRefused

EXPORT_KIND = "project.export"
UPDATE_KIND = "project.update"
OBJECT_TYPE = "project"  # id map object type
QB_CUSTOMER_NAME_MAX_LENGTH = 41  # qbxml130.xsd: CustomerAdd/Name STRTYPE maxLength 41


class ProjectRejected(WorkRefused, ValueError):
    """A project the connector refuses to send (the reason is shown to the Accounting Approver)."""

    status = "ProjectRejected"

    def __init__(self, name: str, reason: str, message: str | None = None) -> None:
        self.name = name
        self.reason = reason
        super().__init__(self.status, message or f"Project {name!r} cannot be exported: {reason}")


class ProjectCustomerMissing(ProjectRejected):
    """"Jobs under Customers" and no QuickBooks customer chosen for the job."""

    status = "ProjectCustomerMissing"

    def __init__(self, name: str) -> None:
        super().__init__(
            name,
            "with the 'Jobs under Customers' setting the Accounting Approver selects the QuickBooks customer "
            "the job is created under, and none was selected",
        )


class ProjectCostCodeNotSynced(ProjectRejected):
    """A cost code of the project whose standard cost code has no QuickBooks Service item yet."""

    status = "ProjectCostCodeNotSynced"

    def __init__(self, name: str, codes: Sequence[str]) -> None:
        self.codes = tuple(codes)
        listed = ", ".join(self.codes)
        subject = f"Cost code {listed} must" if len(self.codes) == 1 else f"Cost codes {listed} must"
        reason = f"{subject} be synced with QuickBooks before the project can be exported"
        super().__init__(name, reason, f"{subject} be synced with QuickBooks before project {name!r} can be "
                                        "exported.")


class ProjectPredatesIntegration(ProjectRejected):
    """A project created before the QuickBooks Desktop integration was connected (seed 001)."""

    status = "ProjectPredatesIntegration"

    def __init__(self, name: str, created_at: datetime, connected_at: datetime) -> None:
        self.created_at, self.connected_at = created_at, connected_at
        super().__init__(
            name,
            f"it was created ({created_at.isoformat()}) before the QuickBooks Desktop integration was "
            f"connected ({connected_at.isoformat()}); projects created before the integration cannot be "
            "synced (Procore's ERP Professional Services can integrate them)",
        )


class ProjectNotSynced(WorkRefused, LookupError):
    """An update for a project that has no QuickBooks customer or job to update."""

    def __init__(self, name: str, procore_id: str) -> None:
        self.name = name
        self.procore_id = procore_id
        super().__init__(
            "ProjectNotSynced",
            f"Project {name!r} (Procore id {procore_id}) has no QuickBooks customer or job yet; "
            "export it first",
        )


# -- from Procore's request_data -------------------------------------------------------------------
def check_project(payload: Mapping[str, Any], *, adding: bool = True) -> None:
    """Refuse what QuickBooks would refuse, before anything is sent (``adding``: a CustomerAdd, whose
    job needs the chosen customer; a Mod does not re-parent)."""
    name = str(payload.get("name") or "")
    if not name.strip():
        raise ProjectRejected(name, "the project name is empty")
    if len(name) > QB_CUSTOMER_NAME_MAX_LENGTH:
        raise ProjectRejected(
            name,
            f"its name has {len(name)} characters; a QuickBooks Desktop customer or job name holds at most "
            f"{QB_CUSTOMER_NAME_MAX_LENGTH}",
        )
    if ":" in name:
        raise ProjectRejected(name, "':' separates a customer from its jobs in QuickBooks names")
    problem = adds.address_problem(payload.get("ship_address"))
    if problem:
        raise ProjectRejected(name, problem)
    if adding and payload.get("job_mode") == "jobs_under_customers" and not payload.get("parent_list_id"):
        raise ProjectCustomerMissing(name)
    try:
        codec.check(codec.build("CustomerAdd", _add_fields(payload) if adding else _common_fields(payload)))
    except QBXMLBuildError as exc:
        raise ProjectRejected(name, f"it cannot be written as qbXML ({exc})") from exc


def work_from_request(
    request_data: Mapping[str, Any],
    job_mode: str,
    *,
    connected_at: datetime | None = None,
    project_created_at: datetime | None = None,
    exporting: Mapping[str, int] | None = None,
) -> NewWork:
    """A ``create_or_update_job`` ERP Request's ``request_data`` as a ``project.export`` or ``.update``.

    ``job_mode`` is the integration's setting (``customers_are_jobs`` | ``jobs_under_customers``).
    ``connected_at`` / ``project_created_at`` enable the "created before the integration" check (see the
    module docstring). ``exporting`` maps standard cost code ids whose export is queued but not finished
    to that work item: a project cost code of one of them is not yet synced but will be, so the project
    waits for it (``depends_on``) instead of being refused; its ``item_list_id`` is then None and is read
    from the id map once the export is done. Raises a ``ProjectRejected`` subclass, ``UnknownJobMode``
    or nothing.
    """
    mode: JobMode = parse_job_mode(job_mode)
    job = request_data.get("job") if isinstance(request_data, Mapping) else None
    if not isinstance(job, Mapping):
        raise ProjectRejected("", "the ERP Request carries no job object")
    try:
        return _work(job, request_data, mode, connected_at, project_created_at, exporting or {})
    except adds.NotText as exc:
        raise ProjectRejected(str(job.get("name") or ""), str(exc)) from exc


def _work(
    job: Mapping[str, Any],
    request_data: Mapping[str, Any],
    mode: JobMode,
    connected_at: datetime | None,
    project_created_at: datetime | None,
    exporting: Mapping[str, int],
) -> NewWork:
    name = adds.text(job, "name")
    procore_id = adds.procore_id(job)
    if procore_id is None:
        raise ProjectRejected(name, "the ERP Request's job has no project id")
    origin_id = adds.text(job, "origin_id")
    codes = request_data.get("all_cost_codes") or []
    if not isinstance(codes, list) or not all(isinstance(cc, Mapping) for cc in codes):
        raise ProjectRejected(name, "the ERP Request's all_cost_codes is not a list of cost codes")
    waiting: set[int] = set()
    missing = []
    for cc in codes:
        if adds.text(cc, "standard_cost_code_origin_id"):
            continue
        standard = adds.procore_id({"id": cc.get("standard_cost_code_id")})
        if standard is not None and standard in exporting:
            waiting.add(exporting[standard])
            continue
        missing.append(adds.text(cc, "full_code") or adds.text(cc, "code") or str(adds.procore_id(cc)))
    if missing:
        raise ProjectCostCodeNotSynced(name, missing)
    for given in (connected_at, project_created_at):
        if given is not None and given.tzinfo is None:
            raise ValueError("connected_at and project_created_at must be timezone-aware")
    created = project_created_at or _aware(name, job.get("created_at"))
    if not origin_id and connected_at is not None and created is not None and created < connected_at:
        raise ProjectPredatesIntegration(name, created, connected_at)
    erp_fields = job.get("erp_custom_fields")
    customer = adds.text(erp_fields, "customer_origin_id") if isinstance(erp_fields, Mapping) else None
    payload: dict[str, Any] = {
        "name": name,
        "job_mode": mode,
        "parent_list_id": customer if customer and mode == "jobs_under_customers" else None,
        "ship_address": adds.procore_address(job),
        "is_active": job.get("active") is not False,
        "cost_codes": [
            {"procore_id": str(adds.procore_id(cc)),
             "code": adds.text(cc, "full_code") or adds.text(cc, "code"),
             "item_list_id": adds.text(cc, "standard_cost_code_origin_id"),
             "standard_cost_code_id": adds.procore_id({"id": cc.get("standard_cost_code_id")})}
            for cc in codes
        ],
    }
    if origin_id:
        payload["list_id"] = origin_id
        payload["edit_sequence"] = _edit_sequence(job.get("origin_data"))
        check_project(payload, adding=False)
        return NewWork(UPDATE_KIND, payload, procore_id, tuple(sorted(waiting)))
    check_project(payload)
    return NewWork(EXPORT_KIND, payload, procore_id, tuple(sorted(waiting)))


def _edit_sequence(origin_data: Any) -> str | None:
    """Procore's ``origin_data`` as an EditSequence, when it is one.

    ``origin_data`` holds whatever the integration wrote back; it is taken for the EditSequence only when
    it looks like one (every EditSequence in our captures is a string of digits, and ListCoreMod allows
    16 characters). Anything else is not sent: the record is re-read first (``CustomerQuery`` ListID).
    """
    text = str(origin_data or "")
    return text if text.isdigit() and len(text) <= 16 else None


def _aware(name: str, value: Any) -> datetime | None:
    """Procore's ISO 8601 timestamp ("2020-07-10T19:36:01Z"), or None when absent."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ProjectRejected(name, f"its created_at {value!r} is not a timestamp with a time zone")
    return parsed


# -- qbXML -----------------------------------------------------------------------------------------
def _common_fields(payload: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {"Name": str(payload["name"]), "IsActive": bool(payload.get("is_active", True))}
    if payload.get("ship_address"):
        fields["ShipAddress"] = dict(payload["ship_address"])
    return fields


def _add_fields(payload: Mapping[str, Any]) -> dict[str, Any]:
    fields = _common_fields(payload)
    if payload.get("parent_list_id"):
        fields["ParentRef"] = {"ListID": str(payload["parent_list_id"])}
    return fields


def add_request(payload: Mapping[str, Any]) -> Request:
    """CustomerAddRq for one project (raises ``ProjectRejected`` when it cannot be sent)."""
    check_project(payload)
    return codec.build("CustomerAdd", _add_fields(payload))


def _by_full_name(full_name: str) -> Request:
    return codec.build("CustomerQuery", {"FullName": [full_name]})


class ProjectExportHandler:
    """``project.export``: CustomerAdd (tier 1 customer or job under the chosen customer)."""

    kind = EXPORT_KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    def build_request(self, item: WorkItemView) -> RequestBody:
        if item.result.get("phase") == "probe_name":
            return _by_full_name(str(item.result["full_name"]))
        if adds.is_probe_phase(item.result):
            return self.build_probe(item)
        return add_request(item.payload)

    def build_probe(self, item: WorkItemView) -> RequestBody:
        parent = item.payload.get("parent_list_id")
        if parent:
            # Procore names the customer by ListID only; its FullName makes the job's ("Customer:Job").
            return codec.build("CustomerQuery", {"ListID": [str(parent)]})
        return _by_full_name(str(item.payload["name"]))

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        if item.result.get("phase") == "probe_name":
            full_name = str(item.result["full_name"])
            return adds.recovered_or_add(rs, OBJECT_TYPE, item.procore_id or "", full_name, "CustomerQuery")
        if adds.is_probe_phase(item.result):
            return self.handle_probe_response(item, responses)
        return adds.added(rs, OBJECT_TYPE, item.procore_id or "", "CustomerAdd", str(item.payload["name"]),
                          under_parent=bool(item.payload.get("parent_list_id")))

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        name = str(item.payload["name"])
        parent = item.payload.get("parent_list_id")
        if not parent:
            return adds.recovered_or_add(rs, OBJECT_TYPE, item.procore_id or "", name, "CustomerQuery")
        if rs.name != "CustomerQueryRs":
            return adds.look_up("UnexpectedAnswer", f"QuickBooks answered {rs.name} to a CustomerQueryRq")
        if codec.is_error(rs):
            return Outcome.failed(rs, result={"action": "failed"})
        parents = [r for r in codec.records(rs) if answers.single(rs, r, "ListID", required=False) == parent]
        if not parents:
            # No such customer: the add cannot have created a job under it. Send it, and let QuickBooks
            # say why it fails (3140, an invalid ParentRef) in its own words. (A customer other than the
            # one asked for — requestIDs crossed — is no answer about ours either: QuickBooks decides.)
            return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                                  result={"phase": "add"})
        parent_name = answers.single(rs, parents[0], "FullName")
        full_name = f"{parent_name}:{name}"
        return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                              result={"phase": "probe_name", "full_name": full_name})


class ProjectUpdateHandler:
    """``project.update``: CustomerMod of the synced customer/job; one retry on 3200."""

    kind = UPDATE_KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    def _target(self, item: WorkItemView) -> tuple[str, str | None]:
        """ListID and EditSequence to modify: the id map's, else what Procore holds (origin_id/data)."""
        mapping = self._context.id_map.by_procore_id(item.company_key, OBJECT_TYPE, item.procore_id or "")
        if mapping is not None:
            return mapping.qb_id, mapping.edit_sequence
        list_id = item.payload.get("list_id")
        if not list_id:
            raise ProjectNotSynced(str(item.payload.get("name") or ""), item.procore_id or "")
        return str(list_id), item.payload.get("edit_sequence")

    def build_request(self, item: WorkItemView) -> RequestBody:
        check_project(item.payload, adding=False)
        list_id, edit_sequence = self._target(item)
        if edit_sequence is None:
            return codec.build("CustomerQuery", {"ListID": [list_id]})
        return codec.build(
            "CustomerMod", {"ListID": list_id, "EditSequence": edit_sequence, **_common_fields(item.payload)}
        )

    def build_probe(self, item: WorkItemView) -> None:
        # Re-sending the Mod is safe: if it was applied, its EditSequence is stale; 3200 re-reads.
        return None

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return mods.mod_outcome(responses[0], object_type=OBJECT_TYPE, procore_id=item.procore_id or "",
                                list_id=self._target(item)[0], spent=int(item.result.get("stale_retries", 0)),
                                request="CustomerMod", name=str(item.payload["name"]))

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return self.handle_response(item, responses)
