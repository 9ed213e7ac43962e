"""The councils timeline: one lane per organisation, dates no more precise than the source gives them.

Periods are spans, "by" is an end marker, and undated or before-the-pandemic figures sit in side panels of
their own, never on a day the source does not give. `highlight` (the presenter's organisation) is drawn in the
"yours" colour and named "(yours)"."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib import councils as cl
from lib.charts.lanes import (
    COLUMN_WIDTHS,
    SIDE_MARK_AT,
    SPACING,
    TimelineLayout,
    lane_name,
    lanes_in_frame,
    more_on_the_page,
    panel_widths,
    row_px,
    timeline_layout,
)
from lib.charts.layout import (
    Words,
    add_marks,
    axis,
    category_axis,
    finish_layout,
    set_axes,
    style_panel_titles,
    wrap,
)
from lib.charts.sizing import chars_in
from lib.charts.theme import (
    GRID,
    HIGHLIGHT_BAND,
    LABEL_GROUND,
    LANE_LINE,
    NORMAL,
    OTHER,
    REFERENCE,
    SIDE_PANEL,
    TEXT,
    YOURS,
    Theme,
)
from lib.data import source_note

COUNCIL_SOURCE = "council_rollout_2020"


def organisation_role(organisation: str, highlight: str | None) -> str:
    return "yours" if organisation == highlight else "other"


def organisation_colour(organisation: str, highlight: str | None) -> str:
    return YOURS if organisation == highlight else OTHER


def rollout_timeline(
    items: pd.DataFrame, words: Words, *, highlight: str | None = None, undated: int = 0, theme: Theme = NORMAL
) -> go.Figure:
    """One lane per organisation: before-the-pandemic figures, dated figures, and undated ones side by side.

    `items` comes from `lib.councils.timeline_items`. Hover text carries the source's
    own words for the date, never the axis value, so no day is shown that the source
    does not give. The national instruction is a line across every lane. `undated` counts the organisations the
    caller left out for having no date (a slide or a print keeps the dated lanes): the subtitle names them.
    """
    words = replace(words, source=words.source or source_note(COUNCIL_SOURCE))
    if theme.height is not None and not theme.grow:
        titles = _panel_titles(timeline_layout(items, theme, highlight), theme)
        top_extra = theme.axis_title_size * (max(t.count("<br>") for t in titles) + 1)
        items, words = lanes_in_frame(items, words, highlight, theme, top_extra=top_extra, undated=undated)
    else:
        words = replace(words, subtitle=words.subtitle + more_on_the_page(undated, 0))
    rollout = items[items["panel"] != "context"]
    layout = timeline_layout(items, theme, highlight)
    titles = _panel_titles(layout, theme)
    fig = _timeline_panels(titles)
    labels = _dated_marks(fig, rollout[rollout["panel"] == cl.DATED], layout, highlight, theme)
    labels += _side_marks(fig, rollout, layout, highlight, theme)
    instruction = [_instruction_line(row, layout, theme) for row in items[items["panel"] == "context"].itertuples()]
    _timeline_axes(fig, layout, theme)
    style_panel_titles(fig, theme)
    return finish_layout(
        fig,
        words,
        theme,
        height=theme.base_height + row_px(theme) * int(layout.total_rows + layout.context_rows + 1),
        left=layout.margin,
        top_extra=theme.axis_title_size * (max(t.count("<br>") for t in titles) + 1),
        annotations=labels + [words for _, words in instruction],
        shapes=_lane_shapes(layout, highlight) + [line for line, _ in instruction],
    )


def _panel_titles(layout: TimelineLayout, theme: Theme) -> list[str]:
    """The panels' titles, each wrapped to its panel's width."""
    words = [
        "Before the pandemic",
        f"{layout.first:%B} to {(layout.last - pd.Timedelta(days=1)):%B %Y}",
        "No date given",
    ]
    widths = panel_widths(theme, layout.margin)
    return [
        f"<b>{wrap(w, chars_in(px, theme.axis_title_size, bold=True))}</b>" for w, px in zip(words, widths, strict=True)
    ]


WHOLE_PANEL = dict(x0=0, x1=1, y0=0, y1=1)  # a shape's corners in its panel's domain


def _timeline_panels(titles: list[str]) -> go.Figure:
    """Three panels on one set of lanes: before the pandemic, the months with dates, no date given."""
    fig = make_subplots(
        rows=1,
        cols=3,
        shared_yaxes=True,
        column_widths=list(COLUMN_WIDTHS),
        horizontal_spacing=SPACING,
        subplot_titles=titles,
    )
    side_grounds = [
        dict(
            type="rect",
            xref=f"{axis('x', col)} domain",
            yref=f"{axis('y', col)} domain",
            **WHOLE_PANEL,
            fillcolor=SIDE_PANEL,
            line_width=0,
            layer="below",
        )
        for col in (1, 3)
    ]
    add_marks(fig, shapes=side_grounds)
    return fig


def _lane_shapes(layout: TimelineLayout, highlight: str | None) -> list[dict]:
    """A faint band behind the presenter's own lane, and a rule between lanes."""
    shapes = []
    for organisation, top, height in layout.lanes:
        edge = dict(type="line", xref="paper", yref="y", x0=0, x1=1, layer="below")
        if organisation == highlight:
            band = dict(type="rect", fillcolor=HIGHLIGHT_BAND, line_width=0, y0=top - 0.5, y1=top + height - 0.5)
            shapes.append({**edge, **band})
        if top > 0:
            shapes.append({**edge, "y0": top - 0.5, "y1": top - 0.5, "line": dict(color=LANE_LINE, width=1)})
    return shapes


def _dated_marks(
    fig: go.Figure, dated: pd.DataFrame, layout: TimelineLayout, highlight: str | None, theme: Theme
) -> list[dict]:
    """Bars for the periods the source gives, ◀ for 'done by' dates; returns their labels."""
    spans = dated[dated["draw_from"].notna()]
    if len(spans):
        fig.add_bar(
            base=[d.isoformat() for d in spans["draw_from"]],
            x=[
                (to - start).total_seconds() * 1000
                for start, to in zip(spans["draw_from"], spans["draw_to"], strict=True)
            ],
            y=[layout.row_of[i] for i in spans["id"]],
            orientation="h",
            width=0.6,
            marker=dict(color=[organisation_colour(o, highlight) for o in spans["organisation"]], line_width=0),
            customdata=spans["hover"].tolist(),
            hovertemplate="%{customdata}<extra></extra>",
            name="period the source gives",
            row=1,
            col=2,
        )
    ends_only = dated[dated["draw_from"].isna()]
    if len(ends_only):
        fig.add_scatter(
            x=[d.isoformat() for d in ends_only["draw_to"]],
            y=[layout.row_of[i] for i in ends_only["id"]],
            mode="markers",
            marker=dict(
                symbol="triangle-left",
                size=theme.marker_size * 1.5,
                color=[organisation_colour(o, highlight) for o in ends_only["organisation"]],
                line=dict(width=1, color=TEXT),
            ),
            customdata=ends_only["hover"].tolist(),
            hovertemplate="%{customdata}<extra></extra>",
            name="done by this date",
            row=1,
            col=2,
        )
    labels = []
    for row in dated.itertuples():
        left = layout.label_goes_left(row.id)
        at = (row.draw_from if pd.notna(row.draw_from) else row.draw_to) if left else row.draw_to
        text = layout.labels[row.id]
        labels.append(_label(at.isoformat(), layout.row_of[row.id], text, theme, col=2, left=left))
    return labels


def _side_marks(
    fig: go.Figure, rollout: pd.DataFrame, layout: TimelineLayout, highlight: str | None, theme: Theme
) -> list[dict]:
    """Squares for 'before the pandemic', circles for 'no date given', each in its own panel; their labels."""
    labels = []
    for col, panel, symbol in ((1, cl.BEFORE, "square"), (3, cl.UNDATED, "circle")):
        part = rollout[rollout["panel"] == panel]
        if part.empty:
            continue
        fig.add_scatter(
            x=[SIDE_MARK_AT] * len(part),
            y=[layout.row_of[i] for i in part["id"]],
            mode="markers",
            marker=dict(
                symbol=symbol,
                size=theme.marker_size * 1.2,
                color=[organisation_colour(o, highlight) for o in part["organisation"]],
            ),
            customdata=part["hover"].tolist(),
            hovertemplate="%{customdata}<extra></extra>",
            name=panel,
            row=1,
            col=col,
        )
        labels += [
            _label(SIDE_MARK_AT, layout.row_of[row.id], layout.labels[row.id], theme, col=col, left=False)
            for row in part.itertuples()
        ]
    return labels


def _instruction_line(row, layout: TimelineLayout, theme: Theme) -> tuple[dict, dict]:
    """The national instruction: a dashed line across every lane, and its words above the first."""
    line = dict(
        type="line",
        xref="x2",
        yref="y2 domain",
        x0=row.draw_from.isoformat(),
        x1=row.draw_from.isoformat(),
        y0=0,
        y1=1,
        line=dict(color=REFERENCE, width=theme.line_width, dash="dash"),
    )
    words = dict(
        x=row.draw_from.isoformat(),
        y=-0.6,  # just above the first lane, its lines upward in the rows kept for them
        xref="x2",
        yref="y2",
        text=layout.note,
        hovertext=row.hover,
        xanchor="left",
        yanchor="bottom",
        xshift=6,
        align="left",
        showarrow=False,
        font=dict(size=theme.label_size, color=TEXT),
    )
    return line, words


def _timeline_axes(fig: go.Figure, layout: TimelineLayout, theme: Theme) -> None:
    """The side panels have no axis; the middle one is months (the year is in its title); lanes are named on the
    left."""
    for col in (1, 3):
        set_axes(fig, "x", visible=False, range=[0, 1], fixedrange=True, row=1, col=col)
    axis_words = "2020, by month · bar: the period the source gives · ◀: done by this date, start not given"
    set_axes(
        fig,
        "x",
        type="date",
        range=[layout.first.isoformat(), layout.last.isoformat()],
        dtick="M1",
        tickformat="%b",
        ticklabelmode="period",
        tickfont=dict(size=theme.tick_size),
        gridcolor=GRID,
        title=dict(text=axis_words, font=dict(size=theme.axis_title_size)),
        row=1,
        col=2,
    )
    ticktext = [layout.names[organisation] for organisation, _, _ in layout.lanes]
    lanes = [top + (height - 1) / 2 for _, top, height in layout.lanes]
    rows = [layout.total_rows - 0.5, -layout.context_rows - 0.5]
    category_axis(fig, lanes, ticktext, theme, col=None, range=rows, showgrid=False, zeroline=False, fixedrange=True)


def _label(x, y: float, text: str, theme: Theme, *, col: int, left: bool) -> dict:
    """A figure's words beside its mark, on a white ground so gridlines and the 23 March line don't cut it."""
    return dict(
        x=x,
        y=y,
        xref=axis("x", col),
        yref=axis("y", col),
        text=text,
        align="right" if left else "left",
        xanchor="right" if left else "left",
        xshift=-theme.marker_size if left else theme.marker_size,
        showarrow=False,
        bgcolor=LABEL_GROUND,
        borderpad=1,
        font=dict(size=theme.label_size, color=TEXT),
    )


def row_ticks(rows: pd.DataFrame, highlight: str | None, width: int) -> list[str]:
    """'Organisation: what was counted', each wrapped to `width`; the presenter's own in bold, '(yours)'; vendor
    claims marked."""
    ticks = []
    for organisation, measure, claimant in zip(rows["organisation"], rows["measure"], rows["claimant"], strict=True):
        name = cl.marked(lane_name(organisation, highlight, width), claimant)
        ticks.append(name + "<br>" + wrap(measure, width))
    return ticks
