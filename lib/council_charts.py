"""Charts for the Councils page, in the shared vocabulary of lib/charts.py.

Council rows in, Plotly figure out; every builder takes `theme` (NORMAL or PRESENT) and
`highlight` (the presenter's own organisation, drawn in the "yours" colour and named
"(yours)"). Dates are drawn no more precisely than the source gives them: periods as
spans, "by" as an end marker, and undated or before-the-pandemic figures in side
panels of their own, never on a day the source does not give.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib import councils as cl
from lib.charts import (
    BENCHMARK,
    MUTED_TEXT,
    NORMAL,
    OTHER,
    REFERENCE,
    TEXT,
    YOURS,
    Theme,
    add_marks,
    axis,
    finish_layout,
    label_margin,
    set_axes,
    source_note,
    tick_label,
    wrap,
)

COUNCIL_SOURCE = "council_rollout_2020"
GRID = "#E6E6E6"
SIDE_PANEL = "#F4F4F4"  # side panels are not on the date axis: a faint ground says so
HIGHLIGHT_BAND = "rgba(213, 94, 0, 0.10)"  # YOURS, faint: the presenter's lane
CONTEXT_ROWS = 2.2  # rows above the first lane that carry the national instruction's label
LABEL_SIDE_SWITCH = 0.62  # past this share of the date axis, a label goes left of its mark
LABEL_WRAP = 28  # characters per line of a figure's label: the side panels are narrow


def _role(organisation: str, highlight: str | None) -> str:
    return "yours" if organisation == highlight else "other"


def _colour(organisation: str, highlight: str | None) -> str:
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
    rollout = items[items["panel"] != "context"]
    layout = timeline_layout(items)
    fig = _timeline_panels(layout)
    labels = _dated_marks(fig, rollout[rollout["panel"] == cl.DATED], layout, highlight, theme)
    labels += _side_marks(fig, rollout, layout, highlight, theme)
    instruction = [_instruction_line(row, theme) for row in items[items["panel"] == "context"].itertuples()]
    ticktext = _timeline_axes(fig, layout, highlight, theme)
    _style_panel_titles(fig, theme)
    row_px = int(theme.row_height * 0.8)
    return finish_layout(
        fig,
        title=title,
        subtitle=subtitle,
        source=source or source_note(COUNCIL_SOURCE),
        theme=theme,
        height=theme.base_height + row_px * int(layout.total_rows + CONTEXT_ROWS + 1),
        left=label_margin(ticktext, theme),
        top_extra=theme.axis_title_size,
        annotations=labels + [words for _, words in instruction],
        shapes=_lane_shapes(layout, highlight) + [line for line, _ in instruction],
    )


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
            shapes.append({**edge, "y0": top - 0.5, "y1": top - 0.5, "line": dict(color="#D0D0D0", width=1)})
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
            marker=dict(color=[_colour(o, highlight) for o in spans["organisation"]], line_width=0),
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
                color=[_colour(o, highlight) for o in ends_only["organisation"]],
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
                color=[_colour(o, highlight) for o in part["organisation"]],
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
        text=wrap(f"<b>{row.when}</b>: {row.organisation}, {row.measure}", 46 if theme is NORMAL else 40),
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
    ticktext = [tick_label(o, _role(o, highlight)) for o, _, _ in layout.lanes]
    set_axes(
        fig,
        "y",
        range=[layout.total_rows - 0.5, -CONTEXT_ROWS - 0.5],
        tickmode="array",
        tickvals=[top + (height - 1) / 2 for _, top, height in layout.lanes],
        ticktext=ticktext,
        tickfont=dict(size=theme.tick_size),
        showgrid=False,
        zeroline=False,
        ticks="",
        ticklabelstandoff=6,
        fixedrange=True,
    )
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
        bgcolor="rgba(255,255,255,0.85)",
        borderpad=1,
        font=dict(size=theme.label_size, color=TEXT),
    )


def _style_panel_titles(fig: go.Figure, theme: Theme) -> None:
    for annotation in fig.layout.annotations:
        if annotation.text and annotation.text.startswith("<b>") and annotation.yref == "paper":
            annotation.font = dict(size=theme.axis_title_size, color=TEXT)


def _row_ticks(rows: pd.DataFrame, highlight: str | None, width: int) -> list[str]:
    """'Organisation: what was counted', wrapped; the presenter's own in bold, '(yours)'; vendor claims marked."""
    ticks = []
    for organisation, measure, claimant in zip(rows["organisation"], rows["measure"], rows["claimant"], strict=True):
        name = cl.marked(tick_label(organisation, _role(organisation, highlight)), claimant)
        ticks.append(name + "<br>" + wrap(measure, width))
    return ticks


def scale_and_speed(
    rows: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    highlight: str | None = None,
    source: str | None = None,
    theme: Theme = NORMAL,
) -> go.Figure:
    """How many staff or users (as printed) beside how long it took (as given) and the derived rate.

    `rows` comes from `lib.councils.scale_and_speed_rows`. A missing count or time is
    written as such, never drawn as zero; a range (5–8 days) is drawn from its start.
    """
    order = _speed_order(rows)
    rows = rows.set_index("id").loc[order].reset_index()
    ys = list(range(len(rows)))
    colours = [_colour(o, highlight) for o in rows["organisation"]]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.5, 0.5],
        horizontal_spacing=0.08,
        subplot_titles=["<b>How many (as printed)</b>", "<b>How long it took (as given)</b>"],
    )
    counted = rows["count"].notna()
    fig.add_bar(
        x=rows["count"].where(counted),
        y=ys,
        orientation="h",
        marker=dict(color=colours, line_width=0),
        customdata=[
            f"<b>{o}</b><br>{m}: {t}<br>When: {w}"
            for o, m, t, w in zip(rows["organisation"], rows["measure"], rows["value_text"], rows["when"], strict=True)
        ],
        hovertemplate="%{customdata}<extra></extra>",
        name="count",
        row=1,
        col=1,
    )
    top_count = float(rows["count"].max()) if counted.any() else 1.0
    notes = []
    for y, row in zip(ys, rows.itertuples(), strict=True):
        if pd.notna(row.count):
            notes.append(_value_note(row.count, y, row.count_label, theme, col=1))
        else:
            notes.append(_value_note(0, y, "no count given", theme, col=1, muted=True))

    timed = rows["duration_max_days"].notna()
    starts = [
        lo if pd.notna(lo) and lo < hi else 0.0
        for lo, hi in zip(rows["duration_min_days"], rows["duration_max_days"], strict=True)
    ]
    fig.add_bar(
        base=starts,
        x=[hi - lo if pd.notna(hi) else None for lo, hi in zip(starts, rows["duration_max_days"], strict=True)],
        y=ys,
        orientation="h",
        marker=dict(color=colours, line_width=0),
        customdata=[
            f"<b>{o}</b><br>{m}: {d}" + (f"<br>{r} (derived)" if isinstance(r, str) else "")
            for o, m, d, r in zip(
                rows["organisation"], rows["measure"], rows["duration"], rows["rate_label"], strict=True
            )
        ],
        hovertemplate="%{customdata}<extra></extra>",
        name="days",
        row=1,
        col=2,
    )
    top_days = float(rows["duration_max_days"].max()) if timed.any() else 1.0
    for y, row in zip(ys, rows.itertuples(), strict=True):
        if pd.isna(row.duration_max_days):
            notes.append(_value_note(0, y, "no time given", theme, col=2, muted=True))
            continue
        text = row.duration
        if isinstance(row.rate_label, str):
            text += f"<br><b>{row.rate_label}</b> (derived)"
        notes.append(_value_note(row.duration_max_days, y, text, theme, col=2))

    set_axes(
        fig,
        "x",
        range=[0, top_count * 1.5],
        tickformat=",",
        title=dict(text="Staff or users", font=dict(size=theme.axis_title_size)),
        tickfont=dict(size=theme.tick_size),
        gridcolor=GRID,
        row=1,
        col=1,
    )
    set_axes(
        fig,
        "x",
        range=[0, top_days * 2.6],
        title=dict(text="Days", font=dict(size=theme.axis_title_size)),
        tickfont=dict(size=theme.tick_size),
        gridcolor=GRID,
        row=1,
        col=2,
    )
    ticktext = _row_ticks(rows, highlight, 44)
    set_axes(
        fig,
        "y",
        range=[len(rows) - 0.5, -0.5],
        tickmode="array",
        tickvals=ys,
        ticktext=ticktext,
        tickfont=dict(size=theme.tick_size),
        ticks="",
        ticklabelstandoff=6,
        fixedrange=True,
    )
    _style_panel_titles(fig, theme)
    fig.update_layout(bargap=theme.bar_gap)
    return finish_layout(
        fig,
        title=title,
        subtitle=subtitle,
        source=source or source_note(COUNCIL_SOURCE),
        theme=theme,
        height=theme.base_height + int(theme.row_height * 1.7) * len(rows),
        left=label_margin([line for t in ticktext for line in t.split("<br>")], theme),
        top_extra=theme.axis_title_size,
        annotations=notes,
    )


def _speed_order(rows: pd.DataFrame) -> list[str]:
    """Organisations with a derived rate first (fastest first), then by their largest count; figures in table order."""
    by_org = rows.groupby("organisation", sort=False).agg(rate=("rate_per_day", "max"), count=("count", "max"))
    by_org = by_org.sort_values(["rate", "count"], ascending=False, na_position="last", kind="stable")
    return [i for o in by_org.index for i in rows.loc[rows["organisation"] == o, "id"]]


def _value_note(x: float, y: float, text: str, theme: Theme, *, col: int, muted: bool = False) -> dict:
    return dict(
        x=x,
        y=y,
        xref=axis("x", col),
        yref=axis("y", col),
        text=f"<i>{text}</i>" if muted else text,
        xanchor="left",
        xshift=4,
        align="left",
        showarrow=False,
        bgcolor="rgba(255,255,255,0.85)",
        borderpad=1,
        font=dict(size=theme.label_size, color=MUTED_TEXT if muted else TEXT),
    )


def baseline_sources() -> str:
    """The share chart draws on both tables: the council figures and the ONS 2019 baseline."""
    return f"{source_note(COUNCIL_SOURCE)} · 2019 baseline: {source_note().removeprefix('Source: ')}"


def share_against_baseline(
    shares: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    highlight: str | None = None,
    source: str | None = None,
    theme: Theme = NORMAL,
) -> go.Figure:
    """Each organisation's own share of staff at home (2020) above its region's ONS 2019 figure.

    `shares` comes from `lib.councils.shares_at_home`. The two bars come from different
    sources and measure different things; the labels say so bar by bar.
    """
    ys, ticks, values, colours, notes, hovers = [], [], [], [], [], []
    for i, row in enumerate(shares.itertuples()):
        own, region = 3 * i, 3 * i + 1
        ys += [own, region]
        ticks += [
            f"{cl.marked(tick_label(row.organisation, _role(row.organisation, highlight)), row.claimant)}, {row.when}",
            f"{row.region}, 2019 (ONS)",
        ]
        values += [row.share_percent, row.region_week_prior]
        colours += [_colour(row.organisation, highlight), BENCHMARK]
        own_note = (
            f"<b>{row.share_label}</b> at home (derived: {row.basis})"
            if row.derived
            else f"<b>{row.share_label}</b>: {row.basis} (as printed)"
        )
        notes += [
            own_note,
            f"<b>{row.region_week_prior:.1f}%</b> of all workers in the region worked from home "
            "in the week before interview",
        ]
        hovers += [
            f"<b>{row.organisation}</b><br>{row.measure}: {own_note}<br>When: {row.when}",
            f"<b>{row.region}</b>, ONS 2019<br>Worked from home in the week before interview: "
            f"{row.region_week_prior:.1f}%",
        ]
    fig = go.Figure()
    fig.add_bar(
        x=values,
        y=ys,
        orientation="h",
        width=0.8,
        marker=dict(color=colours, line_width=0),
        customdata=hovers,
        hovertemplate="%{customdata}<extra></extra>",
        name="share",
    )
    for x, y, note in zip(values, ys, notes, strict=True):
        inside = x > 50
        fig.add_annotation(
            x=x,
            y=y,
            text=wrap(note, 58),
            xanchor="right" if inside else "left",
            xshift=-4 if inside else 4,
            align="left",
            showarrow=False,
            bgcolor="#FFFFFF",
            borderpad=2,
            font=dict(size=theme.label_size, color=TEXT),
        )
    set_axes(
        fig,
        "x",
        range=[0, 100],
        ticksuffix="%",
        title=dict(text="% (different bases and sources: see each label)", font=dict(size=theme.axis_title_size)),
        tickfont=dict(size=theme.tick_size),
        gridcolor=GRID,
    )
    set_axes(
        fig,
        "y",
        range=[max(ys, default=1) + 0.7, -0.7],
        tickmode="array",
        tickvals=ys,
        ticktext=ticks,
        tickfont=dict(size=theme.tick_size),
        ticks="",
        ticklabelstandoff=6,
        fixedrange=True,
    )
    rows = max(len(ys), 1)
    return finish_layout(
        fig,
        title=title,
        subtitle=subtitle,
        source=source or baseline_sources(),
        theme=theme,
        height=theme.base_height + int(theme.row_height * 1.9) * rows,
        left=label_margin(ticks, theme),
    )
