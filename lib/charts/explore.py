"""Explore's charts: a distribution when there are too many categories for a bar each, and council figures in
one unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.charts.layout import Words, category_axis, finish_layout, label_margin, legend_above_panels, set_axes
from lib.charts.theme import GRID, NORMAL, OTHER, TEXT, UPLOADED, WHITE, Theme
from lib.compare import MEASURE_LABELS
from lib.councils import marked
from lib.data import MEASURES, source_note
from lib.escape import for_plotly
from lib.explore import BAND_WIDTH, HOMEWORKING, chart_source, percent_bands


def distribution_chart(
    rows: pd.DataFrame, words: Words, *, measures: tuple[str, ...] = MEASURES, theme: Theme = NORMAL
) -> go.Figure:
    """Too many categories for one bar each: count the figures per 5-point band instead.

    At most 20 bands × sources × measures marks, however many rows, so a million-row
    upload still draws at once. ONS figures grey, uploaded figures hatched green.
    """
    bands = percent_bands(rows)
    measures = tuple(m for m in measures if m in set(bands["measure"])) or MEASURES
    fig = make_subplots(
        rows=1,
        cols=len(measures),
        shared_yaxes=True,
        horizontal_spacing=0.05,
        subplot_titles=[f"<b>{MEASURE_LABELS[m]}</b>" for m in measures],
    )
    paired = len(set(bands["source"])) > 1
    for col, measure in enumerate(measures, start=1):
        for source, counts in bands[bands["measure"] == measure].groupby("source", sort=False):
            add_band_bars(fig, counts, str(source), paired=paired, col=col)
        set_axes(
            fig,
            "x",
            range=[0, 100],
            dtick=10,
            ticksuffix="%",
            title=dict(text="% of workers (5-point bands)", font=dict(size=theme.axis_title_size)),
            tickfont=dict(size=theme.tick_size),
            row=1,
            col=col,
        )
    set_axes(
        fig,
        "y",
        title=dict(text="Number of figures (derived)", font=dict(size=theme.axis_title_size)),
        tickformat=",",
        tickfont=dict(size=theme.tick_size),
        gridcolor=GRID,
        row=1,
        col=1,
    )
    fig.update_layout(barmode="group", bargap=0.1)
    for annotation in fig.layout.annotations:
        annotation.font = dict(size=theme.axis_title_size, color=TEXT)
    fig = finish_layout(
        fig,
        words,
        theme,
        default_source=chart_source(rows),
        height=theme.base_height + 300,
        left=theme.tick_size * 5 + theme.axis_title_size * 2,
        top_extra=theme.axis_title_size * 2 + 40,
    )
    legend_above_panels(fig, theme)
    return fig


def add_band_bars(fig: go.Figure, counts: pd.DataFrame, source: str, *, paired: bool, col: int) -> None:
    """One source's figures per band in panel `col`: ONS grey, uploaded hatched green, narrower when two share."""
    mine = source != HOMEWORKING.short_citation
    fig.add_bar(
        x=(counts["band_from"] + counts["band_to"]) / 2,
        y=counts["figures"],
        width=BAND_WIDTH * (0.42 if paired else 0.85),
        marker=dict(
            color=UPLOADED if mine else OTHER,
            pattern=dict(shape="/", fgcolor=WHITE, fillmode="overlay", size=8) if mine else None,
            line=dict(width=0),
        ),
        customdata=np.column_stack([counts["band_from"], counts["band_to"]]),
        hovertemplate="%{customdata[0]:g}–%{customdata[1]:g}%: %{y:,} figures<extra>"
        + for_plotly(source if not mine else f"Your data: {source}")
        + "</extra>",
        name=for_plotly(f"Your data: {source}" if mine else "ONS 2019"),
        legendgroup=for_plotly(source),
        showlegend=col == 1,
        row=1,
        col=col,
    )


def council_chart(view: pd.DataFrame, unit: str, words: Words, *, theme: Theme = NORMAL) -> go.Figure:
    """One bar per figure in `unit`, labelled with the source's own words ("more than 5,000")."""
    rows = view[(view["unit"] == unit) & view["value"].notna()].sort_values("value", kind="stable")
    labels = [
        _short(f"{marked(o, c)}: {m}")
        for o, m, c in zip(rows["organisation"], rows["measure"], rows["claimant"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=rows["value"],
            y=rows["id"],
            orientation="h",
            marker=dict(color=OTHER),
            text=rows["value_text"],
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=theme.label_size, color=TEXT),
            customdata=np.column_stack([rows["organisation"], rows["measure"], rows["when"]]),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{x:,} "
            + for_plotly(unit)
            + "<br>%{customdata[2]}<extra></extra>",
        )
    )
    top = float(rows["value"].max()) if len(rows) else 1.0
    set_axes(
        fig,
        "x",
        range=[0, top * 1.25],
        tickformat=",",
        title=dict(text=f"Value ({for_plotly(unit)})", font=dict(size=theme.axis_title_size)),
        tickfont=dict(size=theme.tick_size),
        gridcolor=GRID,
    )
    category_axis(fig, rows["id"].tolist(), labels, theme, col=None)
    return finish_layout(
        fig,
        words,
        theme,
        default_source=source_note("council_rollout_2020"),
        height=theme.base_height + theme.row_height * max(len(rows), 2),
        left=label_margin(labels, theme),
    )


def _short(label: str, limit: int = 64) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
