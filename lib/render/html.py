"""The static page of a view (`/api/<page>.html`): one HTML file that reads without JavaScript, embeds in an
intranet and opens offline.

It holds what the page says — headline, sentence, figures, the main chart and the table behind it, notes,
source, licence, permalink, downloads and how to cite it — rendered from the same View as every other
format. Without JavaScript the chart is the SVG the server drew (Chromium, as for the SVG download); with
it, Plotly redraws the same figure, interactive, in its place. plotly.js comes from this server
(`/api/plotly-<version>.min.js`, cached for a year: intranets often cannot reach a CDN), or, in the
standalone variant, is inlined so the file opens from an email or SharePoint with no server at all.
`embed` drops the header and footer and tells a parent frame its height (static_page.js).

Every text reaches the page through lib.escape.for_html; the figure's JSON through for_script_json. The
style sheet and script are static files beside this module: no data is ever written into them.
"""

from __future__ import annotations

import json
import math
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from lib import __version__, cite
from lib.charts import chart_config
from lib.escape import for_html, for_script_json
from lib.render import export, formats
from lib.views import Chart, Column, Metric, View

if TYPE_CHECKING:
    from lib.render.renderer import Address

PLOTLY_VERSION = get_plotlyjs_version()
# plotly.js's basic bundle (bar, scatter, pie: every trace lib.charts draws), as npm publishes it
# (plotly.js-basic-dist-min, MIT, licence beside it): a quarter of the full bundle the plotly package ships, so a
# reader's browser fetches and compiles a quarter as much before the chart turns interactive.
BASIC_BUNDLE = Path(__file__).with_name("vendor") / f"plotly-basic-{PLOTLY_VERSION}.min.js"
BASIC_TRACES = frozenset({"bar", "scatter", "pie"})
PLOTLY_FILE = f"plotly-basic-{PLOTLY_VERSION}.min.js"  # the versioned name the API serves it under
STYLE = Path(__file__).with_name("static_page.css").read_text(encoding="utf-8")
SCRIPT = Path(__file__).with_name("static_page.js").read_text(encoding="utf-8")
TABLE_ROWS = 500  # rows of the chart's table on the page; the CSV holds every row
MISSING = "—"
EMBED_WIDTH = 800  # px: the iframe's width when nothing else is asked for
OPTIONS = ("embed", "standalone")  # the page's own query parameters, beside the view's


@cache
def plotly_js() -> bytes:
    """plotly.js at the version the installed plotly package writes figures for: the basic bundle, or the full one
    the package ships if an upgrade of plotly has left the vendored bundle behind (tests/unit/test_html.py fails
    then, so that it is updated)."""
    if BASIC_BUNDLE.exists():
        return BASIC_BUNDLE.read_bytes()
    return get_plotlyjs().encode("utf-8")


def with_options(url: str, **options: bool) -> str:
    """`url` with the page options that are set (embed=1, standalone=1) added to its query."""
    chosen = urlencode({name: "1" for name, on in options.items() if on})
    return f"{url}{'&' if '?' in url else '?'}{chosen}" if chosen else url


def oembed_address(address: Address) -> str:
    """The oEmbed endpoint's address for this view (linked from the page's head for discovery)."""
    return f"{address.base.rstrip('/')}/api/oembed?url={quote(address.permalink, safe='')}&format=json"


def static_page(
    view: View,
    address: Address,
    *,
    chart_svg: str | None,
    no_drawing: str = "",
    day: date,
    embed: bool = False,
    standalone: bool = False,
) -> str:
    """The page. `chart_svg` is the main chart drawn by the server (None: `no_drawing` says why)."""
    reference = cite.cite(view, address.permalink, day)
    body = [
        "" if embed else '<a class="skip" href="#main">Skip to the figures</a>',
        '<div class="page">',
        "" if embed else _site_header(view, address),
        '<main id="main">',
        f"<h1>{for_html(view.headline)}</h1>",
        f'<p class="sentence">{for_html(view.sentence)}</p>',
        *(f'<p class="notice">{for_html(n)}</p>' for n in view.notices),
        metrics_section(view.metrics),
        chart_section(view.main, chart_svg, no_drawing),
        table_and_notes(view, collapsed=embed),
        "</main>",
        _credit(view, address) if embed else _site_footer(view, address, reference, day),
        "</div>",
        _scripts(view.main, address, standalone),
    ]
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            _head(view, address, drawn=chart_svg is not None, embed=embed),
            f'<body class="{"embed" if embed else "full"}">',
            *(part for part in body if part),
            "</body>",
            "</html>",
            "",
        ]
    )


def _head(view: View, address: Address, *, drawn: bool, embed: bool) -> str:
    headline, sentence = for_html(view.headline), for_html(view.sentence)
    lines = [
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{headline}</title>",
        f'<meta name="description" content="{sentence}">',
        f'<meta name="generator" content="{for_html(export.PRODUCT)} {for_html(__version__)}">',
        f'<link rel="alternate" type="application/json+oembed" href="{for_html(oembed_address(address))}" '
        f'title="{headline}">',
        f'<meta property="og:title" content="{headline}">',
        f'<meta property="og:description" content="{sentence}">',
        f'<meta property="og:url" content="{for_html(address.permalink)}">',
        '<meta property="og:type" content="website">',
    ]
    if drawn:
        lines.append(f'<meta property="og:image" content="{for_html(address.api("png"))}">')
    if embed:
        lines.append('<base target="_blank">')  # a link in a frame opens a tab, not the dashboard inside the frame
    return "\n".join([*lines, f"<style>{STYLE}</style>", "</head>"])


def _site_header(view: View, address: Address) -> str:
    home = for_html(address.base.rstrip("/") + "/")
    return (
        f'<header class="site"><p><a href="{home}">{for_html(export.PRODUCT)}</a> · {for_html(view.title)}</p></header>'
    )


def metrics_section(metrics: tuple[Metric, ...]) -> str:
    """The headline figures, in groups of a measure each where they have one."""
    if not metrics:
        return ""
    groups = list(dict.fromkeys(m.group for m in metrics))
    blocks = []
    for group in groups:
        items = "".join(_metric(m) for m in metrics if m.group == group)
        heading = f"<h3>{for_html(group)}</h3>" if group else ""
        blocks.append(f'<section class="metric-group">{heading}<ul class="metric-list">{items}</ul></section>')
    return (
        '<section aria-labelledby="figures-heading"><h2 id="figures-heading" class="visually-hidden">The figures'
        f'</h2><div class="metrics">{"".join(blocks)}</div></section>'
    )


def _metric(metric: Metric) -> str:
    parts = [
        f'<span class="label">{for_html(metric.label)}</span>',
        f'<span class="value">{for_html(metric.value)}</span>',
    ]
    if metric.delta:
        parts.append(f'<span class="delta">{for_html(metric.delta)}</span>')
    if metric.help:
        parts.append(f'<span class="help">{for_html(metric.help)}</span>')
    return f'<li class="metric">{"".join(parts)}</li>'


def chart_section(chart: Chart | None, svg: str | None, no_drawing: str) -> str:
    """The main chart: the server's SVG (or why there is none), its alt text, caption and source."""
    if chart is None:
        return ""
    if svg is not None:
        drawn = _labelled_svg(svg)
    else:
        drawn = (
            f'<p class="no-drawing">{for_html(no_drawing or "The chart could not be drawn here.")} Its figures '
            "are in the table below.</p>"
        )
    # The drawn chart carries its title, subtitle and source; the caption adds what the page says under it.
    caption = f"<figcaption>{for_html(chart.caption)}</figcaption>" if chart.caption else ""
    return (
        '<figure aria-labelledby="chart-heading">'
        f'<h2 id="chart-heading" class="visually-hidden">Chart: {for_html(chart.title)}</h2>'
        f'<div id="chart" class="chart">{drawn}</div>'
        f'<p id="chart-alt" class="visually-hidden">{for_html(chart.alt)}</p>'
        f"{caption}</figure>"
    )


def _labelled_svg(svg: str) -> str:
    """The drawn chart as an image for assistive technology, named by its alt text."""
    start = svg.lstrip()
    if not start.startswith("<svg") or "<script" in start.lower() or "<foreignobject" in start.lower():
        raise ValueError("the drawn chart is not a plain SVG image")
    return start.replace("<svg", '<svg role="img" aria-labelledby="chart-alt" focusable="false"', 1)


def table_and_notes(view: View, *, collapsed: bool) -> str:
    """The table behind the main chart (its text equivalent) and the view's notes; in an embed, behind a
    "Show the table" disclosure so the frame stays the chart's size."""
    parts = []
    if view.main is not None:
        parts.append(table_section(view.main))
    if view.notes:
        items = "".join(f"<li>{for_html(n)}</li>" for n in view.notes)
        parts.append(f'<section aria-labelledby="notes-heading"><h2 id="notes-heading">Notes</h2><ul>{items}</ul>')
        parts[-1] += "</section>"
    if not parts:
        return ""
    if collapsed:
        return f"<details><summary>Show the table and notes</summary>{''.join(parts)}</details>"
    return "".join(parts)


def table_section(chart: Chart) -> str:
    frame = chart.table
    shown = frame.head(TABLE_ROWS)
    kinds = column_kinds(chart)
    head = "".join(f'<th scope="col"{_num(kinds[c])}>{for_html(column_label(chart, c))}</th>' for c in frame.columns)
    rows = []
    for record in shown.itertuples(index=False):
        cells = []
        for i, (column, value) in enumerate(zip(frame.columns, record, strict=True)):
            text = for_html(cell_text(value, kinds[column]))
            cells.append(f'<th scope="row">{text}</th>' if i == 0 else f"<td{_num(kinds[column])}>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    more = len(frame) - len(shown)
    gaps = f" ({MISSING}: not given by the source)" if shown.isna().any().any() else ""
    after = f'<p class="muted">… and {more:,} more rows: the CSV holds every one.</p>' if more > 0 else ""
    return (
        '<section aria-labelledby="table-heading"><h2 id="table-heading">The figures behind the chart</h2>'
        '<div class="table-wrap" role="region" aria-labelledby="table-caption" tabindex="0"><table>'
        f'<caption id="table-caption">{for_html(chart.subtitle or chart.title)}{gaps}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{after}"
        f'<p class="source">{for_html(chart.source)}</p></section>'
    )


def _num(kind: str) -> str:
    return ' class="num"' if kind in ("percent", "number") else ""


def column_label(chart: Chart, column: str) -> str:
    return chart.columns[column].label if column in chart.columns else column.replace("_", " ")


def column_kinds(chart: Chart) -> dict[str, str]:
    """Each column's kind as the view describes it, else as its values say."""
    kinds = {}
    for column in chart.table.columns:
        described: Column | None = chart.columns.get(column)
        if described is not None:
            kinds[column] = described.kind
        elif pd.api.types.is_bool_dtype(chart.table[column]):
            kinds[column] = "check"
        else:
            kinds[column] = "number" if pd.api.types.is_numeric_dtype(chart.table[column]) else "text"
    return kinds


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def cell_text(value: object, kind: str) -> str:
    """A cell as the page shows it: percentages to one decimal, as the source prints them; missing as '—'."""
    if is_missing(value):
        return MISSING
    if kind == "percent" and isinstance(value, int | float | str):
        return f"{float(value):.1f}"
    if kind == "check":
        return "yes" if value else "no"
    if kind == "date" and hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if kind == "number" and isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return str(value)


def _credit(view: View, address: Address) -> str:
    """An embed's last line: where the figures are from, and the way to the whole view."""
    source = view.main.source if view.main else export.provenance(view.rows, view.resource, {}).citation
    return (
        f'<footer class="credit"><p>{for_html(source)} · <a href="{for_html(address.permalink)}">Open in the '
        f"{for_html(export.PRODUCT)}</a></p></footer>"
    )


def _site_footer(view: View, address: Address, reference: cite.Citation, day: date) -> str:
    prov = export.provenance(view.rows, view.resource, dict(view.filters), exported_on=day)
    permalink = for_html(address.permalink)
    downloads = "".join(
        f'<li><a href="{for_html(_download(address, f.name))}">{for_html(f.label)}</a></li>'
        for f in formats.view_menu()
    )
    return "\n".join(
        [
            '<footer class="site">',
            '<h2 id="source-heading">Source and licence</h2>',
            f"<p>Source: {for_html(prov.citation)}</p>",
            f"<p>Licence: {for_html(prov.licence or 'none claimed')}</p>",
            "<h2>This view</h2>",
            f'<ul class="actions"><li><a class="button" href="{permalink}">Open in the dashboard</a></li></ul>',
            f'<p>Permalink: <a class="permalink" href="{permalink}">{permalink}</a></p>',
            "<h2>Downloads</h2>",
            f'<ul class="actions">{downloads}</ul>',
            "<h2>Cite this view</h2>",
            f'<p class="reference" id="reference">{for_html(reference.reference())}</p>',
            f"<details><summary>BibTeX</summary><pre>{for_html(reference.bibtex())}</pre></details>",
            f"<details><summary>CSL-JSON</summary><pre>{for_html(reference.csl_json())}</pre></details>",
            f'<p class="muted">Made by the {for_html(export.PRODUCT)} {for_html(__version__)} on '
            f"{for_html(day.isoformat())} from the same figures as the dashboard.</p>",
            "</footer>",
        ]
    )


def _download(address: Address, fmt: str) -> str:
    """A download's address: the web page offered for keeping is the standalone one."""
    return with_options(address.api(fmt), standalone=True) if fmt == "html" else address.api(fmt)


def _scripts(chart: Chart | None, address: Address, standalone: bool) -> str:
    """The figure as JSON, plotly.js (from this server, or inlined) and the page's own script."""
    if chart is None:
        return f"<script>{SCRIPT}</script>"
    figure = json.loads(pio.to_json(chart.figure(), validate=False))
    figure["config"] = {**chart_config(chart.key), "responsive": True}
    if standalone:
        plotly = f"<script>{plotly_js().decode('utf-8')}</script>"
    else:
        plotly = f'<script src="{for_html(address.base.rstrip("/") + "/api/" + PLOTLY_FILE)}" defer></script>'
    return "\n".join(
        [
            f'<script type="application/json" id="figure-data">{for_script_json(figure)}</script>',
            plotly,
            f"<script>{SCRIPT}</script>",
        ]
    )


# ---- the clipboard's table, and the embed's frame ----
def clipboard_table(chart: Chart) -> tuple[str, str]:
    """The chart's table as the clipboard carries it: tab-separated text (Excel reads it as cells) and an HTML
    table (Word and Teams paste it as a table), each with a header row and the source line under it.

    Numbers stay numbers (32.8, not '32.8%': the header says %); missing is an empty cell; text a spreadsheet
    would run as a formula is neutralised, as in the CSV.
    """
    frame = export.neutralise_formulas(chart.table)
    kinds = column_kinds(chart)
    labels = [" ".join(column_label(chart, c).split()) for c in frame.columns]
    rows = [
        [clipboard_cell(value, kinds[column]) for column, value in zip(frame.columns, record, strict=True)]
        for record in frame.itertuples(index=False)
    ]
    tsv = "\r\n".join(["\t".join(labels), *("\t".join(row) for row in rows), "", chart.source]) + "\r\n"
    head = "".join(f"<th>{for_html(label)}</th>" for label in labels)
    body = "".join("<tr>" + "".join(f"<td>{for_html(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{for_html(chart.source)}</p>"
    return tsv, table


def clipboard_cell(value: object, kind: str) -> str:
    """A cell on the clipboard: a number as a spreadsheet reads it, text on one line without tabs."""
    if is_missing(value):
        return ""
    if kind in ("percent", "number") and isinstance(value, int | float):
        return f"{value:.10g}"
    return " ".join(cell_text(value, kind).split())


def embed_height(view: View, chart_height: int) -> int:
    """A first height (px) for the page in a frame EMBED_WIDTH wide, before its script reports its own:
    headline, sentence, figures, the interactive chart at its layout height, caption, the closed table and the
    credit line (type sizes from static_page.css; checked against the drawn page in tests/browser)."""

    def lines(text: str, per_line: int, height: int) -> int:
        return math.ceil(len(text) / per_line) * height if text else 0

    groups = list(dict.fromkeys(m.group for m in view.metrics))
    figures = sum(
        (30 if group else 0) + math.ceil(sum(m.group == group for m in view.metrics) / 3) * 86 for group in groups
    )
    chart = view.main
    return (
        40
        + lines(view.headline, 62, 28)
        + lines(view.sentence, 95, 25)
        + figures
        + (chart_height + 24 + lines(chart.caption, 105, 23) if chart else 0)
        + 50
        + lines(chart.source if chart else "", 110, 22)
        + 30
    )


def iframe(address: Address, title: str, height: int, width: int | None = None) -> str:
    """The embed snippet: an <iframe> of the page with `embed=1`, titled by the headline."""
    src = with_options(address.api("html"), embed=True)
    size = f'width="{width}"' if width else 'width="100%"'
    return (
        f'<iframe src="{for_html(src)}" title="{for_html(title)}" {size} height="{int(height)}" '
        'style="border:0;max-width:100%" loading="lazy"></iframe>'
    )


# Optional, beside the iframe: resizes it to the height the page reports (static_page.js). Static text.
RESIZE_SCRIPT = (
    "<script>addEventListener('message',function(e){var d=e.data;if(!d||d.type!=='embed-size'||"
    "d.source!=='homeworking-dashboard')return;document.querySelectorAll('iframe').forEach(function(f){"
    "if(f.contentWindow===e.source)f.style.height=d.height+'px'})})</script>"
)
