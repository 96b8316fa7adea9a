"""Reading a ReportRet back and checking that it adds up."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree


@dataclass
class ReportRow:
    kind: str
    values: dict[int, str]
    row_type: str | None
    row_value: str | None

    @property
    def label(self) -> str:
        return self.values.get(1, self.row_value or "")


def rows(report: etree._Element) -> list[ReportRow]:
    out: list[ReportRow] = []
    for n, el in enumerate(
        report.find("ReportData") if report.find("ReportData") is not None else [], start=1
    ):
        assert el.get("rowNumber") == str(n)
        if el.tag == "TextRow":
            out.append(ReportRow("TextRow", {1: el.get("value", "")}, None, el.get("value")))
            continue
        row_data = el.find("RowData")
        values = {int(c.get("colID")): c.get("value", "") for c in el.findall("ColData")}
        out.append(
            ReportRow(
                el.tag,
                values,
                row_data.get("rowType") if row_data is not None else None,
                row_data.get("value") if row_data is not None else None,
            )
        )
    return out


def amount_columns(report: etree._Element) -> list[int]:
    return [int(c.get("colID")) for c in report.findall("ColDesc") if c.get("dataType") == "AMTTYPE"]


def column_ids(report: etree._Element) -> dict[str, int]:
    """ColTitle value → colID (first occurrence)."""
    out: dict[str, int] = {}
    for c in report.findall("ColDesc"):
        out.setdefault(c.find("ColTitle").get("value", ""), int(c.get("colID")))
    return out


def assert_adds_up(report: etree._Element) -> None:
    """Every SubtotalRow equals the rows since its TextRow; the TotalRow equals the whole report."""
    all_rows = rows(report)
    assert report.findtext("NumRows") == str(len(all_rows))
    assert report.findtext("NumColumns") == str(len(report.findall("ColDesc")))
    cols = amount_columns(report)
    stack: list[dict[int, Decimal]] = [dict.fromkeys(cols, Decimal(0))]
    totals = 0
    for row in all_rows:
        if row.kind == "TextRow":
            stack.append(dict.fromkeys(cols, Decimal(0)))
            continue
        figures = {c: Decimal(row.values[c]) for c in cols if c in row.values}
        if row.kind == "DataRow":
            for c, v in figures.items():
                stack[-1][c] += v
        elif row.kind == "SubtotalRow":
            group = stack.pop()
            assert figures == {c: v for c, v in group.items() if c in figures}, (row.label, figures, group)
            assert set(figures) == set(cols)
            for c, v in figures.items():
                stack[-1][c] += v
        else:
            totals += 1
            assert len(stack) == 1, "TotalRow inside an open group"
            assert figures == stack[0], (figures, stack[0])
    assert totals == 1
