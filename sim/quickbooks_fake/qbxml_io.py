"""qbXML text in and out: request elements → Ret-shaped dicts; dicts → schema-ordered response text.

Documents are plain Python: ``{"ListID": "…", "ParentRef": {"FullName": "…"}, "DataExtRet": [ … ]}``,
leaf values are strings, repeated elements are lists. The writer never trusts dict order: it walks the
XSD declaration (``schema.ElementDecl``) so every Ret comes out in schema order, and refuses keys the
schema does not allow there (a programming error, caught by the tests' XSD validation).

QuickBooks' own formatting is imitated: ``<?xml version="1.0" ?>``, one element per line, no
indentation, ``"`` written as ``&quot;`` inside attributes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from .schema import ElementDecl

Doc = dict[str, Any]


def element_to_doc(el: etree._Element, decl: ElementDecl | None = None) -> Doc:
    """Turn a request element's children into a dict (repeated child names become lists).

    With the element's schema declaration, an empty aggregate (``<EmployeeAdd/>``, ``<ItemLineAdd/>``,
    ``<VendorRef/>``: every child optional, none sent) is ``{}``, not the ``""`` of an empty leaf, so
    handlers see the shape the XSD gives it.
    """
    out: Doc = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        child_decl = decl.child(child.tag) if decl is not None else None
        value: Any
        if len(child):
            value = element_to_doc(child, child_decl)
        elif child_decl is not None and child_decl.children:  # not TxnID's simpleContent (useMacro)
            value = {}
        else:
            value = child.text or ""
        if child.tag in out:
            existing = out[child.tag]
            if isinstance(existing, list):
                existing.append(value)
            else:
                out[child.tag] = [existing, value]
        else:
            out[child.tag] = value
    return out


def as_list(value: Any) -> list[Any]:
    """A possibly-repeated element value as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(text: str) -> str:
    return _escape_text(text).replace('"', "&quot;")


class RawXML:
    """Already-rendered lines of one element, written as they are.

    For what a dict cannot express: reports' attributes (``ColData colID="1" value="…"``) and their
    interleaved ``DataRow``/``TextRow``/``SubtotalRow`` order. The producer is responsible for schema
    validity (tests validate every response).
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines


def write_element(name: str, value: Any, decl: ElementDecl | None, out: list[str]) -> None:
    """Append ``name`` with ``value`` to ``out`` (lines), children in ``decl`` order."""
    if isinstance(value, RawXML):
        out.extend(value.lines)
        return
    if isinstance(value, list):
        for item in value:
            write_element(name, item, decl, out)
        return
    if isinstance(value, dict):
        out.append(f"<{name}>")
        if decl is None:
            raise KeyError(f"no schema declaration for complex element {name!r}")
        known = decl.child_names()
        unknown = [k for k in value if k not in known]
        if unknown:
            raise KeyError(f"{unknown} not allowed in {name} by the qbXML 13.0 schema")
        for child_name in known:
            if child_name in value and value[child_name] is not None:
                write_element(child_name, value[child_name], decl.child(child_name), out)
        out.append(f"</{name}>")
        return
    out.append(f"<{name}>{_escape_text(str(value))}</{name}>")


def filter_ret(doc: Doc, include: Iterable[str]) -> Doc:
    """IncludeRetElement: keep only the named top-level elements (QuickBooks ignores unknown names)."""
    wanted = set(include)
    return {k: v for k, v in doc.items() if k in wanted}


def response_lines(rs_name: str, attrs: dict[str, str], children: list[tuple[str, Any]],
                   rs_decl: ElementDecl) -> list[str]:
    """One ``…Rs`` element: attributes in QuickBooks' order, children via the Rs type's declaration."""
    attr_text = "".join(f' {k}="{_escape_attr(v)}"' for k, v in attrs.items())
    if not children:
        return [f"<{rs_name}{attr_text} />"]
    out = [f"<{rs_name}{attr_text}>"]
    order = rs_decl.child_names()
    ranked = sorted(children, key=lambda item: order.index(item[0]))  # stable: keeps Ret order
    for name, value in ranked:
        write_element(name, value, rs_decl.child(name), out)
    out.append(f"</{rs_name}>")
    return out


def document(message_lines: list[str]) -> str:
    """The whole response as QuickBooks writes it."""
    body = "\n".join(message_lines)
    inner = f"<QBXMLMsgsRs>\n{body}\n</QBXMLMsgsRs>" if message_lines else "<QBXMLMsgsRs />"
    return f'<?xml version="1.0" ?>\n<QBXML>\n{inner}\n</QBXML>\n'
