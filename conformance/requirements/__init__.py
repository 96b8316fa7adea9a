"""The requirements a conformance target is judged on: id, area, severity, source and text.

Seed rules keep the ids of SEED-RULES.md (``O2``: "Code → Item Name/Number"); the Web Connector protocol,
qbXML and QuickBooks' status codes have ids of their own (``QBWC-AUTH-NVU``, ``QB-STATUS-3100``). The cases
that check a requirement name it with ``@pytest.mark.qbsim_requirement("O2", ...)``: which cases check
what is read from the suite itself, never kept in a second list.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

SEVERITIES = ("MUST", "SHOULD")
FILES = ("protocol.tsv", "seed_rules.tsv", "exports.tsv")


@dataclass(frozen=True)
class Requirement:
    id: str
    area: str
    severity: str
    source: str
    text: str


class CatalogueError(ValueError):
    """A requirements file is malformed (names the file, line and field)."""


@cache
def catalogue() -> dict[str, Requirement]:
    """Every requirement by id, in file order (protocol, the seed rules, then the exports' own rules)."""
    out: dict[str, Requirement] = {}
    for name in FILES:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
                 if line and not line.startswith("#")]
        reader = csv.DictReader((line for _, line in lines), delimiter="\t")
        for (number, _), row in zip(lines[1:], reader, strict=True):
            for key in ("id", "area", "severity", "source", "requirement"):
                if not row.get(key):
                    raise CatalogueError(f"{name} line {number}: {key} is empty")
            if row["severity"] not in SEVERITIES:
                raise CatalogueError(
                    f"{name} line {number}: severity {row['severity']!r} is not MUST or SHOULD")
            if row["id"] in out:
                raise CatalogueError(f"{name} line {number}: id {row['id']} appears twice")
            out[row["id"]] = Requirement(row["id"], row["area"], row["severity"], row["source"],
                                         row["requirement"])
    return out


def areas() -> list[str]:
    return sorted({r.area for r in catalogue().values()})
