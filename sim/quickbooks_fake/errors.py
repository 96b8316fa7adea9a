"""QuickBooks' two kinds of failure, as named exceptions carrying QuickBooks' own code and text.

* :class:`QBXMLError` — the request processor refuses the whole call with an HRESULT (what
  ``QBXMLRP2.ProcessRequest`` / ``BeginSession`` raise as a COM error). No response document exists.
* :class:`StatusError` and its subclasses — one request inside a message set fails; QuickBooks writes
  its ``statusCode`` / ``statusSeverity`` / ``statusMessage`` on that request's ``…Rs`` element.

Every text below is copied from ``STATUS-CODES.md`` (vendored facts: Intuit's OSR table and captured
responses). Where the source gives no real text, the class says so instead of inventing one.
"""

from __future__ import annotations

from typing import Any

# -- request-processor HRESULTs (STATUS-CODES.md "HRESULTs") -------------------------------------
HRESULT_MESSAGES: dict[str, str] = {
    "0x80040400": "QuickBooks found an error when parsing the provided XML text stream.",
    "0x80040401": "Could not access QuickBooks.",
    "0x80040402": "Unexpected error. Check the qbsdklog.txt file",
    "0x80040408": "Could not start QuickBooks.",
    "0x8004040A": "QuickBooks company data file is already open and it is different from the one requested.",
    # Real text unknown: STATUS-CODES.md only has quickbooks-php's description of 0x8004040D.
    "0x8004040D": "The ticket parameter is invalid",
    "0x80040410": "The QuickBooks company data file is currently open in a mode other than the one "
    "specified by your application.",
    "0x80040414": "A modal dialog box is showing in the QuickBooks user interface. Your application cannot "
    "access QuickBooks until the user dismisses the dialog box.",
    "0x80040416": "If QuickBooks is not running, the company data file name must be supplied to "
    "BeginSession.",
    "0x80040418": "This application has not accessed this QuickBooks company data file before. Only the "
    "QuickBooks administrator can grant an application permission to access a QuickBooks company data "
    "file for the first time.",
    "0x8004041A": "This application does not have permission to access this QuickBooks company data file. "
    "The QuickBooks administrator can grant access permission through the Integrated Application "
    "preferences.",
    "0x8004041B": "Unable to lock the necessary information to allow this application to access this "
    "company data file. Try again later.",
    "0x8004041C": "An internal QuickBooks error occurred while trying to access the QuickBooks company "
    "data file.",
    "0x8004041D": "This application is not allowed to log into this QuickBooks company data file "
    "automatically. The QuickBooks administrator can grant permission for automatic login through the "
    "Integrated Application preferences.",
    "0x80040420": "The QuickBooks user has denied access.",
    "0x80040422": "This application requires Single User file access mode and there is already another "
    "application sharing data with this QuickBooks company data file.",
    "0x80040423": "The version of qbXML that was requested is not supported or is unknown.",
    "0x80040424": "QuickBooks did not finish its initialization. Please try again later.",
}

PARSE_ERROR = "0x80040400"
UNSUPPORTED_VERSION = "0x80040423"


class QBXMLError(Exception):
    """An HRESULT from QuickBooks' request processor: the whole call failed, nothing was changed."""

    def __init__(self, hresult: str, message: str | None = None, *, detail: str = "") -> None:
        self.hresult = hresult
        self.message = message if message is not None else HRESULT_MESSAGES.get(hresult, "")
        #: The fake's own explanation (which XSD rule failed, the size cap …); QuickBooks says nothing
        #: more than ``message``, so this never goes on the wire as QuickBooks' text.
        self.detail = detail
        super().__init__(f"{hresult}: {self.message}" + (f" ({detail})" if detail else ""))

    def to_dict(self) -> dict[str, str]:
        """The JSON shape the HTTP face uses: QuickBooks' HRESULT and text, plus ``reason`` — the fake's
        own explanation (which schema rule failed, the size cap …), or the message when it has none —
        so a user can tell why without reading the server log."""
        return {"error": "QBXMLError", "hresult": self.hresult, "message": self.message,
                "reason": self.detail or self.message}


class QBXMLParseError(QBXMLError):
    """Not well-formed, or not valid against the qbXML schema → 0x80040400."""

    def __init__(self, detail: str) -> None:
        super().__init__(PARSE_ERROR, detail=detail)


class RequestTooLargeError(QBXMLParseError):
    """The request document exceeds the fake's size cap.

    Real QuickBooks has no documented cap; it fails big documents with the parse HRESULT or runs out
    of memory. The fake refuses them before parsing, with the parse HRESULT and a named detail.
    ``size`` is None when the HTTP face stopped reading a body without a Content-Length at the cap.
    """

    def __init__(self, size: int | None, cap: int) -> None:
        told = f"request is {size} bytes" if size is not None else "request body is larger than the cap"
        super().__init__(f"{told}; the size cap is {cap} bytes")
        self.size = size
        self.cap = cap


class UnsupportedVersionError(QBXMLError):
    """The document's ``<?qbxml version?>`` is not one this company file's QuickBooks supports."""

    def __init__(self, version: str) -> None:
        super().__init__(UNSUPPORTED_VERSION, detail=f"qbXML version {version!r}")
        self.version = version


# -- per-request status codes (STATUS-CODES.md "Codes") -------------------------------------------
def _q(value: str) -> str:
    """QuickBooks quotes names with ``"`` (``&quot;`` once serialised into the attribute)."""
    return f'"{value}"'


class StatusError(Exception):
    """A request inside the message set failed; becomes statusCode/Severity/Message on its ``…Rs``."""

    code: int = 1000
    severity: str = "Error"

    def __init__(self, message: str, *, ret: dict[str, Any] | None = None,
                 ret_name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Some errors carry a record in the response (3200 carries the current one).
        self.ret = ret
        self.ret_name = ret_name


class CustomStatus(StatusError):
    """A status chosen by a fault rule (any code/severity/message)."""

    def __init__(self, code: int, message: str, severity: str = "Error") -> None:
        super().__init__(message)
        self.code = code
        self.severity = severity


class NoMatch(StatusError):
    """1: a query found nothing (Info; the message has no trailing period — flowlink capture)."""

    code = 1
    severity = "Info"

    def __init__(self) -> None:
        super().__init__("A query request did not find a matching object in QuickBooks")


class InternalError(StatusError):
    """1000: OSR "There has been an internal error when processing the request." (no capture seen).

    Also what the fake answers when one of its handlers fails on a schema-valid request (a defect in
    the fake, logged with its traceback): that request's status, its changes rolled back, the rest of
    the message set answered per ``onError``.
    """

    code = 1000

    def __init__(self) -> None:
        super().__init__("There has been an internal error when processing the request.")


class UnsupportedRequest(StatusError):
    """1030: OSR explanation text "This request is not supported by this implementation."

    The OSR text is the only one known; a captured statusMessage was not found.
    """

    code = 1030

    def __init__(self) -> None:
        super().__init__("This request is not supported by this implementation.")


class InvalidRequestId(StatusError):
    """1060: requestID longer than 50 characters. Text: the OSR's explanation (no captured response)."""

    code = 1060

    def __init__(self, request_id: str) -> None:
        super().__init__(
            f"The request ID {_q(request_id)} is invalid, possibly too long. (The maximum is 50 characters.)"
        )


class InvalidObjectId(StatusError):
    """3000: a ListID/TxnID that is not of QuickBooks' id form (``80000001-1405768916``) or is empty.

    OSR: "The given object ID "fieldValue" in the field "fieldName" is invalid." Real answers name the
    field in lower-case words and end with a space: ``The given object ID "1" in the field "list id"
    is invalid. `` (reviewer's capture; a public integration's comment quotes the same text for a
    VendorRef ListID in a BillAdd). "txn id" for a TxnID is the fake's analogy (no capture seen).
    """

    code = 3000

    def __init__(self, value: str, field_name: str) -> None:
        super().__init__(f"The given object ID {_q(value)} in the field {_q(field_name)} is invalid. ")


class InvalidDate(StatusError):
    """3020: a date the schema's grammar allows but no calendar has (``2024-13-45``, hour 25 …).

    The text is the OSR's explanation (no trailing period there); no captured statusMessage is known,
    and which name QuickBooks gives the field is unknown: the fake names the element.
    """

    code = 3020

    def __init__(self, value: str, field_name: str) -> None:
        super().__init__(f"There was an error when converting the date value {_q(value)} in the field "
                         f"{_q(field_name)}")


class InvalidDateRange(StatusError):
    """3030: a date range whose From is after its To (OSR "Invalid date range" / "From date is greater
    than To date."; no captured statusMessage known, the OSR explanation is used)."""

    code = 3030

    def __init__(self) -> None:
        super().__init__("From date is greater than To date.")


class StringTooLong(StatusError):
    """3070: a value longer than QuickBooks' field limit (the XSD ``maxLength``).

    Real capture (AccountAddRs, AccountNumber of 8 characters where 7 are allowed) in a public Python
    qbwc project's ``tests/test_parser.py`` (index id 37502781446): QuickBooks answers the request
    with 3070 rather than refusing the document.
    """

    code = 3070

    def __init__(self, value: str, field_name: str) -> None:
        super().__init__(f"The string {_q(value)} in the field {_q(field_name)} is too long.")


class NameNotUnique(StatusError):
    """3100: one name space across Customer/Vendor/Employee/OtherName (and per list for others)."""

    code = 3100

    def __init__(self, name: str) -> None:
        super().__init__(f"The name {_q(name)} of the list element is already in use.")


class ObjectNotFound(StatusError):
    """3120: unknown ListID/TxnID (qbwc gem capture; two spaces after periods)."""

    code = 3120

    def __init__(self, object_id: str) -> None:
        super().__init__(
            f"Object {_q(object_id)} specified in the request cannot be found.  QuickBooks error message: "
            "Invalid argument.  The specified record does not exist in the list."
        )


class InvalidParent(StatusError):
    """3130: a ParentRef that does not resolve (hotglue capture for CustomerAdd with a bad parent)."""

    code = 3130

    def __init__(self, ref: str, list_label: str) -> None:
        super().__init__(
            f"There is an invalid reference to a parent {_q(ref)} in the {list_label} list.  QuickBooks "
            "error message: Invalid argument.  The specified record does not exist in the list."
        )


class InvalidReference(StatusError):
    """3140: a reference (AccountRef, VendorRef …) that does not resolve (flowlink capture)."""

    code = 3140

    def __init__(self, ref_kind: str, ref: str, in_object: str) -> None:
        super().__init__(
            f"There is an invalid reference to QuickBooks {ref_kind} {_q(ref)} in the {in_object}.  "
            "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
        )


class ListElementInUse(StatusError):
    """ListDel of an element that has sub-elements or that other records still point at.

    QuickBooks refuses such a delete (its windows say the element "has been used"; an SDK application
    must make it inactive instead). The SDK's code and text for it are not in the stored sources: 3170
    (OSR "error modifying") and this wording, shaped like the captured 3180 "error when saving" text,
    are the fake's choice.
    """

    code = 3170

    def __init__(self, kind: str, full_name: str) -> None:
        super().__init__(
            f"There was an error when deleting a {kind} list, element {_q(full_name)}. QuickBooks error "
            "message: This list element has been used and cannot be deleted."
        )


class EditSequenceOutOfDate(StatusError):
    """3200: stale EditSequence; the trailing space is QuickBooks'. Carries the current record."""

    code = 3200

    def __init__(self, given: str, ret: dict[str, Any], ret_name: str) -> None:
        text = f"The provided edit sequence {_q(given)} is out-of-date. "
        super().__init__(text, ret=ret, ret_name=ret_name)


class InvalidFieldValue(StatusError):
    """3210: a field value QuickBooks refuses (hotglue/quickbooks-php pattern)."""

    code = 3210

    def __init__(self, field_name: str, value: str, reason: str) -> None:
        super().__init__(
            f"The {_q(field_name)} field has an invalid value {_q(value)}.  "
            f"QuickBooks error message: {reason}"
        )


class InsufficientPermission(StatusError):
    """3260: a write from an application that holds read-only access to the company file.

    OSR status table: 3260 "Insufficient permission level to perform this action." That QuickBooks
    answers a read-only application's Add/Mod/Del with exactly this code is our reading, not a capture.
    """

    code = 3260

    def __init__(self) -> None:
        super().__init__("Insufficient permission level to perform this action.")


class FeatureNotEnabled(StatusError):
    """3250: a preference turned off (inventory/POs, estimates …) or not in this edition."""

    code = 3250

    def __init__(self) -> None:
        super().__init__("This feature is not enabled or not available in this version of QuickBooks.")


class IteratorError(StatusError):
    """3391: unknown, drained, expired or foreign ``iteratorID`` on ``iterator="Continue"``.

    Real capture: QuickBooks answered a Continue whose iterator had gone with
    ``3391: The iteratorID "{dbd52aaa-a295-4d15-b675-fafa0f49fcf8}" is not valid.``
    (consolibyte/quickbooks-php issue #183). The OSR error table does not list 3391; the severity is
    not in the capture, so ``Error`` (the 3000+ range's) is assumed.
    """

    code = 3391

    def __init__(self, iterator_id: str) -> None:
        super().__init__(f"The iteratorID {_q(iterator_id)} is not valid.")
