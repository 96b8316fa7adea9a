"""QuickBooks' ReportRet: title, columns (ColDesc) and rows (DataRow/TextRow/SubtotalRow/TotalRow).

The shape and formatting follow real report responses (e.g. a GeneralSummaryReportQueryRs captured
from QuickBooks): ``ColDesc colID dataType`` with ``ColTitle titleRow value`` and ``ColType``;
``DataRow rowNumber`` holding ``RowData rowType value`` and ``ColData colID value``; rows numbered
from 1 in document order; an empty ``ColTitle`` for the label column. Rows are written in the order
they were added (the schema's ``ReportData`` is an interleaved choice, which is why rendering goes
through :class:`~..qbxml_io.RawXML` rather than the dict writer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..qbxml_io import RawXML


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass(frozen=True)
class Column:
    col_type: str  # ColType enum (Blank, Amount, Date …)
    title: str
    data_type: str = "STRTYPE"


@dataclass
class Row:
    """One report row; ``values`` maps colID → text (missing = empty cell)."""

    kind: str  # DataRow | TextRow | SubtotalRow | TotalRow
    values: dict[int, str] = field(default_factory=dict)
    row_type: str | None = None
    row_value: str | None = None
    text: str | None = None  # TextRow value


@dataclass
class Report:
    title: str
    subtitle: str
    columns: list[Column]
    basis: str | None = "Accrual"
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def text_row(self, text: str) -> None:
        self.add(Row("TextRow", text=text))

    def lines(self) -> list[str]:
        out = [
            "<ReportRet>",
            f"<ReportTitle>{_esc(self.title)}</ReportTitle>",
            f"<ReportSubtitle>{_esc(self.subtitle)}</ReportSubtitle>",
        ]
        if self.basis:
            out.append(f"<ReportBasis>{self.basis}</ReportBasis>")
        out += [
            f"<NumRows>{len(self.rows)}</NumRows>",
            f"<NumColumns>{len(self.columns)}</NumColumns>",
            "<NumColTitleRows>1</NumColTitleRows>",
        ]
        for col_id, col in enumerate(self.columns, start=1):
            title = f' value="{_esc(col.title)}"' if col.title else ""
            out += [
                f'<ColDesc colID="{col_id}" dataType="{col.data_type}">',
                f'<ColTitle titleRow="1"{title} />',
                f"<ColType>{col.col_type}</ColType>",
                "</ColDesc>",
            ]
        if self.rows:
            out.append("<ReportData>")
            for number, row in enumerate(self.rows, start=1):
                out.extend(_row_lines(number, row))
            out.append("</ReportData>")
        out.append("</ReportRet>")
        return out

    def raw(self) -> RawXML:
        return RawXML(self.lines())


def _row_lines(number: int, row: Row) -> list[str]:
    if row.kind == "TextRow":
        return [f'<TextRow rowNumber="{number}" value="{_esc(row.text or "")}" />']
    out = [f'<{row.kind} rowNumber="{number}">']
    if row.row_type:
        out.append(f'<RowData rowType="{row.row_type}" value="{_esc(row.row_value or "")}" />')
    for col_id in sorted(row.values):
        out.append(f'<ColData colID="{col_id}" value="{_esc(row.values[col_id])}" />')
    out.append(f"</{row.kind}>")
    return out
