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
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any, Literal

import typst

from lib import __version__, views
from lib.charts import PRINT
from lib.charts.sizing import for_size
from lib.compare import MEASURE_LABELS, MEASURE_SHORT
from lib.escape import for_typst
from lib.limits import DRAWING
from lib.render import cells, export

TEMPLATE = Path(__file__).with_name("brief.typ")
# PDF/UA-1 (accessible) and PDF/A-2a (archival, tagged): Typst checks both as it writes, and refuses a brief
# that breaks either, so a brief that does not conform is never made (docs/architecture.md).
STANDARDS: list[Literal["ua-1", "a-2a"]] = ["ua-1", "a-2a"]
SHORT_GROUP = {MEASURE_LABELS[m]: MEASURE_SHORT[m] for m in MEASURE_SHORT}
WIDEST_CELL = 40  # characters: a column of longer cells wraps them rather than squeeze the others
MIN_CHART = 160  # pt: a chart given less room than this is drawn this high all the same, and the page runs on
SHARED_AT_LEAST = 0.6  # of its own height: two charts are printed together only if each keeps this much
MM = 72 / 25.4  # pt
AMBIGUOUS_END = b"\r\nendstream"  # a stream's data ending in CR, then Typst's LF (see `unambiguous`)
NO_FONT = re.compile(r'the text `"(.+?)"` could not be displayed with font')  # Typst's words for it
MAX_UNPRINTABLE = 40  # distinct texts without a font, each printed as "?", before the brief gives up
UNPRINTABLE_NOTE = (
    'Shown as "?": characters in the names of uploaded figures that no font here can print. The data files keep '
    "them as written."
)


@dataclass(frozen=True)
class Sheet:
    """How a brief sits on A4. The chart is laid out `width` px wide and printed `width` pt wide, one to one, so
    the PRINT theme's sizes are its printed sizes (lib/charts/theme.py), on a text block exactly as wide; it is
    drawn as high as the page leaves room for, up to its own height."""

    landscape: bool
    width: int  # pt: the text block and the chart
    table_rows: int  # the most rows of the chart's table printed (wide tables: `wide_table_rows`)
    wide_table_rows: int
    table_page: bool  # the table starts a page of its own
    margin_mm: float = 14  # top and bottom; the running head and foot sit in them

    @property
    def bottom(self) -> float:
        """Where the text block ends, in pt from the top of the page."""
        return (210 if self.landscape else 297) * MM - self.margin_mm * MM


# A4 portrait: one page that holds the words, the chart and its first rows.
PORTRAIT = Sheet(landscape=False, width=504, table_rows=12, wide_table_rows=8, table_page=False)
# The Councils brief: A4 landscape pages. The timeline needs the width (its lanes' labels crowd each other at
# portrait width) and the first page's height; its table of every figure, with each date as the source gives it,
# its precision and who says so, starts on the second page and runs on as far as it needs (docs/accessibility.md).
EVERY_ROW = 10_000  # more figures than the sources will ever give: the table is never cut short
LANDSCAPE = Sheet(landscape=True, width=750, table_rows=EVERY_ROW, wide_table_rows=EVERY_ROW, table_page=True)
SHEETS = {"councils": LANDSCAPE}
CHART_WIDTH = PORTRAIT.width  # pt, and layout px: most briefs' chart


def chart_figure(chart: views.Chart, sheet: Sheet = PORTRAIT):
    """The chart as the brief draws it: PRINT type, laid out for the sheet's text block (lib.charts.sizing), its
    title, subtitle and source line left to the brief to print as text."""
    return chart.figure(for_size(PRINT, sheet.width))


@cache
def fonts() -> typst.Fonts:
    """The fonts Typst may use, found once per process (a search of the system's fonts takes 20 ms)."""
    return typst.Fonts()


@dataclass(frozen=True)
class Layout:
    """What a brief prints: its charts (one, or two with the person's own figures) and the table of one of them."""

    charts: tuple[views.Chart, ...]
    table: views.Chart | None


def layouts(view: views.View) -> list[Layout]:
    """The ways to print a view, best first; each is tried until one fits, and the last always does.

    A view alone: its main chart and table. With the person's own figures against 2019 (`View.printed`): both
    charts with the first one's table; both with the change's table (a few rows); then the 2019 chart, which draws
    their figures beside 2019's, with the table of the change, so that neither the 2019 picture nor the change is
    ever dropped. Every layout keeps a table: it is the charts' text alternative."""
    printed = view.printed
    if len(printed) < 2:
        return [Layout(printed, printed[0] if printed else None)]
    main, other = printed
    change, baseline = (main, other) if main.key.endswith("-change") else (other, main)
    both = [Layout(printed, main)] + ([Layout(printed, change)] if change is not main else [])
    return [*both, Layout((baseline,), change)]


def brief_pdf(view: views.View, draw: Callable[..., bytes], *, permalink: str, day: date) -> bytes:
    """The view's brief; `draw(fig, "svg", width=, height=, scale=)` draws its charts (an ImageExporter's image).

    Typeset twice: first without the charts, to find how much of the page is left for them (a long headline or a
    notice leaves less); then with the charts drawn for that room (`plan`)."""
    sheet = SHEETS.get(view.page, PORTRAIT)
    figures = {chart.key: chart_figure(chart, sheet) for chart in view.printed}
    layout, heights, content, compiler = plan(view, figures, permalink=permalink, day=day)
    charts = {}
    for i, (chart, height) in enumerate(zip(layout.charts, heights, strict=True)):
        figure = figures[chart.key]
        _lay_out(figure, height)
        charts[f"chart-{i}"] = draw(figure, "svg", width=sheet.width, height=height, scale=1).decode("utf-8")
        content["charts"][i]["height"] = height
    moment = datetime.combine(day, time(), tzinfo=UTC).timestamp()
    return _compile(compiler, content, charts, int(moment))


def plan(
    view: views.View, figures: Mapping[str, Any] | None = None, *, permalink: str, day: date
) -> tuple[Layout, list[int], dict, typst.Compiler]:
    """The first of `layouts` whose charts get their room (two charts only if both read, `chart_heights`), their
    heights in pt, what the template prints, and the compiler that measured it."""
    sheet = SHEETS.get(view.page, PORTRAIT)
    figures = figures or {chart.key: chart_figure(chart, sheet) for chart in view.printed}
    subtitles = {key: html.unescape(fig.layout.meta["subtitle"]) for key, fig in figures.items()}  # PRINT omits them
    for layout in layouts(view):  # the last has one chart at most, which always gets its room
        content = brief_content(view, permalink=permalink, day=day, sheet=sheet, layout=layout, subtitles=subtitles)
        compiler = typst.Compiler(str(TEMPLATE), font_paths=fonts(), sys_inputs=_inputs({**content, "measuring": True}))
        natural = [int(figures[chart.key].layout.height) for chart in layout.charts]
        heights = chart_heights(natural, *_room(compiler, sheet)) if natural else []
        if heights is not None:
            return layout, heights, content, compiler
    raise AssertionError("the last layout always fits")


def chart_heights(natural: list[int], room: float, same_page: bool = True) -> list[int] | None:
    """How high (pt) each chart is drawn: a chart alone as high as the room allows up to its own height, and never
    under MIN_CHART (the page then runs on); two share the room, each up to half of it unless the other needs
    less, or None when either would get under MIN_CHART or SHARED_AT_LEAST of its own height (its rows would
    crowd), or the page's words run on past the room."""
    if len(natural) == 1:
        return [max(min(natural[0], int(room)), MIN_CHART)]
    if not same_page:
        return None
    heights = [min(n, int(room / len(natural))) for n in natural]
    for i, n in enumerate(natural):  # what one does not need, the other may take
        heights[i] += min(n - heights[i], int(room) - sum(heights))
    readable = all(h >= max(MIN_CHART, SHARED_AT_LEAST * n) for h, n in zip(heights, natural, strict=True))
    return heights if readable else None


def _compile(compiler: typst.Compiler, content: dict, charts: dict[str, str], moment: int) -> bytes:
    """The PDF. PDF/A forbids printing a character no font has (a blank box); a name in someone's uploaded
    figures may hold one (a rune, an emoji), so each such text is printed as "?", and a note says so."""
    unprintable: list[str] = []
    while True:
        try:
            pdf = compiler.compile(sys_inputs=_inputs(content, charts), timestamp=moment, pdf_standards=list(STANDARDS))
            if not isinstance(pdf, bytes):  # one PDF, not pages as images: the format asked for
                raise TypeError("Typst gave no PDF")
            return unambiguous(pdf)
        except typst.TypstError as err:
            missing = NO_FONT.search(str(err))
            if missing is None or len(unprintable) >= MAX_UNPRINTABLE:
                raise
            text = _unquoted(missing[1])
            unprintable.append(text)
            if len(unprintable) == 1:
                content["notes"].append(UNPRINTABLE_NOTE)
            content = _replaced(content, text)
            charts = {key: svg.replace(text, "?") for key, svg in charts.items()}


def unambiguous(pdf: bytes) -> bytes:
    """The PDF with no stream whose length a reader could take one byte short.

    PDF/A counts a stream's bytes up to the end-of-line before `endstream`. Typst ends every stream's data with
    LF, so a compressed stream whose last byte happens to be CR (the low byte of its checksum: 1 in 256) reads as
    ending in CR LF, one byte short (PDF/A-2 6.1.7.1, which veraPDF and page check). Such a stream is stored
    uncompressed instead, by pikepdf, loaded only then; everything else is kept as it is."""
    if AMBIGUOUS_END not in pdf:
        return pdf
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for item in document.objects:
            if isinstance(item, pikepdf.Stream) and item.read_raw_bytes().endswith(b"\r"):
                item.write(item.read_bytes())  # unfiltered: its last byte is the data's own
        out = io.BytesIO()
        document.save(out, preserve_pdfa=True, compress_streams=False, deterministic_id=True)
    return out.getvalue()


def _unquoted(quoted: str) -> str:
    """The text as Typst quotes it in a message (Rust's escapes: `\\u{10fffd}`, `\\"`, `\\\\`)."""
    text = re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda m: chr(int(m[1], 16)), quoted)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]), text)


def _replaced(value, text: str):
    """`value` (the template's JSON data) with `text` printed as "?" wherever it occurs."""
    if isinstance(value, str):
        return value.replace(text, "?")
    if isinstance(value, list):
        return [_replaced(v, text) for v in value]
    if isinstance(value, dict):
        return {k: _replaced(v, text) for k, v in value.items()}
    return value


def _inputs(content: dict, charts: Mapping[str, str] | None = None) -> dict[str, str]:
    # Every text shortened to what a drawing may hold: PDF/A refuses a string of over 32,767 characters, and an
    # uploaded label that long (capped on upload, but a View may be built from rows in a notebook) is no sentence.
    return {"view": json.dumps(for_typst(content, DRAWING.text_chars), ensure_ascii=False), **(charts or {})}


def _room(compiler: typst.Compiler, sheet: Sheet) -> tuple[float, bool]:
    """The height (pt) the charts may take, from where they start to the foot of the text block, less what follows
    them on their page; and whether all that follows fits on that page. The template marks both places when it is
    measuring (the charts then take no room)."""
    marks = {m["mark"]: m["at"] for m in json.loads(compiler.query("metadata", field="value"))}
    chart, end = marks["chart"], marks["end"]
    same_page = end["page"] == chart["page"]
    last = float(end["y"].removesuffix("pt")) if same_page else float(chart["y"].removesuffix("pt"))
    return sheet.bottom - last - 2, same_page  # a little to spare: the final pass rounds the charts' heights


def _lay_out(figure, height: int) -> None:
    """Lay the figure out `height` pt high, keeping a legend above the panels as far above them (in pt)."""
    margins = figure.layout.margin.t + figure.layout.margin.b
    legend = figure.layout.legend
    if figure.layout.showlegend and legend.y is not None and legend.y > 1:
        legend.y = 1 + (legend.y - 1) * (figure.layout.height - margins) / (height - margins)
    figure.layout.height = height


def brief_content(
    view: views.View,
    *,
    permalink: str,
    day: date,
    sheet: Sheet = PORTRAIT,
    layout: Layout | None = None,
    subtitles: Mapping[str, str] | None = None,
) -> dict:
    """Everything the template prints, as plain JSON-ready values: the layout's charts (their heights are set once
    they are known) and table, by default the main chart's."""
    layout = layout or layouts(view)[0]
    prov = export.provenance(view.rows, view.resource, dict(view.filters), exported_on=day)
    notes = list(view.notes)
    if view.with_user_rows:
        notes.append("Includes figures uploaded in this session (named in the chart): they are not ONS figures.")
    return {
        "page": view.page,
        "header": f"Homeworking dashboard · {view.title}",
        "landscape": sheet.landscape,
        "width": sheet.width,
        "margin": sheet.margin_mm,
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
                "title": "" if chart.title == view.headline else chart.title,  # the headline is said once
                "subtitle": (subtitles or {}).get(chart.key, chart.subtitle),
                "alt": chart.alt,
                "height": 0,
            }
            for chart in layout.charts
        ],
        "table": None if layout.table is None else table_content(layout.table, sheet),
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
    heads = cells.labels(chart)
    # A table the sheet can hold whole (every region, band or sector) is printed whole, however many columns.
    limit = sheet.table_rows if len(heads) <= 3 or len(chart.table) <= sheet.table_rows else sheet.wide_table_rows
    rows = cells.rows(chart, limit)
    return {
        "columns": heads,
        "numeric": cells.numeric(chart),
        "rows": rows,
        "more": max(len(chart.table) - limit, 0),
        # A narrow table on a one-page brief has the notes beside it; a table with a page of its own shares the
        # page's width out by the length of each column's words, so that few cells wrap.
        "beside": len(heads) <= 3 and not sheet.table_page,
        "widths": _widths([heads, *rows]) if sheet.table_page else None,
    }


def _widths(lines: list[list[str]]) -> list[int]:
    """Each column's share of the width: its longest cell, counted in characters up to WIDEST_CELL."""
    return [min(max(len(cell) for cell in column), WIDEST_CELL) for column in zip(*lines, strict=True)]
