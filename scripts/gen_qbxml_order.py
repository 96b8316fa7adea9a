"""Generate connector/qbxml/_generated_order.py from Intuit's qbXML 13.0 XSD and the 16.0 sample document.

QuickBooks rejects a request whose elements are out of schema order (0x80040400, "QuickBooks found an error
when parsing the provided XML text stream"). The codec therefore needs, for every aggregate, the order of its
children, their types and facets, which of them repeat, which are required and which exclude each other.
This script derives exactly that from the XSD (sequences, choices, groups, nested aggregates, attributes) so
nobody types an order table by hand.

Output tables (see connector/qbxml/README.md):

- ``ENUMS``: tuple of enumerations (tuples of allowed strings), referenced by index.
- ``MODELS``: tuple of content models; ``MODELS[i] = (children, attrs, text_type, required, exclusive)``:
  ``children`` maps child name -> ``(rank, type_code | None, sub_model | None, repeat, max_length | None,
  enum_index | None, (min, max) | None)`` in schema order (``type_code`` None = aggregate, described by
  ``sub_model``; a leaf with attributes has both a type_code and a sub_model); ``attrs`` maps attribute name
  -> ``(type_code, enum_index | None, required)``; ``text_type`` is the simple-content type of elements such
  as ``<TxnID useMacro="...">``; ``required`` is a tuple of name groups of which at least one name must be
  present; ``exclusive`` is a tuple of choices, each a tuple of branches (tuples of names) of which at most
  one branch may be used.
- ``REQUESTS`` / ``RESPONSES``: per qbXML version ("13.0", "16.0") the model of each ``…Rq`` / ``…Rs``.
- ``MSGS_RQ_ATTRS``: attributes of ``QBXMLMsgsRq``.

16.0: no public 16.0 XSD exists; Intuit's SDK 16.0 sample document (qbxmlops160.xml) lists every element in
16.0 order. Walking it alongside the 13.0 models, every element the 13.0 model lacks is added after its
predecessor in the sample (e.g. ItemLineAdd/ExpirationDateForSerialLotNumber, BillRet/IsPending), and only
the models on the path to a change are cloned, so "16.0" tables differ from "13.0" exactly there.

Usage: python scripts/gen_qbxml_order.py [--check]
"""

from __future__ import annotations

import argparse
import pprint
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "connector" / "qbxml" / "schemas"
OUTPUT = ROOT / "connector" / "qbxml" / "_generated_order.py"
XS = "{http://www.w3.org/2001/XMLSchema}"
UNBOUNDED = 1 << 30

# Facets of the base types themselves (qbxmltypes130.xsd: IDTYPE is a string of at most 36 characters).
BASE_MAX_LENGTH = {"IDTYPE": 36}
BASE_TYPES = {
    "IDTYPE", "STRTYPE", "BOOLTYPE", "DATETYPE", "DATETIMETYPE", "TIMEINTERVALTYPE", "AMTTYPE", "PRICETYPE",
    "QUANTYPE", "PERCENTTYPE", "ENUMTYPE", "INTTYPE", "GUIDTYPE", "UUIDTYPE", "MACROTYPE", "FLOATTYPE",
}


@dataclass
class Leaf:
    """A simple type resolved to a base qbXML type code plus facets."""

    code: str
    max_length: int | None = None
    enum: tuple[str, ...] | None = None
    bounds: tuple[int | None, int | None] | None = None


@dataclass
class Particle:
    """An element, sequence or choice with its occurrence bounds (groups are inlined)."""

    kind: str  # "element" | "sequence" | "choice"
    min: int = 1
    max: int = 1
    name: str = ""
    decl: Any = None  # the xsd:element node that carries the element's type
    items: list[Particle] = field(default_factory=list)


class Schema:
    """The global declarations of the 13.0 XSD set."""

    def __init__(self, directory: Path) -> None:
        self.elements: dict[str, Any] = {}
        self.complex_types: dict[str, Any] = {}
        self.simple_types: dict[str, Any] = {}
        self.groups: dict[str, Any] = {}
        for name in ("qbxmltypes130.xsd", "qbxml130.xsd", "qbxmlso130.xsd", "qbxmlops130.xsd"):
            root = etree.parse(str(directory / name)).getroot()
            for node in root:
                if not isinstance(node.tag, str):
                    continue
                table = {
                    XS + "element": self.elements,
                    XS + "complexType": self.complex_types,
                    XS + "simpleType": self.simple_types,
                    XS + "group": self.groups,
                }.get(node.tag)
                if table is not None:
                    table[node.get("name")] = node


def occurs(node: Any) -> tuple[int, int]:
    low = int(node.get("minOccurs", "1"))
    high_text = node.get("maxOccurs", "1")
    return low, UNBOUNDED if high_text == "unbounded" else int(high_text)


def children(node: Any) -> list[Any]:
    return [c for c in node if isinstance(c.tag, str) and c.tag != XS + "annotation"]


class Builder:
    """Turns XSD declarations into interned content models."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.enums: list[tuple[str, ...]] = []
        self.enum_index: dict[tuple[str, ...], int] = {}
        self.models: list[tuple[Any, ...]] = []
        self.model_index: dict[str, int] = {}
        self.element_cache: dict[int, tuple[Leaf | None, int | None]] = {}
        self.warnings: list[str] = []
        self.keep_alive: list[Any] = []

    # -- simple types ---------------------------------------------------------------------------------
    def leaf_of_simple(self, node: Any) -> Leaf:
        """Resolve an xsd:simpleType node (restriction of a qbXML base type) to a Leaf."""
        if node.get("name") in BASE_TYPES:
            return Leaf(node.get("name"), BASE_MAX_LENGTH.get(node.get("name")))
        restriction = node.find(XS + "restriction")
        if restriction is None:
            raise ValueError(f"unsupported simpleType at line {node.sourceline}")
        leaf = self.leaf_of_type_name(restriction.get("base"))
        leaf = Leaf(leaf.code, leaf.max_length, leaf.enum, leaf.bounds)
        low, high = restriction.find(XS + "minInclusive"), restriction.find(XS + "maxInclusive")
        if low is not None or high is not None:
            leaf.bounds = (
                None if low is None else int(low.get("value")),
                None if high is None else int(high.get("value")),
            )
        enum = tuple(e.get("value") for e in restriction.findall(XS + "enumeration"))
        if enum:
            leaf.enum = enum
        max_length = restriction.find(XS + "maxLength")
        if max_length is not None:
            leaf.max_length = int(max_length.get("value"))
        return leaf

    def leaf_of_type_name(self, name: str) -> Leaf:
        if name in BASE_TYPES:
            return Leaf(name, BASE_MAX_LENGTH.get(name))
        return self.leaf_of_simple(self.schema.simple_types[name])

    def intern_enum(self, enum: tuple[str, ...] | None) -> int | None:
        if enum is None:
            return None
        if enum not in self.enum_index:
            self.enum_index[enum] = len(self.enums)
            self.enums.append(enum)
        return self.enum_index[enum]

    # -- particles ------------------------------------------------------------------------------------
    def particle(self, node: Any) -> Particle:
        low, high = occurs(node)
        tag = node.tag
        if high == 0:
            # maxOccurs="0" (ValueAdjustment's NewValue/ValueDifference choice): the element may not appear.
            return Particle("sequence", 0, 0)
        if tag == XS + "element":
            if node.get("ref"):
                name = node.get("ref")
                return Particle("element", low, high, name, self.schema.elements[name])
            return Particle("element", low, high, node.get("name"), node)
        if tag == XS + "group":
            group = self.schema.groups[node.get("ref")]
            inner = self.particle(children(group)[0])
            if (low, high) == (1, 1):
                return inner
            return Particle("sequence", low, high, items=[inner])
        if tag in (XS + "sequence", XS + "choice"):
            kind = "sequence" if tag == XS + "sequence" else "choice"
            return Particle(kind, low, high, items=[self.particle(c) for c in children(node)])
        raise ValueError(f"unsupported particle {tag} at line {node.sourceline}")

    # -- elements -------------------------------------------------------------------------------------
    def element(self, decl: Any) -> tuple[Leaf | None, int | None]:
        """(leaf, model) of an element declaration: leaf for simple content, model for complex."""
        # lxml proxies are recycled once unreferenced: keep each one alive so its id() stays unique.
        key = id(decl)
        if key not in self.element_cache:
            self.keep_alive.append(decl)
            self.element_cache[key] = self._element(decl)
        return self.element_cache[key]

    def _element(self, decl: Any) -> tuple[Leaf | None, int | None]:
        type_name = decl.get("type")
        if type_name:
            if type_name in self.schema.complex_types:
                return self.complex_model(self.schema.complex_types[type_name])
            return self.leaf_of_type_name(type_name), None
        inline = children(decl)
        if not inline:
            return Leaf("STRTYPE"), None
        if inline[0].tag == XS + "simpleType":
            return self.leaf_of_simple(inline[0]), None
        return self.complex_model(inline[0])

    def attributes(self, nodes: list[Any]) -> dict[str, tuple[str, int | None, bool]]:
        attrs: dict[str, tuple[str, int | None, bool]] = {}
        for node in nodes:
            if node.tag != XS + "attribute":
                continue
            if node.get("type"):
                leaf = self.leaf_of_type_name(node.get("type"))
            else:
                leaf = self.leaf_of_simple(node.find(XS + "simpleType"))
            attrs[node.get("name")] = (leaf.code, self.intern_enum(leaf.enum), node.get("use") == "required")
        return attrs

    def complex_model(self, ct: Any) -> tuple[Leaf | None, int | None]:
        content = children(ct)
        text_leaf: Leaf | None = None
        particle: Particle | None = None
        attr_nodes: list[Any] = []
        for node in content:
            if node.tag == XS + "simpleContent":
                extension = node.find(XS + "extension")
                text_leaf = self.leaf_of_type_name(extension.get("base"))
                attr_nodes.extend(children(extension))
            elif node.tag == XS + "attribute":
                attr_nodes.append(node)
            else:
                particle = self.particle(node)
        attrs = self.attributes(attr_nodes)
        model = self.model_from_particle(particle, attrs, text_leaf)
        return text_leaf, model

    # -- models ---------------------------------------------------------------------------------------
    def model_from_particle(
        self, particle: Particle | None, attrs: dict[str, Any], text_leaf: Leaf | None
    ) -> int:
        entries: dict[str, list[Any]] = {}
        order: list[str] = []

        def walk(p: Particle, repeated: bool) -> None:
            rep = repeated or p.max > 1
            if p.kind == "element":
                leaf, sub = self.element(p.decl)
                spec = [
                    None if (leaf is None) else leaf.code,
                    sub,
                    rep,
                    None if leaf is None else leaf.max_length,
                    self.intern_enum(None if leaf is None else leaf.enum),
                    None if leaf is None else leaf.bounds,
                ]
                if p.name in entries:
                    if entries[p.name][:2] != spec[:2]:
                        self.warnings.append(f"{p.name}: two different declarations in one content model")
                    entries[p.name][2] = entries[p.name][2] or rep
                    return
                entries[p.name] = spec
                order.append(p.name)
                return
            for item in p.items:
                walk(item, rep)

        required: list[tuple[str, ...]] = []
        exclusive: list[tuple[tuple[str, ...], ...]] = []
        if particle is not None:
            walk(particle, False)
            collect_required(particle, required)
            collect_exclusive(particle, False, exclusive)
        text = text_leaf.code if text_leaf is not None else None
        return self.intern_model(order, entries, attrs, text, tuple(required), tuple(exclusive))

    def intern_model(
        self,
        order: list[str],
        entries: dict[str, list[Any]],
        attrs: dict[str, Any],
        text: str | None,
        required: tuple[tuple[str, ...], ...],
        exclusive: tuple[tuple[tuple[str, ...], ...], ...],
    ) -> int:
        kids = {name: (rank, *entries[name]) for rank, name in enumerate(order)}
        model = (kids, attrs, text, required, exclusive)
        key = repr(model)
        if key not in self.model_index:
            self.model_index[key] = len(self.models)
            self.models.append(model)
        return self.model_index[key]


def names_in(p: Particle) -> list[str]:
    if p.kind == "element":
        return [p.name]
    out: list[str] = []
    for item in p.items:
        for name in names_in(item):
            if name not in out:
                out.append(name)
    return out


def nullable(p: Particle) -> bool:
    if p.min == 0:
        return True
    if p.kind == "element":
        return False
    if p.kind == "sequence":
        return all(nullable(i) for i in p.items)
    return any(nullable(i) for i in p.items)


def collect_required(p: Particle, out: list[tuple[str, ...]]) -> None:
    """Groups of names of which at least one must appear (a sound under-approximation of the XSD)."""
    if nullable(p):
        return
    if p.kind == "sequence":
        for item in p.items:
            collect_required(item, out)
    else:
        out.append(tuple(names_in(p)))


def collect_exclusive(p: Particle, repeated: bool, out: list[tuple[tuple[str, ...], ...]]) -> None:
    """Choices that may occur once: at most one of their branches may be used."""
    rep = repeated or p.max > 1
    if p.kind == "element":
        return
    if p.kind == "choice" and not rep and len(p.items) > 1:
        branches = [names_in(i) for i in p.items]
        counts: dict[str, int] = {}
        for branch in branches:
            for name in branch:
                counts[name] = counts.get(name, 0) + 1
        cleaned = tuple(tuple(n for n in b if counts[n] == 1) for b in branches)
        if sum(1 for b in cleaned if b) > 1:
            out.append(cleaned)
    for item in p.items:
        collect_exclusive(item, rep, out)


def message_set_members(schema: Schema, builder: Builder, name: str) -> dict[str, int]:
    """Each …Rq/…Rs child of QBXMLMsgsRq/QBXMLMsgsRs -> its model."""
    root = schema.elements[name]
    ct = children(root)[0]
    choice = ct.find(XS + "choice")
    out: dict[str, int] = {}
    for node in children(choice):
        _, model = builder.element(node)
        assert model is not None, node.get("name")
        out[node.get("name")] = model
    return out


# -- 16.0 overlay from the sample document ----------------------------------------------------------------
SAMPLE_TYPES = BASE_TYPES


def annotation(elem: Any) -> str:
    """The same-line comment the sample puts after a leaf or after an aggregate's start tag."""
    if len(elem) and isinstance(elem[0], etree._Comment) and "\n" not in (elem.text or ""):
        return elem[0].text or ""
    nxt = elem.getnext()
    if isinstance(nxt, etree._Comment) and "\n" not in (elem.tail or ""):
        return nxt.text or ""
    return ""


def enum_comment(elem: Any) -> tuple[str, ...] | None:
    prev = elem.getprevious()
    if isinstance(prev, etree._Comment) and "may have one of the following values:" in (prev.text or ""):
        values = prev.text.split("following values:", 1)[1]
        return tuple(v.strip() for v in values.split(",") if v.strip())
    return None


class Overlay:
    """Clones 13.0 models along the sample's paths, adding the elements 16.0 introduced."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self.additions: list[str] = []
        self.inversions: list[str] = []

    def model_for(self, sample: Any, model: int | None, path: str) -> int:
        b = self.builder
        if model is None:
            kids_13: dict[str, tuple[Any, ...]] = {}
            attrs: dict[str, Any] = {}
            text = None
            required: tuple[Any, ...] = ()
            exclusive: tuple[Any, ...] = ()
        else:
            kids_13, attrs, text, required, exclusive = b.models[model]
        order = list(kids_13)
        entries = {name: list(spec[1:]) for name, spec in kids_13.items()}
        sample_kids = [c for c in sample if isinstance(c.tag, str)]
        last_rank = -1
        previous: str | None = None
        for child in sample_kids:
            name = child.tag
            if name in kids_13:
                rank = order.index(name)
                if rank < last_rank:
                    self.inversions.append(f"{path}/{name}")
                last_rank = max(last_rank, rank)
                spec = entries[name]
                if spec[1] is not None and len([c for c in child if isinstance(c.tag, str)]):
                    spec[1] = self.model_for(child, spec[1], f"{path}/{name}")
            elif name not in entries:
                entries[name] = self.new_entry(child, f"{path}/{name}")
                position = order.index(previous) + 1 if previous in order else 0
                order.insert(position, name)
                last_rank = position
                self.additions.append(f"{path}/{name}")
            previous = name
        return b.intern_model(order, entries, attrs, text, required, exclusive)

    def new_entry(self, elem: Any, path: str) -> list[Any]:
        note = annotation(elem)
        repeat = "may rep" in note
        if any(isinstance(c.tag, str) for c in elem):
            return [None, self.model_for(elem, None, path), repeat, None, None, None]
        code = (elem.text or "").strip()
        if code not in SAMPLE_TYPES:
            raise ValueError(f"{path}: unexpected sample type {code!r}")
        match = re.search(r"max length = (\d+) for [A-Z|]*QBD", note)
        enum = enum_comment(elem)
        max_length = int(match.group(1)) if match else None
        return [code, None, repeat, max_length, self.builder.intern_enum(enum), None]


def overlay_16(builder: Builder, requests: dict[str, int], responses: dict[str, int]) -> tuple[Any, Any, Any]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    root = etree.parse(str(SCHEMAS / "qbxmlops160.xml"), parser).getroot()
    overlay = Overlay(builder)
    out_rq = dict(requests)
    out_rs = dict(responses)
    for msgs, table in (("QBXMLMsgsRq", out_rq), ("QBXMLMsgsRs", out_rs)):
        container = root.find(msgs)
        for node in container:
            if not isinstance(node.tag, str):
                continue
            if node.tag not in table:
                builder.warnings.append(f"16.0 sample has {node.tag}, unknown to 13.0: not supported")
                continue
            table[node.tag] = overlay.model_for(node, table[node.tag], node.tag)
    return out_rq, out_rs, overlay


def render(builder: Builder, tables: dict[str, Any], notes: list[str]) -> str:
    lines = [
        "# generated by scripts/gen_qbxml_order.py, do not edit",
        "# Source: Intuit qbXML 13.0 XSD (connector/qbxml/schemas/qbxmlops130.xsd and includes) and the",
        "# SDK 16.0 sample document (qbxmlops160.xml). Layout: see the script's docstring.",
    ]
    for note in notes:
        lines += ["# " + line for line in textwrap.wrap(note, 106, break_on_hyphens=False)]
    lines.append("")
    lines.append("ENUMS = " + pprint.pformat(tuple(builder.enums), width=110, compact=True))
    lines.append("")
    lines.append("MODELS = (")
    for index, model in enumerate(builder.models):
        lines.append(f"    # {index}")
        lines.append("    " + repr(model) + ",")
    lines.append(")")
    for name, value in tables.items():
        lines.append("")
        lines.append(f"{name} = " + pprint.pformat(value, width=110, sort_dicts=True))
    return "\n".join(lines) + "\n"


def generate() -> str:
    schema = Schema(SCHEMAS)
    builder = Builder(schema)
    requests = message_set_members(schema, builder, "QBXMLMsgsRq")
    responses = message_set_members(schema, builder, "QBXMLMsgsRs")
    msgs_rq_ct = children(schema.elements["QBXMLMsgsRq"])[0]
    msgs_rq_attrs = builder.attributes(children(msgs_rq_ct))
    rq16, rs16, overlay = overlay_16(builder, requests, responses)
    notes = [f"13.0: {len(requests)} request types, {len(responses)} response types."]
    notes.append(f"16.0 additions ({len(overlay.additions)}): " + ", ".join(sorted({
        a.split("/", 1)[1] if "/" in a else a for a in overlay.additions})))
    if overlay.inversions:
        notes.append(f"16.0 sample orders differently from 13.0 at: {', '.join(overlay.inversions)}")
    for warning in builder.warnings:
        print("warning:", warning, file=sys.stderr)
    tables = {
        "REQUESTS": {"13.0": requests, "16.0": rq16},
        "RESPONSES": {"13.0": responses, "16.0": rs16},
        "MSGS_RQ_ATTRS": msgs_rq_attrs,
    }
    return render(builder, tables, notes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed module is out of date")
    args = parser.parse_args()
    text = generate()
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run scripts/gen_qbxml_order.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
