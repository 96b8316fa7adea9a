"""The connector's qbXML codec: schema-ordered request builder and typed response parser.

Public API::

    from connector.qbxml import Request, RequestBatch, parse_response

    batch = RequestBatch(version="13.0", on_error="continueOnError")
    rid = batch.add(Request("ItemServiceAdd", {"Name": "01-100", "SalesOrPurchase": {...}}))
    xml = batch.to_xml()
    responses = parse_response(qb_answer)          # ResponseSet
    responses.by_request_id(rid).records[0]["ListID"]

See README.md in this directory for the design.
"""

from connector.qbxml.errors import (
    ChoiceConflictError,
    FieldTooLongError,
    InvalidCharacterError,
    InvalidEnumError,
    InvalidRequestIDError,
    InvalidValueError,
    IteratorError,
    MissingElementError,
    NotRepeatableError,
    QBXMLBuildError,
    QBXMLCodecError,
    QBXMLParseError,
    QBXMLStructureError,
    ResponseTooLargeError,
    UnknownAttributeError,
    UnknownElementError,
    UnknownRequestError,
    UnsupportedVersionError,
)
from connector.qbxml.hcp import HostCompanyPreferences, hcp_request, parse_hcp_response
from connector.qbxml.request import Request, RequestBatch, render_request
from connector.qbxml.response import (
    DEFAULT_MAX_BYTES,
    Record,
    RecordView,
    Response,
    ResponseSet,
    parse_response,
    parse_response_element,
    parse_xml,
)
from connector.qbxml.schema import SUPPORTED_VERSIONS, schema_version
from connector.qbxml.values import escape

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_VERSIONS",
    "ChoiceConflictError",
    "FieldTooLongError",
    "HostCompanyPreferences",
    "InvalidCharacterError",
    "InvalidEnumError",
    "InvalidRequestIDError",
    "InvalidValueError",
    "IteratorError",
    "MissingElementError",
    "NotRepeatableError",
    "QBXMLBuildError",
    "QBXMLCodecError",
    "QBXMLParseError",
    "QBXMLStructureError",
    "Record",
    "RecordView",
    "Request",
    "RequestBatch",
    "Response",
    "ResponseSet",
    "ResponseTooLargeError",
    "UnknownAttributeError",
    "UnknownElementError",
    "UnknownRequestError",
    "UnsupportedVersionError",
    "escape",
    "hcp_request",
    "parse_hcp_response",
    "parse_response",
    "parse_response_element",
    "parse_xml",
    "render_request",
    "schema_version",
]
