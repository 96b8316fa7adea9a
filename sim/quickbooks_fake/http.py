"""HTTP face of a company file (FastAPI), for when QuickBooks lives in another process.

* ``POST /qbxml`` (body: the qbXML request, text/xml; optional ``?ticket=``) → 200 text/xml response;
  a :class:`QBXMLError` → 422 ``{"error": "QBXMLError", "hresult": …, "message": …, "reason": …}``
  (``reason``: the fake's explanation). A body over the company's size cap is refused by its
  Content-Length before it is read, or while it streams in (0x80040400, reason names the cap).
* ``POST /_sim/session/begin`` ``{"app_name", "mode", "company_file"?}`` → ``{"ticket"}`` (or 422);
  ``POST /_sim/session/end`` ``{"ticket"}``; ``GET /_sim/session/versions?ticket=`` → ``{"versions"}``
  (QBXMLRP2 QBXMLVersionsForSession).
* LocalStack-style inspection and control: ``GET /_sim/state`` (read-only view),
  ``GET /_sim/lists/{ListType}``, ``POST /_sim/ui/{action}`` (keyword arguments as JSON),
  ``GET|POST|DELETE /_sim/faults``, ``POST /_sim/snapshot`` ``{"path"}``, ``POST /_sim/restore`` ``{"path"}``,
  ``GET|POST /_sim/clock`` (``{"advance": seconds}`` / ``{"set": iso}``). A refused snapshot path answers
  4xx ``{"error", "path", "reason"}`` (``snapshots.py``: 400 no path, 403 outside the snapshot directory or
  from another machine without one, 404 missing, 409 would overwrite a file that is not a company file,
  422 not a company file).

Serve one file by path: ``create_app_for_path(path)`` (creates the file if missing) or the CLI
``qbsim quickbooks serve PATH``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Body, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..capped_body import BodyTooLarge, read_capped
from .company import CompanyFile
from .errors import QBXMLError, RequestTooLargeError, StatusError
from .faults import FaultRule
from .snapshots import SnapshotError, SnapshotPolicy, is_local_caller
from .ui import ACTIONS


def _error(exc: QBXMLError) -> JSONResponse:
    return JSONResponse(status_code=422, content=exc.to_dict())


def _bad_request(message: str) -> JSONResponse:
    return JSONResponse(status_code=400, content={"error": "BadRequest", "message": message})


async def _read_capped(request: Request, cap: int) -> bytes:
    """The request body under the company's size cap; over it, the request processor's own answer
    (RequestTooLargeError: 0x80040400 with the size as reason), before the body is read whole."""
    try:
        return await read_capped(request, cap)
    except BodyTooLarge as exc:
        raise RequestTooLargeError(exc.declared, cap) from None


def create_app(company: CompanyFile, *, snapshot_dir: str | Path | None = None) -> FastAPI:
    """A FastAPI app serving ``company``.

    ``snapshot_dir``: the directory ``/_sim/snapshot`` and ``/_sim/restore`` are confined to; without
    one they take any path, from callers on this machine only (``snapshots.py``).
    """
    if snapshot_dir is not None and not Path(snapshot_dir).is_dir():
        raise ValueError(f"snapshot directory {snapshot_dir} does not exist")
    snapshots = SnapshotPolicy(Path(snapshot_dir) if snapshot_dir is not None else None)
    app = FastAPI(title="qbsim fake QuickBooks Desktop", version="1")
    app.state.company = company

    @app.post("/qbxml")
    async def qbxml(request: Request, ticket: str | None = None) -> Response:
        try:
            body = await _read_capped(request, company.max_request_bytes)
            # the request processor blocks (SQLite, one lock per file): keep the event loop free
            answer = await run_in_threadpool(company.process_request, body, ticket=ticket)
        except QBXMLError as exc:
            return _error(exc)
        return Response(content=answer, media_type="text/xml")

    @app.post("/_sim/session/begin", response_model=None)
    def session_begin(payload: dict[str, Any] = Body(...)) -> dict[str, str] | JSONResponse:  # noqa: B008
        if "app_name" not in payload:
            return _bad_request("app_name is required")
        try:
            ticket = company.begin_session(str(payload["app_name"]), str(payload.get("mode", "DoNotCare")),
                                           payload.get("company_file"),
                                           read_only=bool(payload.get("read_only", False)))
        except QBXMLError as exc:
            return _error(exc)
        except ValueError as exc:
            return _bad_request(str(exc))
        return {"ticket": ticket}

    @app.post("/_sim/session/end", response_model=None)
    def session_end(payload: dict[str, Any] = Body(...)) -> dict[str, bool] | JSONResponse:  # noqa: B008
        try:
            company.end_session(str(payload["ticket"]))
        except QBXMLError as exc:
            return _error(exc)
        return {"ended": True}

    @app.get("/_sim/session/versions", response_model=None)
    def session_versions(ticket: str) -> dict[str, list[str]] | JSONResponse:
        """QBXMLRP2 QBXMLVersionsForSession for an open session's ticket."""
        try:
            return {"versions": company.qbxml_versions_for_session(ticket)}
        except QBXMLError as exc:
            return _error(exc)

    @app.get("/_sim/state")
    def state() -> dict[str, Any]:
        return company.state()

    @app.get("/_sim/lists/{list_type}")
    def lists(list_type: str) -> list[dict[str, Any]]:
        return company.list_records(list_type)

    @app.post("/_sim/ui/{action}", response_model=None)
    def ui(action: str, payload: dict[str, Any] | None = Body(default=None)) -> Any:  # noqa: B008
        if action not in ACTIONS:
            return JSONResponse(status_code=404, content={"error": "UnknownAction", "actions": list(ACTIONS)})
        try:
            return {"result": getattr(company.ui, action)(**(payload or {}))}
        except StatusError as exc:
            return JSONResponse(status_code=422, content={"error": type(exc).__name__, "statusCode": exc.code,
                                                          "statusMessage": exc.message})
        except (TypeError, ValueError) as exc:
            return JSONResponse(status_code=400, content={"error": "BadRequest", "message": str(exc)})

    @app.get("/_sim/faults")
    def faults_list() -> list[dict[str, Any]]:
        return [r.to_dict() for r in company.faults.rules()]

    @app.post("/_sim/faults", response_model=None)
    def faults_add(payload: dict[str, Any] = Body(...)) -> dict[str, Any] | JSONResponse:  # noqa: B008
        try:
            with company.lock:
                rule = company.faults.add(FaultRule(**payload))
        except (TypeError, ValueError) as exc:
            return JSONResponse(status_code=400, content={"error": "BadRequest", "message": str(exc)})
        return rule.to_dict()

    @app.delete("/_sim/faults")
    def faults_clear() -> dict[str, int]:
        with company.lock:
            company.faults.clear()
        return {"rules": 0}

    @app.get("/_sim/clock")
    def clock_now() -> dict[str, str]:
        return {"now": company.now_text()}

    @app.post("/_sim/clock", response_model=None)
    def clock_move(payload: dict[str, Any] = Body(...)) -> dict[str, str] | JSONResponse:  # noqa: B008
        """Move the file's injected clock: ``{"advance": seconds}`` or ``{"set": "<aware ISO time>"}``
        (a Web Connector emulator in another process keeps both clocks in step)."""
        clock = company.clock
        try:
            with company.lock:
                if "set" in payload and hasattr(clock, "set"):
                    clock.set(datetime.fromisoformat(str(payload["set"])))
                elif "advance" in payload and hasattr(clock, "advance"):
                    if float(payload["advance"]) < 0:
                        return _bad_request("the clock only moves forward")
                    clock.advance(float(payload["advance"]))
                else:
                    return _bad_request("give advance (seconds) or set (ISO time) for a movable clock")
        except ValueError as exc:
            return _bad_request(str(exc))
        return {"now": company.now_text()}

    def snapshot_path(request: Request, payload: dict[str, Any]) -> Path:
        raw = payload.get("path")
        if not isinstance(raw, str):
            raise SnapshotError(str(raw), "give path: the snapshot file's path, a string")
        caller = request.client.host if request.client else None  # None: a Unix socket
        return snapshots.resolve(raw, local_caller=is_local_caller(caller))

    def with_snapshot_path(request: Request, payload: dict[str, Any], act: Callable[[Path], None],
                           answer_key: str) -> dict[str, str] | JSONResponse:
        try:
            path = snapshot_path(request, payload)
            act(path)
        except SnapshotError as exc:
            return JSONResponse(status_code=exc.status, content=exc.to_dict())
        return {answer_key: str(path)}

    @app.post("/_sim/snapshot", response_model=None)
    def snapshot(request: Request, payload: dict[str, Any] = Body(...)) -> dict[str, str] | JSONResponse:  # noqa: B008
        return with_snapshot_path(request, payload, company.snapshot, "path")

    @app.post("/_sim/restore", response_model=None)
    def restore(request: Request, payload: dict[str, Any] = Body(...)) -> dict[str, str] | JSONResponse:  # noqa: B008
        return with_snapshot_path(request, payload, company.restore, "restored")

    return app


def create_app_for_path(path: str | Path, *, snapshot_dir: str | Path | None = None,
                        **create_kwargs: Any) -> FastAPI:
    """Serve the company file at ``path`` (created with ``create_kwargs`` if it does not exist)."""
    company = CompanyFile.open(path) if Path(path).exists() else CompanyFile.create(path, **create_kwargs)
    return create_app(company, snapshot_dir=snapshot_dir)


def create_app_from_env() -> FastAPI:
    """``uvicorn --factory sim.quickbooks_fake.http:create_app_from_env`` serves ``$QBSIM_COMPANY_FILE``
    (snapshots confined to ``$QBSIM_SNAPSHOT_DIR`` when set)."""
    import os

    path = os.environ.get("QBSIM_COMPANY_FILE")
    if not path:
        raise RuntimeError("set QBSIM_COMPANY_FILE to the company file to serve")
    return create_app_for_path(path, snapshot_dir=os.environ.get("QBSIM_SNAPSHOT_DIR") or None)
