"""Panels side by side in a wide frame and stacked in a narrow one, and category names above their bars where
a narrow frame has no room for them beside.

A chart of two measures on a phone drew two panels 100 px wide each, their bars flattened to nothing and their
titles over each other; stacked, each panel has the whole width. A name beside its bar took half of that width,
so in a narrow frame it sits above its bar instead, and the bar starts at the left edge.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.charts.layout import axis, category_axis, panel_spacing, panel_title, panel_width, set_axes
from lib.charts.theme import LABEL_GROUND, TEXT, Theme

GAP_BELOW_NAME = 2  # px between a category's name and the top of its bar


def panel_grid(
    theme: Theme,
    titles: Sequence[str],
    *,
    spacing: float = 0.04,
    column_widths: Sequence[float] | None = None,
    shared_y: bool = True,
) -> go.Figure:
    """One panel per title: side by side on one set of rows, or stacked where the theme is narrow (the space
    between stacked panels is set by `stack_panels`, once the figure's height is known)."""
    if theme.stacked and len(titles) > 1:
        return make_subplots(rows=len(titles), cols=1, subplot_titles=list(titles), vertical_spacing=0.05)
    return make_subplots(
        rows=1,
        cols=len(titles),
        shared_yaxes=shared_y,
        horizontal_spacing=spacing,
        column_widths=list(column_widths) if column_widths else None,
        subplot_titles=list(titles),
    )


def measure_panels(
    theme: Theme, measures: Sequence[str], left: int, *, least_spacing: float = 0.04
) -> tuple[go.Figure, list[str]]:
    """A panel per measure (panel_grid), each titled with its measure wrapped to its width; the titles too."""
    spacing = panel_spacing(theme, left, least_spacing)
    titles = [panel_title(m, theme, panel_width(theme, len(measures), left, spacing)) for m in measures]
    return panel_grid(theme, titles, spacing=spacing), titles


def cell(theme: Theme, panel: int) -> dict:
    """`row=` and `col=` of the n-th panel (from 1) for Plotly's add_* and set_axes."""
    return dict(row=panel, col=1) if theme.stacked else dict(row=1, col=panel)


def panel_count(fig: go.Figure) -> int:
    return len(list(fig.select_yaxes()))


def stack_panels(fig: go.Figure, theme: Theme, *, gap: int, titles: Sequence[str] = ()) -> None:
    """Stacked panels `gap` px apart, each as tall as the others, its title above it on the left; only the
    bottom panel names its value axis. Call after finish_layout, which fixes the plot's height."""
    count = panel_count(fig)
    if not theme.stacked or count < 2:
        return
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    space = gap / plot
    each = (1 - space * (count - 1)) / count
    tops = [1 - i * (each + space) for i in range(count)]
    for i, top in enumerate(tops, start=1):
        fig.layout[f"yaxis{'' if i == 1 else i}"].domain = [max(top - each, 0), top]
        if i < count:
            fig.layout[f"xaxis{'' if i == 1 else i}"].title = None
    named = [a for a in fig.layout.annotations if a.text in set(titles) and a.yref == "paper"]
    for annotation, top in zip(named, tops, strict=False):
        annotation.update(x=0, xanchor="left", align="left", y=top)


def category_names(
    fig: go.Figure,
    positions: Sequence,
    names: Sequence[str],
    theme: Theme,
    *,
    bar_half: float,
    upward: int = 1,
    col: int | None = 1,
    **props,
) -> list[dict]:
    """Where the theme is stacked: the categories' names above their bars, in every panel (returned as labels
    for finish_layout), the axes' own tick labels hidden. Otherwise the names are the first panel's ticks
    (shared by the panels beside it), and no labels are returned.

    `positions` are the categories' places on the axis (category names, or numbers), `bar_half` half a bar's
    thickness in axis units, `upward` +1 where the axis runs bottom to top, -1 where it is reversed; `col` the
    panel whose ticks name them side by side (None: every panel's).
    """
    if not theme.stacked:
        category_axis(fig, list(positions), list(names), theme, col=col, **props)
        return []
    # The top row's name needs the room above its bar that the rows below have: the axis runs on by a gap.
    gap = 0.5 - bar_half
    if "range" in props:
        low, high = props["range"]
        props["range"] = [low, high + gap] if upward > 0 else [low, high - gap]
    elif positions and isinstance(positions[0], str):
        props["range"] = [-0.5, len(positions) - 0.5 + gap]
    set_axes(fig, "y", tickmode="array", tickvals=list(positions), showticklabels=False, ticks="", **props)
    labels = []
    for panel in range(1, panel_count(fig) + 1):
        for index, (position, name) in enumerate(zip(positions, names, strict=True)):
            at = index if isinstance(position, str) else position  # a category axis places its categories at 0, 1, …
            labels.append(
                dict(
                    x=0,
                    y=at + upward * bar_half,
                    xref=f"{axis('x', panel)} domain",
                    yref=axis("y", panel),
                    text=name,
                    xanchor="left",
                    yanchor="bottom",
                    yshift=GAP_BELOW_NAME,
                    align="left",
                    showarrow=False,
                    bgcolor=LABEL_GROUND,  # a reference line behind it never runs through its words
                    font=dict(size=theme.tick_size, color=TEXT),
                )
            )
    return labels
