"""Your figures against 2019: a dumbbell per category and measure."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.charts.layout import (
    Words,
    axis_label,
    axis_title,
    finish_layout,
    label_margin,
    legend_above_panels,
    panel_title_px,
    set_axes,
    tick_label,
)
from lib.charts.panels import category_names, cell, measure_panels, stack_panels
from lib.charts.theme import BENCHMARK, GRID, NORMAL, OTHER, TEXT, UPLOADED, Theme
from lib.data import MEASURES
from lib.escape import for_plotly

CHANGE_AXIS = "% of workers"


def change_dumbbell(
    changes: pd.DataFrame, words: Words, *, yours: str | None = None, theme: Theme = NORMAL
) -> go.Figure:
    """The person's figures against 2019: one row per category they brought, a 2019 dot and theirs joined by
    a line, one panel per measure.

    `changes` has category, measure, before (2019, NaN where the tables have none), after and source.
    Their dot is the UPLOADED green square and named in the legend; 2019 is the benchmark blue circle.
    A category with no 2019 figure shows their dot alone, and its label says so.
    """
    measures = tuple(m for m in MEASURES if m in set(changes["measure"]))
    cats = list(dict.fromkeys(changes["category"]))[::-1]  # the file's first category on top
    no_baseline = set(changes.loc[changes["before"].isna(), "category"])
    ticktext = [
        (tick_label(c, "yours") if c == yours else axis_label(c)) + (" (no 2019 figure)" if c in no_baseline else "")
        for c in cats
    ]
    left = label_margin(ticktext, theme)
    fig, titles = measure_panels(theme, measures, left, least_spacing=0.06)
    names = ", ".join(dict.fromkeys(changes["source"]))
    for panel, measure in enumerate(measures, start=1):
        rows = changes[changes["measure"] == measure].drop_duplicates("category").set_index("category").reindex(cats)
        _add_change_marks(fig, rows, panel, theme, names)
    top = float(pd.concat([changes["before"], changes["after"]]).max(skipna=True))
    set_axes(
        fig,
        "x",
        range=[0, (top if top == top else 100) * 1.2],
        ticksuffix="%",
        title=axis_title(CHANGE_AXIS, theme),
        tickfont=dict(size=theme.tick_size),
        gridcolor=GRID,
    )
    # A dot has no thickness: its name sits a marker's height above it.
    labels = category_names(fig, cats, ticktext, theme, bar_half=0.25)
    for annotation in fig.layout.annotations:
        annotation.font = dict(size=theme.axis_title_size, color=TEXT)
        annotation.yshift = 4
    rows = max(len(cats), 2) * (len(measures) if theme.stacked else 1)
    fig = finish_layout(
        fig,
        words,
        theme,
        height=theme.base_height + theme.row_height * rows,
        left=left,
        top_extra=theme.axis_title_size * 2 + 40 + panel_title_px(titles, theme),
        annotations=labels,
    )
    stack_panels(fig, theme, gap=theme.tick_size * 2 + theme.axis_title_size * 2 + 12, titles=titles)
    legend_above_panels(fig, theme)
    return fig


def _add_change_marks(fig: go.Figure, rows: pd.DataFrame, col: int, theme: Theme, names: str) -> None:
    """For one measure: the joining lines, the 2019 dots and the person's dots, each value labelled."""
    xs, ys = [], []
    for category, row in rows.iterrows():
        if row["before"] == row["before"] and row["after"] == row["after"]:
            xs += [row["before"], row["after"], None]
            ys += [category, category, None]
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="lines",
        line=dict(color=OTHER, width=theme.line_width * 1.5),
        hoverinfo="skip",
        showlegend=False,
        **cell(theme, col),
    )
    rising = ~(rows["after"] < rows["before"])  # no 2019 figure: their label goes to the right
    for column, name, colour, symbol in (
        ("before", "ONS 2019", BENCHMARK, "circle"),
        ("after", f"Your data: {for_plotly(names)}", UPLOADED, "square"),
    ):
        left = rising if column == "before" else ~rising
        fig.add_scatter(
            x=rows[column],
            y=rows.index,
            mode="markers+text",
            marker=dict(size=theme.marker_size * 1.6, color=colour, symbol=symbol, line=dict(width=1, color=TEXT)),
            text=["" if v != v else f"{v:.1f}%" for v in rows[column]],
            textposition=["middle left" if is_left else "middle right" for is_left in left],
            textfont=dict(size=theme.label_size, color=TEXT),
            cliponaxis=False,
            name=name,
            legendgroup=column,
            showlegend=col == 1,
            customdata=[for_plotly(c) for c in rows.index],  # the whole label, escaped: the axis shows it shortened
            hovertemplate=f"<b>%{{customdata}}</b><br>{name}: %{{x:.1f}}%<extra></extra>",
            **cell(theme, col),
        )
