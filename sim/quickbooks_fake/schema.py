"""The qbXML 13.0 schema as the fake's oracle: validation and element order.

QuickBooks' request processor checks every request document against its qbXML schema before doing
anything (a bad document is answered with HRESULT 0x80040400 and no response at all), and every Ret
it writes follows the schema's element order. Both come from the vendored 13.0 XSD set
(``schemas/``, see ``schemas/PROVENANCE.md``), loaded once per process (under a lock) and cached.

The order model is derived from the XSD at first use (not a generated file): every element
declaration (global or local) becomes an :class:`ElementDecl` whose ``children`` list its possible
child elements in document order, with ``group`` refs, ``sequence``/``choice``/``all`` flattened.
Choices keep their branch order, which is enough for a writer as long as a record fills one branch;
each ``xs:choice`` is also kept as :attr:`ElementDecl.choices` (the element names of each branch), so a
Mod that fills one branch can empty the others (``SalesAndPurchaseMod`` on an item that has
``SalesOrPurchase``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..once import once

SCHEMA_DIR = Path(__file__).with_name("schemas")
TOP_XSD = SCHEMA_DIR / "qbxmlops130.xsd"
_XS = "{http://www.w3.org/2001/XMLSchema}"
_FILES = ("qbxmltypes130.xsd", "qbxml130.xsd", "qbxmlso130.xsd", "qbxmlops130.xsd")


@dataclass
class ElementDecl:
    """One element declaration: its name, whether it repeats, and its children in schema order."""

    name: str
    repeats: bool = False
    children: list[ElementDecl] = field(default_factory=list)
    is_complex: bool = False
    max_length: int | None = None
    #: every xs:choice among the children: per choice, the element names of each branch
    choices: list[tuple[frozenset[str], ...]] = field(default_factory=list)

    def child(self, name: str) -> ElementDecl | None:
        """The child declaration called ``name``, or None."""
        for c in self.children:
            if c.name == name:
                return c
        return None

    def child_names(self) -> list[str]:
        """Child element names in schema order (first occurrence wins)."""
        seen: list[str] = []
        for c in self.children:
            if c.name not in seen:
                seen.append(c.name)
        return seen


_validator_lock = threading.Lock()


def _xsd_parser(*, remove_comments: bool = False) -> etree.XMLParser:
    """For the vendored XSD files, read by path (xs:include resolves beside them): no entities, no DTD,
    no network, though the files are our own copies."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           remove_comments=remove_comments)


@once
def xml_schema() -> etree.XMLSchema:
    """The compiled 13.0 XSD set: compiled once per process, under a lock (threads asking at once wait
    for the one compile; racing compiles could fail and leave the process unable to compile)."""
    return etree.XMLSchema(etree.parse(str(TOP_XSD), _xsd_parser()))


def validate(doc: etree._ElementTree | etree._Element) -> list[str]:
    """Validate a parsed document against the 13.0 XSD; return the error lines (empty = valid).

    lxml's XMLSchema object is not thread-safe, so calls are serialised (validation is fast).
    """
    schema = xml_schema()
    with _validator_lock:
        ok = schema.validate(doc)
        errors = [] if ok else [f"line {e.line}: {e.message}" for e in schema.error_log]
    return errors


class _Index:
    """Global elements, named complex types and groups of the XSD set, by name."""

    def __init__(self) -> None:
        parser = _xsd_parser(remove_comments=True)
        self.elements: dict[str, etree._Element] = {}
        self.types: dict[str, etree._Element] = {}
        self.simple_types: dict[str, etree._Element] = {}
        self.groups: dict[str, etree._Element] = {}
        for fname in _FILES:
            root = etree.parse(str(SCHEMA_DIR / fname), parser).getroot()
            for node in root:
                name = node.get("name")
                if node.tag == _XS + "element":
                    self.elements[name] = node
                elif node.tag == _XS + "complexType":
                    self.types[name] = node
                elif node.tag == _XS + "simpleType":
                    self.simple_types[name] = node
                elif node.tag == _XS + "group":
                    self.groups[name] = node
        self._cache: dict[str, ElementDecl] = {}
        self._lock = threading.RLock()

    def global_decl(self, name: str) -> ElementDecl:
        with self._lock:
            if name not in self._cache:
                node = self.elements.get(name)
                if node is None:
                    raise KeyError(f"no global element {name!r} in the qbXML 13.0 schema")
                decl = ElementDecl(name=name)
                self._cache[name] = decl  # registered first: recursive types terminate
                self._fill(decl, node)
            return self._cache[name]

    def _fill(self, decl: ElementDecl, node: etree._Element) -> None:
        type_name = node.get("type")
        if type_name and type_name in self.types:
            self._fill_complex(decl, self.types[type_name])
            return
        ctype = node.find(_XS + "complexType")
        if ctype is not None:
            self._fill_complex(decl, ctype)
            return
        decl.max_length = _max_length(node)

    def _fill_complex(self, decl: ElementDecl, ctype: etree._Element) -> None:
        decl.is_complex = True
        for part in ctype:
            if part.tag in (_XS + "sequence", _XS + "choice", _XS + "all", _XS + "group"):
                self._particle(decl, part)

    def _particle(self, decl: ElementDecl, node: etree._Element, repeats: bool = False) -> None:
        many = repeats or node.get("maxOccurs") == "unbounded" or _int(node.get("maxOccurs")) > 1
        if node.tag == _XS + "element":
            ref = node.get("ref")
            if ref:
                target = self.global_decl(ref)
                child = ElementDecl(name=ref, repeats=many, children=target.children,
                                    is_complex=target.is_complex, max_length=target.max_length,
                                    choices=target.choices)
                # keep the shared children/choices lists live for recursive/unfinished declarations
                child.children = target.children
                child.choices = target.choices
            else:
                child = ElementDecl(name=node.get("name"), repeats=many)
                self._fill(child, node)
            decl.children.append(child)
        elif node.tag == _XS + "group":
            group = self.groups[node.get("ref")]
            for part in group:
                self._particle(decl, part, many)
        elif node.tag in (_XS + "sequence", _XS + "choice", _XS + "all"):
            for part in node:
                self._particle(decl, part, many)
            if node.tag == _XS + "choice" and not many:  # a repeating choice mixes its branches
                branches = tuple(self._branch_names(part) for part in node if isinstance(part.tag, str))
                if len(branches) > 1:
                    decl.choices.append(branches)

    def _branch_names(self, node: etree._Element) -> frozenset[str]:
        """The element names one particle (an element, group, sequence or choice) can contribute."""
        if node.tag == _XS + "element":
            return frozenset({node.get("ref") or node.get("name")})
        parts = self.groups[node.get("ref")] if node.tag == _XS + "group" else node
        names: set[str] = set()
        for part in parts:
            if isinstance(part.tag, str) and part.tag != _XS + "annotation":
                names |= self._branch_names(part)
        return frozenset(names)


def _int(value: str | None) -> int:
    if value is None or value == "unbounded":
        return 1
    return int(value)


def _max_length(node: etree._Element) -> int | None:
    found = node.find(f".//{_XS}maxLength")
    return int(found.get("value")) if found is not None else None


@once
def _index() -> _Index:
    return _Index()


def element_decl(name: str) -> ElementDecl:
    """The declaration of global element ``name`` (e.g. ``ItemServiceRet``), children in order."""
    return _index().global_decl(name)


def message_decl(message_name: str) -> ElementDecl:
    """The declaration of a request/response message (``ItemServiceAddRs``) via its named type."""
    idx = _index()
    for container in ("QBXMLMsgsRq", "QBXMLMsgsRs"):
        msg = idx.global_decl(container).child(message_name)
        if msg is not None:
            return msg
    raise KeyError(f"{message_name!r} is not a qbXML 13.0 message")


def request_names() -> list[str]:
    """Every request element name QBXMLMsgsRq allows (``HostQueryRq`` …), in schema order."""
    return element_decl("QBXMLMsgsRq").child_names()


def all_element_names() -> frozenset[str]:
    """Every element name declared anywhere in the 13.0 set (global or local)."""
    return _all_names()


@once
def _all_names() -> frozenset[str]:
    parser = _xsd_parser()
    names: set[str] = set()
    for fname in _FILES:
        root = etree.parse(str(SCHEMA_DIR / fname), parser).getroot()
        for node in root.iter(_XS + "element"):
            if node.get("name"):
                names.add(node.get("name"))
    return frozenset(names)


DATE_TYPES = ("DATETYPE", "DATETIMETYPE")


def date_elements() -> dict[str, str]:
    """Element name → ``DATETYPE``/``DATETIMETYPE`` for every date element of the 13.0 set.

    Every date element is a global declaration with one of the two types (no local element reuses
    such a name), so the name alone says how a request value is to be read.
    """
    return _date_elements()


@once
def _date_elements() -> dict[str, str]:
    return {name: node.get("type") for name, node in _index().elements.items()
            if node.get("type") in DATE_TYPES}
