"""Bar charts of categories on one or both measures, and of regularity (week ÷ ever)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from lib.charts.layout import (
    Words,
    add_marks,
    axis_label,
    bar_labels,
    finish_layout,
    grouped_bars,
    label_margin,
    legend_above_panels,
    panel_title_px,
    reference_line,
    role_marker,
    role_of,
    set_axes,
    style_panel_titles,
    tick_label,
    value_axis,
)
from lib.charts.panels import category_names, cell, measure_panels, stack_panels
from lib.charts.theme import NORMAL, UPLOADED, WHITE, Theme
from lib.compare import MEASURE_LABELS, by_category, regularity
from lib.data import MEASURES
from lib.escape import for_plotly


def category_bars(
    df: pd.DataFrame,
    words: Words,
    *,
    yours: str | None = None,
    benchmark: str | None = None,
    reference: dict[str, float] | None = None,
    reference_label: str = "UK",
    measures: tuple[str, ...] = MEASURES,
    sort_by: str | None = None,
    user_rows: pd.DataFrame | None = None,
    theme: Theme = NORMAL,
) -> go.Figure:
    """Horizontal bars of every category, one panel per measure, highlighted roles, UK line.

    `df` is tidy (category, measure, percent) for one breakdown. Missing figures are
    left as gaps labelled 'not published', never drawn as zero. `user_rows` (same shape,
    with a `source`) are the user's own figures: drawn beside the ONS bars, hatched in the
    UPLOADED colour and named in the legend, so they can never pass for the baseline.
    """
    mine = user_rows if user_rows is not None and len(user_rows) > 0 else None
    table = bar_table(df, mine, sort_by or measures[-1])
    cats = table.index.tolist()
    roles = [role_of(c, yours, benchmark) for c in cats]
    ons_categories = set(df["category"])
    ticktext = [
        tick_label(c, r) if c in ons_categories else f"{axis_label(c)} (your data only)"
        for c, r in zip(cats, roles, strict=True)
    ]
    left = label_margin(ticktext, theme)
    fig, titles = measure_panels(theme, measures, left)
    top = _top_value(table, measures, mine) * 1.18
    labels, lines = [], []
    for panel, measure in enumerate(measures, start=1):
        values = table[measure] if measure in table else pd.Series(math.nan, index=cats)
        _add_ons_bars(fig, values, measure, roles, panel, theme, in_legend=mine is not None)
        if mine is not None:
            groups = [
                (values[values.index.isin(ons_categories)], True),
                *_add_user_bars(fig, mine, cats, measure, panel, theme),
            ]
            labels += grouped_bars(fig, groups, cats, theme, col=panel)
        else:
            labels += bar_labels(values, theme, col=panel)
        if reference and not math.isnan(reference.get(measure, math.nan)):
            line, label = reference_line(
                reference[measure], panel, f"{reference_label} {reference[measure]:.1f}%", theme
            )
            lines.append(line)
            labels.append(label)
        set_axes(fig, "x", **value_axis("% of workers", theme, top=top), **cell(theme, panel))
    labels += category_names(fig, cats, ticktext, theme, bar_half=(1 - theme.bar_gap) / 2)
    # Lift the panel titles above the reference-line labels that sit on the panels' top edge.
    lift = int(theme.label_size * 1.6) if reference else 4
    style_panel_titles(fig, theme, titles=set(titles), lift=lift)
    fig.update_layout(bargap=theme.bar_gap, barmode="group" if mine is not None else "relative")
    rows = len(cats) * (1.6 if mine is not None else 1) * (len(measures) if theme.stacked else 1)
    fig = finish_layout(
        fig,
        words,
        theme,
        height=int(theme.base_height + theme.row_height * rows),
        left=left,
        top_extra=theme.axis_title_size * 2
        + (theme.label_size if reference else 0)
        + (40 if mine is not None else 0)
        + panel_title_px(titles, theme),
        annotations=labels,
        shapes=lines,
    )
    stack_panels(
        fig,
        theme,
        gap=theme.tick_size * 2 + lift + theme.axis_title_size + panel_title_px(titles, theme) + 12,
        titles=titles,
    )
    if mine is not None:
        legend_above_panels(fig, theme, lift)
    return fig


def bar_table(df: pd.DataFrame, user_rows: pd.DataFrame | None, sort_by: str) -> pd.DataFrame:
    """One row per category to draw (the user's new ones after the source's), one column per measure,
    sorted so the largest bar is on top; a category without the sorting figure sits at the bottom."""
    table = by_category(df)
    order = list(dict.fromkeys(df["category"]))
    if user_rows is not None:
        order += [c for c in dict.fromkeys(user_rows["category"]) if c not in order]
    table = table.reindex(order)
    if sort_by in table:
        table = table.sort_values(sort_by, ascending=True, na_position="first", kind="stable")
    return table


def _top_value(table: pd.DataFrame, measures: tuple[str, ...], user_rows: pd.DataFrame | None) -> float:
    """The largest share drawn on any panel, so that every panel shares one scale."""
    if not len(table):
        return 100.0
    tops = [table[[m for m in measures if m in table]].max(skipna=True).max()]
    if user_rows is not None:
        tops.append(user_rows["percent"].max())
    return float(pd.Series(tops).max())


def _add_ons_bars(
    fig: go.Figure, values: pd.Series, measure: str, roles: list[str], col: int, theme: Theme, *, in_legend: bool
) -> None:
    """The published figures of one measure in their roles' colours, named in the legend `in_legend` (beside
    uploaded bars); their figures are labels (lib.charts.layout.bar_labels, grouped_bars)."""
    fig.add_bar(
        x=[None if math.isnan(v) else v for v in values],
        y=values.index.tolist(),
        orientation="h",
        marker=role_marker(roles, theme),
        customdata=[[MEASURE_LABELS[measure]]] * len(values),
        hovertemplate="<b>%{y}</b><br>%{customdata[0]}: %{x:.1f}%<extra>ONS 2019</extra>",
        name="ONS 2019",
        legendgroup="ons",
        showlegend=in_legend and col == 1,
        cliponaxis=False,
        **cell(theme, col),
    )


def _add_user_bars(
    fig: go.Figure, user_rows: pd.DataFrame, cats: list[str], measure: str, col: int, theme: Theme
) -> list[tuple[pd.Series, bool]]:
    """The user's own figures for one measure, one hatched trace per named source; returns each trace's figures
    for its place and labels (lib.charts.layout.grouped_bars: a missing one has neither)."""
    drawn = []
    for source, rows in user_rows[user_rows["measure"] == measure].groupby("source", sort=False):
        values = rows.drop_duplicates("category").set_index("category")["percent"].reindex(cats)
        fig.add_bar(
            x=[None if math.isnan(v) else v for v in values],
            y=cats,
            orientation="h",
            marker=dict(
                color=UPLOADED,
                # overlay: the hatch is drawn over the bar's own colour (the default replaces the colour)
                pattern=dict(shape="/", fgcolor=WHITE, fillmode="overlay", size=8),
                line=dict(width=0),
            ),
            cliponaxis=False,
            customdata=[for_plotly(c) for c in cats],  # the whole label, escaped: an axis shows it shortened
            hovertemplate=f"<b>%{{customdata}}</b><br>{MEASURE_LABELS[measure]}: %{{x:.1f}}%"
            f"<extra>{for_plotly(source)}</extra>",
            name=f"Your data: {for_plotly(source)}",
            legendgroup=f"user-{source}",
            showlegend=col == 1,
            **cell(theme, col),
        )
        drawn.append((values, False))
    return drawn


REGULARITY_AXIS = "% of ever-homeworkers who also worked from home in the week before (derived)"


def regularity_bars(
    df: pd.DataFrame,
    words: Words,
    *,
    yours: str | None = None,
    benchmark: str | None = None,
    reference: float | None = None,
    reference_label: str = "UK",
    ranked: bool = True,
    theme: Theme = NORMAL,
) -> go.Figure:
    """How regular homeworking was in each category: week ÷ ever share (derived), ranked bars (the most regular on
    top) or, not `ranked`, in the source's order from the top (age bands).

    `df` is tidy rows of one breakdown with both measures; categories without both
    figures are left out, since their share cannot be derived. `reference` is the UK's share.
    """
    table = by_category(df).reindex(columns=list(MEASURES)).dropna(subset=list(MEASURES))
    table["share"] = [regularity(w, e) for w, e in zip(table["week_prior"], table["ever"], strict=True)]
    table = table.sort_values("share", ascending=True, kind="stable") if ranked else table.iloc[::-1]
    cats = table.index.tolist()
    roles = [role_of(c, yours, benchmark) for c in cats]
    fig = go.Figure(
        go.Bar(
            x=table["share"],
            y=cats,
            orientation="h",
            marker=role_marker(roles, theme),
            customdata=table[["week_prior", "ever"]].to_numpy().tolist(),
            hovertemplate=(
                "<b>%{y}</b><br>%{x:.1f}% of ever-homeworkers also worked from home in the week before"
                " (derived)<br>Week before: %{customdata[0]:.1f}% · ever: %{customdata[1]:.1f}%<extra></extra>"
            ),
        )
    )
    top_value = float(table["share"].max()) if len(table) else 100.0
    marks: list[dict] = []
    if reference is not None and not math.isnan(reference):
        top_value = max(top_value, reference)
        line, label = reference_line(reference, 1, f"{reference_label} {reference:.0f}%", theme)
        add_marks(fig, shapes=[line])
        marks.append(label)
    ticktext = [tick_label(c, r) for c, r in zip(cats, roles, strict=True)]
    set_axes(fig, "x", **value_axis(REGULARITY_AXIS, theme, top=top_value * 1.15))
    names = category_names(fig, cats, ticktext, theme, bar_half=(1 - theme.bar_gap) / 2, col=None)
    fig.update_layout(bargap=theme.bar_gap)
    return finish_layout(
        fig,
        words,
        theme,
        height=theme.base_height + theme.row_height * len(cats),
        left=label_margin(ticktext, theme),
        top_extra=theme.label_size if reference is not None else 0,
        # White-backed like every bar chart's figures, so the UK line never runs through one.
        annotations=[*marks, *names, *bar_labels(table["share"], theme, label=lambda share: f"{share:.0f}%")],
    )
