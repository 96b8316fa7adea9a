"""Procore's list query parameters: ``filters[...]``, ``sort`` and ``view``, parsed once for every router.

Each list route declares a :class:`ListQuery` naming the OAS parameters it honours; the route's
``openapi_extra`` carries those names (``x-procore-list-params``) so a test can compute, from the OAS subset,
which documented parameters of each served list endpoint are handled (moto's computed coverage).

Conventions imitated (procore-openapi-subset descriptions):
- ``filters[id]`` / ``filters[id][]``: one id or an array (``filters[id][]=1&filters[id][]=2``); the OAS also
  shows ``filters[id]=[1,2]``, and a comma list is taken the same way.
- Datetime ranges: ``YYYY-MM-DD...YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM:SSZ...`` or with a ``+HH:MM`` offset.
  Inclusivity is not documented: both ends are taken as inclusive and a date-only end covers its whole
  day (UTC). A value that is not such a range is refused (see :class:`BadFilter`).
- ``sort``: a field name, ``-`` before it for descending (documented on budget views and CCOs; assumed for
  the rest). The sort keys themselves are not in the OAS subset: each route lists the ones it takes. An
  unknown key leaves the default order: Procore's behaviour for it is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from starlette.requests import Request

from sim.procore_fake.bodies import BodyRefused, loads_json
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.store import Record

PARAMS_KEY = "x-procore-list-params"

# Real body unknown for a malformed filter value: the fake answers like its other bad query values
# (``as_int``: 422, Rails' ``{"errors": {"<param>": ["<message>"]}}``).
INVALID_RANGE = "is not a valid ISO 8601 range (expected <start>...<end>)"
INVALID_BOOLEAN = "is not a boolean (expected true or false)"
INVALID_NUMBER = "is not a number"
INVALID_CHOICE = "is not included in the list"
INVALID_JSON = "is not a JSON object"

Match = Callable[[Record, Any, Any], bool]


def bad(param: str, message: str) -> ValidationFailed:
    return ValidationFailed({param: [message]})


@dataclass(frozen=True)
class Filter:
    """One ``filters[...]`` parameter: how its raw value(s) parse and how a record matches."""

    parse: Callable[[str, list[str]], Any]
    match: Match
    array: bool = False  # documented as ``name[]`` as well as ``name``


def _values(raw: list[str]) -> list[str]:
    out: list[str] = []
    for value in raw:
        out += [v.strip() for v in value.strip().strip("[]").split(",") if v.strip()]
    return out


def _ints(param: str, raw: list[str]) -> set[int]:
    try:
        return {int(v) for v in _values(raw)}
    except ValueError as exc:
        raise bad(param, INVALID_NUMBER) from exc


def _get(record: Record, path: str) -> Any:
    """``vendor.id`` reads ``record["vendor"]["id"]`` (None when any step is missing)."""
    value: Any = record
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def ids(path: str = "id") -> Filter:
    """One id or an array of ids; a record matches when its ``path`` is any of them."""
    return Filter(_ints, lambda r, wanted, _: _get(r, path) in wanted, array=True)


def equals(path: str) -> Filter:
    """Exact match on a string field (``origin_id``, ``invoice_number``, ``project_number``)."""
    return Filter(lambda _, raw: raw[-1], lambda r, wanted, __: _get(r, path) == wanted)


def one_of(path: str, choices: Sequence[str] | None = None) -> Filter:
    """A status-like field: one value or an array; ``choices`` refuses values Procore does not have."""

    def parse(param: str, raw: list[str]) -> set[str]:
        values = set(_values(raw))
        if choices is not None and not values <= set(choices):
            raise bad(param, f"{INVALID_CHOICE} ({', '.join(choices)})")
        return values

    return Filter(parse, lambda r, wanted, _: _get(r, path) in wanted, array=True)


def _flag(param: str, raw: list[str]) -> bool:
    value = raw[-1].strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise bad(param, INVALID_BOOLEAN)


def flag_param(request: Request, name: str) -> bool | None:
    """A plain boolean query parameter (``include_trigger_count=true``); None when absent."""
    raw = request.query_params.getlist(name)
    return _flag(name, raw) if raw else None


def boolean(test: Callable[[Record], bool]) -> Filter:
    """``true`` keeps records passing ``test``, ``false`` keeps the others."""
    return Filter(_flag, lambda r, wanted, _: test(r) == wanted)


def boolean_with(test: Callable[[Record, Any], bool]) -> Filter:
    """A boolean answered through other records (``test(record, ctx)``)."""
    return Filter(_flag, lambda r, wanted, ctx: test(r, ctx) == wanted)


def json_object(path: str) -> Filter:
    """A JSON object of values a record must all carry under ``path`` (``filters[custom_fields]``)."""

    def parse(param: str, raw: list[str]) -> dict[str, Any]:
        try:
            value = loads_json(raw[-1])
        except BodyRefused as exc:  # not JSON, nested too deep, or holding NaN / a lone surrogate
            raise bad(param, INVALID_JSON) from exc
        if not isinstance(value, dict):
            raise bad(param, INVALID_JSON)
        return value

    def match(record: Record, wanted: dict[str, Any], _: Any) -> bool:
        have = _get(record, path) or {}
        return all(str(have.get(k)) == str(v) for k, v in wanted.items())

    return Filter(parse, match)


def search(*paths: str) -> Filter:
    """Case-insensitive substring over the named fields (Procore's search of name-like fields)."""
    return Filter(
        lambda _, raw: raw[-1].lower(),
        lambda r, needle, __: any(needle in str(_get(r, p) or "").lower() for p in paths),
    )


def related(test: Callable[[Record, int, Any], bool]) -> Filter:
    """An integer filter answered through other records (``test(record, id, ctx)``)."""

    def parse(param: str, raw: list[str]) -> int:
        found = _ints(param, raw)
        if len(found) != 1:
            raise bad(param, INVALID_NUMBER)
        return found.pop()

    return Filter(parse, test)


def _moment(text: str, *, end: bool) -> datetime:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = date.fromisoformat(text)
        start = datetime.combine(day, time(), UTC)
        return start + timedelta(days=1) - timedelta(microseconds=1) if end else start
    if "T" not in text:
        raise ValueError(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)  # the documented formats always carry Z or an offset
    return moment


def parse_range(param: str, raw: str) -> tuple[datetime, datetime]:
    parts = raw.split("...")
    try:
        if len(parts) != 2:
            raise ValueError(raw)
        lo, hi = _moment(parts[0], end=False), _moment(parts[1], end=True)
    except ValueError as exc:
        raise bad(param, INVALID_RANGE) from exc
    if lo > hi:
        raise bad(param, INVALID_RANGE)
    return lo, hi


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return _moment(str(value), end=False)
    except ValueError:
        return None


def time_range(path: str) -> Filter:
    """``created_at``/``updated_at``/date fields within ``<start>...<end>`` (both ends inclusive)."""

    def match(record: Record, bounds: tuple[datetime, datetime], _: Any) -> bool:
        when = _when(_get(record, path))
        return when is not None and bounds[0] <= when <= bounds[1]

    return Filter(lambda param, raw: parse_range(param, raw[-1]), match)


def origin_id() -> Filter:
    return equals("origin_id")


def include_deleted() -> Filter:
    """``only`` → deleted records, ``with`` → both; without it deleted records are hidden (the fake's
    lists already leave hard-deleted rows out, so this looks at ``deleted_at``)."""
    return Filter(
        one_of("", ("only", "with")).parse,
        lambda r, wanted, _: "with" in wanted or bool(r.get("deleted_at")),
    )


def _sort_key(path: str) -> Callable[[Record], tuple[bool, Any]]:
    def key(record: Record) -> tuple[bool, Any]:
        value = _get(record, path)
        if isinstance(value, str):
            value = value.lower()
        return (value is None, value if value is not None else 0)

    return key


@dataclass(frozen=True)
class View:
    """A documented ``view`` value: the fields it keeps, or a function shaping the whole row."""

    fields: tuple[str, ...] | None = None
    shape: Callable[[Record], Any] | None = None

    def render(self, record: Record) -> Any:
        if self.shape is not None:
            return self.shape(record)
        return {k: record.get(k) for k in self.fields} if self.fields is not None else record


@dataclass(frozen=True)
class ListQuery:
    """The documented list parameters one endpoint honours.

    ``filters`` keys are the parameter names without a trailing ``[]`` (``filters[id]`` answers both
    ``filters[id]`` and ``filters[id][]``). ``sorts`` maps a sort key to the record field it orders by.
    ``views`` maps a ``view`` value to its shape under ``view_param`` (``view`` or ``serializer_view``);
    any other value (or none) gives the full record, as the OAS says for the documented ones.
    """

    filters: dict[str, Filter] = field(default_factory=dict)
    sorts: dict[str, str] = field(default_factory=dict)
    views: dict[str, View] = field(default_factory=dict)
    view_param: str = "view"
    extra_params: tuple[str, ...] = ()  # documented params the router itself reads (e.g. contract_id)

    def names(self) -> list[str]:
        names = set(self.filters) | set(self.extra_params)
        names |= {f"{n}[]" for n, f in self.filters.items() if f.array}
        if self.sorts:
            names.add("sort")
        if self.views:
            names.add(self.view_param)
        return sorted(names)

    def extra(self) -> dict[str, Any]:
        """The route's ``openapi_extra`` entry: which documented list parameters it honours."""
        return {PARAMS_KEY: self.names()}

    def apply(self, request: Request, rows: list[Record], ctx: Any = None) -> list[Record]:
        """Filter, then sort, the rows (before pagination, so ``Total`` counts the filtered set)."""
        params = request.query_params
        for name, spec in self.filters.items():
            raw = params.getlist(name) + params.getlist(f"{name}[]")
            if not raw:
                continue
            wanted = spec.parse(name, raw)
            rows = [r for r in rows if spec.match(r, wanted, ctx)]
        return self.sort(params.get("sort"), rows)

    def sort(self, sort: str | None, rows: list[Record]) -> list[Record]:
        if not sort:
            return rows
        descending = sort.startswith("-")
        path = self.sorts.get(sort.lstrip("-"))
        if path is None:
            return rows  # unknown sort key: real behaviour unknown, default order kept
        return sorted(rows, key=_sort_key(path), reverse=descending)

    def render(self, request: Request, rows: list[Record]) -> list[Any]:
        view = self.views.get(request.query_params.get(self.view_param, ""))
        return [view.render(r) for r in rows] if view else rows


TIMESTAMPS = {
    "filters[created_at]": time_range("created_at"),
    "filters[updated_at]": time_range("updated_at"),
}
SORT_COMMON = {"id": "id", "created_at": "created_at", "updated_at": "updated_at"}
