"""Request-processor sessions: what QBWC's OpenConnection/BeginSession meet before any qbXML flows.

The state of QuickBooks' own window (which file is open, in which mode, by whom, whether a modal
dialog is up, whether QuickBooks runs at all, which applications the admin has authorised) lives in
the company file's ``meta`` under ``ui.state`` and is changed by :mod:`ui`. ``begin_session`` checks
it in the order QuickBooks does (running → right file → mode → dialog → application access) and
raises the request processor's HRESULT with its exact message.

Choices where real behaviour is only partly known:

* A file held in single-user mode by *another user* (from another workstation) answers 0x80040410
  ("currently open in a mode other than the one specified by your application"): QuickBooks cannot
  give the application the shared access it asked for. 0x8004041B (lock failure) would also be
  plausible; 0x80040410 is what integrators report for this situation.
* An application asking explicitly for ``SingleUser`` while the file is open multi-user, or for
  ``MultiUser`` while it is open single-user, also gets 0x80040410 (its documented meaning).
* QuickBooks not running: the application must name the company file (else 0x80040416, whose text
  says exactly that); with automatic login allowed for the application (Preferences > Integrated
  Applications) QuickBooks then starts unattended and the session opens, without it the SDK refuses
  with 0x8004041D. ``ui.make_unstartable()`` gives 0x80040408 "Could not start QuickBooks.". A file
  name that is not this file: 0x8004040A while QuickBooks has this one open; when QuickBooks is not
  running the fake answers 0x80040408 "Could not start QuickBooks." (the real HRESULT for a missing
  file is not in the stored sources — chosen).
* An unknown or ended ticket given to ProcessRequest/EndSession raises 0x8004040D. The real message
  text is not in the stored sources (STATUS-CODES.md: "The ticket parameter is invalid" is
  quickbooks-php's description), so that description is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import QBXMLError

MODES = ("SingleUser", "MultiUser", "DoNotCare")


def default_ui_state() -> dict[str, Any]:
    """QuickBooks running, this file open multi-user by Admin, no dialog, no app authorised yet."""
    return {
        "running": True,
        "startable": True,
        "open_file": "this",  # "this" | "other" | None
        "file_mode": "MultiUser",
        "single_user_holder": None,  # another user holding the file in single-user mode
        "user": "Admin",
        "modal_dialog": None,
        "initializing": False,
        # app name -> "granted" | "denied" | "revoked"; unknown apps are granted on first access
        # when ``grant_new_apps`` (the admin clicking "Yes, always" in the certificate dialog).
        "apps": {},
        "grant_new_apps": True,
        "auto_login_apps": [],
    }


@dataclass
class Session:
    """An open request-processor session."""

    ticket: str
    app_name: str
    mode: str
    begun_at: str
    #: The application asked for read-only access (QBWC: ``<IsReadOnly>true</IsReadOnly>`` in the .qwc,
    #: QBXMLRP2 ``AuthPreferences.PutIsReadOnly``): writes are refused with 3260.
    read_only: bool = False


def check_begin_session(state: dict[str, Any], app_name: str, mode: str, has_sdk: bool,
                        company_file: str | None = None, qbw_path: str = "") -> None:
    """Raise the HRESULT QuickBooks would raise for BeginSession in ``state`` (or return).

    ``company_file`` is the path the application passes (QBWC passes the .qwc's file, or "" for
    "whichever file is open"); it must name this file if given.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if not has_sdk:
        raise QBXMLError("0x80040408", detail="this edition has no qbXML request processor")
    wants_other = bool(company_file) and company_file.casefold() != qbw_path.casefold()
    if not state["running"]:
        if not state["startable"]:
            raise QBXMLError("0x80040408")
        if not company_file:
            raise QBXMLError("0x80040416")
        if wants_other:
            raise QBXMLError("0x80040408", detail=f"no company file at {company_file}")
        if app_name not in state["auto_login_apps"]:
            raise QBXMLError("0x8004041D")
    elif state["open_file"] == "other" or wants_other:
        raise QBXMLError("0x8004040A")
    if state["initializing"]:
        raise QBXMLError("0x80040424")
    holder = state["single_user_holder"]
    if holder is not None and holder != state["user"]:
        raise QBXMLError("0x80040410", detail=f"held in single-user mode by {holder}")
    if (mode == "SingleUser" and state["file_mode"] == "MultiUser") or (
        mode == "MultiUser" and state["file_mode"] == "SingleUser"
    ):
        raise QBXMLError("0x80040410", detail=f"file open {state['file_mode']}, application asked {mode}")
    if state["modal_dialog"]:
        raise QBXMLError("0x80040414", detail=f"dialog: {state['modal_dialog']}")
    access = state["apps"].get(app_name)
    if access == "denied":
        raise QBXMLError("0x80040420")
    if access == "revoked":
        raise QBXMLError("0x8004041A")
    if access is None and not state["grant_new_apps"]:
        raise QBXMLError("0x80040418")
