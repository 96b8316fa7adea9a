"""Named errors of the qbXML codec.

Building errors are raised *before* anything reaches QuickBooks: each names the element path and, where the
caller probably mistyped something, the closest valid name (the way WireMock names the closest stub). Real
QuickBooks answers the same mistakes with a whole-document 0x80040400 ("QuickBooks found an error when
parsing the provided XML text stream."), which tells nobody which field was wrong.

Parsing errors are raised for response documents that cannot be trusted at all (not XML, not qbXML, too big,
a DOCTYPE); a single odd value inside an otherwise good response is kept raw instead (see ``Response``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class QBXMLCodecError(ValueError):
    """Base of every error the codec raises."""


# -- building -------------------------------------------------------------------------------------------
class QBXMLBuildError(QBXMLCodecError):
    """A request cannot be expressed as schema-valid qbXML. ``path`` is e.g. ``BillAddRq/BillAdd/Memo``."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


class UnsupportedVersionError(QBXMLCodecError):
    """The qbXML version has no order tables here (raised when building and when parsing)."""

    def __init__(self, version: str, supported: Iterable[str]) -> None:
        self.version = version
        self.supported = tuple(supported)
        listed = ", ".join(self.supported)
        super().__init__(f"qbXML version {version!r} is not supported; supported: {listed}")


def _closest_hint(suggestion: str | None) -> str:
    return f"; did you mean {suggestion!r}?" if suggestion else ""


class UnknownRequestError(QBXMLBuildError):
    """No request of that name exists in the qbXML version."""

    def __init__(self, name: str, version: str, suggestion: str | None) -> None:
        self.name = name
        self.suggestion = suggestion
        super().__init__("", f"unknown qbXML {version} request {name!r}{_closest_hint(suggestion)}")


class UnknownElementError(QBXMLBuildError):
    """An element name that the parent aggregate does not have."""

    def __init__(self, path: str, name: str, suggestion: str | None, note: str = "") -> None:
        self.name = name
        self.suggestion = suggestion
        self.note = note
        super().__init__(path, f"unknown element {name!r}{_closest_hint(suggestion)}{note}")


class UnknownAttributeError(QBXMLBuildError):
    """An attribute the element does not take (e.g. ``iterator`` on an Add request)."""

    def __init__(self, path: str, name: str, allowed: Sequence[str]) -> None:
        self.name = name
        self.allowed = tuple(allowed)
        allowed_text = ", ".join(self.allowed) if self.allowed else "none"
        super().__init__(path, f"unknown attribute {name!r} (allowed: {allowed_text})")


class InvalidCharacterError(QBXMLBuildError):
    """Text holds a character XML 1.0 cannot carry at all (control characters, lone surrogates)."""

    def __init__(self, path: str, index: int, char: str) -> None:
        self.index = index
        self.codepoint = ord(char)
        super().__init__(path, f"character U+{self.codepoint:04X} at index {index} is not allowed in XML 1.0")


class FieldTooLongError(QBXMLBuildError):
    """A string longer than the schema's maxLength (QuickBooks would refuse or truncate it)."""

    def __init__(self, path: str, max_length: int, length: int) -> None:
        self.max_length = max_length
        self.length = length
        super().__init__(path, f"{length} characters exceed the maximum length {max_length}")


class InvalidValueError(QBXMLBuildError):
    """A Python value that cannot be written as the element's qbXML type."""

    def __init__(self, path: str, type_code: str, value: object, reason: str) -> None:
        self.type_code = type_code
        self.value = value
        self.reason = reason
        super().__init__(path, f"{type(value).__name__} {value!r} is not a valid {type_code}: {reason}")


class InvalidEnumError(QBXMLBuildError):
    """A value outside the element's enumeration."""

    def __init__(self, path: str, value: str, allowed: Sequence[str], suggestion: str | None) -> None:
        self.value = value
        self.allowed = tuple(allowed)
        self.suggestion = suggestion
        listed = ", ".join(self.allowed)
        super().__init__(path, f"{value!r} is not one of {listed}{_closest_hint(suggestion)}")


class ChoiceConflictError(QBXMLBuildError):
    """Elements from two branches of a schema choice (e.g. ListID and FullName in a query)."""

    def __init__(self, path: str, names: Sequence[str]) -> None:
        self.names = tuple(names)
        super().__init__(path, f"only one of {' / '.join(self.names)} may be given (schema choice)")


class MissingElementError(QBXMLBuildError):
    """A required element (or one of a required choice) is absent."""

    def __init__(self, path: str, alternatives: Sequence[str]) -> None:
        self.alternatives = tuple(alternatives)
        what = ", ".join(self.alternatives)
        if len(self.alternatives) > 1:
            what = "one of " + what
        super().__init__(path, f"missing required element {what}")


class NotRepeatableError(QBXMLBuildError):
    """A list given for an element that may occur only once."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "element may occur only once; a list was given")


class InvalidRequestIDError(QBXMLBuildError):
    """A requestID QuickBooks would refuse (statusCode 1060: at most 50 characters) or one already used."""

    def __init__(self, request_id: object, reason: str) -> None:
        self.request_id = request_id
        super().__init__("", f"requestID {request_id!r} {reason}")


class IteratorError(QBXMLBuildError):
    """Inconsistent iterator attributes (Continue/Stop need an iteratorID, Start must not have one)."""


# -- parsing --------------------------------------------------------------------------------------------
class QBXMLParseError(QBXMLCodecError):
    """A response document that is not acceptable XML (malformed, DOCTYPE, too deep)."""


class ResponseTooLargeError(QBXMLParseError):
    """A response larger than the configured cap; refused before parsing."""

    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(f"response of {size} bytes exceeds the {limit}-byte limit")


class QBXMLStructureError(QBXMLParseError):
    """Well-formed XML that is not a qbXML response (wrong root, missing statusCode, …)."""
