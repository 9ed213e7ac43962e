"""The static page of a view (lib.render.html): its structure, every text escaped, the same figures as the CSV, the
embed and standalone variants, and the clipboard's table."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date

import lxml.html
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from lib import data, views
from lib.render import formats, html, renderer
from lib.selections import Tables
from lib.views import Column, Metric

DAY = date(2026, 12, 2)
BASE = "https://dash.example"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1280 720"><text>drawn</text></svg>'
EVIL = '<i class="evil">&amp;"\'</i>'  # markup that must show as text wherever it lands


@pytest.fixture(scope="module")
def tables():
    return Tables(data.load_homeworking(), data.load_councils())


def fake_draw(fig, fmt, **size) -> bytes:
    assert fmt == "svg"
    return SVG.encode()


def page_of(tables, name="sectors", query=(), *, draw=fake_draw, **options) -> tuple[views.View, str]:
    shown = views.for_query(name, tables, dict(query))
    files = renderer.Renderer(tables, renderer.Address(name, tuple(query), BASE), draw, DAY)
    return shown, files.render(shown, "html", **options).decode("utf-8")


def test_the_page_reads_in_order_with_its_title_headline_figures_chart_and_table(tables):
    shown, text = page_of(tables, "sectors", [("sector", "Education")], standalone=False)
    doc = lxml.html.fromstring(text)
    assert doc.get("lang") == "en"
    assert doc.findtext(".//title") == shown.headline == doc.findtext(".//h1")
    assert doc.find(".//p[@class='sentence']").text == shown.sentence
    values = [e.text for e in doc.findall(".//span[@class='value']")]
    assert values == [m.value for m in shown.metrics]
    svg = doc.find(".//div[@id='chart']/svg")
    assert svg.get("role") == "img" and doc.get_element_by_id(svg.get("aria-labelledby")).text == shown.main.alt
    table = doc.find(".//table")
    assert table.find("caption").text_content().startswith(shown.main.subtitle)
    assert [th.get("scope") for th in table.findall("thead/tr/th")] == ["col"] * len(shown.main.table.columns)
    assert len(table.findall("tbody/tr")) == len(shown.main.table)
    assert all(row.find("th").get("scope") == "row" for row in table.findall("tbody/tr"))
    in_order = [doc.find(f".//{path}") for path in ("h1", "ul[@class='metric-list']", "figure", "table", "footer")]
    elements = list(doc.iter())
    assert [elements.index(e) for e in in_order] == sorted(elements.index(e) for e in in_order)


def test_the_footer_links_the_permalink_dashboard_exports_oembed_and_cites_the_view(tables):
    _, text = page_of(tables, "regions", [("region", "Wales")], standalone=False)
    doc = lxml.html.fromstring(text)
    permalink = f"{BASE}/regions?region=Wales"
    links = {a.text_content(): a.get("href") for a in doc.iter("a")}
    assert links["Open in the dashboard"] == permalink and links[permalink] == permalink
    for fmt in ("csv", "xlsx", "pdf"):
        assert links[formats.get(fmt).label] == f"{BASE}/api/regions.{fmt}?region=Wales"
    assert links["Web page (.html)"] == f"{BASE}/api/regions.html?region=Wales&standalone=1"
    oembed = doc.find(".//link[@rel='alternate']")
    assert oembed.get("type") == "application/json+oembed"
    assert (
        oembed.get("href") == f"{BASE}/api/oembed?url=https%3A%2F%2Fdash.example%2Fregions%3Fregion%3DWales&format=json"
    )
    reference = doc.get_element_by_id("reference").text
    assert reference.startswith("Office for National Statistics.") and permalink in reference
    assert "Open Government Licence v3.0" in doc.find(".//footer").text_content()
    scripts = [s.get("src") for s in doc.iter("script") if s.get("src")]
    assert scripts == [f"{BASE}/api/{html.PLOTLY_FILE}"]  # this server's plotly.js, never a CDN


def test_the_interactive_figure_is_the_views_chart(tables):
    shown, text = page_of(tables, "age", standalone=False)
    figure = json.loads(lxml.html.fromstring(text).get_element_by_id("figure-data").text)
    expected = json.loads(shown.main.figure().to_json())
    assert figure["data"] == expected["data"]
    assert figure["layout"]["title"] == expected["layout"]["title"]
    assert figure["config"]["responsive"] is True


def test_the_table_holds_the_same_figures_as_the_csv(tables):
    for name, query in [("sectors", [("sector", "Education")]), ("regions", [("region", "Wales")]), ("age", [])]:
        shown, text = page_of(tables, name, query, standalone=False)
        files = renderer.Renderer(tables, renderer.Address(name, tuple(query), BASE), None, DAY)
        csv = pd.read_csv(io.BytesIO(files.render(shown, "csv"))).set_index(["category", "measure"])["percent"]
        page_table = pd.read_html(io.StringIO(text), flavor="lxml")[0]
        measures = {c.label: key for key, c in shown.main.columns.items() if key in ("week_prior", "ever")}
        category = shown.main.columns["category"].label
        checked = 0
        for _, row in page_table.iterrows():
            for label, measure in measures.items():
                assert float(row[label]) == pytest.approx(csv.loc[(row[category], measure)]), (name, row[category])
                checked += 1
        assert checked == 2 * len(shown.main.table), name


def hostile_view(tables) -> views.View:
    shown = views.for_query("sectors", tables, {})
    chart = replace(
        shown.main,
        title=f"title {EVIL}",
        subtitle=f"subtitle {EVIL}",
        alt=f"alt {EVIL}",
        caption=f"caption {EVIL}",
        source=f"source {EVIL}",
        table=pd.DataFrame({"category": [f"cell {EVIL}", "=1+1"], "percent": [1.5, float("nan")]}),
        columns={"category": Column(f"label {EVIL}"), "percent": Column("Percent", "percent")},
        draw=lambda theme, words: go.Figure(layout={"title": {"text": "</script><script>alert(1)</script>"}}),
    )
    return replace(
        shown,
        headline=f"headline {EVIL}",
        sentence=f"sentence {EVIL}",
        title=f"page {EVIL}",
        notices=(f"notice {EVIL}",),
        notes=(f"note {EVIL}",),
        metrics=(
            Metric(
                f"metric {EVIL}", f"value {EVIL}", help=f"help {EVIL}", delta=f"delta {EVIL}", group=f"group {EVIL}"
            ),
        ),
        filters={f"filter {EVIL}": f"value {EVIL}"},
        charts=(chart,),
    )


@pytest.mark.parametrize("embed", [False, True])
def test_every_text_is_escaped(tables, embed):
    shown = hostile_view(tables)
    files = renderer.Renderer(tables, renderer.Address("sectors", (), BASE + '/"><i class="evil">'), fake_draw, DAY)
    text = files.html(shown, embed=embed).decode("utf-8")
    doc = lxml.html.fromstring(text)
    assert not doc.xpath("//i[@class='evil']")  # no text became an element
    assert [s.get("src") for s in doc.iter("script") if s.get("src")] == [
        f'{BASE}/"><i class="evil">/api/{html.PLOTLY_FILE}'
    ]
    scripts = text.count("<script")
    assert scripts == 3 and text.count("</script>") == 3  # the figure's JSON, plotly.js and the page's own
    figure = json.loads(doc.get_element_by_id("figure-data").text)
    assert figure["layout"]["title"]["text"] == "</script><script>alert(1)</script>"  # reads back as it was
    shown_text = doc.text_content()
    for where in ["headline", "sentence", "notice", "metric", "value", "help", "delta", "group", "cell", "label"]:
        assert f"{where} {EVIL}" in shown_text, where
    if not embed:
        for where in ["note", "page", "filter"]:
            assert f"{where} {EVIL}" in shown_text, where
    assert "'=1+1" not in shown_text  # the page shows a formula-like cell as it is; the clipboard neutralises it


def test_the_embed_drops_header_and_footer_keeps_the_source_and_opens_links_outside_the_frame(tables):
    shown, text = page_of(tables, "sectors", embed=True, standalone=False)
    doc = lxml.html.fromstring(text)
    assert doc.find(".//header") is None and doc.find(".//footer[@class='site']") is None
    assert doc.find(".//base").get("target") == "_blank"
    assert doc.find(".//details/summary").text == "Show the table and notes"
    credit = doc.find(".//footer[@class='credit']/p")
    assert shown.main.source in credit.text_content() and credit.find("a").get("href") == f"{BASE}/sectors"
    assert doc.find("body").get("class") == "embed"


def test_standalone_inlines_plotly_js_and_needs_no_server(tables):
    _, text = page_of(tables, "age")  # a file made for keeping is standalone unless asked otherwise
    doc = lxml.html.fromstring(text)
    assert not [s for s in doc.iter("script") if s.get("src")]
    assert f"plotly.js (basic - minified) v{html.PLOTLY_VERSION}" in text and len(text) > 1_000_000


def test_the_served_plotly_js_is_the_basic_bundle_of_the_installed_version():
    """An upgrade of plotly must bring the basic bundle of its plotly.js (npm: plotly.js-basic-dist-min)."""
    assert html.BASIC_BUNDLE.exists(), f"vendor the basic bundle of plotly.js {html.PLOTLY_VERSION}"
    head = html.plotly_js()[:200].decode("utf-8")
    assert f"plotly.js (basic - minified) v{html.PLOTLY_VERSION}" in head
    assert len(html.plotly_js()) < len(get_plotlyjs()) / 3


@pytest.mark.parametrize("query", [(), (("table", "councils"),), (("breakdown", "region"), ("present", "1"))])
def test_every_chart_of_every_page_draws_only_traces_the_basic_bundle_has(tables, query):
    for name in views.PAGES:
        shown = views.for_query(name, tables, dict(query))
        drawn = {trace.type for chart in shown.charts for trace in chart.figure().data}
        assert drawn and drawn <= html.BASIC_TRACES, (name, drawn - html.BASIC_TRACES)


def test_without_a_browser_the_page_says_so_and_keeps_the_table(tables):
    shown, text = page_of(tables, "sectors", draw=None, standalone=False)
    doc = lxml.html.fromstring(text)
    assert doc.find(".//svg") is None
    assert "cannot draw charts" in doc.find(".//p[@class='no-drawing']").text
    assert len(doc.findall(".//table/tbody/tr")) == len(shown.main.table)
    assert doc.find(".//meta[@property='og:image']") is None


def test_a_drawing_that_is_not_a_plain_svg_is_refused():
    with pytest.raises(ValueError):
        html._labelled_svg("<svg><script>alert(1)</script></svg>")


def test_the_clipboard_table_is_tab_separated_with_header_numbers_and_source(tables):
    chart = hostile_view(tables).main
    tsv, table = html.clipboard_table(chart)
    lines = tsv.split("\r\n")
    assert lines[0] == f"label {EVIL}\tPercent"
    assert lines[1] == f"cell {EVIL}\t1.5" and lines[2] == "'=1+1\t"  # missing is empty; a formula neutralised
    assert lines[3] == "" and lines[4] == chart.source
    doc = lxml.html.fromstring(table)
    assert not doc.xpath("//i[@class='evil']") and doc.findtext(".//th") == f"label {EVIL}"
    real = views.for_query("overview", tables, {}).main
    tsv, _ = html.clipboard_table(real)
    rows = [line.split("\t") for line in tsv.split("\r\n")[1 : len(real.table) + 1]]
    assert [float(r[1]) for r in rows] == real.table["week_prior"].tolist()


def test_the_embed_height_is_at_least_the_chart_and_grows_with_the_figures(tables):
    shown = views.for_query("sectors", tables, {})
    plain = replace(shown, metrics=())
    assert html.embed_height(shown, 700) > html.embed_height(plain, 700) > 700
    snippet = html.iframe(renderer.Address("sectors", (), BASE), f"a {EVIL}", 900)
    frame = lxml.html.fromstring(snippet)
    assert frame.get("src") == f"{BASE}/api/sectors.html?embed=1" and frame.get("title") == f"a {EVIL}"
    assert frame.get("height") == "900"
