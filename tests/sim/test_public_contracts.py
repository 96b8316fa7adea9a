"""The public contracts DESIGN.md names for the fake QuickBooks and the Web Connector emulator, pinned.

As httpx pins its ``__all__``: renaming or re-typing any of these breaks the connector's tests, the
conformance suite and tools outside the repository that read DESIGN.md, so a change here must be a
decision (update DESIGN.md and every user), never an accident of a refactor.
"""

from __future__ import annotations

import inspect
from dataclasses import fields
from typing import Any

import sim.quickbooks_fake
import sim.webconnector
from sim.quickbooks_fake import CompanyFile, QBXMLError
from sim.quickbooks_fake import http as company_http
from sim.webconnector import UpdateResult, WebConnector

EMPTY = inspect.Parameter.empty
KW = inspect.Parameter.KEYWORD_ONLY
POS = inspect.Parameter.POSITIONAL_OR_KEYWORD
VAR_KW = inspect.Parameter.VAR_KEYWORD


def params(fn: Any) -> list[tuple[str, Any, Any]]:
    """(name, kind, default) of every parameter but ``self``/``cls``."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()
            if p.name not in ("self", "cls")]


def test_the_quickbooks_fake_exports() -> None:
    assert sim.quickbooks_fake.__all__ == ["CompanyFile", "QBXMLError"]


def test_the_web_connector_emulator_exports() -> None:
    assert sim.webconnector.__all__ == [
        "DEFAULT_VERSION", "SUPPORTED_VERSIONS", "CallRecord", "CompanyError", "CompanyLink", "HttpCompany",
        "InProcessCompany", "KillSwitch", "Outcome", "QBWCError", "QBXMLExchange", "QWCFile", "QWCFileError",
        "Scheduler", "SoapCallError", "UpdateError", "UpdateResult", "WebConnector", "load_qwc", "parse_qwc",
    ]
    for name in sim.webconnector.__all__:
        assert hasattr(sim.webconnector, name), name


def test_company_file_create_and_open() -> None:
    assert params(CompanyFile.create) == [
        ("path", POS, None), ("country", KW, "US"), ("year", KW, 2024), ("product", KW, "Premier Contractor"),
        ("seed", KW, 0), ("company_name", KW, "Procore Demo Construction"), ("clock", KW, None),
    ]
    assert params(CompanyFile.open)[:1] == [("path", POS, EMPTY)]
    assert {name for name, kind, _ in params(CompanyFile.open)[1:]} == {"clock", "busy_timeout"}
    assert all(kind is KW for _, kind, _ in params(CompanyFile.open)[1:])


def test_company_file_faces() -> None:
    """process_request(qbxml) -> str, ui, faults, snapshot(path); a broken document raises QBXMLError
    carrying QuickBooks' HRESULT and message."""
    assert params(CompanyFile.process_request) == [("qbxml", POS, EMPTY), ("ticket", POS, None)]
    assert inspect.signature(CompanyFile.process_request).return_annotation in (str, "str")
    assert params(CompanyFile.snapshot) == [("path", POS, EMPTY)]
    company = CompanyFile.create()
    assert callable(company.ui.create_vendor) and callable(company.faults.add)
    try:
        company.process_request("<not qbxml")
    except QBXMLError as exc:
        assert (exc.hresult, exc.message) == (
            "0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")
    else:
        raise AssertionError("a malformed document must raise QBXMLError")


def test_company_file_sessions() -> None:
    assert params(CompanyFile.begin_session) == [
        ("app_name", POS, EMPTY), ("mode", POS, "DoNotCare"), ("company_file", POS, None),
        ("read_only", KW, False),
    ]
    assert params(CompanyFile.end_session) == [("ticket", POS, EMPTY)]


def test_the_company_files_app_factories() -> None:
    assert params(company_http.create_app) == [("company", POS, EMPTY), ("snapshot_dir", KW, None)]
    assert params(company_http.create_app_for_path) == [
        ("path", POS, EMPTY), ("snapshot_dir", KW, None), ("create_kwargs", VAR_KW, EMPTY)]
    paths = {route.path for route in company_http.create_app(CompanyFile.create()).routes}
    assert {"/qbxml", "/_sim/state", "/_sim/faults", "/_sim/clock", "/_sim/snapshot", "/_sim/restore",
            "/_sim/ui/{action}", "/_sim/session/begin", "/_sim/session/end"} <= paths


def test_web_connector_constructor_and_update() -> None:
    assert params(WebConnector)[:3] == [
        ("qwc", POS, EMPTY), ("password", POS, EMPTY), ("company", POS, EMPTY)]
    assert all(kind is KW for _, kind, _ in params(WebConnector)[3:])
    assert {"version", "clock", "transport", "raw_envelopes"} <= {name for name, _, _ in params(WebConnector)}
    assert params(WebConnector.run_update) == [("kill", KW, None)]
    assert inspect.signature(WebConnector.run_update).return_annotation in (UpdateResult, "UpdateResult")


def test_update_result_carries_calls_exchanges_progress_errors_and_log() -> None:
    names = [f.name for f in fields(UpdateResult)]
    assert {"calls", "exchanges", "progress", "errors", "log", "outcome", "status"} <= set(names)
