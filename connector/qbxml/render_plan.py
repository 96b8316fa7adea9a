"""Compiled render plans: the builder's fast path, one plan per content model, made once from the tables.

``request.py``'s generic walker checks everything for every field (path strings, a sort per aggregate,
structure checks, a formatter call per leaf). A plan does that work once per *shape* instead:

- per model, child name -> ``(name, rank, kind, repeat, open tag, close tag, (fast argument, spec))``;
  per key set of the caller's dicts (callers build them from literals, so there are few; the renderer
  used last is tried first and checks ``len`` and each key) generated straight-line Python with the
  children already in schema order and the structure checks (required groups, exclusive choices) done
  once, when it is generated;
- in it a straight path: when every leaf and FullName ref has its common type (str, Decimal, date, a
  one-key ``{"FullName": …}``; one chained test), markup merged between the values goes out as one tuple;
- values go into the output list at odd indexes, markup at even ones, so escaping is one check per request
  over the values joined (``bytes.translate`` deleting every safe character) and only the values that need
  it are rewritten;
- any other leaf (bool, int, datetime, GUID, attributes) goes through the generic walker's own child code,
  whose output is already escaped.

The plan never decides anything the generic walker would decide differently: whenever it meets something
unusual (an attribute key, an unknown element, a value of an unexpected type, a failed check, a forbidden
character) it raises ``Fallback`` and the caller renders the request again with the generic walker, which
produces the same document or the exact, path-carrying error. Tests compare both byte for byte.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from connector.qbxml.errors import QBXMLBuildError
from connector.qbxml.schema import ENUM_SETS, MODELS
from connector.qbxml.values import _FORBIDDEN, _NUM_TEXT, STRING_TYPES

# Child kinds (ints compare fastest in the dispatch chain).
STR, ENUM, AMT, NUM, DATE, AGG, OTHER = range(7)
_NUMBER_TYPES = frozenset({"PRICETYPE", "QUANTYPE", "PERCENTTYPE"})
_MAX_ORDERS = 256  # key orders given generated code per model; further ones share an interpreted loop
_UNBOUNDED = 1 << 62  # "no maxLength"
_num_text = _NUM_TEXT.fullmatch
_render_child: Any = None  # request.py's generic child renderer, imported on first use (it imports us)


class Fallback(Exception):
    """The plan met something only the generic walker handles; render the request with it instead."""


class ModelPlan:
    """How to render one content model fast; see the module docstring."""

    __slots__ = ("children", "constrained", "exclusive", "last", "model_id", "orders", "required", "usable")

    def __init__(self, model_id: int) -> None:
        model = MODELS[model_id]
        self.model_id = model_id
        # An aggregate with a required attribute always needs the generic walker (it raises for it).
        self.usable = not any(spec[2] for spec in model[1].values())
        self.required: tuple[tuple[str, ...], ...] = model[3]
        self.exclusive: tuple[tuple[tuple[str, ...], ...], ...] = model[4]
        self.constrained = bool(model[3] or model[4])
        self.children: dict[str, tuple[Any, ...]] = {}
        self.orders: dict[tuple[str, ...], Any] = {}
        self.last: Any = None

    def compile(self, keys: tuple[str, ...]) -> Any:
        """The renderer of dicts whose keys come in the order ``keys``; structure-checked as if all present.

        The first ``_MAX_ORDERS`` key orders get generated straight-line code (children already in schema
        order, the common value types inlined); further ones share an interpreted loop over the same plan.
        """
        if not self.usable:
            raise Fallback
        children = self.children
        entries = []
        for key in keys:
            entry = children.get(key)
            if entry is None:
                raise Fallback  # an attribute ("@…") or an unknown element: the generic walker's job
            entries.append(entry)
        entries.sort(key=_rank)
        if self.constrained and not self.structure_ok(keys):
            raise Fallback
        ordered = tuple(entries)
        if len(self.orders) >= _MAX_ORDERS:
            return _interpreted(self, ordered)
        function = _generate(self, ordered)
        self.orders[keys] = function
        return function

    def structure_ok(self, present: Any) -> bool:
        present = set(present)
        for group in self.required:
            if not any(name in present for name in group):
                return False
        for choice in self.exclusive:
            used = 0
            for branch in choice:
                if any(name in present for name in branch):
                    used += 1
            if used > 1:
                return False
        return True


def _rank(entry: tuple[Any, ...]) -> int:
    return entry[1]


_PLANS: dict[int, ModelPlan] = {}
_PLANS_LOCK = threading.Lock()


def model_plan(model_id: int) -> ModelPlan:
    """The plan of a model and of everything reachable from it, built on first use and then shared."""
    found = _PLANS.get(model_id)
    if found is not None:
        return found
    with _PLANS_LOCK:
        if model_id not in _PLANS:
            memo: dict[int, ModelPlan] = {}
            _build(model_id, memo)
            _PLANS.update(memo)  # published complete: another thread never sees a half-built plan
    return _PLANS[model_id]


def _build(model_id: int, memo: dict[int, ModelPlan]) -> ModelPlan:
    known = _PLANS.get(model_id) or memo.get(model_id)
    if known is not None:
        return known
    result = ModelPlan(model_id)
    memo[model_id] = result  # before the children: models are recursive
    for name, spec in MODELS[model_id][0].items():
        rank, code, sub, repeat, max_length, enum_index, _bounds = spec
        opening, closing = f"<{name}>", f"</{name}>"
        kind: int
        fast: Any = None
        if sub is not None and code is None:
            kind, fast = AGG, _build(sub, memo)
        elif sub is None and code in STRING_TYPES and enum_index is None:
            kind, fast = STR, max_length if max_length is not None else _UNBOUNDED
        elif sub is None and code in STRING_TYPES and spec[6] is None:
            kind, fast = ENUM, ENUM_SETS[enum_index]
        elif sub is None and code == "AMTTYPE":
            kind = AMT
        elif sub is None and code in _NUMBER_TYPES:
            kind = NUM
        elif sub is None and code == "DATETYPE":
            kind = DATE
        else:
            kind = OTHER
        result.children[name] = (name, rank, kind, repeat, opening, closing, (fast, spec))
    return result


def render(out: list[str], plan: ModelPlan, fields: Any, opening: str, closing: str) -> None:
    """Append ``opening``, the children of ``fields`` in schema order, ``closing`` (values at odd indexes)."""
    if fields.__class__ is dict:
        # Dicts built by the same caller code share their keys: the renderer used last for this model
        # checks that the keys are exactly its own (len, then a lookup each) and renders, or declines.
        last = plan.last
        if last is not None and last(out, fields, opening, closing):
            return
    elif not isinstance(fields, Mapping):
        raise Fallback
    keys = tuple(fields)
    function = plan.orders.get(keys)
    if function is None:
        function = plan.compile(keys)
    if fields.__class__ is dict:
        plan.last = function
    if not function(out, fields, opening, closing):
        raise Fallback  # a Mapping whose keys changed while we read them


def _slow(out: list[str], value: Any, entry: tuple[Any, ...]) -> None:
    """A child value the generated code does not inline: a tuple, one item of a repeatable, a rarer type."""
    _, _, kind, repeat, start, end, argument = entry
    cls = value.__class__
    if cls is list or cls is tuple:
        if not repeat:
            raise Fallback
        for item in value:
            _child(out, item, item.__class__, kind, start, end, argument)
    else:
        _child(out, value, cls, kind, start, end, argument)


def _interpreted(plan: ModelPlan, ordered: tuple[tuple[Any, ...], ...]) -> Any:
    count = len(ordered)

    def function(out: list[str], fields: Any, opening: str, closing: str) -> bool:
        if len(fields) != count:
            return False
        try:
            values = [fields[entry[0]] for entry in ordered]
        except KeyError:
            return False
        out += (opening, "")
        skipped = False
        for entry, value in zip(ordered, values, strict=True):
            if value is None:
                skipped = True
            else:
                _slow(out, value, entry)
        if skipped and plan.constrained and not plan.structure_ok(
            entry[0] for entry, value in zip(ordered, values, strict=True) if value is not None
        ):
            raise Fallback
        out += (closing, "")
        return True

    return function


def _item_code(index: int, entry: tuple[Any, ...], var: str, indent: str, none_skips: bool) -> list[str]:
    """Source lines rendering one value ``var`` of child ``index`` (the common types inline).

    Inside a loop over a repeatable (``var == "x"``) the sub-plan's last renderer was read once before
    the loop into ``L{index}``: a stale one only declines (it checks its key set), never misrenders.
    """
    _, _, kind, _, _, _, argument = entry
    fast = argument[0]
    s, e = f"S{index}", f"E{index}"
    test = ""
    if kind == STR:
        limit = f" and len({var}) <= {fast}" if fast < _UNBOUNDED else ""
        test, emit = f"{var}.__class__ is str{limit}", f"out += ({s}, {var}, {e}, '')"
    elif kind == AGG:
        last = f"L{index}" if var == "x" else f"(L := P{index}.last)"
        call = (f"if not ({last} is not None and {'L' if var != 'x' else last}(out, {var}, {s}, {e})): "
                f"render(out, P{index}, {var}, {s}, {e})")
        full_name = fast.children.get("FullName")
        if full_name is not None and full_name[2] == STR and not fast.constrained and fast.usable:
            # A ref given by FullName, by far the commonest aggregate: inlined, no call.
            bound = full_name[6][0]
            limit = f" and len(n) <= {bound}" if bound < _UNBOUNDED else ""
            test = f"{var}.__class__ is dict"
            emit = (f"if len({var}) == 1 and (n := {var}.get('FullName')).__class__ is str"
                    f"{limit}:\n{indent}        out += (R{index}, n, Q{index}, '')"
                    f"\n{indent}    else:\n{indent}        {call}")
        else:
            test, emit = f"{var}.__class__ is dict", call
    elif kind == AMT:
        # '.' third from the end: plain notation with two decimals (an exponent form ends in "E+d"), so
        # str() equals format(value, "f"); 16 characters hold at most 13 integer digits.
        test = f"{var}.__class__ is Decimal and (t := str({var}))[-3:-2] == '.' and len(t) <= 16"
        emit = f"out += ({s}, t, {e}, '')"
    elif kind == NUM:
        test = (f"{var}.__class__ is Decimal and ((t := str({var})).isdigit() and len(t) <= 10 "
                f"or num_text(t) is not None)")
        emit = f"out += ({s}, t, {e}, '')"
    elif kind == DATE:
        test, emit = f"{var}.__class__ is date", f"out += ({s}, {var}.isoformat(), {e}, '')"
    elif kind == ENUM:
        test, emit = f"{var}.__class__ is str and {var} in P{index}", f"out += ({s}, {var}, {e}, '')"
    lines = []
    if test:
        lines += [f"{indent}if {test}:", f"{indent}    {emit}"]
    if none_skips:
        lines += [f"{indent}{'elif' if test else 'if'} {var} is None:", f"{indent}    skipped = True"]
    lines += [f"{indent}else:" if lines else f"{indent}if True:", f"{indent}    slow(out, {var}, N{index})"]
    return lines


def _inline(index: int, entry: tuple[Any, ...]) -> tuple[str, str, str, str] | None:
    """For a child the straight path can take: (test, markup before, value expression, markup after)."""
    _, _, kind, repeat, start, end, argument = entry
    if repeat:
        return None
    var, fast = f"v{index}", argument[0]
    limit = f" and len({var}) <= {fast}" if kind == STR and fast < _UNBOUNDED else ""
    if kind == STR:
        return f"{var}.__class__ is str{limit}", start, var, end
    if kind == ENUM:
        return f"{var}.__class__ is str and {var} in P{index}", start, var, end
    if kind == DATE:
        return f"{var}.__class__ is date", start, f"{var}.isoformat()", end
    if kind == AMT:
        return (f"{var}.__class__ is Decimal and (t{index} := str({var}))[-3:-2] == '.' "
                f"and len(t{index}) <= 16"), start, f"t{index}", end
    if kind == NUM:
        # Plain notation, <= 10 digits . <= 5 decimals: exactly what format(value, "f") writes unchanged
        # (an integer passes on isdigit, two decimals on the '.' third from the end, the rest on the regex).
        return (f"{var}.__class__ is Decimal and ((t{index} := str({var})).isdigit() and len(t{index}) <= 10 "
                f"or t{index}[-3:-2] == '.' and len(t{index}) <= 13 or num_text(t{index}) is not None)"
                ), start, f"t{index}", end
    if kind == AGG:
        full_name = fast.children.get("FullName")
        if full_name is not None and full_name[2] == STR and not fast.constrained and fast.usable:
            bound = full_name[6][0]
            name_limit = f" and len(n{index}) <= {bound}" if bound < _UNBOUNDED else ""
            return (f"{var}.__class__ is dict and len({var}) == 1 and "
                    f"(n{index} := {var}.get('FullName')).__class__ is str{name_limit}",
                    start + "<FullName>", f"n{index}", "</FullName>" + end)
    return None


def _generate(plan: ModelPlan, ordered: tuple[tuple[Any, ...], ...]) -> Any:
    """Straight-line Python for one key set of one model, children in schema order (compiled once).

    First a straight path: when every leaf and FullName ref among the children has its common type (one
    chained test), their markup and values go out in one tuple per run of such children, and only the
    other children (aggregates, repeats, rarer leaves) take their own code. Otherwise the general path
    handles each child on its own (None left out, lists, the generic formatter for everything else).
    """
    env: dict[str, Any] = {"Fallback": Fallback, "render": render, "slow": _slow, "Decimal": Decimal,
                           "date": date, "plan": plan, "num_text": _num_text}
    names = [entry[0] for entry in ordered]
    lines = ["def function(out, f, opening, closing):", f"    if len(f) != {len(ordered)}:",
             "        return False"]
    if names:
        lines += ["    try:"]
        lines += [f"        v{index} = f[{name!r}]" for index, name in enumerate(names)]
        lines += ["    except KeyError:", "        return False"]
    general: list[str] = []
    for index, entry in enumerate(ordered):
        _, _, kind, repeat, start, end, argument = entry
        env.update({f"S{index}": start, f"E{index}": end, f"N{index}": entry, f"P{index}": argument[0]})
        if kind == AGG:
            env[f"R{index}"] = start + "<FullName>"
            env[f"Q{index}"] = "</FullName>" + end
        if repeat:
            general.append(f"    if v{index}.__class__ is list:")
            if kind == AGG:
                general.append(f"        L{index} = P{index}.last")
            general.append(f"        for x in v{index}:")
            general.extend(_item_code(index, entry, "x", "            ", False))
            general.append("    else:")
            general.extend(_item_code(index, entry, f"v{index}", "        ", True))
        else:
            general.extend(_item_code(index, entry, f"v{index}", "    ", True))
    structure: list[str] = []
    if plan.constrained and names:
        present = ", ".join(f"({name!r}, v{index})" for index, name in enumerate(names))
        structure.append("    if skipped and not plan.structure_ok(")
        structure.append(f"            k for k, v in ({present},) if v is not None):")
        structure.append("        raise Fallback")
    inlined = [_inline(index, entry) for index, entry in enumerate(ordered)]
    tests = [item[0] for item in inlined if item is not None]
    if tests:
        # The straight path: markup constants merged between values, one tuple per run of inlined children.
        straight = ["        skipped = False"]
        pending: list[str] = ["opening", "''"]
        markup = ""
        constants = 0

        def constant(text: str) -> str:
            nonlocal constants
            constants += 1
            env[f"C{constants}"] = text
            return f"C{constants}"

        for index, item in enumerate(inlined):
            if item is not None:
                _, before, value, after = item
                pending += [constant(markup + before), value]
                markup = after
                continue
            # A child with its own code (an aggregate, a repeat, a rarer leaf): flush, then its code.
            if markup:
                pending += [constant(markup), "''"]
                markup = ""
            if pending:
                straight.append(f"        out += ({', '.join(pending)},)")
                pending = []
            entry = ordered[index]
            if entry[3]:
                straight += [f"        if v{index}.__class__ is list:"]
                if entry[2] == AGG:
                    straight += [f"            L{index} = P{index}.last"]
                straight += [f"            for x in v{index}:"]
                straight += _item_code(index, entry, "x", " " * 16, False)
                straight += ["        else:"]
                straight += _item_code(index, entry, f"v{index}", " " * 12, True)
            else:
                straight += _item_code(index, entry, f"v{index}", " " * 8, True)
        if markup:
            pending += [constant(markup), "''"]
        pending += ["closing", "''"]
        straight.append(f"        out += ({', '.join(pending)},)")
        lines.append("    if " + " and ".join(f"({test})" for test in tests) + ":")
        lines += straight
        lines += ["    " + line for line in structure]
        lines.append("        return True")
    lines += ["    out += (opening, '')", "    skipped = False", *general, *structure]
    lines += ["    out += (closing, '')", "    return True"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), f"<qbXML render plan {plan.model_id}>", "exec"), env, namespace)
    return namespace["function"]


def _child(out: list[str], value: Any, cls: type, kind: int, start: str, end: str, argument: Any) -> None:
    """One value of one child, not inlined: aggregates recurse, any leaf goes through the generic code."""
    if kind == AGG:
        render(out, argument[0], value, start, end)
        return
    if kind == STR and cls is str and len(value) <= argument[0]:
        out += (start, value, end, "")
        return
    # Everything else (numbers and dates not in the inlined forms, bool, int, datetime, GUID, a leaf with
    # attributes, a str in qbXML form for a typed field, a wrong type): the generic walker's own code, whose
    # output is already escaped.
    global _render_child
    if _render_child is None:
        from connector.qbxml.request import _render_child
    part: list[str] = []
    try:
        _render_child(part, start[1:-1], value, argument[1], "")
    except QBXMLBuildError:
        raise Fallback from None
    out += (part[0], "")


_SEPARATOR = "\x00"  # XML 1.0 cannot carry NUL: a value that renders never holds one
# bytes.translate deletes every byte but the separator and the characters escape() rewrites (& < > " ' CR);
# UTF-8 continuation and lead bytes are >= 0x80, so no other character can leave a byte behind.
_NOT_MARKUP = bytes(sorted(set(range(256)) - set(b"\x00&<>\"'\r")))
FORBIDDEN_SEARCH = _FORBIDDEN.search


def forbidden_in_values(out: list[str], start: int = 0) -> bool:
    """Whether a value (odd index from ``start``) holds a character XML 1.0 cannot carry.

    ``str.isprintable`` is true for none of them (C0 controls, surrogates, U+FFFE/U+FFFF are all
    non-printable), so one C scan over the values joined settles the common case.
    """
    values = "".join(out[start + 1::2])
    return not values.isprintable() and FORBIDDEN_SEARCH(values) is not None


# "&" first, so that the entities the other characters become are not escaped again.
_ENTITIES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&apos;",
             ord("\r"): "&#13;"}


def escape_values(out: list[str], start: int = 0) -> list[str]:
    """Escape, in place, the values (odd indexes from ``start``) of ``out`` that need it.

    The values must be free of forbidden characters (``forbidden_in_values``). They are joined with NUL
    between them, encoded, and one ``bytes.translate`` deletes every byte but the separators and the
    markup characters: what is left says which values need escaping (a markup byte at position p with m
    markup bytes before it belongs to value p - m), and only those are rewritten, replacing only the
    characters that occur.
    """
    values = out[start + 1::2]
    left = _SEPARATOR.join(values).encode("utf-8").translate(None, _NOT_MARKUP)
    if len(left) < len(values):  # only separators (one fewer than the values) left: nothing to escape
        return out
    present = [code for code in _ENTITIES if code in left]  # "&" first: see _ENTITIES
    positions: list[int] = []
    for code in present:
        mark = bytes((code,))
        position = left.find(mark)
        while position >= 0:
            positions.append(position)
            position = left.find(mark, position + 1)
    if len(present) > 1:
        positions.sort()
    chars = [chr(code) for code in present]
    previous = -1
    for marks, position in enumerate(positions):
        index = position - marks
        if index != previous:
            previous = index
            text = values[index]
            for char in chars:
                text = text.replace(char, _ENTITIES[ord(char)])
            out[start + 1 + 2 * index] = text
    return out


class RequestPlan:
    """One request type in one version: its ``…Rq`` model plan, whether fields fill an inner aggregate, and
    its shape-compiled renderers (``shape_plan.py``)."""

    __slots__ = ("body", "closing", "id_closing", "id_opening", "name", "opening", "prefix", "shapes")

    def __init__(self, rq_name: str, model_id: int, inner: str | None) -> None:
        from connector.qbxml.shape_plan import ShapePlans  # it builds on this module

        self.name = rq_name
        rq_plan = model_plan(model_id)
        if inner is not None:
            # The …Rq model's own checks (the inner aggregate is required, nothing else present) hold.
            self.body = rq_plan.children[inner][6][0]
            self.prefix = f"<{inner}>"
            self.closing = f"</{inner}></{rq_name}>"
        else:
            self.body = rq_plan
            self.prefix = ""
            self.closing = f"</{rq_name}>"
        self.shapes = ShapePlans(self.body, self.closing)
        self.opening = f"<{rq_name}>{self.prefix}"  # without a requestID
        self.id_opening = f'<{rq_name} requestID="'  # + the id + id_closing
        self.id_closing = f'">{self.prefix}'

    def opening_with(self, request_id: str | None) -> str:
        """The opening markup up to the fields; ``Fallback`` for a requestID that needs escaping."""
        if request_id is None:
            return self.opening
        if request_id.isalnum() and request_id.isascii():
            return f"{self.id_opening}{request_id}{self.id_closing}"
        raise Fallback  # escaping, tab/newline normalisation in an attribute: the generic walker


def render_rq(request_plan: RequestPlan, fields: Any, request_id: str | None) -> str:
    """The ``<…Rq requestID="…">`` element of a request without iterator, metaData or IncludeRetElement."""
    out: list[str] = []
    render_rq_into(out, request_plan, fields, request_id)
    return "".join(escape_values(out))


def render_rq_into(out: list[str], request_plan: RequestPlan, fields: Any, request_id: str | None) -> None:
    """Append ``render_rq``'s pieces to ``out``, values unescaped (a batch escapes all of its own at once).

    The shape-compiled renderer used last is tried first, then the one of this shape, then the per-model
    plans; ``Fallback`` (also for a forbidden character) may leave pieces appended, which the caller cuts.
    """
    opening = request_plan.opening_with(request_id)
    mark = len(out)
    shapes = request_plan.shapes
    last = shapes.last
    if last is not None and last(out, fields, opening):
        return  # a shape's renderer declines a forbidden character itself
    del out[mark:]
    function = shapes.function_for(fields)
    if function is not None and function(out, fields, opening):
        return
    del out[mark:]
    body, closing = request_plan.body, request_plan.closing
    last = body.last
    if fields.__class__ is not dict or last is None or not last(out, fields, opening, closing):
        del out[mark:]
        render(out, body, fields, opening, closing)
    if forbidden_in_values(out, mark):
        raise Fallback  # the generic walker names the element
