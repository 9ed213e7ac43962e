"""Comparison arithmetic with real figures from the 2019 tables."""

import math

import pytest

from lib import compare
from lib.data import load_homeworking

FIN, PA = "Financial and insurance", "Public administration and defence"


@pytest.fixture(scope="module")
def hw():
    return load_homeworking()


def test_financial_against_public_administration(hw):
    c = compare.compare(hw, "sector", FIN, PA)
    assert c.measures["week_prior"].gap_points == 9.1
    assert c.measures["ever"].gap_points == 9.5
    assert round(c.measures["week_prior"].ratio, 2) == 1.66
    assert round(c.measures["ever"].ratio, 2) == 1.32
    assert c.headline() == (
        "Financial and insurance staff were 1.7× as likely as public administration and defence staff "
        "to have worked from home in the week before interview"
    )
    sentence = c.sentence()
    for fragment in ("22.8%", "13.7%", "+9.1 points", "1.7×", "38.9%", "29.4%", "+9.5 points", "3rd of 10"):
        assert fragment in sentence


def test_information_and_communication_ranks_first_on_both(hw):
    for measure in ("week_prior", "ever"):
        assert compare.rank_of(hw, "sector", "Information and communication", measure) == (1, 10)
    assert compare.rank_of(hw, "sector", "Transport and storage", "ever") == (10, 10)


def test_seventy_and_over_has_highest_week_before_share_of_any_age_band(hw):
    assert compare.top(hw, "age", "week_prior") == ("70 and over", 24.7)
    assert compare.rank_of(hw, "age", "70 and over", "week_prior") == (1, 12)


def test_regularity_is_week_over_ever(hw):
    c = compare.compare(hw, "sector", FIN, PA)
    assert c.yours_regularity == pytest.approx(22.8 / 38.9 * 100)
    assert c.benchmark_regularity == pytest.approx(13.7 / 29.4 * 100)
    assert compare.regularity(12.4, 26.7) == pytest.approx(46.44, abs=0.01)


def test_lower_category_is_turned_round_in_words(hw):
    c = compare.compare(hw, "sector", "Health and social work", "All in employment", "all")
    assert c.measures["week_prior"].gap_points == -4.4
    assert c.headline().startswith("Health and social work staff were less likely than all workers in the UK")
    assert c.headline().endswith("(8.0% against 12.4%)")
    assert "−4.4 points" in c.sentence()


def test_missing_figure_is_never_compared_as_zero(hw):
    c = compare.compare(hw, "occupation", "Media professionals", "Legal professionals")
    assert math.isnan(c.measures["week_prior"].gap_points)
    assert math.isnan(c.measures["week_prior"].ratio)
    assert c.measures["ever"].gap_points == 2.0
    assert "no published" in c.headline("week_prior")


def test_group_nouns():
    assert compare.group_noun("age", "16-19 yrs") == "workers aged 16-19"
    assert compare.group_noun("region", "Yorkshire & Humber", "Yorkshire and The Humber") == (
        "workers in Yorkshire and The Humber"
    )
    assert compare.group_noun("region", "North East", "North East") == "workers in the North East"
    assert compare.group_noun("occupation", "IT and telecoms professionals") == "IT and telecoms professionals"


def test_age_caption_is_generated_from_the_figures(hw):
    caption = compare.describe_profile(hw, "age", "week_prior")
    assert caption.startswith("The share who worked from home in the week before interview rises from 1.2% (16-19)")
    assert "to 16.2% (45-49)" in caption  # peaks in the late 40s
    assert "dips to 13.1% (60-64)" in caption
    assert "rises again to 24.7% (70 and over), the highest of any band" in caption
    flat = hw.copy()
    flat.loc[(flat.breakdown == "age") & (flat.measure == "week_prior"), "percent"] = range(1, 13)
    assert compare.describe_profile(flat, "age", "week_prior").endswith("to 12.0% (70 and over).")


@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th")])
def test_ordinal(n, text):
    assert compare.ordinal(n) == text


def test_compare_with_takes_a_category_or_the_uk_option(hw):
    uk = compare.compare_with(hw, "age", "70 and over", compare.UK_OPTION)
    assert (uk.benchmark, uk.benchmark_breakdown) == ("All in employment", "all")
    assert uk.measures["week_prior"].benchmark == 12.4
    band = compare.compare_with(hw, "age", "70 and over", "16-19 yrs")
    assert band.measures["week_prior"].benchmark == 1.2


def test_default_selections_name_real_categories(hw):
    from lib import data, selections

    tables = selections.Tables(hw, data.load_councils())
    for selection in (selections.SECTOR, selections.BENCHMARK, selections.BAND, selections.REGION):
        assert selection.default_value(tables) in selection.choices(tables), selection.key


def test_a_count_of_one_is_singular():
    assert [compare.counted(n, "row") for n in (0, 1, 2, 1234)] == ["0 rows", "1 row", "2 rows", "1,234 rows"]
