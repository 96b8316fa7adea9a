"""Record layouts: straight-line readers of a ``…Ret`` element, compiled per layout, for the full typed parse.

QuickBooks writes every record of a query the same way: the same children in schema order, the same
aggregates, lines that differ in their values only. A *layout* is that structure: the children in
document order, each aggregate with its own layout, a run of a repeatable child as a loop over one item
layout. It is taken from a record that the generic walk (``response._fill``) typed cleanly (nothing
unknown, invalid or duplicated, no leaf with attributes); where the walk reads an aggregate's attributes,
the layout has their names in order. For each layout one Python function is generated
that walks the element with ``elem.iter()`` (one C iterator, one element proxy alive at a time), checks
every tag against the layout as it goes, reads each leaf's text, and builds the Record with the plan's
converters: no dict lookup or kind dispatch per element, no call per aggregate.

The function declines (returns None) at the first difference: another tag, an extra or missing element,
an aggregate whose child count is not what was read (so a leaf that has children, or anything nested
differently, is caught: with every aggregate's count checked and every element read in document order,
no leaf can have a child), a value its converter refuses. The caller then types that record with the
generic walk, which gives the same Record or records the note a layout cannot (``Response.invalid``).
"""

from __future__ import annotations

from typing import Any

from connector.qbxml.convert import AGGREGATE, STRING, TYPED, Plan

MAX_LAYOUTS = 4  # per Ret type: enough for the few ways one query writes its records
MAX_REFUSALS = 8  # records of a type that could not give a layout before no more are tried


class _End:
    """What the walk reads after the last element: no tag matches it."""

    tag = None


END = _End()


def attributes_of(elem: Any, plan: Plan) -> tuple[str, ...] | None:
    """The attribute names the generic walk reads from ``elem`` (all of them, in document order), or None
    when it reads none (an aggregate with children and no attributes in the tables ignores them)."""
    if plan.has_attrs or not plan.children:
        return tuple(elem.keys())
    return None


def layout_of(elem: Any, plan: Plan) -> list[tuple[Any, ...]] | None:
    """The layout of ``elem``'s children under ``plan``, or None when a layout cannot express it.

    Nodes: ``("leaf", key, entry)``, ``("aggregate", key, entry, children, attribute names or None)``,
    ``("loop", key, entry, item)``.
    """
    children = plan.children
    nodes: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    elements = list(elem)
    index = 0
    while index < len(elements):
        child = elements[index]
        tag = child.tag
        entry = children.get(tag) if isinstance(tag, str) else None
        if entry is None or tag in seen or entry[0] not in (STRING, TYPED, AGGREGATE):
            return None  # unknown, duplicated or a leaf with attributes: the generic walk's notes
        seen.add(tag)
        node: tuple[Any, ...] | None
        if entry[0] == AGGREGATE:
            sub = entry[2]
            if not sub.children and len(child):
                return None
            inner = layout_of(child, sub)
            if inner is None:
                return None
            node = ("aggregate", entry[4], entry, inner, attributes_of(child, sub))
        elif len(child):
            return None
        else:
            node = ("leaf", entry[4], entry)
        index += 1
        if entry[3]:
            while index < len(elements) and elements[index].tag == tag:
                index += 1  # the rest of the run: the loop checks each item at run time
            node = ("loop", entry[4], entry, node)
        nodes.append(node)
    return nodes


class _Source:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.env: dict[str, Any] = {"END": END}
        self.count = 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"


def _value(src: _Source, entry: tuple[Any, ...], text: str) -> str:
    if entry[0] == STRING:
        return f"({text} or '')"
    converter = src.name("c")
    src.env[converter] = entry[1]
    return f"({converter}({text}) if {text} else None)"


def _read(src: _Source, node: tuple[Any, ...], indent: str) -> str:
    """Lines reading the element ``e`` as ``node`` (then the next one into ``e``); the value's expression."""
    kind, key, entry = node[0], node[1], node[2]
    lines = src.lines
    if kind == "leaf":
        text = src.name("t")
        lines += [f"{indent}if e.tag != {key!r}:", f"{indent}    return None",
                  f"{indent}{text} = e.text", f"{indent}e = next(walk, END)"]
        return _value(src, entry, text)
    if kind == "aggregate":
        element = src.name("a")
        lines += [f"{indent}if e.tag != {key!r}:", f"{indent}    return None", f"{indent}{element} = e"]
        attributes = _attributes(src, node[4], element, indent)
        lines.append(f"{indent}e = next(walk, END)")
        return _sequence(src, node[3], indent, element, attributes)
    items = src.name("l")
    lines += [f"{indent}if e.tag != {key!r}:", f"{indent}    return None", f"{indent}{items} = []",
              f"{indent}while e.tag == {key!r}:"]
    value = _read(src, node[3], indent + "    ")
    lines.append(f"{indent}    {items}.append({value})")
    return items


def _attributes(src: _Source, names: tuple[str, ...] | None, element: str, indent: str) -> list[str]:
    """Lines checking ``element`` has exactly the attributes ``names`` (in order); their display items."""
    if not names:
        if names is not None:  # read, and there were none: there must still be none
            src.lines += [f"{indent}if {element}.attrib:", f"{indent}    return None"]
        return []
    expected, values = src.name("k"), src.name("v")
    src.env[expected] = list(names)
    src.lines += [f"{indent}if {element}.keys() != {expected}:", f"{indent}    return None",
                  f"{indent}{values} = {element}.values()"]
    return [f"{('@' + name)!r}: {values}[{index}]" for index, name in enumerate(names)]


def _sequence(src: _Source, nodes: list[tuple[Any, ...]], indent: str, element: str,
              attributes: list[str]) -> str:
    """Lines reading the children of ``element`` laid out as ``nodes``; the dict display of the result
    (its attributes first, as the generic walk puts them)."""
    values = [(node[1], _read(src, node, indent), node[0] == "loop") for node in nodes]
    fixed = sum(1 for _, _, loop in values if not loop)
    count = " + ".join([str(fixed), *(f"len({value})" for _, value, loop in values if loop)])
    src.lines += [f"{indent}if len({element}) != {count}:", f"{indent}    return None"]
    return "{" + ", ".join([*attributes, *(f"{key!r}: {value}" for key, value, _ in values)]) + "}"


def compile_layout(nodes: list[tuple[Any, ...]], attributes: tuple[str, ...] | None, record_type: type,
                   tag: str) -> Any:
    """``read(elem) -> Record | None`` for records laid out as ``nodes`` with the record's own
    ``attributes`` (see ``attributes_of``; the module docstring says what it checks)."""
    src = _Source()
    src.env.update({"Record": record_type, "TAG": tag})
    display = _sequence(src, nodes, "        ", "elem", _attributes(src, attributes, "elem", "        "))
    lines = ["def read(elem):", "    walk = elem.iter()", "    next(walk)", "    e = next(walk, END)",
             "    try:", *src.lines, "        if e is not END:", "            return None",
             f"        record = Record({display})",
             "    except (ValueError, ArithmeticError):", "        return None",
             "    record.tag = TAG", "    return record"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), f"<qbXML record layout {tag}>", "exec"), src.env, namespace)
    return namespace["read"]


def reader_for(elem: Any, plan: Plan, record_type: type, tag: str) -> Any:
    """The compiled reader of records laid out like ``elem``, or None when no layout expresses it (or its
    code would nest deeper than Python compiles: a hostile document's deep repeats)."""
    nodes = layout_of(elem, plan)
    if nodes is None:
        return None
    try:
        return compile_layout(nodes, attributes_of(elem, plan), record_type, tag)
    except (SyntaxError, RecursionError, MemoryError):
        return None
