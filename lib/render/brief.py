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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import pandas as pd
import typst

from lib import __version__, views
from lib.charts import PRINT, chart_body
from lib.compare import MEASURE_LABELS, MEASURE_SHORT
from lib.render import export

TEMPLATE = Path(__file__).with_name("brief.typ")
# The chart is laid out 820 px wide and printed 178 mm wide, so its 13 px type prints at about 8 pt.
CHART_WIDTH = 820
PRINTED_WIDTH_MM = 178
MAX_CHART_MM = 100  # leaves the page room for the table and the notes
MAX_TABLE_ROWS = 12  # narrow tables; a table of four columns or more wraps its cells, so it keeps WIDE_TABLE_ROWS
WIDE_TABLE_ROWS = 8
SHORT_GROUP = {MEASURE_LABELS[m]: MEASURE_SHORT[m] for m in MEASURE_SHORT}


@dataclass(frozen=True)
class Layout:
    """What one brief prints: its charts, each this many mm high, and the table of one of them (or none)."""

    charts: tuple[views.Chart, ...]
    heights_mm: tuple[float, ...]
    table: views.Chart | None


def brief_pdf(view: views.View, draw: Callable[..., bytes], *, permalink: str, day: date) -> bytes:
    """The view's brief; `draw(fig, "svg", width=, height=, scale=)` draws its charts (an ImageExporter's image).

    With the person's own figures, the brief prints both the change and the 2019 chart when they fit on the
    page: each layout in `layouts` is typeset with blank charts of its heights, and the first that keeps to one
    page is drawn."""
    bodies = {chart.key: chart_body(chart.figure(PRINT), chart.source) for chart in view.printed}
    natural = {key: int(body.layout.height or 600) * PRINTED_WIDTH_MM / CHART_WIDTH for key, body in bodies.items()}
    blank = {f"chart-{i}": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>' for i in (0, 1)}
    options = layouts(view, natural)
    fits = (o for o in options[:-1] if _pages(brief_content(view, o, permalink=permalink, day=day), blank) == 1)
    layout = next(fits, options[-1])
    svgs = {}
    for i, chart in enumerate(layout.charts):
        body = bodies[chart.key]
        height = int(body.layout.height or 600)
        svgs[f"chart-{i}"] = draw(body, "svg", width=CHART_WIDTH, height=height, scale=1).decode("utf-8")
    content = brief_content(view, layout, permalink=permalink, day=day)
    moment = int(datetime.combine(day, time(), tzinfo=UTC).timestamp())
    return typst.compile(str(TEMPLATE), sys_inputs=_inputs(content, svgs), timestamp=moment)


def layouts(view: views.View, natural_mm: Mapping[str, float]) -> list[Layout]:
    """The ways to print a view, best first; the last is printed when none before it fits on one page.

    A view alone: its main chart and table. With the person's own figures against 2019: both charts with the
    first one's table; both charts; then the 2019 chart (which draws their figures beside 2019's, hatched) with
    the table of the change, so that neither the 2019 picture nor the change is ever dropped."""
    printed = view.printed
    height = {key: min(mm, MAX_CHART_MM) for key, mm in natural_mm.items()}
    if not printed:
        return [Layout((), (), None)]
    main = printed[0]
    if len(printed) == 1:
        return [Layout((main,), (height[main.key],), main)]
    both = tuple(height[c.key] for c in printed)
    change, baseline = (main, printed[1]) if main.key.endswith("-change") else (printed[1], main)
    return [
        Layout(printed, both, main),
        Layout(printed, both, None),
        Layout((baseline,), (height[baseline.key],), change),
    ]


def _inputs(content: dict, charts: dict[str, str]) -> dict[str, str]:
    return {"view": json.dumps(content, ensure_ascii=False)} | charts


def _pages(content: dict, charts: dict[str, str]) -> int:
    """How many pages the brief takes with these charts (the template says, as metadata labelled <pages>)."""
    return int(typst.query(str(TEMPLATE), "<pages>", field="value", one=True, sys_inputs=_inputs(content, charts)))


def brief_content(view: views.View, layout: Layout, *, permalink: str, day: date) -> dict:
    """Everything the template prints, as plain JSON-ready values: the layout's charts and table."""
    prov = export.provenance(view.rows, view.resource, dict(view.filters), exported_on=day)
    notes = list(view.notes)
    if view.with_user_rows:
        notes.append("Includes figures uploaded in this session (named in the chart): they are not ONS figures.")
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
        "charts": [
            {
                "title": "" if shown.title == view.headline else shown.title,  # the headline is said once
                "alt": shown.alt,
                "height": round(height, 1),
            }
            for shown, height in zip(layout.charts, layout.heights_mm, strict=True)
        ],
        "table": None if layout.table is None else table_content(layout.table),
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
    # A table that fits (every region, band or sector) is printed whole, however many columns it has.
    limit = MAX_TABLE_ROWS if len(columns) <= 3 or len(frame) <= MAX_TABLE_ROWS else WIDE_TABLE_ROWS
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
