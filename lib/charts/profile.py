"""The age profile: a line per measure across the age bands."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from lib.charts.layout import Words, axis_title, finish_layout, label_font, set_axes, value_axis, wrap
from lib.charts.sizing import chars_in
from lib.charts.theme import BENCHMARK, LABEL_GROUND, NORMAL, OTHER, REFERENCE, TEXT, UPLOADED, YOURS, Theme
from lib.compare import MEASURE_LABELS, MEASURE_SHORT, by_category
from lib.data import MEASURES
from lib.escape import for_plotly


def profile_chart(
    df: pd.DataFrame,
    words: Words,
    *,
    highlight: tuple[str, ...] = (),
    compare_with: str | None = None,
    reference: dict[str, float] | None = None,
    reference_label: str = "UK",
    measures: tuple[str, ...] = MEASURES,
    user_rows: pd.DataFrame | None = None,
    theme: Theme = NORMAL,
) -> go.Figure:
    """An ordered profile (age bands) as lines, one per measure, directly labelled.

    Highlighted categories get a large vermillion marker and their value; `compare_with`
    gets the benchmark blue. Measures differ in dash and marker shape as well as label.
    `user_rows` (the user's own figures, with a `source`) are green squares on a dotted
    line, named in a legend; bands the ONS table lacks are left out, not guessed into place.
    """
    order = list(dict.fromkeys(df["category"]))
    table = by_category(df).reindex(order)
    labels = [c.removesuffix(" yrs") for c in order]
    fig = go.Figure()
    for measure in measures:
        _add_measure(fig, table[measure], measure, labels, highlight, compare_with, theme)
        if reference and measure in reference:
            fig.add_hline(
                y=reference[measure],
                line=dict(color=REFERENCE, width=theme.line_width * 0.6, dash="dot"),
                annotation=dict(
                    text=f"{reference_label}, {MEASURE_SHORT[measure].lower()}: {reference[measure]:.1f}%",
                    font=label_font(theme),
                    bgcolor=LABEL_GROUND,
                ),
                annotation_position="top left",
            )
    top_value = float(table[list(measures)].max().max())
    has_user = user_rows is not None and len(user_rows) > 0
    if user_rows is not None and has_user:
        top_value = max(top_value, float(user_rows["percent"].max()))
        _add_user_lines(fig, user_rows, order, labels, theme)
    set_axes(fig, "y", **value_axis("% of workers", theme, top=top_value * 1.18))
    # Twelve bands in a narrow frame: every band's name, turned upright, under the plot.
    upright: dict[str, Any] = dict(tickangle=-90, tickmode="array", tickvals=labels) if _tight(theme) else {}
    set_axes(fig, "x", title=axis_title("Age of worker (years)", theme), tickfont=dict(size=theme.tick_size), **upright)
    left, right = theme.tick_size * 4 + theme.axis_title_size * 2, 16 if _tight(theme) else theme.label_size * 6
    legend_lines = _legend_names(fig, theme, left + right) if has_user else 0
    fig = finish_layout(
        fig,
        words,
        theme,
        height=theme.base_height + 330,
        left=left,
        top_extra=int(theme.label_size * 1.3 * legend_lines) + 8 if legend_lines else 0,
        bottom_extra=int(max(len(label) for label in labels) * theme.tick_size * 0.45) if upright else 0,
    )
    fig.layout.margin.r = right
    if has_user:
        plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
        # One entry a line, from the plot's left edge, above it: in the room top_extra keeps for it.
        fig.layout.showlegend = True
        fig.layout.legend = dict(orientation="v", x=0, y=1 + 6 / plot, yanchor="bottom", font=label_font(theme))
    return fig


def _legend_names(fig: go.Figure, theme: Theme, margins: int) -> int:
    """Only the person's own lines are in the legend, their names wrapped to the plot's width past their marker
    where the frame is known; returns how many lines the legend takes."""
    lines = 0
    for trace in fig.data:
        trace.showlegend = trace.name.startswith("Your data")
        if trace.showlegend:
            if theme.width is not None:
                trace.name = wrap(trace.name, chars_in(theme.width - margins - 50, theme.label_size))
            lines += trace.name.count("<br>") + 1
    return lines


def _tight(theme: Theme) -> bool:
    """Too narrow for twelve band names side by side, or the measures' names beside their lines' ends."""
    return theme.stacked


STYLES = {"week_prior": ("solid", "circle"), "ever": ("dash", "diamond")}  # measures differ in more than colour


def _add_measure(
    fig: go.Figure,
    values: pd.Series,
    measure: str,
    labels: list[str],
    highlight: tuple[str, ...],
    compare_with: str | None,
    theme: Theme,
) -> None:
    """One measure's line across the bands, named at its end, the highlighted bands marked and labelled."""
    dash, symbol = STYLES[measure]
    fig.add_scatter(
        x=labels,
        y=values,
        mode="lines+markers",
        line=dict(color=OTHER if highlight or compare_with else TEXT, width=theme.line_width, dash=dash),
        marker=dict(size=theme.marker_size, symbol=symbol, color=OTHER if highlight else TEXT),
        name=MEASURE_LABELS[measure],
        customdata=[[MEASURE_LABELS[measure]]] * len(labels),
        hovertemplate="<b>%{x}</b><br>%{customdata[0]}: %{y:.1f}%<extra></extra>",
    )
    last = values.last_valid_index()
    if last is not None:
        # Beside the line's end; in a narrow frame, above it, ending there.
        upper = measure == "ever"  # the higher line's name above its end, the lower one's below
        place = (
            dict(
                xanchor="right",
                xshift=0,
                yanchor="bottom" if upper else "top",
                yshift=theme.marker_size * (1 if upper else -1),
            )
            if _tight(theme)
            else {}
        )
        fig.add_annotation(
            x=labels[list(values.index).index(last)],
            y=values[last],
            text=f"<b>{MEASURE_SHORT[measure]}</b>",
            xanchor="left",
            xshift=theme.marker_size,
            showarrow=False,
            font=label_font(theme),
            bgcolor=LABEL_GROUND,
        ).layout.annotations[-1].update(place)
    marked = [(c, YOURS) for c in highlight] + ([(compare_with, BENCHMARK)] if compare_with else [])
    for category, colour in marked:
        if category not in values.index or math.isnan(values[category]):
            continue
        fig.add_scatter(
            x=[category.removesuffix(" yrs")],
            y=[values[category]],
            mode="markers+text",
            marker=dict(size=theme.marker_size * 1.8, symbol=symbol, color=colour, line=dict(width=2, color=TEXT)),
            text=[f"<b>{values[category]:.1f}%</b>"],
            textposition="top center",
            textfont=label_font(theme),
            hoverinfo="skip",
            name=category,
        )


def _add_user_lines(fig: go.Figure, user_rows: pd.DataFrame, order: list[str], labels: list[str], theme: Theme) -> None:
    """The person's own figures: green squares on a dotted line per source and measure; bands the ONS table
    lacks are left out, not guessed into place."""
    for (source_name, measure), rows in user_rows.groupby(["source", "measure"], sort=False):
        values = rows.drop_duplicates("category").set_index("category")["percent"].reindex(order)
        fig.add_scatter(
            x=labels,
            y=values,
            mode="lines+markers",
            connectgaps=False,
            line=dict(color=UPLOADED, width=theme.line_width, dash="dot"),
            marker=dict(size=theme.marker_size * 1.2, symbol="square", color=UPLOADED),
            name=f"Your data: {for_plotly(source_name)} ({MEASURE_SHORT[measure].lower()})",
            hovertemplate=f"<b>%{{x}}</b><br>{MEASURE_LABELS[measure]}: %{{y:.1f}}%"
            f"<extra>{for_plotly(source_name)}</extra>",
        )
