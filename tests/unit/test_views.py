"""lib.views: a View for every page from the real figures (Socitm In Our View 19, ONS APS 2019), one
definition drawn as a page chart, a slide and a printed chart."""

import re
from pathlib import Path

import pandas as pd
import pytest

from lib import charts, data, selections, views
from lib.compare import UK_OPTION
from lib.selections import Tables

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tables():
    return Tables(data.load_homeworking(), data.load_councils())


def view(tables, page, **query):
    return views.for_query(page, tables, query)


def test_every_page_has_a_view_with_a_headline_a_sentence_and_charts(tables):
    for page in views.PAGES:
        shown = view(tables, page)
        assert shown.page == page and shown.title == views.PAGES[page].title
        assert shown.headline and shown.sentence, page
        assert shown.charts, page
        for chart in shown.charts:
            assert chart.alt and chart.title and chart.subtitle and not chart.table.empty, (page, chart.key)
            assert chart.source.startswith("Source:"), (page, chart.key)
        assert not shown.rows.empty and {"source_file", "source_line"} <= set(shown.rows.columns), page


def test_sectors_view_states_the_gap_and_ranks(tables):
    shown = view(tables, "sectors", sector="Financial and insurance")
    assert shown.headline.startswith("Financial and insurance staff were 1.7× as likely as public administration")
    assert "+9.1 points" in shown.sentence and "+9.5 points" in shown.sentence
    assert "1.7×" in shown.sentence and "1.66" not in shown.sentence  # the headline's precision, not a second one
    metrics = {(m.group, m.label): m.value for m in shown.metrics}
    assert metrics[("Worked from home in the week before interview", "Yours (vs 13.7%)")] == "22.8%"
    assert [c.key for c in shown.charts] == ["sectors-all", "sectors-regularity", "sectors-occupations"]
    regularity = shown.chart("sectors-regularity").table.set_index("category")["regularity"]
    assert regularity["Financial and insurance"] == round(22.8 / 38.9 * 100, 1)
    assert set(shown.rows["breakdown"]) == {"all", "sector", "occupation"}


def test_the_same_choice_twice_is_said(tables):
    shown = view(tables, "sectors", sector="Education", benchmark="Education")
    assert shown.notices == ("Your sector and the comparison are the same: pick another to see a gap.",)


def test_age_and_regions_views(tables):
    age = view(tables, "age", band="70 and over", vs=UK_OPTION)
    assert "24.7%" in age.sentence and "12.4%" in age.sentence
    regions = view(tables, "regions", region="Wales", other="Scotland", map="Ever")
    assert "10.0%" in regions.sentence and "8.5%" in regions.sentence
    assert regions.chart("regions-map").title == "London was highest at 34.3%"  # ever: London, 34.3%


def test_age_shows_how_regular_homeworking_was_in_age_order(tables):
    age = view(tables, "age", band="70 and over", vs="25-29 yrs")
    assert [c.key for c in age.charts] == ["age-profile", "age-regularity"]
    regularity = age.chart("age-regularity")
    shares = regularity.table.set_index("category")["regularity"]
    assert shares["70 and over"] == 58.5 and shares["25-29 yrs"] == 34.9  # 24.7 ÷ 42.2 and 7.3 ÷ 20.9, derived
    assert (
        regularity.title.startswith("59% of workers aged 70 and over")
        and "35% of workers aged 25-29" in regularity.title
    )
    bands = list(regularity.figure().data[0].y)
    assert bands[-1] == "16-19 yrs" and bands[0] == "70 and over"  # the youngest on top, in age order, not ranked
    sectors = list(view(tables, "sectors").chart("sectors-regularity").figure().data[0].y)
    assert sectors[-1] == "Information and communication"  # the sectors stay ranked, the most regular on top


def test_councils_view_filters_and_says_what_is_missing(tables):
    shown = view(tables, "councils", region="London")
    assert set(shown.rows.loc[shown.rows["kind"] != "national announcement", "region"]) == {"London"}
    # London's one time is the boroughs' apps, "built and deployed within a few days" (a vendor claim)
    assert "councils-speed" not in shown.missing
    assert "within a few days" in shown.chart("councils-speed").figure().to_json()
    empty = view(tables, "councils", region="London", kind="county council")
    assert empty.charts == () and empty.notices[0].startswith("The sources report no council")


def test_one_chart_drawn_under_three_themes(tables):
    chart = view(tables, "councils", org="Croydon Council").chart("councils-timeline")
    page, slide, printed = chart.figure(), chart.figure(charts.PRESENT), chart.figure(charts.PRINT)
    assert page.layout.title.font.size == charts.NORMAL.title_size
    assert slide.layout.title.font.size == charts.PRESENT.title_size
    lanes = [lane.replace("<b>", "").replace("</b>", "") for lane in slide.layout.yaxis.ticktext]
    assert "Croydon Council (yours)" in lanes and "Wiltshire Council" not in lanes  # compact: dated lanes + yours
    assert len(printed.layout.yaxis.ticktext) == len(slide.layout.yaxis.ticktext)
    assert len(page.layout.yaxis.ticktext) > len(slide.layout.yaxis.ticktext)  # the page draws every lane


def test_a_presenters_title_is_shown_as_text(tables):
    fig = view(tables, "age").main.figure(charts.PRESENT, "Our <b>own</b> title")
    assert "Our &lt;b&gt;own&lt;/b&gt; title" in fig.layout.title.text


def test_explore_view_is_the_filtered_rows_and_their_chart(tables):
    shown = view(tables, "explore", breakdown="region", measure="week_prior", min="10", sort="percent (descending)")
    assert list(shown.rows["percent"]) == sorted(shown.rows["percent"], reverse=True)
    assert shown.rows["percent"].min() >= 10 and set(shown.rows["measure"]) == {"week_prior"}
    assert shown.main.key == "explore-region"
    assert shown.filters["breakdown"] == "region" and shown.filters["percent at least"] == "10"


def test_uploaded_rows_are_named_and_never_shared(tables):
    import pandas as pd

    mine = pd.DataFrame(
        {
            "breakdown": ["region"],
            "category": ["London"],
            "measure": ["week_prior"],
            "percent": [57.2],
            "code": [None],
            "official_name": [None],
            "source": ["ONS LMS April 2020"],
        }
    )
    shown = views.for_query("regions", tables, {}, mine)
    assert shown.with_user_rows
    assert "your own uploaded figures (ONS LMS April 2020)" in shown.chart("regions-bars").caption
    assert not view(tables, "regions").with_user_rows


def test_every_page_record_names_its_script_and_builds_its_view(tables):
    for name, page in views.PAGES.items():
        assert page.name == name and (ROOT / page.script).is_file(), name
        assert page.url_path == ("" if page.default else name)
        assert views.build(name, tables, selections.read(page.keys, {}, tables)).title == page.title
    assert [p.name for p in views.PAGES.values() if p.default] == ["overview"]
    with pytest.raises(KeyError, match="pages are overview, sectors"):
        views.page("nowhere")


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("sectors", {"sector": "Financial and insurance"}),
        ("sectors", {"sector": "Information and communication", "benchmark": UK_OPTION}),
        ("age", {"band": "70 and over"}),
        ("regions", {"region": "London"}),
        ("overview", {}),
    ],
)
def test_a_view_says_each_ratio_to_one_precision(tables, page, query):
    """A pasted email carries the headline, the sentence and the figures: a ratio must read the same in each."""
    shown = view(tables, page, **query)
    texts = [shown.headline, shown.sentence, *(m.value for m in shown.metrics), *(m.delta or "" for m in shown.metrics)]
    ratios = [r for text in texts for r in re.findall(r"(\d+\.(\d+))×", text)]
    assert ratios, page
    assert {len(decimals) for _, decimals in ratios} == {1}, ratios
    headline = re.findall(r"(\d+\.\d+)×", shown.headline)
    elsewhere = {r for r, _ in ratios}
    assert set(headline) <= elsewhere  # the headline's ratio is the one the figures give


def test_chart_tables_say_measures_in_words_and_name_every_column(tables):
    mine = pd.DataFrame(
        {"breakdown": ["sector"], "category": ["Education"], "measure": ["week_prior"], "percent": [30.0]}
    ).assign(code=None, official_name=None, source="Ours")
    for page, query in [("explore", {}), ("explore", {"table": "Councils"}), ("sectors", {"sector": "Education"})]:
        shown = views.for_query(page, tables, query, mine)
        for chart in shown.charts:
            assert set(chart.table.columns) <= set(chart.columns), (page, chart.key)  # every column has its label
            if "measure" in chart.table:
                assert not set(chart.table["measure"]) & {"week_prior", "ever"}, (page, chart.key)
