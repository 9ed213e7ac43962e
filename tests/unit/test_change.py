"""Your figures against 2019 (lib.compare.changes): points, ratio, the words for up, down and unchanged, a
category with no 2019 figure and a measure only one side has — on the real 2019 figures, with hand-made
later ones."""

import math

import pandas as pd
import pytest

from lib import compare, data

APRIL = "ONS LMS April 2020"


@pytest.fixture(scope="module")
def hw():
    return data.load_homeworking()


def later(*rows, source=APRIL):
    breakdown, category, measure, percent = zip(*rows, strict=True)
    return pd.DataFrame(
        {"breakdown": breakdown, "category": category, "measure": measure, "percent": percent, "source": source}
    )


def test_london_in_april_against_2019_in_points_and_times(hw):
    (london,) = compare.changes(hw, later(("region", "London", "week_prior", 57.2)))
    assert (london.before, london.after) == (18.1, 57.2)  # 18.1: printed on the source's region table
    assert london.points == 39.1 and london.ratio == pytest.approx(57.2 / 18.1)
    assert london.direction == "up"
    assert london.sentence() == (
        "London: 57.2% worked from home in the week before interview (your figures: ONS LMS April 2020), "
        "against 18.1% in 2019: up 39.1 points, 3.2× as many (derived)"
    )


def test_down_and_unchanged_in_words(hw):
    down, same = compare.changes(
        hw, later(("sector", "Education", "ever", 30.0), ("sector", "Manufacturing", "week_prior", 9.3))
    )
    assert down.direction == "down" and down.points == -8.3  # 30.0 against 38.3
    assert down.movement() == f"down 8.3 points, {(1 - 30.0 / 38.3) * 100:.0f}% fewer (derived)"
    assert same.direction == "unchanged" and same.movement() == "unchanged (derived)"


def test_a_category_with_no_2019_figure_is_yours_with_nothing_to_compare(hw):
    (ours,) = compare.changes(hw, later(("sector", "Our council", "week_prior", 71.0)))
    assert math.isnan(ours.before) and not ours.comparable and ours.direction == ""
    assert ours.sentence().endswith("the 2019 tables have no such figure to compare it with")


def test_a_measure_only_one_side_has(hw):
    (week,) = compare.changes(hw, later(("occupation", "Media professionals", "week_prior", 40.0)))
    assert not week.comparable  # the source publishes only 'ever' for occupations
    (ever,) = compare.changes(hw, later(("occupation", "Media professionals", "ever", 70.0)))
    assert ever.before == 58 and ever.points == 12.0


def test_order_and_the_lead(hw):
    found = compare.changes(
        hw,
        later(
            ("region", "Wales", "ever", 40.0),
            ("region", "London", "week_prior", 57.2),
            ("region", "Wales", "week_prior", 20.0),
        ),
    )
    assert [(c.category, c.measure) for c in found] == [
        ("Wales", "week_prior"),
        ("Wales", "ever"),
        ("London", "week_prior"),
    ]
    assert compare.headline_change(found, "Wales").measure == "week_prior"
    assert compare.headline_change(found, "Scotland") is None
    assert compare.changes_summary(found, "regions") == (
        "Your figures (ONS LMS April 2020) are up on 3 of the 3 figures with a 2019 figure (derived)"
    )


def test_no_uploads_no_changes(hw):
    assert compare.changes(hw, None) == []
