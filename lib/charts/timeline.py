"""The councils timeline: one lane per organisation, dates no more precise than the source gives them.

Periods are spans, "by" is an end marker, and undated or before-the-pandemic figures sit in side panels of
their own, never on a day the source does not give. `highlight` (the presenter's organisation) is drawn in the
"yours" colour and named "(yours)"."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib import councils as cl
from lib.charts.layout import (
    add_marks,
    axis,
    category_axis,
    finish_layout,
    frame_margins,
    label_margin,
    set_axes,
    style_panel_titles,
    tick_label,
    wrap,
)
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
CONTEXT_ROWS = 2.2  # rows above the first lane that carry the national instruction's label
LABEL_SIDE_SWITCH = 0.62  # past this share of the date axis, a label goes left of its mark
LABEL_WRAP = 28  # characters per line of a figure's label: the side panels are narrow


def organisation_role(organisation: str, highlight: str | None) -> str:
    return "yours" if organisation == highlight else "other"


def organisation_colour(organisation: str, highlight: str | None) -> str:
    return YOURS if organisation == highlight else OTHER


@dataclass(frozen=True)
class TimelineLayout:
    """Where everything on the timeline goes, worked out before any drawing (and tested without Plotly).

    `lanes` are (organisation, top row, rows): lanes stack down the chart, each as tall as its
    busiest panel, a row per line of label; `row_of` is each figure's y (the middle of its rows);
    the date axis runs from the first of the earliest month drawn to the first of the month after
    the latest.
    """

    lanes: list[tuple[str, int, int]]
    row_of: dict[str, float]
    first: pd.Timestamp
    last: pd.Timestamp

    @property
    def total_rows(self) -> int:
        return sum(height for _, _, height in self.lanes)

    def label_goes_left(self, end: pd.Timestamp) -> bool:
        """Past LABEL_SIDE_SWITCH of the date axis, a label goes left of its mark, so it stays on the chart."""
        return (end - self.first).days / (self.last - self.first).days > LABEL_SIDE_SWITCH


def timeline_layout(items: pd.DataFrame) -> TimelineLayout:
    """The layout of `lib.councils.timeline_items`: lanes in the order things happened, rows per label line."""
    rollout = items[items["panel"] != "context"]
    # (organisation, panel) → [(id, label)]: dated figures in date order, the others as the table gives them.
    date_order = rollout["draw_from"].fillna(rollout["draw_to"]).where(rollout["panel"] == cl.DATED)
    ordered = rollout.assign(key=date_order).sort_values("key", kind="stable", na_position="last")
    figures = {
        group: list(zip(part["id"], part["label"], strict=True))
        for group, part in ordered.groupby(["organisation", "panel"], sort=False)
    }
    row_of: dict[str, float] = {}
    lanes = []
    top = 0
    for organisation in cl.organisation_order(items):
        height = 1
        for panel in (cl.BEFORE, cl.DATED, cl.UNDATED):
            offset = 0
            for figure_id, label in figures.get((organisation, panel), []):
                lines = _wrapped(label).count("<br>") + 1
                row_of[figure_id] = top + offset + (lines - 1) / 2
                offset += lines
            height = max(height, offset)
        lanes.append((organisation, top, height))
        top += height
    dated = items[items["panel"].isin([cl.DATED, "context"])]
    earliest = dated["draw_from"].fillna(dated["draw_to"]).min()
    latest = dated["draw_to"].max()
    return TimelineLayout(
        lanes, row_of, earliest.to_period("M").to_timestamp(), (latest.to_period("M") + 1).to_timestamp()
    )


def _wrapped(label: str) -> str:
    return wrap(label, LABEL_WRAP)


def rollout_timeline(
    items: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    highlight: str | None = None,
    source: str | None = None,
    theme: Theme = NORMAL,
) -> go.Figure:
    """One lane per organisation: before-the-pandemic figures, dated figures, and undated ones side by side.

    `items` comes from `lib.councils.timeline_items`. Hover text carries the source's
    own words for the date, never the axis value, so no day is shown that the source
    does not give. The national instruction is a line across every lane.
    """
    source = source or source_note(COUNCIL_SOURCE)
    if theme.height is not None:
        items, subtitle = _lanes_in_frame(items, title, subtitle, source, highlight, theme)
    rollout = items[items["panel"] != "context"]
    layout = timeline_layout(items)
    fig = _timeline_panels(layout)
    labels = _dated_marks(fig, rollout[rollout["panel"] == cl.DATED], layout, highlight, theme)
    labels += _side_marks(fig, rollout, layout, highlight, theme)
    instruction = [_instruction_line(row, theme) for row in items[items["panel"] == "context"].itertuples()]
    ticktext = _timeline_axes(fig, layout, highlight, theme)
    style_panel_titles(fig, theme)
    row_px = int(theme.row_height * 0.8)
    return finish_layout(
        fig,
        title=title,
        subtitle=subtitle,
        source=source,
        theme=theme,
        height=theme.base_height + row_px * int(layout.total_rows + CONTEXT_ROWS + 1),
        left=label_margin(ticktext, theme),
        top_extra=theme.axis_title_size,
        annotations=labels + [words for _, words in instruction],
        shapes=_lane_shapes(layout, highlight) + [line for line, _ in instruction],
    )


def _lanes_in_frame(
    items: pd.DataFrame, title: str, subtitle: str, source: str, highlight: str | None, theme: Theme
) -> tuple[pd.DataFrame, str]:
    """In a frame of fixed height, the lanes that fit with a label line a row at least (in the lanes' order, the
    presenter's own always); the subtitle says how many more the Councils page shows."""
    lanes = timeline_layout(items).lanes
    total = len(lanes)
    kept = lanes
    note = ""
    for _ in range(2):  # the note can take the subtitle onto another line: count again with it
        top, bottom = frame_margins(title, subtitle + note, source, theme, top_extra=theme.axis_title_size)
        rows = int((theme.height - top - bottom) / (theme.label_size * 1.3) - CONTEXT_ROWS)
        own = sum(height for organisation, _, height in lanes if organisation == highlight)
        kept, used = [], own
        for organisation, _, height in lanes:
            if organisation == highlight or not kept or used + height <= rows:
                kept.append((organisation, 0, height))
                used += height if organisation != highlight else 0
        left_out = total - len(kept)
        more = "organisation" if left_out == 1 else "organisations"
        note = f" · {left_out} more {more} on the Councils page" if left_out else ""
    names = {organisation for organisation, _, _ in kept}
    return items[items["organisation"].isin(names) | (items["panel"] == "context")], subtitle + note


def _timeline_panels(layout: TimelineLayout) -> go.Figure:
    """Three panels on one set of lanes: before the pandemic, the months with dates, no date given."""
    fig = make_subplots(
        rows=1,
        cols=3,
        shared_yaxes=True,
        column_widths=[0.18, 0.48, 0.34],
        horizontal_spacing=0.012,
        subplot_titles=[
            "<b>Before the pandemic</b>",
            f"<b>{layout.first:%B} to {(layout.last - pd.Timedelta(days=1)):%B %Y}</b>",
            "<b>No date given</b>",
        ],
    )
    side_grounds = [
        dict(
            type="rect",
            xref=f"{axis('x', col)} domain",
            yref=f"{axis('y', col)} domain",
            x0=0,
            x1=1,
            y0=0,
            y1=1,
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
            customdata=spans["hover"],
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
            customdata=ends_only["hover"],
            hovertemplate="%{customdata}<extra></extra>",
            name="done by this date",
            row=1,
            col=2,
        )
    labels = []
    for row in dated.itertuples():
        left = layout.label_goes_left(row.draw_to)
        at = (row.draw_from if pd.notna(row.draw_from) else row.draw_to) if left else row.draw_to
        labels.append(
            _label(at.isoformat(), layout.row_of[row.id], row.label, theme, col=2, left=left, shift=theme.marker_size)
        )
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
            x=[0.04] * len(part),
            y=[layout.row_of[i] for i in part["id"]],
            mode="markers",
            marker=dict(
                symbol=symbol,
                size=theme.marker_size * 1.2,
                color=[organisation_colour(o, highlight) for o in part["organisation"]],
            ),
            customdata=part["hover"],
            hovertemplate="%{customdata}<extra></extra>",
            name=panel,
            row=1,
            col=col,
        )
        labels += [
            _label(0.04, layout.row_of[row.id], row.label, theme, col=col, left=False, shift=theme.marker_size)
            for row in part.itertuples()
        ]
    return labels


def _instruction_line(row, theme: Theme) -> tuple[dict, dict]:
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
        y=-CONTEXT_ROWS / 2 - 0.3,
        xref="x2",
        yref="y2",
        text=wrap(f"<b>{row.when}</b>: {row.organisation}, {row.measure}", theme.note_wrap),
        hovertext=row.hover,
        xanchor="left",
        xshift=6,
        align="left",
        showarrow=False,
        font=dict(size=theme.label_size, color=TEXT),
    )
    return line, words


def _timeline_axes(fig: go.Figure, layout: TimelineLayout, highlight: str | None, theme: Theme) -> list[str]:
    """The side panels have no axis; the middle one is months; lanes are named on the left. Returns the names."""
    for col in (1, 3):
        set_axes(fig, "x", visible=False, range=[0, 1], fixedrange=True, row=1, col=col)
    set_axes(
        fig,
        "x",
        type="date",
        range=[layout.first.isoformat(), layout.last.isoformat()],
        dtick="M1",
        tickformat="%b %Y",
        ticklabelmode="period",
        tickfont=dict(size=theme.tick_size),
        gridcolor=GRID,
        title=dict(
            text="2020, by month · bar: the period the source gives · ◀: done by this date, start not given",
            font=dict(size=theme.axis_title_size),
        ),
        row=1,
        col=2,
    )
    ticktext = [tick_label(o, organisation_role(o, highlight)) for o, _, _ in layout.lanes]
    lanes = [top + (height - 1) / 2 for _, top, height in layout.lanes]
    rows = [layout.total_rows - 0.5, -CONTEXT_ROWS - 0.5]
    category_axis(fig, lanes, ticktext, theme, col=None, range=rows, showgrid=False, zeroline=False, fixedrange=True)
    return ticktext


def _label(x, y: float, text: str, theme: Theme, *, col: int, left: bool, shift: int) -> dict:
    """A figure's words beside its mark, on a white ground so gridlines and the 23 March line don't cut it."""
    return dict(
        x=x,
        y=y,
        xref=axis("x", col),
        yref=axis("y", col),
        text=_wrapped(text),
        align="right" if left else "left",
        xanchor="right" if left else "left",
        xshift=-shift if left else shift,
        showarrow=False,
        bgcolor=LABEL_GROUND,
        borderpad=1,
        font=dict(size=theme.label_size, color=TEXT),
    )


def row_ticks(rows: pd.DataFrame, highlight: str | None, width: int) -> list[str]:
    """'Organisation: what was counted', wrapped; the presenter's own in bold, '(yours)'; vendor claims marked."""
    ticks = []
    for organisation, measure, claimant in zip(rows["organisation"], rows["measure"], rows["claimant"], strict=True):
        name = cl.marked(tick_label(organisation, organisation_role(organisation, highlight)), claimant)
        ticks.append(name + "<br>" + wrap(measure, width))
    return ticks
