"""The councils' charts as lists for a phone: every figure once, in the chart's order, in the source's words."""

from __future__ import annotations

import pytest

from lib import council_lists, councils
from lib.data import load_councils


@pytest.fixture(scope="module")
def figures():
    return load_councils()


def test_the_timeline_as_a_list_holds_every_figure_in_its_lanes_order(figures):
    items = councils.timeline_items(figures)
    groups = council_lists.timeline_list(items, "Norfolk County Council")
    instruction, *lanes = groups
    assert instruction[0] == "Prime Minister, 23 March 2020"
    assert [heading.removesuffix(" (yours)") for heading, _ in lanes] == councils.organisation_order(items)
    assert lanes[0][0] == "Norfolk County Council (yours)"
    rollout = items[items["panel"] != "context"]
    assert sum(len(lines) for _, lines in lanes) == len(rollout)  # every figure, once
    norfolk = lanes[0][1]
    assert norfolk[0].startswith("before the pandemic:")  # time order: before, dated, then undated
    assert norfolk[1].startswith("February 2020 (year inferred): staff working from home on a single day")
    assert norfolk[-1].startswith("spring 2020 (not dated)")
    welsh = dict(lanes)["Welsh Government"]
    assert welsh[0].endswith("6,000 (vendor claim)")


def test_how_many_and_how_fast_as_a_list_fastest_first_silences_in_words(figures):
    rows = councils.scale_and_speed_rows(figures)
    groups = council_lists.speed_list(rows)
    assert groups[0][0] == "Welsh Government"
    assert groups[0][1] == [
        "council staff given Microsoft Teams: 6,000 staff · within a week · at least 857 staff a day (derived) "
        "(vendor claim)"
    ]
    assert sum(len(lines) for _, lines in groups) == len(rows)
    lines = [line for _, group in groups for line in group]
    assert any("no time given" in line for line in lines) and any("no count given" in line for line in lines)
