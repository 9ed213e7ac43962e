"""Charts drawn for their frame: the theme a frame's size gives, stacked panels and names above bars where it is
narrow, and a fixed frame met by giving up spare room and type, never by squeezing rows onto each other.

Whether any text then overprints is measured in a browser (tests/browser/test_drawn_charts.py); these check the
layout itself."""

from __future__ import annotations

import pytest

from lib import views
from lib.charts import NORMAL, PRESENT, fit, for_size
from lib.charts.sizing import SCREEN_STEP, WIDE, chars_in, screen_width
from lib.data import load_councils, load_homeworking
from lib.selections import Tables


@pytest.fixture(scope="module")
def tables() -> Tables:
    return Tables(load_homeworking(), load_councils())


def sectors_chart(tables):
    return views.for_query("overview", tables, {}).main


def test_a_narrow_frame_stacks_and_wraps_a_wide_one_keeps_the_themes_own_widths():
    phone, laptop = for_size(NORMAL, 340), for_size(NORMAL, 1280)
    assert phone.stacked and not laptop.stacked and not NORMAL.stacked
    assert phone.title_wrap < laptop.title_wrap == NORMAL.title_wrap  # the theme's own choice where it fits
    assert chars_in(340 - 52, phone.title_size, bold=True) == phone.title_wrap
    assert phone.tick_size <= NORMAL.tick_size and phone.row_height >= NORMAL.row_height  # names above the bars
    assert for_size(NORMAL, 1280, 720).compact and not laptop.compact  # a fixed frame draws the rows that matter


@pytest.mark.parametrize(
    ("column", "drawn_for"),
    [(358, 320), (390, 360), (564, 560), (819, 800), (WIDE, None), (1460, None), (100, 280)],
)
def test_a_pages_charts_are_drawn_for_its_column_in_a_few_steps(column, drawn_for):
    assert screen_width(column) == drawn_for
    if drawn_for is not None:
        assert drawn_for % SCREEN_STEP == 0 and drawn_for <= max(column, 280)


def test_stacked_panels_each_take_the_width_and_names_sit_above_the_bars(tables):
    fig = sectors_chart(tables).figure(for_size(NORMAL, 340))
    top, bottom = fig.layout.yaxis.domain, fig.layout.yaxis2.domain
    assert fig.layout.xaxis.domain == fig.layout.xaxis2.domain == (0.0, 1.0)  # both panels the whole width
    assert bottom[1] < top[0]  # one under the other, a gap between
    assert fig.layout.yaxis.showticklabels is False and fig.layout.margin.l <= 16
    names = [a for a in fig.layout.annotations if a.xref == "x domain" and a.yanchor == "bottom" and a.x == 0]
    assert len(names) == 10 and any("Public administration and defence" in a.text for a in names)
    assert fig.layout.dragmode is False  # a finger scrolls the page


def test_side_by_side_panels_name_the_categories_on_the_shared_axis(tables):
    fig = sectors_chart(tables).figure(for_size(NORMAL, 1280))
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]
    assert len(fig.layout.yaxis.ticktext) == 10


def test_a_fixed_frame_is_filled_exactly(tables):
    for width, height in ((1920, 1080), (1280, 720)):
        assert sectors_chart(tables).figure(for_size(PRESENT, width, height)).layout.height == height


def test_a_chart_taller_than_its_frame_gives_up_spare_room_before_type(tables):
    """Twelve regions at slide size would be 1,200 px tall: the rows give up their spare room and the type stays."""
    chart = views.for_query("regions", tables, {}).chart("regions-bars")
    theme = for_size(PRESENT, 1920, 1080)
    loose = chart.figure(for_size(PRESENT, 1920))
    fitted = chart.figure(theme)
    assert loose.layout.height > 1080 == fitted.layout.height
    assert fitted.layout.yaxis.tickfont.size == theme.tick_size


def test_a_growing_frame_takes_the_charts_height_rather_than_squeeze_it(tables):
    speed = views.for_query("councils", tables, {}).chart("councils-speed")
    image = speed.figure(for_size(NORMAL, 1280, 720, grow=True))
    slide_like = speed.figure(for_size(NORMAL, 1280, 720))
    assert image.layout.height > 720 and slide_like.layout.height == 720
    assert image.layout.yaxis.tickfont.size >= 0.9 * NORMAL.tick_size


def test_fit_draws_once_where_nothing_is_fixed():
    calls = []
    fit(lambda theme: calls.append(theme) or None, NORMAL)
    assert calls == [NORMAL]
