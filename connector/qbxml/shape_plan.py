"""Whole-request renderers compiled per *shape* of the caller's fields: the build path's first layer.

A shape is a request's fields with the values left out: each dict's keys in the caller's order, and per key
whether it holds a leaf (of the type its qbXML type takes: str, Decimal, date, bool, int), ``None``, a
nested dict (with its own shape) or a list (with the shape of its first item). A caller builds its fields
from the same literal code each time, so a request type meets few shapes. For each one a single Python
function is generated that checks the shape and every leaf inline (one boolean expression per dict, no call
per aggregate or per leaf) and appends the whole request, markup merged into constants between the values,
to the caller's list: markup at even indexes, values (unescaped) at odd ones, so a batch escapes all its
values at once. The structure checks (required groups, exclusive choices) are made once, when the shape is
compiled.

The generated function declines (returns False, leaving what it appended for the caller to cut) on
anything it was not compiled for: another key set, a leaf of another type, a string over its maxLength, a
number not in its plain form, a list item of another shape. The caller then renders with the per-model
plans (``render_plan.py``), which fall back to the generic walker: the same bytes, or the exact error. Only
what those plans inline is inlined here, with the same tests and the same text, so all three layers agree
(tests compare them for every request type).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from connector.qbxml.render_plan import (
    _UNBOUNDED,
    AGG,
    AMT,
    DATE,
    ENUM,
    FORBIDDEN_SEARCH,
    NUM,
    OTHER,
    STR,
    ModelPlan,
    _num_text,
)

_MAX_SHAPES = 32  # compiled shapes per request type; a caller with more takes the per-model plans
_BOOL, _INT = OTHER + 1, OTHER + 2  # leaf kinds only this layer inlines (OTHER in the per-model plans)
_LEAF_CLASS = {STR: str, ENUM: str, AMT: Decimal, NUM: Decimal, DATE: date, _BOOL: bool, _INT: int}

# A shape: (ModelPlan, ((key, child shape), ...)); a child shape is None (the value None), LEAF, a shape,
# or (LIST, item shape) -- LEAF for a list of leaves.
LEAF, LIST = "leaf", "list"


def _leaf_kind(entry: tuple[Any, ...]) -> int | None:
    """The kind this layer inlines for a leaf child, or None (the per-model plans handle it)."""
    kind = entry[2]
    if kind != OTHER:
        return kind
    spec = entry[6][1]
    if spec[2] is not None or spec[5] is not None:  # a leaf with attributes, an enumerated number
        return None
    if spec[1] == "BOOLTYPE":
        return _BOOL
    if spec[1] == "INTTYPE":
        return _INT
    return None


def shape_of(plan: ModelPlan, fields: Any) -> tuple[Any, ...] | None:
    """The shape of ``fields`` for ``plan``'s model, or None when it is not one this layer compiles."""
    if fields.__class__ is not dict or not plan.usable:
        return None
    children = plan.children
    keys: list[tuple[str, Any]] = []
    for key, value in fields.items():
        entry = children.get(key)
        if entry is None:
            return None  # an attribute or an unknown element: the generic walker's job
        if value is None:
            keys.append((key, None))
            continue
        many = value.__class__ is list
        if many:
            if not entry[3] or not value:
                return None
            value = value[0]
        if entry[2] == AGG:
            child: Any = shape_of(entry[6][0], value)
            if child is None:
                return None
        else:
            kind = _leaf_kind(entry)
            if kind is None or value.__class__ is not _LEAF_CLASS[kind]:
                return None
            child = LEAF
        keys.append((key, (LIST, child) if many else child))
    if plan.constrained and not plan.structure_ok(key for key, child in keys if child is not None):
        return None
    return plan, tuple(keys)


def _key(shape: tuple[Any, ...] | str | None) -> Any:
    """A hashable, comparable form of a shape (model ids instead of plans)."""
    if shape is None or shape.__class__ is str:
        return shape
    if shape[0] == LIST:
        return LIST, _key(shape[1])
    return shape[0].model_id, tuple((key, _key(child)) for key, child in shape[1])


class _Source:
    """The generated function's text and its namespace of constants."""

    def __init__(self) -> None:
        self.env: dict[str, Any] = {"Decimal": Decimal, "date": date, "num_text": _num_text,
                                    "forbidden": FORBIDDEN_SEARCH}
        self.count = 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def constant(self, value: Any) -> str:
        name = self.name("C")
        self.env[name] = value
        return name


def _leaf_test(src: _Source, entry: tuple[Any, ...], var: str) -> tuple[str, str]:
    """(test, text expression) of one leaf value ``var``: the per-model plans' own inline forms."""
    kind = _leaf_kind(entry)
    fast = entry[6][0]
    if kind == STR:
        limit = f" and len({var}) <= {fast}" if fast < _UNBOUNDED else ""
        # A character XML 1.0 cannot carry is never printable; tab, newline, CR are not either (allowed).
        return f"{var}.__class__ is str{limit} and ({var}.isprintable() or forbidden({var}) is None)", var
    if kind == ENUM:
        return f"{var}.__class__ is str and {var} in {src.constant(fast)}", var
    if kind == DATE:
        return f"{var}.__class__ is date", f"{var}.isoformat()"
    text = src.name("t")
    # ``t[-3]`` (a cached one-character string) is cheaper than the slice ``t[-3:-2]``; a text shorter
    # than three characters raises IndexError, which the generated function catches (LookupError) and
    # declines on: the per-model plans then render it.
    if kind == AMT:
        return (f"{var}.__class__ is Decimal and ({text} := str({var}))[-3] == '.' "
                f"and len({text}) <= 16"), text
    if kind == NUM:
        return (f"{var}.__class__ is Decimal and (({text} := str({var})).isdigit() and len({text}) <= 10 "
                f"or {text}[-3] == '.' and len({text}) <= 13 or num_text({text}) is not None)"), text
    if kind == _BOOL:
        return f"{var}.__class__ is bool", f"('true' if {var} else 'false')"
    low, high = entry[6][1][6] or (None, None)
    bounds = "".join([f" and {var} >= {low}" if low is not None else "",
                      f" and {var} <= {high}" if high is not None else ""])
    return f"{var}.__class__ is int{bounds}", f"str({var})"


def _dict_test(src: _Source, shape: tuple[Any, ...], var: str) -> tuple[list[str], list[Any]]:
    """The tests of dict ``var`` of ``shape`` and its emission (schema order).

    Emission items: ``("markup", text)``, ``("value", expression)`` or ``("loop", lines)``.
    """
    plan, keys = shape
    tests = [f"{var}.__class__ is dict", f"len({var}) == {len(keys)}"]
    emitted: list[tuple[int, list[Any]]] = []
    for key, child in keys:
        entry = plan.children[key]
        if child is None:
            tests.append(f"{var}[{key!r}] is None")
            continue
        value = src.name("v")
        start, end = entry[4], entry[5]
        if child.__class__ is tuple and child[0] == LIST:
            tests.append(f"({value} := {var}[{key!r}]).__class__ is list")
            emitted.append((entry[1], [("loop", _loop(src, entry, child[1], value))]))
        elif child == LEAF:
            test, text = _leaf_test(src, entry, value)
            tests.append(_bind(test, value, f"{var}[{key!r}]"))
            emitted.append((entry[1], [("markup", start), ("value", text), ("markup", end)]))
        else:
            inner_tests, inner = _dict_test(src, child, value)
            inner_tests[0] = f"({value} := {var}[{key!r}]).__class__ is dict"
            tests += inner_tests
            emitted.append((entry[1], [("markup", start), *inner, ("markup", end)]))
    emitted.sort(key=lambda item: item[0])
    return tests, [item for _, items in emitted for item in items]


def _bind(test: str, var: str, expression: str) -> str:
    """``test`` with its first use of ``var`` binding it to ``expression`` (a walrus)."""
    first = test.index(var)
    return f"{test[:first]}({var} := {expression}){test[first + len(var):]}"


def _loop(src: _Source, entry: tuple[Any, ...], item: Any, items: str) -> list[str]:
    """Lines rendering every item of list ``items``; an item of another shape declines the request."""
    var = src.name("x")
    start, end = entry[4], entry[5]
    if item == LEAF:
        test, text = _leaf_test(src, entry, var)
        emission: list[Any] = [("markup", start), ("value", text), ("markup", end)]
    else:
        tests, inner = _dict_test(src, item, var)
        test = " and ".join(tests)
        emission = [("markup", start), *inner, ("markup", end)]
    return [f"for {var} in {items}:", "    try:", f"        if not ({test}):", "            return False",
            "    except LookupError:", "        return False",
            *("    " + line for line in _emit(src, emission))]


def _emit(src: _Source, emission: list[Any], first: str | None = None) -> list[str]:
    """``out += (…)`` lines for the emission: adjacent markup merged, values at odd indexes."""
    lines: list[str] = []
    pending: list[str] = [first, "''"] if first else []
    markup = ""
    for kind, item in emission:
        if kind == "markup":
            markup += item
        elif kind == "value":
            pending += [src.constant(markup) if markup else "''", item]
            markup = ""
        else:
            if markup:
                pending += [src.constant(markup), "''"]
                markup = ""
            if pending:
                lines.append(f"out += ({', '.join(pending)},)")
                pending = []
            lines += item
    if markup:
        pending += [src.constant(markup), "''"]
    if pending:
        lines.append(f"out += ({', '.join(pending)},)")
    return lines


def compile_shape(shape: tuple[Any, ...], closing: str) -> Any:
    """``function(out, fields, opening) -> bool`` rendering requests of ``shape`` (see the module doc)."""
    src = _Source()
    tests, emission = _dict_test(src, shape, "f")
    body = _emit(src, [*emission, ("markup", closing)], first="opening")
    lines = ["def function(out, f, opening):", "    try:", f"        if not ({' and '.join(tests)}):",
             "            return False", "    except LookupError:", "        return False",
             *("    " + line for line in body), "    return True"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), f"<qbXML shape plan {shape[0].model_id}>", "exec"), src.env, namespace)
    return namespace["function"]


class ShapePlans:
    """The compiled shapes of one request type: the one used last is tried first, then a lookup by shape."""

    __slots__ = ("body", "closing", "functions", "last")

    def __init__(self, body: ModelPlan, closing: str) -> None:
        self.body = body
        self.closing = closing
        self.functions: dict[Any, Any] = {}
        self.last: Any = None

    def function_for(self, fields: Any) -> Any:
        """The renderer of ``fields``' shape (compiled on first sight), or None when it has none."""
        shape = shape_of(self.body, fields)
        if shape is None:
            return None
        key = _key(shape)
        function = self.functions.get(key)
        if function is None:
            if len(self.functions) >= _MAX_SHAPES:
                return None
            function = self.functions[key] = compile_shape(shape, self.closing)
        self.last = function
        return function
