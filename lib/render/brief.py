"""The one-page brief: a View as an A4 PDF a manager prints — headline, sentence, figures, the chart as
vector graphics, its table, notes on what is derived, source, licence, permalink and date.

Typeset by Typst (the `typst` package: the compiler in one wheel, no system libraries), from
the template lib/brief.typ. The view reaches Typst as JSON data, never as markup, so no text
needs escaping; fonts are embedded and text stays selectable. See docs/architecture.md for
why Typst rather than ReportLab or WeasyPrint.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

import pandas as pd
import typst

from lib import __version__, views
from lib.charts import PRINT, chart_body
from lib.compare import MEASURE_LABELS, MEASURE_SHORT
from lib.escape import for_typst
from lib.render import export

TEMPLATE = Path(__file__).with_name("brief.typ")
# The chart is laid out 820 px wide and printed 178 mm wide, so its 13 px type prints at about 8 pt.
CHART_WIDTH = 820
PRINTED_WIDTH_MM = 178
MAX_CHART_MM = 100  # leaves the page room for the table and the notes
MAX_TABLE_ROWS = 12  # narrow tables; a table of four columns or more wraps its cells, so it keeps WIDE_TABLE_ROWS
WIDE_TABLE_ROWS = 8
SHORT_GROUP = {MEASURE_LABELS[m]: MEASURE_SHORT[m] for m in MEASURE_SHORT}


def brief_pdf(view: views.View, draw: Callable[..., bytes], *, permalink: str, day: date) -> bytes:
    """The view's brief; `draw(fig, "svg", width=, height=, scale=)` draws its chart (an ImageExporter's image)."""
    chart_svg, height_mm = "", 0.0
    if view.main:
        body = chart_body(view.main.figure(PRINT), view.main.source)  # the brief prints title and source
        height = int(body.layout.height or 600)
        chart_svg = draw(body, "svg", width=CHART_WIDTH, height=height, scale=1).decode("utf-8")
        height_mm = min(height * PRINTED_WIDTH_MM / CHART_WIDTH, MAX_CHART_MM)
    content = brief_content(view, permalink=permalink, day=day, chart_height_mm=height_mm)
    moment = datetime.combine(day, time(), tzinfo=UTC).timestamp()
    return typst.compile(
        str(TEMPLATE),
        sys_inputs={"view": json.dumps(for_typst(content), ensure_ascii=False), "chart": chart_svg},
        timestamp=int(moment),
    )


def brief_content(view: views.View, *, permalink: str, day: date, chart_height_mm: float) -> dict:
    """Everything the template prints, as plain JSON-ready values."""
    prov = export.provenance(view.rows, view.resource, dict(view.filters), exported_on=day)
    notes = list(view.notes)
    if view.with_user_rows:
        notes.append("Includes figures uploaded in this session (named in the chart): they are not ONS figures.")
    chart = view.main
    return {
        "page": view.page,
        "kicker": f"Homeworking dashboard · {view.title}",
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
            "alt": chart.alt,
            "height": round(chart_height_mm, 1),
        },
        "table": None if chart is None else table_content(chart),
        "notes": notes,
        "source": prov.citation,
        "licence": prov.licence,
        "permalink": permalink,
        "day": day.isoformat(),
        "product": f"Homeworking dashboard {__version__}",
    }


def table_content(chart: views.Chart) -> dict:
    """The chart's table as text cells, the first MAX_TABLE_ROWS rows; how many more there are."""
    frame = chart.table
    columns = list(frame.columns)
    kinds = {c: chart.columns[c].kind if c in chart.columns else _kind(frame[c]) for c in columns}
    limit = MAX_TABLE_ROWS if len(columns) <= 3 else WIDE_TABLE_ROWS
    rows = [
        [_cell(value, kinds[c]) for c, value in zip(columns, row, strict=True)]
        for row in frame.head(limit).itertuples(index=False)
    ]
    return {
        "columns": [chart.columns[c].label if c in chart.columns else c.replace("_", " ") for c in columns],
        "numeric": [kinds[c] in ("percent", "number") for c in columns],
        "rows": rows,
        "more": max(len(frame) - limit, 0),
    }


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
