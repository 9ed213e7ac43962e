"""The chart vocabulary: one palette, highlighted roles, takeaway titles, units, source lines."""

import math

import pytest

from lib import charts, compare
from lib.charts import theme
from lib.charts.theme import WHITE
from lib.data import load_homeworking


@pytest.fixture(scope="module")
def hw():
    return load_homeworking()


def sector_bars(hw, **kw):
    uk = {m: compare.percent_of(hw, *compare.UK, m) for m in ("week_prior", "ever")}
    return charts.category_bars(
        hw[hw.breakdown == "sector"],
        charts.Words("A takeaway", "Homeworking by sector, UK, 2019"),
        yours="Financial and insurance",
        benchmark="Public administration and defence",
        reference=uk,
        **kw,
    )


def test_roles_get_the_palette_colours_and_words(hw):
    fig = sector_bars(hw)
    bars = fig.data[0]
    colours = dict(zip(bars.y, bars.marker.color, strict=False))
    assert colours["Financial and insurance"] == charts.YOURS
    assert colours["Public administration and defence"] == charts.BENCHMARK
    assert colours["Education"] == charts.OTHER
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=False))
    assert ticks["Financial and insurance"] == "<b>Financial and insurance</b> (yours)"
    assert ticks["Public administration and defence"].endswith("(benchmark)")


def test_title_units_source_and_reference_lines(hw):
    fig = sector_bars(hw)
    assert "A takeaway" in fig.layout.title.text
    assert fig.layout.title.subtitle.text == "Homeworking by sector, UK, 2019"
    assert fig.layout.xaxis.ticksuffix == "%" and "%" in fig.layout.xaxis.title.text
    texts = [a.text for a in fig.layout.annotations]
    assert charts.source_note() in texts
    assert "UK 12.4%" in texts and "UK 26.7%" in texts
    assert "22.8%" in texts and "38.9%" in texts  # exact values as labels
    assert "%{x:.1f}%" in fig.data[0].hovertemplate


def test_missing_figure_is_labelled_not_drawn_as_zero(hw):
    occupations = hw[hw.breakdown == "occupation"]
    fig = charts.category_bars(occupations, charts.Words("t", "s"))
    week = fig.data[0]
    assert all(x is None for x in week.x)
    assert "not published" in [a.text for a in fig.layout.annotations]


def test_presentation_theme_only_changes_sizes(hw):
    normal, present = sector_bars(hw), sector_bars(hw, theme=charts.PRESENT)
    assert present.layout.title.font.size >= 28 > normal.layout.title.font.size
    assert present.layout.yaxis.tickfont.size >= 18
    assert [b.marker.color for b in present.data] == [b.marker.color for b in normal.data]


def test_print_theme_leaves_the_words_to_the_page_and_keeps_no_room_for_them(hw):
    normal, printed = sector_bars(hw), sector_bars(hw, theme=charts.PRINT)
    assert not printed.layout.title.text and not printed.layout.title.subtitle.text
    assert charts.source_note() not in [a.text for a in printed.layout.annotations]
    assert dict(printed.layout.meta) == {
        "title": "A takeaway",
        "subtitle": "Homeworking by sector, UK, 2019",
        "source": charts.source_note(),
    }  # the brief prints them as text
    assert printed.layout.margin.t < normal.layout.margin.t * charts.PRINT.tick_size / charts.NORMAL.tick_size
    assert printed.layout.uniformtext.minsize == 8 and normal.layout.uniformtext.minsize is None
    assert [b.marker.color for b in printed.data] == [b.marker.color for b in normal.data]
    assert "22.8%" in [a.text for a in printed.layout.annotations]  # the figures stay on the chart


def test_themes_come_from_their_style_sheet_and_a_wrong_setting_fails_there():
    normal, present, printed = theme.NORMAL, theme.PRESENT, theme.PRINT
    assert (normal.title_size, present.title_size, printed.title_size) == (20, 34, 11)
    assert printed.words_outside and printed.min_text_size == 8 and not normal.words_outside
    assert normal.shared_row_title_wrap == 56 and present.shared_row_title_wrap == 0  # Theme's default
    for wrong, says in (
        ("[x]\ntitle_siz = 20", "title_siz"),  # misspelt
        ("[x]\ntitle_size = 20.5", "title_size"),  # a size in px or pt is whole
        ("[x]\ncompact = 1", "compact"),  # a switch is true or false
        ("[x]\ntitle_size = true", "title_size"),  # and a number is no switch
    ):
        with pytest.raises(ValueError, match=says):
            theme.read_themes(wrong)


def test_source_line_comes_from_the_datapackage():
    assert charts.source_note() == (
        "Source: ONS Annual Population Survey 2019, via Socitm In Our View issue 19 · Open Government Licence v3.0"
    )


def test_tile_map_places_twelve_regions_with_values(hw):
    fig = charts.tile_map(hw[hw.breakdown == "region"], charts.Words("t", "s"), measure="week_prior", yours="London")
    tiles = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(tiles) == 12
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "LON ●</b><br>18.1%" in texts and "NI</b><br>7.7%" in texts
    assert any(s.line.color == charts.YOURS for s in tiles)


def test_profile_chart_highlights_bands(hw):
    fig = charts.profile_chart(hw[hw.breakdown == "age"], charts.Words("t", "s"), highlight=("70 and over",))
    highlighted = [t for t in fig.data if t.name == "70 and over"]
    assert [t.marker.color for t in highlighted] == [charts.YOURS, charts.YOURS]
    assert not any(math.isnan(y) for t in fig.data for y in t.y if y is not None)


def test_a_page_chart_has_no_mode_bar_and_only_a_camera_without_chromium():
    assert charts.chart_config("sectors")["displayModeBar"] is False  # seven Tab stops a chart, gone
    camera = charts.chart_config("sectors", camera=True)
    assert camera["modeBarButtons"] == [["toImage"]] and camera["toImageButtonOptions"]["filename"] == "sectors"


def test_uploaded_rows_are_drawn_beside_hatched_and_named(hw):
    import pandas as pd

    user = pd.DataFrame(
        {
            "category": ["Education", "Education", "Local <b>government</b>"],
            "measure": ["week_prior", "ever", "ever"],
            "percent": [40.0, 60.0, 80.0],
            "source": "Our staff survey 2021",
        }
    )
    fig = sector_bars(hw, user_rows=user)
    mine = [t for t in fig.data if t.name == "Your data: Our staff survey 2021"]
    assert len(mine) == 2 and all(
        t.marker.color == charts.UPLOADED and t.marker.pattern.shape == "/" and t.marker.pattern.fillmode == "overlay"
        for t in mine
    )
    week = dict(zip(mine[0].y, mine[0].x, strict=True))
    assert week["Education"] == 40.0 and week["Information and communication"] is None
    ticks = list(fig.layout.yaxis.ticktext)
    assert "Local &lt;b&gt;government&lt;/b&gt; (your data only)" in ticks
    ons = [t for t in fig.data if t.name == "ONS 2019"]
    assert dict(zip(ons[0].y, ons[0].x, strict=True))["Education"] == 12.8  # the baseline is unchanged
    assert fig.layout.showlegend


def test_beside_uploaded_bars_each_figure_is_labelled_at_its_own_bar_on_a_ground_under_every_figure(hw):
    import pandas as pd

    user = pd.DataFrame(
        {
            "category": ["Education", "Local government"],
            "measure": ["week_prior", "week_prior"],
            "percent": [40.0, 38.0],
            "source": "Our staff survey 2021",
        }
    )
    fig = sector_bars(hw, user_rows=user)
    assert "not published" not in [a.text for a in fig.layout.annotations]  # your own category is no ONS gap
    cats = list(fig.data[0].y)
    shown = [a for a in fig.layout.annotations if a.xref == "x" and a.text in ("12.8%", "40.0%")]
    grounds, figures = shown[: len(shown) // 2], shown[len(shown) // 2 :]
    assert [a.text for a in figures] == ["12.8%", "40.0%"] and all(a.bgcolor is None for a in figures)
    assert all(a.bgcolor == WHITE and a.font.color == "rgba(0,0,0,0)" for a in grounds)
    ons, mine = (a.y - cats.index("Education") for a in figures)
    band = 1 - charts.NORMAL.bar_gap  # two bars share the band: the source's below, yours above
    assert ons == pytest.approx(-band / 4) and mine == pytest.approx(band / 4)
    # A figure only one source gives is centred in its band, its label with it, not beside an empty slot.
    yours_only = next(a for a in fig.layout.annotations if a.xref == "x" and a.text == "38.0%")
    assert yours_only.y == pytest.approx(cats.index("Local government"))
    centre = {  # each bar's middle, from where Plotly is told to draw it (offset: its lower edge; width)
        (trace.name, category): offset + trace.width / 2
        for trace in fig.data[:2]
        for category, offset, value in zip(trace.y, trace.offset, trace.x, strict=True)
        if value is not None
    }
    assert centre["ONS 2019", "Information and communication"] == pytest.approx(0)
    assert centre["Your data: Our staff survey 2021", "Local government"] == pytest.approx(0)
    assert centre["ONS 2019", "Education"] == pytest.approx(-band / 4)
    assert not any(t.text for t in fig.data)  # no figure drawn as bar text, which the UK line would run through


def test_set_axes_sets_one_panels_axis_and_keeps_what_the_panels_gave_it():
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, shared_yaxes=True)
    domain = fig.layout.xaxis2.domain
    charts.set_axes(fig, "x", row=1, col=2, range=[0, 50], title=dict(text="Days"))
    charts.set_axes(fig, "y", tickvals=[1, 2])
    assert fig.layout.xaxis2.range == (0, 50) and fig.layout.xaxis2.title.text == "Days"
    assert fig.layout.xaxis2.domain == domain and fig.layout.xaxis2.anchor == "y2"
    assert fig.layout.xaxis.range is None  # the other panel is left as it was
    assert fig.layout.yaxis.tickvals == (1, 2) and fig.layout.yaxis2.tickvals == (1, 2)  # no panel given: all


def test_panel_titles_fit_their_panels_in_the_wide_layouts_narrowest_column(hw):
    """The wide layout (no frame) serves every column from WIDE px up: at its narrowest, next to the sectors' long
    names, each panel's title must fit over its panel, not run into the next one's."""
    from lib.charts.sizing import WIDE, text_px

    fig = sector_bars(hw)
    plot = WIDE - fig.layout.margin.l - fig.layout.margin.r
    for axis in (fig.layout.xaxis, fig.layout.xaxis2):
        title = next(
            a.text
            for a in fig.layout.annotations
            if a.xref == "paper" and a.text and "<b>" in a.text and abs(a.x - sum(axis.domain) / 2) < 0.01
        )
        longest = max(title.replace("<b>", "").replace("</b>", "").split("<br>"), key=len)
        assert text_px(longest, charts.NORMAL.axis_title_size, bold=True) <= plot * (axis.domain[1] - axis.domain[0])


@pytest.mark.parametrize("theme", [charts.NORMAL, charts.for_size(charts.PRINT, 500)], ids=["wide layout", "brief"])
def test_panels_leave_room_between_one_panels_last_tick_and_the_next_ones_first(hw, theme):
    """'60%' ending one panel and '0%' starting the next ran together in a printed brief."""
    from lib.charts.sizing import WIDE, text_px

    fig = sector_bars(hw, theme=theme)
    plot = (theme.width or WIDE) - fig.layout.margin.l - fig.layout.margin.r
    gap = (fig.layout.xaxis2.domain[0] - fig.layout.xaxis.domain[1]) * plot
    assert gap >= text_px("60%", theme.tick_size) / 2 + text_px("0%", theme.tick_size) / 2 + theme.tick_size
