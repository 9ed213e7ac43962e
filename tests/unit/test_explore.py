"""The Explore page's filters, order, words and charts, with the real 2019 and council figures."""

import numpy as np
import pandas as pd
import pytest

from lib import charts, explore
from lib.data import load_councils, load_homeworking
from lib.explore import COUNCILS, HOMEWORKING, Filters

ONS = "ONS Annual Population Survey 2019, via Socitm In Our View issue 19"


@pytest.fixture(scope="module")
def hw():
    return load_homeworking()


@pytest.fixture(scope="module")
def councils():
    return load_councils()


@pytest.fixture(scope="module")
def mine():
    """The user's own figures, as lib.uploads.parse returns them."""
    return pd.DataFrame(
        {
            "breakdown": ["region", "region", "region"],
            "category": ["Yorkshire & Humber", "Yorkshire & Humber", "Our town"],
            "measure": ["week_prior", "ever", "ever"],
            "percent": [15.2, 30.5, 40.0],
            "code": ["E12000003", "E12000003", None],
            "official_name": ["Yorkshire and The Humber", "Yorkshire and The Humber", None],
            "source": "Our staff survey 2021",
        }
    ).astype({"code": "str", "official_name": "str"})


def test_tables_are_described_in_the_data_package_and_checked_against_their_schema(monkeypatch, hw, councils):
    assert explore.TABLES == {"homeworking": HOMEWORKING, "councils": COUNCILS}
    assert (HOMEWORKING.slug, COUNCILS.slug) == ("homeworking-2019", "council-rollout-2020")
    assert set(HOMEWORKING.columns) <= set(hw.columns) and "order" not in HOMEWORKING.columns
    assert list(COUNCILS.columns) == list(councils.columns)  # every column, as loaded, when none are listed
    assert COUNCILS.facets == ("region", "claimant")
    described = explore.resource("council_rollout_2020")
    misspelt = {**described, "explore": {**described["explore"], "facets": ["regoin"]}}
    monkeypatch.setattr(explore, "resource", lambda name: misspelt)
    with pytest.raises(ValueError, match="regoin"):
        explore.TableSpec.described("council_rollout_2020")


def view(table, **filters):
    return explore.filter_view(table, HOMEWORKING, Filters(**filters))


def test_default_view_is_every_figure_and_the_chart_starts_on_sectors(hw):
    assert len(view(explore.combine(HOMEWORKING, hw))) == 80  # 40 categories on two measures
    assert explore.default_chart(["all", "sector", "age"]) == "sector"
    assert explore.default_chart(["age", "region"]) == "age"
    rows = view(explore.combine(HOMEWORKING, hw), groups=("sector",))
    assert len(rows) == 20
    assert list(rows.columns) == list(HOMEWORKING.columns)
    assert rows["category"].iloc[0] == "Information and communication"  # the source's first sector
    assert rows["measure"].tolist()[:2] == ["week_prior", "ever"]


def test_value_range_and_measure(hw):
    rows = view(explore.combine(HOMEWORKING, hw), groups=("region",), measures=("week_prior",), low=15)
    assert dict(zip(rows["category"], rows["percent"], strict=True)) == {"London": 18.1, "South East": 16.5}
    rows = view(explore.combine(HOMEWORKING, hw), groups=("region",), measures=("week_prior",), high=8.6)
    assert dict(zip(rows["category"], rows["percent"], strict=True)) == {"Scotland": 8.5, "Northern Ireland": 7.7}


def test_a_bound_drops_missing_figures_rather_than_counting_them_as_zero(hw):
    rows = view(explore.combine(HOMEWORKING, hw), groups=("occupation",), high=100)
    assert rows["measure"].unique().tolist() == ["ever"]
    assert len(view(explore.combine(HOMEWORKING, hw), groups=("occupation",))) == 10


def test_categories_and_search(hw):
    table = explore.combine(HOMEWORKING, hw)
    rows = view(table, items=("Education", "Manufacturing"), measures=("ever",))
    assert rows["percent"].tolist() == [38.3, 21.1]
    found = view(table, search="THE HUMBER")  # matches the official name, ignoring case
    assert set(found["category"]) == {"Yorkshire & Humber"}
    assert view(table, search="[").empty  # a literal, not a pattern


@pytest.mark.parametrize(
    ("sort", "first"),
    [("percent (descending)", 69.0), ("percent (ascending)", 1.2), ("source order", 12.4), ("nonsense", 12.4)],
)
def test_sort_by_any_column_and_bad_sorts_fall_back(sort, first, hw):
    assert view(explore.combine(HOMEWORKING, hw), sort=sort)["percent"].iloc[0] == first


def test_sorting_puts_missing_figures_last(hw):
    rows = view(explore.combine(HOMEWORKING, hw), groups=("occupation",), sort="percent (ascending)")
    assert rows["percent"].tolist()[:5] == [55.0, 56.0, 57.0, 58.0, 69.0]
    assert rows["percent"].iloc[5:].isna().all()


def test_uploaded_rows_sit_beside_the_figures_they_match(hw, mine):
    rows = view(explore.combine(HOMEWORKING, hw, mine), groups=("region",))
    yorkshire = rows[rows["category"] == "Yorkshire & Humber"]
    assert yorkshire[["measure", "percent", "source"]].values.tolist() == [
        ["week_prior", 10.5, ONS],
        ["week_prior", 15.2, "Our staff survey 2021"],
        ["ever", 24.0, ONS],
        ["ever", 30.5, "Our staff survey 2021"],
    ]
    assert yorkshire.index.tolist() == [4, 5, 6, 7]  # together, after North East and North West
    assert rows["category"].iloc[-1] == "Our town"  # a new category comes after the 2019 ones
    assert len(explore.combine(HOMEWORKING, hw)) == 80  # the built-in table alone is unchanged


def test_council_filters(councils):
    rows = explore.filter_view(councils, COUNCILS, Filters(groups=("county council",), measures=("staff",)))
    assert set(rows["organisation"]) == {"Norfolk County Council"}
    # the stress test; late March (news); Norfolk's own; the article's standfirst
    assert sorted(rows["value"]) == [3500, 5000, 5000, 5000]
    big = explore.filter_view(councils, COUNCILS, Filters(low=6000, sort="value (descending)"))
    assert big["value"].tolist() == [120000, 7200, 6700, 6000, 6000]


def test_council_figures_filter_by_region_and_by_who_says_so_as_the_councils_page_words_them(councils):
    east = explore.filter_view(councils, COUNCILS, Filters(facets=(("region", ("East of England",)),)))
    assert set(east["region"]) == {"East of England"}
    assert len(east) == (councils["region"] == "East of England").sum()
    vendor = Filters(facets=(("claimant", ("vendor claim (advertorial)",)),))
    claims = explore.filter_view(councils, COUNCILS, vendor)
    assert len(claims) == (councils["claimant"] == "vendor claim (advertorial)").sum() > 0
    assert set(claims["publication"]) <= set(
        councils.loc[councils["claimant"] == "vendor claim (advertorial)", "publication"]
    )
    both = Filters(facets=(("region", ("Wales", "South West")), ("claimant", ("vendor claim (advertorial)",))))
    rows = explore.filter_view(councils, COUNCILS, both)
    assert set(rows["organisation"]) == {"Welsh Government", "Wiltshire Council", "Swindon Borough Council"}
    described = explore.describe(COUNCILS, both)
    assert described["region"] == "Wales, South West" and described["claimant"] == "vendor claim (advertorial)"
    assert explore.describe(COUNCILS, Filters())["region"] == "all"
    assert explore.export_stem(COUNCILS, both, rows) == "council-rollout-2020-wales-south-west-vendor-claim-advertorial"


def test_an_address_sets_the_council_filters_with_the_councils_pages_words(councils, hw):
    from lib import selections
    from lib.selections import Tables

    tables = Tables(hw, councils)
    query = {"table": "Councils", "region": ["North East", "Atlantis"], "claimant": "vendor claim (advertorial)"}
    chosen = selections.read(selections.EXPLORE_KEYS, query, tables)
    assert chosen["region"] == ["North East"] and chosen["claimant"] == ["vendor claim (advertorial)"]
    assert Filters.chosen(chosen).facets == (("region", ("North East",)), ("claimant", ("vendor claim (advertorial)",)))
    assert selections.EXPLORE_REGIONS.label == selections.COUNCIL_REGIONS.label == "Region or nation"
    assert selections.EXPLORE_REGIONS.choices(tables) == selections.COUNCIL_REGIONS.choices(tables)
    # The organisations offered are those the regions and claims leave.
    assert selections.EXPLORE_ORGANISATIONS.choices(tables, chosen) == ["Durham County Council"]
    with pytest.raises(selections.SelectionError):
        selections.check(selections.EXPLORE_KEYS, {"table": "Councils", "claimant": "a rumour"}, tables)


def test_filters_in_words_and_file_names(hw, mine):
    filters = Filters(groups=("region",), low=10, search="york", sort="percent (descending)")
    assert explore.describe(HOMEWORKING, filters) == {
        "table": "Homeworking, 2019 (ONS)",
        "breakdown": "region",
        "category": "all",
        "measure": "all",
        "percent at least": "10",
        "search": "york",
        "sorted by": "percent (descending)",
    }
    ons_only = view(explore.combine(HOMEWORKING, hw), groups=("region",))
    assert explore.export_stem(HOMEWORKING, Filters(groups=("region",)), ons_only) == "homeworking-2019-region"
    with_mine = view(explore.combine(HOMEWORKING, hw, mine), groups=("region",), low=10)
    stem = explore.export_stem(HOMEWORKING, Filters(groups=("region",), low=10), with_mine)
    assert stem == "homeworking-2019-region-with-your-data-filtered"


def test_column_help_comes_from_the_data_package():
    assert explore.column_help(HOMEWORKING, "code").startswith("SIC 2007 section letter for sectors")
    help_text = explore.column_help(HOMEWORKING, "percent")
    assert "Unit: % of the category." in help_text and "employment" not in help_text
    assert "worked from home, or at home, in the week before their interview" in help_text
    assert "'% that ever work at home'" in help_text  # the region table's heading, as printed
    assert explore.column_help(COUNCILS, "period_start").startswith("Start of the span drawn")
    assert explore.column_help(COUNCILS, "organisation")  # undescribed columns still say something


def test_options_follow_the_chosen_breakdowns(hw):
    from lib.selections import BREAKDOWN, CATEGORY, Tables

    tables = Tables(explore.combine(HOMEWORKING, hw), hw)
    assert CATEGORY.choices(tables, {"breakdown": ["all"]}) == ["All in employment"]
    assert len(CATEGORY.choices(tables, {"breakdown": ["age"]})) == 12
    assert BREAKDOWN.choices(tables) == ["all", "sector", "age", "region", "occupation"]
    assert CATEGORY.choices(tables)[:3] == [
        "All in employment",
        "Information and communication",
        "Professional, scientific and technical",
    ]


# ---- the chart's words and marks -----------------------------------------------------------


def test_takeaway_names_the_leading_sector(hw):
    rows = view(explore.combine(HOMEWORKING, hw), groups=("sector",))
    assert explore.bars_takeaway(rows, "sector", ("week_prior", "ever")) == (
        "Information and communication had the highest share who worked from home in the week before interview "
        "in 2019: 32.8%"
    )
    occupations = view(explore.combine(HOMEWORKING, hw), groups=("occupation",))
    assert explore.bars_takeaway(occupations, "occupation", ("week_prior", "ever")).startswith(
        "Chief executives and senior officials had the highest share who ever worked from home in 2019: 69.0%"
    )


def test_takeaway_with_uploads_counts_where_they_are_above_2019(hw, mine):
    rows = view(explore.combine(HOMEWORKING, hw, mine), groups=("region",))
    assert explore.bars_takeaway(rows, "region", ("week_prior", "ever")) == (
        "Your figure (Our staff survey 2021) for Yorkshire & Humber is above its 2019 figure on the share who worked "
        "from home in the week before interview (derived)"
    )
    wales = mine.assign(category="Wales", percent=[5.0, 20.0, 30.0], code=None, official_name=None)[:1]
    rows = view(explore.combine(HOMEWORKING, hw, pd.concat([mine, wales])), groups=("region",))
    assert explore.bars_takeaway(rows, "region", ("week_prior", "ever")) == (  # Wales 2019: 10.0%
        "Your figures (Our staff survey 2021) are above the 2019 figure for 1 of 2 regions and nations on the share "
        "who worked from home in the week before interview (derived)"
    )


def test_percent_bands_count_every_figure_once():
    rows = pd.DataFrame(
        {
            "source": "S",
            "measure": "ever",
            "percent": [0.0, 4.9, 5.0, 99.9, 100.0, np.nan],
        }
    )
    bands = explore.percent_bands(rows)
    assert bands[["band_from", "band_to", "figures"]].values.tolist() == [[0, 5, 2], [5, 10, 1], [95, 100, 2]]
    assert explore.distribution_takeaway(bands) == (
        "The most common ever share in this view is 0–5%: 2 of 5 figures (derived)"
    )


def test_a_million_rows_chart_as_at_most_twenty_bands_per_source_and_measure(hw):
    n = 1_000_000
    rng = np.random.default_rng(6)
    big = pd.DataFrame(
        {
            "breakdown": "sector",
            "category": np.repeat([f"Team {i}" for i in range(n // 2)], 2),
            "measure": ["week_prior", "ever"] * (n // 2),
            "percent": rng.uniform(0, 100, n).round(1),
            "source": "Big survey",
        }
    )
    rows = pd.concat([hw[hw["breakdown"] == "sector"], big], ignore_index=True)
    fig = charts.distribution_chart(rows, charts.Words("t", "s"))
    assert len(fig.data) == 4  # ONS and the upload, on two measures
    assert all(len(trace.x) <= 20 for trace in fig.data)
    assert sum(sum(trace.y) for trace in fig.data) == n + 20
    mine = [t for t in fig.data if t.name == "Your data: Big survey"]
    assert mine and all(t.marker.color == charts.UPLOADED and t.marker.pattern.shape == "/" for t in mine)
    source_line = [a.text for a in fig.layout.annotations][-1].replace("<br>", " ")
    assert "Your data: Big survey (uploaded, this session only)" in source_line


def test_uploaded_names_are_escaped_in_chart_text(hw):
    rows = pd.DataFrame(
        {"source": "<b>Mine</b>", "measure": "ever", "percent": [10.0], "category": "x", "breakdown": "sector"}
    )
    fig = charts.distribution_chart(rows, charts.Words("t", "s"))
    assert fig.data[0].name == "Your data: &lt;b&gt;Mine&lt;/b&gt;"
    assert "<b>Mine</b>" in explore.chart_source(rows)  # the source line is text; the chart escapes it, once
    source_line = [a.text for a in fig.layout.annotations][-1]
    assert "&lt;b&gt;Mine&lt;/b&gt;" in source_line and "&amp;lt;" not in source_line


def test_council_chart_draws_the_most_common_unit_in_the_source_words(councils):
    assert explore.council_unit(councils) == "staff"
    assert explore.council_unit(councils, ("users",)) == "users"
    assert explore.council_takeaway(councils, "staff") == (
        "Welsh Government (vendor claim) has the largest figure in staff: 6,000 council staff given Microsoft Teams"
    )
    fig = charts.council_chart(councils, "staff", charts.Words("t", "s"))
    bars = fig.data[0]
    assert dict(zip(bars.y, bars.text, strict=True))["norfolk-working-from-home"] == "more than 5,000"
    assert sorted(bars.x) == [1000, 3000, 3500, 4000, 5000, 5000, 5000, 6000]  # the eight figures counted in staff
    assert "Welsh Government (vendor claim): council staff given Microsoft…" in fig.layout.yaxis.ticktext
    words = councils[councils["unit"].isna()]
    assert explore.council_unit(words) is None


def test_distribution_subtitle_says_whose_categories_are_counted(hw, mine):
    rows = view(explore.combine(HOMEWORKING, hw, mine), groups=("region",))
    assert explore.distribution_subtitle(rows, "regions and nations") == (
        "13 regions and nations (12 from the ONS, 2 yours): too many for one bar each, so counted in "
        "5-point bands · number of figures (derived)"
    )
