"""The benchmarks' pure helpers: percentiles, section markers in the shared results file, page discovery.

No timing is asserted here: the benchmarks measure, these tests only check the arithmetic and the bookkeeping.
"""

import math

import pytest

from benchmarks import stats
from benchmarks.discover import ROOT, pages, url_modes, views
from benchmarks.profiling import owner
from benchmarks.results import TITLE, replace_section

TWENTY = [float(n) for n in range(1, 21)]  # 1 … 20


def test_p95_of_twenty_is_the_nineteenth_value_never_an_interpolation():
    assert stats.p95(TWENTY) == 19.0
    assert stats.p95([*TWENTY, 21.0]) == 20.0  # ceil(0.95 × 21) = 20th
    assert stats.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert stats.percentile([5.0], 95) == 5.0


def test_median_of_even_count_is_the_mean_of_the_middle_two():
    assert stats.median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_nothing_measured_is_nan_not_zero():
    assert math.isnan(stats.median([]))
    assert math.isnan(stats.p95([]))
    assert math.isnan(stats.ratio(1.0, 0.0))
    assert stats.verdict(stats.at_most(math.nan, 1.0)) == "not measured"


def test_percentile_outside_zero_to_hundred_is_refused():
    with pytest.raises(ValueError):
        stats.percentile(TWENTY, 0)
    with pytest.raises(ValueError):
        stats.percentile(TWENTY, 101)


def test_targets_and_formats():
    assert stats.verdict(stats.at_most(0.15, 0.15)) == "met"
    assert stats.verdict(stats.at_most(0.151, 0.15)) == "**missed**"
    assert stats.millis(0.0042) == "4.2 ms"
    assert stats.millis(0.1504) == "150 ms"
    assert stats.times(stats.ratio(1.3, 1.0)) == "1.30×"


SHARED = (
    "# Benchmarks\n\nIntro a colleague wrote.\n\n"
    "<!-- upload:start -->\nupload figures\n<!-- upload:end -->\n\n"
    "<!-- coldstart:start -->\nold cold start\n<!-- coldstart:end -->\n\nTrailing notes.\n"
)


def test_replacing_a_section_keeps_every_character_outside_its_markers():
    updated = replace_section(SHARED, "coldstart", "new cold start\n")
    assert updated == SHARED.replace("old cold start", "new cold start")


def test_a_missing_section_is_appended_and_a_missing_file_gets_a_title():
    appended = replace_section(SHARED, "meeting", "meeting figures")
    assert appended.startswith(SHARED.rstrip())
    assert appended.endswith("<!-- meeting:start -->\nmeeting figures\n<!-- meeting:end -->\n")
    assert replace_section("", "exports", "x") == f"{TITLE}\n<!-- exports:start -->\nx\n<!-- exports:end -->\n"


def test_a_start_marker_without_its_end_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="no matching"):
        replace_section("<!-- server:start -->\nhalf a section", "server", "x")


def test_section_names_cannot_inject_markup():
    with pytest.raises(ValueError):
        replace_section(SHARED, "x --> <!-- upload", "x")


def test_the_benchmarks_measure_every_page_of_the_records_and_presentation_mode():
    from lib.views import PAGES

    found = {p.path: p for p in views()}
    assert found["/"].title == "Overview" and found["/"].script == "pages/overview.py"
    assert found["/sectors"].title == "Sectors"
    assert [p.script for p in pages()] == [f"pages/{name}.py" for name in PAGES]
    assert all((ROOT / p.script).is_file() for p in pages())
    assert found["/?present=1"].default and url_modes() == ["present=1"]


def test_profile_owner_of_a_frame():
    from benchmarks.discover import ROOT

    assert owner(str(ROOT / "lib" / "charts" / "bars.py")) == "product"
    assert owner(str(ROOT / "benchmarks" / "run.py")) == "other"
    assert owner("/usr/lib/python3/site-packages/_plotly_utils/basevalidators.py") == "plotly"
    assert owner("/usr/lib/python3/site-packages/pandas/core/frame.py") == "pandas"
    assert owner(None) == "other"
