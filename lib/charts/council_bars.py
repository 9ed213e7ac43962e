"""The Councils page's bar charts: how many staff or users each organisation moved and how fast, and each
organisation's share at home beside its region's 2019 figure."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib import councils as cl
from lib.charts.layout import (
    axis,
    category_axis,
    finish_layout,
    label_font,
    label_margin,
    set_axes,
    style_panel_titles,
    tick_label,
    value_axis,
    wrap,
)
from lib.charts.theme import BENCHMARK, LABEL_GROUND, MUTED_TEXT, NORMAL, TEXT, WHITE, Theme
from lib.charts.timeline import COUNCIL_SOURCE, organisation_colour, organisation_role, row_ticks
from lib.data import source_note


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
    colours = [organisation_colour(o, highlight) for o in rows["organisation"]]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.5, 0.5],
        horizontal_spacing=0.08,
        subplot_titles=["<b>How many (as printed)</b>", "<b>How long it took (as given)</b>"],
    )
    notes = _count_panel(fig, rows, ys, colours, theme) + _time_panel(fig, rows, ys, colours, theme)
    top_count = float(rows["count"].max()) if rows["count"].notna().any() else 1.0
    top_days = float(rows["duration_max_days"].max()) if rows["duration_max_days"].notna().any() else 1.0
    set_axes(
        fig, "x", **value_axis("Staff or users", theme, top=top_count * 1.5, suffix=None, tickformat=","), row=1, col=1
    )
    set_axes(fig, "x", **value_axis("Days", theme, top=top_days * 2.6, suffix=None), row=1, col=2)
    ticktext = row_ticks(rows, highlight, 44)
    category_axis(fig, ys, ticktext, theme, col=None, range=[len(rows) - 0.5, -0.5], fixedrange=True)
    style_panel_titles(fig, theme)
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


def _count_panel(fig: go.Figure, rows: pd.DataFrame, ys: list[int], colours: list[str], theme: Theme) -> list[dict]:
    """How many staff or users, as printed; a missing count is said, never drawn as zero."""
    fig.add_bar(
        x=rows["count"].where(rows["count"].notna()),
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
    return [
        _value_note(row.count, y, row.count_label, theme, col=1)
        if pd.notna(row.count)
        else _value_note(0, y, "no count given", theme, col=1, muted=True)
        for y, row in zip(ys, rows.itertuples(), strict=True)
    ]


def _time_panel(fig: go.Figure, rows: pd.DataFrame, ys: list[int], colours: list[str], theme: Theme) -> list[dict]:
    """How long it took, as given, with the derived rate; a range (5–8 days) is drawn from its start."""
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
    notes = []
    for y, row in zip(ys, rows.itertuples(), strict=True):
        if pd.isna(row.duration_max_days):
            notes.append(_value_note(0, y, "no time given", theme, col=2, muted=True))
            continue
        text = row.duration
        if isinstance(row.rate_label, str):
            text += f"<br><b>{row.rate_label}</b> (derived)"
        notes.append(_value_note(row.duration_max_days, y, text, theme, col=2))
    return notes


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
        bgcolor=LABEL_GROUND,
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
    bars = _share_bars(shares, highlight)
    ys, ticks = bars["y"].tolist(), bars["tick"].tolist()
    fig = go.Figure()
    fig.add_bar(
        x=bars["value"].tolist(),
        y=ys,
        orientation="h",
        width=0.8,
        marker=dict(color=bars["colour"].tolist(), line_width=0),
        customdata=bars["hover"].tolist(),
        hovertemplate="%{customdata}<extra></extra>",
        name="share",
    )
    notes = [
        dict(
            x=x,
            y=y,
            text=wrap(note, 58),
            xanchor="right" if x > 50 else "left",
            xshift=-4 if x > 50 else 4,  # a long bar carries its note inside
            align="left",
            showarrow=False,
            bgcolor=WHITE,
            borderpad=2,
            font=label_font(theme),
        )
        for x, y, note in zip(bars["value"], ys, bars["note"], strict=True)
    ]
    set_axes(fig, "x", **value_axis("% (different bases and sources: see each label)", theme, top=100))
    category_axis(fig, ys, ticks, theme, col=None, range=[max(ys, default=1) + 0.7, -0.7], fixedrange=True)
    return finish_layout(
        fig,
        title=title,
        subtitle=subtitle,
        source=source or baseline_sources(),
        theme=theme,
        height=theme.base_height + int(theme.row_height * 1.9) * max(len(ys), 1),
        left=label_margin(ticks, theme),
        annotations=notes,
    )


def _share_bars(shares: pd.DataFrame, highlight: str | None) -> pd.DataFrame:
    """Two bars an organisation: its own share (2020) and its region's ONS figure (2019), each with its tick,
    colour, note and hover text, a gap between organisations."""
    bars = []
    for i, row in enumerate(shares.itertuples()):
        own_note = (
            f"<b>{row.share_label}</b> at home (derived: {row.basis})"
            if row.derived
            else f"<b>{row.share_label}</b>: {row.basis} (as printed)"
        )
        tick = cl.marked(tick_label(row.organisation, organisation_role(row.organisation, highlight)), row.claimant)
        bars += [
            {
                "y": 3 * i,
                "tick": f"{tick}, {row.when}",
                "value": row.share_percent,
                "colour": organisation_colour(row.organisation, highlight),
                "note": own_note,
                "hover": f"<b>{row.organisation}</b><br>{row.measure}: {own_note}<br>When: {row.when}",
            },
            {
                "y": 3 * i + 1,
                "tick": f"{row.region}, 2019 (ONS)",
                "value": row.region_week_prior,
                "colour": BENCHMARK,
                "note": f"<b>{row.region_week_prior:.1f}%</b> of all workers in the region worked from home "
                "in the week before interview",
                "hover": f"<b>{row.region}</b>, ONS 2019<br>Worked from home in the week before interview: "
                f"{row.region_week_prior:.1f}%",
            },
        ]
    return pd.DataFrame(bars, columns=["y", "tick", "value", "colour", "note", "hover"])
