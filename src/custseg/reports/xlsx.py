"""The report as an Excel workbook: an overview sheet, one sheet per scheme with native charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from custseg.reports.content import DIRECTIONS, ReportContent, SchemeSection
from custseg.reports.labels import text
from custseg.reports.sheets import printable, sheet_names
from custseg.spreadsheet import new_workbook

ROW_PIXELS = 20
"""Height of a default row in pixels (charts are placed by rows)."""

CHART_COLUMN = 7
"""Column (0-based, H) where a scheme sheet's charts start."""

HEADER_ROW = 3
"""Row (0-based) of a scheme sheet's table header; rows above hold the title and description."""


def _text_width(value: object) -> float:
    shown = str(value)
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in shown)


class _Formats:
    """The cell formats of a report workbook."""

    def __init__(self, book: Workbook, font: str) -> None:
        base = {"font_name": font, "font_size": 10}
        self.title = book.add_format({**base, "bold": True, "font_size": 14,
                                      "font_color": "#1565C0"})
        self.note = book.add_format({**base, "font_color": "#616161", "text_wrap": True,
                                     "valign": "top"})
        self.header = book.add_format({**base, "bold": True, "bg_color": "#EEEEEE",
                                       "bottom": 1, "text_wrap": True, "valign": "top"})
        self.text = book.add_format(base)
        self.key = book.add_format({**base, "font_color": "#757575"})
        self.int = book.add_format({**base, "num_format": "#,##0"})
        self.money = book.add_format({**base, "num_format": "#,##0"})
        self.pct = book.add_format({**base, "num_format": "0.0%"})
        self.total = book.add_format({**base, "bold": True, "top": 1})
        self.total_int = book.add_format({**base, "bold": True, "top": 1, "num_format": "#,##0"})
        self.total_pct = book.add_format({**base, "bold": True, "top": 1, "num_format": "0.0%"})
        self.link = book.add_format({**base, "font_color": "#1565C0", "underline": 1})
        self.label = book.add_format({**base, "bold": True})


def write_xlsx(content: ReportContent, path: Path) -> Path:
    """Write the Excel report of ``content`` to ``path``."""
    lang = content.lang
    names = sheet_names(
        [s.label for s in content.sections], taken=[text("overview", lang),
                                                    text("skipped_schemes", lang)]
    )
    book = new_workbook(path)
    fonts = "Microsoft YaHei" if lang == "zh" else "Calibri"
    fmt = _Formats(book, fonts)
    try:
        _overview(book, fmt, content, names)
        for section, name in zip(content.sections, names, strict=True):
            _scheme_sheet(book, fmt, content, section, name)
        if content.skipped:
            _skipped_sheet(book, fmt, content)
    finally:
        book.close()
    return path


def _overview(book: Workbook, fmt: _Formats, c: ReportContent, names: list[str]) -> None:
    lang = c.lang
    sheet = printable(book.add_worksheet(text("overview", lang)))
    sheet.write(0, 0, c.title, fmt.title)
    version = f" ({text('version', lang)} {c.system_version})" if c.system_version else ""
    facts: list[tuple[str, Any, Any]] = [
        (text("as_of", lang), str(c.as_of), fmt.text),
        (text("system", lang), f"{c.system_name}{version}", fmt.text),
        (text("snapshot", lang), c.snapshot_id, fmt.text),
        (text("customers", lang), c.customers, fmt.int),
        (text("total_revenue", lang), c.total_revenue, fmt.money),
        (text("compared_with", lang),
         str(c.previous_as_of) if c.previous_as_of else text("no_previous", lang), fmt.text),
    ]
    for i, (label, value, cell) in enumerate(facts, start=2):
        sheet.write(i, 0, label, fmt.label)
        sheet.write(i, 1, value, cell)
    top = len(facts) + 3
    headers = [text("scheme", lang), text("scheme_key", lang), text("largest_class", lang),
               text("share", lang), text("movers", lang)]
    headers += [text(d, lang) for d in DIRECTIONS]
    sheet.write_row(top, 0, headers, fmt.header)
    for row, (section, name) in enumerate(zip(c.sections, names, strict=True), start=top + 1):
        summary = section.summary
        largest = summary.loc[summary.customers.idxmax()] if len(summary) else None
        sheet.write_url(row, 0, f"internal:'{name}'!A1", fmt.link, string=section.label)
        sheet.write(row, 1, section.name, fmt.key)
        if largest is not None:
            sheet.write(row, 2, str(largest.label), fmt.text)
            sheet.write_number(row, 3, float(largest.share), fmt.pct)
        if section.migration is not None:
            sheet.write_number(row, 4, section.migration.movers, fmt.int)
            for j, d in enumerate(DIRECTIONS, start=5):
                sheet.write_number(row, j, section.migration.directions.get(d, 0), fmt.int)
    sheet.freeze_panes(top + 1, 1)
    labels = [headers[0], *(s.label for s in c.sections)]
    sheet.set_column(0, 0, max(_text_width(v) for v in labels) + 2)
    keys = [facts[2][1], *(s.name for s in c.sections)]
    sheet.set_column(1, 1, max(_text_width(v) for v in keys) + 2)
    largest_labels = [headers[2], *(v for s in c.sections for v in s.summary.label)]
    sheet.set_column(2, 2, max(_text_width(v) for v in largest_labels) + 2)
    sheet.set_column(3, len(headers) - 1, 11)


def _scheme_sheet(
    book: Workbook, fmt: _Formats, c: ReportContent, section: SchemeSection, name: str
) -> None:
    lang = c.lang
    sheet = printable(book.add_worksheet(name))
    sheet.write(0, 0, f"{section.label} ({section.name})", fmt.title)
    sheet.merge_range(1, 0, 1, 5, section.description, fmt.note)
    sheet.set_row(1, 15 * max(1, min(6, int(_text_width(section.description) / 95) + 1)))
    headers = [text("class", lang), text("class_key", lang), text("customers", lang),
               text("share", lang), text("revenue_12m", lang), text("revenue_share", lang)]
    sheet.write_row(HEADER_ROW, 0, headers, fmt.header)
    summary = section.summary
    first = HEADER_ROW + 1
    for i, row in enumerate(summary.itertuples()):
        r = first + i
        sheet.write(r, 0, str(row.label), fmt.text)
        sheet.write(r, 1, str(row.class_key), fmt.key)
        sheet.write_number(r, 2, int(row.customers), fmt.int)
        sheet.write_number(r, 3, float(row.share), fmt.pct)
        sheet.write_number(r, 4, float(row.revenue), fmt.money)
        sheet.write_number(r, 5, float(row.revenue_share), fmt.pct)
    last = first + len(summary) - 1
    total = last + 1
    sheet.write(total, 0, text("total", lang), fmt.total)
    sheet.write(total, 1, "", fmt.total)
    sheet.write_formula(total, 2, f"=SUM(C{first + 1}:C{last + 1})", fmt.total_int,
                        int(summary.customers.sum()))
    sheet.write_formula(total, 3, f"=SUM(D{first + 1}:D{last + 1})", fmt.total_pct,
                        float(summary.share.sum()))
    sheet.write_formula(total, 4, f"=SUM(E{first + 1}:E{last + 1})", fmt.total_int,
                        float(summary.revenue.sum()))
    sheet.write(total, 5, "", fmt.total)
    sheet.freeze_panes(HEADER_ROW + 1, 1)
    sheet.set_column(0, 0, max([_text_width(v) for v in [headers[0], *summary.label]]) + 2)
    sheet.set_column(1, 1, max([_text_width(v) for v in [headers[1], *summary.class_key]]) + 2)
    sheet.set_column(2, 5, 16)
    below = _charts(book, sheet, section, name, first, last, lang) if len(summary) else total
    if section.migration is not None:
        wide = len(section.migration.pivot.columns) + 1 > CHART_COLUMN
        _migration_block(sheet, fmt, c, section, (max(total, below) if wide else total) + 3)


def _charts(
    book: Workbook, sheet: Worksheet, section: SchemeSection, name: str, first: int, last: int,
    lang: str,
) -> int:
    """Insert the bar and doughnut charts right of the table; return the first row below them."""
    points = [{"fill": {"color": colour}} for colour in section.colours]
    bars = book.add_chart({"type": "bar"})
    bars.add_series({
        "name": text("customers", lang),  # type: ignore[arg-type]
        "categories": [name, first, 0, last, 0],
        "values": [name, first, 2, last, 2],
        "points": points,
        "data_labels": {"value": True, "num_format": "#,##0"},
    })
    bars.set_title({"name": text("chart_sizes", lang)})  # type: ignore[arg-type]
    bars.set_legend({"none": True})
    bars.set_y_axis({"reverse": True})
    bars.set_x_axis({"num_format": "#,##0", "major_gridlines": {"visible": True,
                                                                "line": {"color": "#E0E0E0"}}})
    height = max(260, 40 + 26 * (last - first + 1))
    bars.set_size({"width": 520, "height": height})
    sheet.insert_chart(HEADER_ROW, CHART_COLUMN, bars)
    pie = book.add_chart({"type": "doughnut"})
    pie.add_series({
        "name": text("revenue_share", lang),  # type: ignore[arg-type]
        "categories": [name, first, 0, last, 0],
        "values": [name, first, 4, last, 4],
        "points": points,
        "data_labels": {"percentage": True, "leader_lines": True},
    })
    pie.set_title({"name": text("chart_revenue", lang)})  # type: ignore[arg-type]
    pie.set_legend({"position": "right"})
    pie.set_size({"width": 520, "height": 300})
    pie_row = HEADER_ROW + height // ROW_PIXELS + 1
    sheet.insert_chart(pie_row, CHART_COLUMN, pie)
    return pie_row + 300 // ROW_PIXELS + 1


def _migration_block(
    sheet: Worksheet, fmt: _Formats, c: ReportContent, section: SchemeSection, top: int
) -> None:
    lang, m = c.lang, section.migration
    assert m is not None  # noqa: S101 - checked by the caller
    sheet.write(top, 0, f"{text('migrations', lang)} ({m.previous_as_of} → {c.as_of})", fmt.title)
    sheet.write(top + 1, 0, text("movers", lang), fmt.label)
    sheet.write_number(top + 1, 1, m.movers, fmt.int)
    for j, d in enumerate(DIRECTIONS):
        sheet.write(top + 2 + j, 0, text(d, lang), fmt.text)
        sheet.write_number(top + 2 + j, 1, m.directions.get(d, 0), fmt.int)
    row = top + 3 + len(DIRECTIONS)
    for note in m.notes:
        sheet.write(row, 0, note, fmt.key)
        row += 1
    row += 1
    sheet.write(row, 0, text("migration_matrix", lang), fmt.label)
    sheet.write(row + 1, 0, f"{text('previous_class', lang)} \\ {text('current_class', lang)}",
                fmt.header)
    pivot = m.pivot
    sheet.write_row(row + 1, 1, [str(col) for col in pivot.columns], fmt.header)
    for i, (label, values) in enumerate(pivot.iterrows(), start=row + 2):
        sheet.write(i, 0, str(label), fmt.header)
        for j, value in enumerate(values, start=1):
            sheet.write_number(i, j, int(value), fmt.int)
    if len(pivot) and len(pivot.columns):
        sheet.conditional_format(row + 2, 1, row + 1 + len(pivot), len(pivot.columns), {
            "type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#64B5F6",
        })


def _skipped_sheet(book: Workbook, fmt: _Formats, c: ReportContent) -> None:
    lang = c.lang
    sheet = printable(book.add_worksheet(text("skipped_schemes", lang)))
    sheet.write_row(0, 0, [text("scheme", lang), text("scheme_key", lang), text("reason", lang)],
                    fmt.header)
    for i, (name, label, reason) in enumerate(c.skipped, start=1):
        sheet.write(i, 0, label, fmt.text)
        sheet.write(i, 1, name, fmt.key)
        sheet.write(i, 2, reason, fmt.note)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 1, 24)
    sheet.set_column(2, 2, 90)
