"""The brief: a View as an A4 PDF a manager prints, files or publishes — headline, sentence, figures, the chart as
vector graphics, its table, notes on what is derived, source, licence, permalink and date. One page; the Councils
brief two (its table of every figure has a page of its own).

Typeset by Typst (the `typst` package: the compiler in one wheel, no system libraries), from the template
brief.typ, as PDF/UA-1 and PDF/A-2a. The view reaches Typst as JSON data, never as markup, so no text needs
escaping; fonts are embedded and text stays selectable. The chart is drawn for its printed size, so no word on the
page is under 7 pt. See docs/architecture.md (why Typst) and docs/accessibility.md (what the brief promises).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import pandas as pd
import typst

from lib import __version__, views
from lib.charts import PRINT
from lib.compare import MEASURE_LABELS, MEASURE_SHORT
from lib.render import export

TEMPLATE = Path(__file__).with_name("brief.typ")
# PDF/UA-1 (accessible) and PDF/A-2a (archival, tagged): Typst checks both as it writes, and refuses a brief
# that breaks either, so a brief that does not conform is never made (docs/architecture.md).
STANDARDS = ("ua-1", "a-2a")
SHORT_GROUP = {MEASURE_LABELS[m]: MEASURE_SHORT[m] for m in MEASURE_SHORT}
WIDEST_CELL = 40  # characters: a column of longer cells wraps them rather than squeeze the others


@dataclass(frozen=True)
class Sheet:
    """How a brief sits on paper. The chart is laid out `width` px wide and printed `width` pt wide, one to one,
    so the PRINT theme's sizes are its printed sizes (lib/charts/theme.py), on a text block exactly as wide. A
    chart taller than `chart_height` pt is laid out that high: Plotly narrows its rows, the type keeps its size."""

    landscape: bool
    width: int  # pt: the text block and the chart
    chart_height: int  # pt: the most the chart may take
    table_rows: int  # the most rows of the chart's table printed (wide tables: `wide_table_rows`)
    wide_table_rows: int
    table_page: bool  # the table starts a page of its own


# A4 portrait: one page that holds the words, the chart and its first rows.
PORTRAIT = Sheet(landscape=False, width=504, chart_height=340, table_rows=12, wide_table_rows=8, table_page=False)
# The Councils brief: two A4 landscape pages. The timeline needs the width (its lanes' labels crowd each other at
# portrait width) and the first page's height; its table of every figure, with each date as the source gives it,
# its precision and who says so, has the second page (docs/accessibility.md).
LANDSCAPE = Sheet(landscape=True, width=750, chart_height=350, table_rows=40, wide_table_rows=40, table_page=True)
SHEETS = {"councils": LANDSCAPE}


def brief_pdf(view: views.View, draw: Callable[..., bytes], *, permalink: str, day: date) -> bytes:
    """The view's brief; `draw(fig, "svg", width=, height=, scale=)` draws its chart (an ImageExporter's image)."""
    sheet = SHEETS.get(view.page, PORTRAIT)
    drawn = printed_chart(view.main, draw, sheet) if view.main else None
    content = brief_content(view, permalink=permalink, day=day, sheet=sheet, drawn=drawn)
    moment = datetime.combine(day, time(), tzinfo=UTC).timestamp()
    return typst.compile(
        str(TEMPLATE),
        sys_inputs={"view": json.dumps(content, ensure_ascii=False), "chart": drawn.svg if drawn else ""},
        timestamp=int(moment),
        pdf_standards=list(STANDARDS),
    )


@dataclass(frozen=True)
class PrintedChart:
    """The chart as SVG drawn for its printed size; its height (pt) and the subtitle the brief prints over it."""

    svg: str
    height: int
    subtitle: str


def printed_chart(chart: views.Chart, draw: Callable[..., bytes], sheet: Sheet) -> PrintedChart:
    """The PRINT theme leaves the chart's title, subtitle and source line out of the drawing (lib.charts
    finish_layout keeps them in the figure's `meta`): the brief prints them as text."""
    figure = chart.figure(PRINT)
    height = min(int(figure.layout.height), sheet.chart_height)
    _lay_out_shorter(figure, height)
    svg = draw(figure, "svg", width=sheet.width, height=height, scale=1).decode("utf-8")
    return PrintedChart(svg, height, html.unescape(figure.layout.meta["subtitle"]))


def _lay_out_shorter(figure, height: int) -> None:
    """Lay the figure out `height` pt high, keeping a legend above the panels as far above them (in pt)."""
    margins = figure.layout.margin.t + figure.layout.margin.b
    legend = figure.layout.legend
    if figure.layout.showlegend and legend.y is not None and legend.y > 1:
        legend.y = 1 + (legend.y - 1) * (figure.layout.height - margins) / (height - margins)
    figure.layout.height = height


def brief_content(
    view: views.View, *, permalink: str, day: date, sheet: Sheet = PORTRAIT, drawn: PrintedChart | None = None
) -> dict:
    """Everything the template prints, as plain JSON-ready values."""
    prov = export.provenance(view.rows, view.resource, dict(view.filters), exported_on=day)
    notes = list(view.notes)
    if view.with_user_rows:
        notes.append("Includes figures uploaded in this session (named in the chart): they are not ONS figures.")
    chart = view.main
    return {
        "page": view.page,
        "header": f"Homeworking dashboard · {view.title}",
        "landscape": sheet.landscape,
        "width": sheet.width,
        "headline": view.headline,
        "sentence": view.sentence,
        "notices": list(view.notices),
        # A comparison's metrics are three a measure (the figure, the ratio, the rank): three to a row.
        "metric_columns": 3 if any(m.group for m in view.metrics) else max(min(len(view.metrics), 4), 1),
        "metrics": [
            {
                "label": f"{SHORT_GROUP.get(m.group, m.group)}: {m.label}" if m.group else m.label,
                "value": m.value,
                "delta": m.delta,
            }
            for m in view.metrics
        ],
        "chart": None
        if chart is None
        else {
            "title": "" if chart.title == view.headline else chart.title,  # the headline is said once
            "subtitle": drawn.subtitle if drawn else chart.subtitle,
            "alt": chart.alt,
            "height": drawn.height if drawn else 0,
        },
        "table": None if chart is None else table_content(chart, sheet),
        "table_page": sheet.table_page,
        "notes": notes,
        "source": prov.citation,
        "licence": prov.licence,
        "permalink": permalink,
        "day": day.isoformat(),
        "product": f"Homeworking dashboard {__version__}",
    }


def table_content(chart: views.Chart, sheet: Sheet = PORTRAIT) -> dict:
    """The chart's table as text cells, as many rows as the sheet has room for; how many more there are."""
    frame = chart.table
    columns = list(frame.columns)
    kinds = {c: chart.columns[c].kind if c in chart.columns else _kind(frame[c]) for c in columns}
    limit = sheet.table_rows if len(columns) <= 3 else sheet.wide_table_rows
    rows = [
        [_cell(value, kinds[c]) for c, value in zip(columns, row, strict=True)]
        for row in frame.head(limit).itertuples(index=False)
    ]
    labels = [chart.columns[c].label if c in chart.columns else c.replace("_", " ") for c in columns]
    return {
        "columns": labels,
        "numeric": [kinds[c] in ("percent", "number") for c in columns],
        "rows": rows,
        "more": max(len(frame) - limit, 0),
        # A narrow table on a one-page brief has the notes beside it; a table with a page of its own shares the
        # page's width out by the length of each column's words, so that few cells wrap.
        "beside": len(columns) <= 3 and not sheet.table_page,
        "widths": _widths([labels, *rows]) if sheet.table_page else None,
    }


def _widths(lines: list[list[str]]) -> list[int]:
    """Each column's share of the width: its longest cell, counted in characters up to WIDEST_CELL."""
    return [min(max(len(cell) for cell in column), WIDEST_CELL) for column in zip(*lines, strict=True)]


def _kind(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "check"
    return "number" if pd.api.types.is_numeric_dtype(values) else "text"


def _cell(value: object, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if kind == "percent":
        return f"{float(value):.1f}%"
    if kind == "check":
        return "yes" if value else "no"
    if kind == "number" and isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return str(value)
