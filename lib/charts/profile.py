"""The age profile: a line per measure across the age bands."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from lib.charts.layout import finish_layout, set_axes
from lib.charts.theme import BENCHMARK, GRID, LABEL_GROUND, NORMAL, OTHER, REFERENCE, TEXT, UPLOADED, YOURS, Theme
from lib.compare import MEASURE_LABELS, MEASURE_SHORT, by_category
from lib.data import MEASURES, source_note
from lib.escape import for_plotly


def profile_chart(
    df: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    highlight: tuple[str, ...] = (),
    compare_with: str | None = None,
    reference: dict[str, float] | None = None,
    reference_label: str = "UK",
    measures: tuple[str, ...] = MEASURES,
    source: str | None = None,
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
    styles = {"week_prior": ("solid", "circle"), "ever": ("dash", "diamond")}
    for measure in measures:
        values = table[measure]
        dash, symbol = styles[measure]
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
            fig.add_annotation(
                x=labels[order.index(last)],
                y=values[last],
                text=f"<b>{MEASURE_SHORT[measure]}</b>",
                xanchor="left",
                xshift=theme.marker_size,
                showarrow=False,
                font=dict(size=theme.label_size, color=TEXT),
            )
        for category, colour in [(c, YOURS) for c in highlight] + [(compare_with, BENCHMARK)]:
            if category not in table.index or math.isnan(values[category]):
                continue
            fig.add_scatter(
                x=[category.removesuffix(" yrs")],
                y=[values[category]],
                mode="markers+text",
                marker=dict(size=theme.marker_size * 1.8, symbol=symbol, color=colour, line=dict(width=2, color=TEXT)),
                text=[f"<b>{values[category]:.1f}%</b>"],
                textposition="top center",
                textfont=dict(size=theme.label_size, color=TEXT),
                hoverinfo="skip",
                name=category,
            )
        if reference and measure in reference:
            fig.add_hline(
                y=reference[measure],
                line=dict(color=REFERENCE, width=theme.line_width * 0.6, dash="dot"),
                annotation=dict(
                    text=f"{reference_label}, {MEASURE_SHORT[measure].lower()}: {reference[measure]:.1f}%",
                    font=dict(size=theme.label_size, color=TEXT),
                    bgcolor=LABEL_GROUND,
                ),
                annotation_position="top left",
            )
    top_value = float(table[list(measures)].max().max())
    has_user = user_rows is not None and len(user_rows) > 0
    if has_user:
        top_value = max(top_value, float(user_rows["percent"].max()))
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
    set_axes(
        fig,
        "y",
        range=[0, top_value * 1.18],
        ticksuffix="%",
        title=dict(text="% of people in employment", font=dict(size=theme.axis_title_size)),
        tickfont=dict(size=theme.tick_size),
        gridcolor=GRID,
    )
    set_axes(
        fig,
        "x",
        title=dict(text="Age of worker (years)", font=dict(size=theme.axis_title_size)),
        tickfont=dict(size=theme.tick_size),
    )
    height = theme.base_height + 330
    fig = finish_layout(
        fig,
        title=title,
        subtitle=subtitle,
        source=source or source_note(),
        theme=theme,
        height=height,
        left=theme.tick_size * 4 + theme.axis_title_size * 2,
    )
    fig.update_layout(margin_r=theme.label_size * 6)
    if has_user:
        fig.update_layout(
            showlegend=True,
            legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", font=dict(size=theme.label_size)),
        )
        for trace in fig.data:
            trace.showlegend = trace.name.startswith("Your data")
    return fig
