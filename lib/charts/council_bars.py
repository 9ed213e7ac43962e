"""The Councils page's bar charts: how many staff or users each organisation moved and how fast, and each
organisation's share at home beside its region's 2019 figure."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib import councils as cl
from lib.charts.layout import (
    Words,
    axis,
    finish_layout,
    label_margin,
    room_for_labels,
    set_axes,
    style_panel_titles,
    tick_label,
    value_axis,
    wrap,
)
from lib.charts.panels import category_names, cell, panel_grid, stack_panels
from lib.charts.sizing import WIDE, chars_in
from lib.charts.theme import BENCHMARK, LABEL_GROUND, MUTED_TEXT, NORMAL, TEXT, Theme
from lib.charts.timeline import COUNCIL_SOURCE, organisation_colour, organisation_role, row_ticks
from lib.data import source_note
from lib.escape import strip_bold


def scale_and_speed(
    rows: pd.DataFrame, words: Words, *, highlight: str | None = None, theme: Theme = NORMAL
) -> go.Figure:
    """How many staff or users (as printed) beside how long it took (as given) and the derived rate.

    `rows` comes from `lib.councils.scale_and_speed_rows`. A missing count or time is
    written as such, never drawn as zero; a range (5–8 days) is drawn from its start.
    """
    order = _speed_order(rows)
    rows = rows.set_index("id").loc[order].reset_index()
    ys = list(range(len(rows)))
    colours = [organisation_colour(o, highlight) for o in rows["organisation"]]
    frame = theme.width or WIDE
    # Beside the bars, names take under a third of the frame; above them (stacked), its whole width.
    name_px = frame - 40 if theme.stacked else frame * 0.3
    ticktext = row_ticks(rows, highlight, min(44, chars_in(name_px, theme.tick_size)))
    left = label_margin(ticktext, theme)
    plot = frame - left - (16 if theme.stacked else 40)
    panel = plot if theme.stacked else plot * (1 - SPEED_SPACING) / 2
    title_chars = chars_in(panel, theme.axis_title_size, bold=True)
    titles = [f"<b>{wrap(t, title_chars)}</b>" for t in ("How many (as printed)", "How long it took (as given)")]
    fig = panel_grid(theme, titles, spacing=SPEED_SPACING, column_widths=[0.5, 0.5])
    count_notes = [row.count_label if pd.notna(row.count) else "" for row in rows.itertuples()]
    time_notes = [_time_note(row, chars_in(panel * 0.75, theme.label_size)) for row in rows.itertuples()]
    notes = _count_panel(fig, rows, ys, colours, theme) + _time_panel(fig, rows, ys, colours, time_notes, theme)
    top_count = room_for_labels(rows["count"], count_notes, panel, theme)
    top_days = room_for_labels(rows["duration_max_days"], time_notes, panel, theme)
    ticks = max(int(panel // 70), 2)  # a tick per 70 px: "10,000" never meets "15,000"
    count_axis = value_axis("Staff or users", theme, top=top_count, suffix=None, tickformat=",", nticks=ticks)
    set_axes(fig, "x", **count_axis, **cell(theme, 1))
    set_axes(fig, "x", **value_axis("Days", theme, top=top_days, suffix=None, nticks=ticks), **cell(theme, 2))
    reversed_rows = dict(range=[len(rows) - 0.5, -0.5], fixedrange=True)
    notes += category_names(
        fig, ys, ticktext, theme, bar_half=(1 - theme.bar_gap) / 2, upward=-1, col=None, **reversed_rows
    )
    style_panel_titles(fig, theme)
    fig.update_layout(bargap=theme.bar_gap)
    row = row_room(ticktext, count_notes + time_notes, theme, least=int(theme.row_height * 1.7))
    fig = finish_layout(
        fig,
        words,
        theme,
        default_source=source_note(COUNCIL_SOURCE),
        height=theme.base_height + row * len(rows) * (2 if theme.stacked else 1),
        left=left,
        top_extra=theme.axis_title_size * (max(t.count("<br>") for t in titles) + 1),
        annotations=notes,
    )
    stack_panels(fig, theme, gap=theme.tick_size * 2 + theme.axis_title_size * 2 + 12, titles=titles)
    return fig


SPEED_SPACING = 0.08


def row_room(names: list[str], notes: list[str], theme: Theme, *, least: int, bar: float | None = None) -> int:
    """A row's px: its bar as tall as its longest note (centred on it), and the category's name beside it (or,
    where the theme is stacked, above the bar); never less than `least`."""
    bar = bar if bar is not None else 1 - theme.bar_gap
    note_px = max((n.count("<br>") + 1 for n in notes if n), default=1) * theme.label_size * 1.3 + 4
    name_px = max(n.count("<br>") + 1 for n in names) * theme.tick_size * 1.3 + 6
    return max(least, int(note_px / bar), int(name_px / (1 - bar)) if theme.stacked else int(name_px))


def _time_note(row, chars: int) -> str:
    """How long it took, as given, and the derived rate in bold, each wrapped to `chars` (or, with no number of
    days, what the source says of the time, if anything)."""
    if pd.isna(row.duration_max_days):
        return wrap(_no_days(row.duration), chars)
    lines = wrap(row.duration, chars).split("<br>")
    if isinstance(row.rate_label, str):
        rate = [f"<b>{line}</b>" for line in wrap(row.rate_label, chars).split("<br>")]
        fits = len(strip_bold(rate[-1])) + len(" (derived)") <= chars
        lines += rate[:-1] + ([f"{rate[-1]} (derived)"] if fits else [rate[-1], "(derived)"])
    return "<br>".join(lines)


def _count_panel(fig: go.Figure, rows: pd.DataFrame, ys: list[int], colours: list[str], theme: Theme) -> list[dict]:
    """How many staff or users, as printed; a missing count is said, and no bar drawn for it (not even one of no
    width)."""
    drawn = rows["count"].notna().to_list()
    counted = rows[drawn]
    fig.add_bar(
        x=counted["count"],
        y=[y for y, shown in zip(ys, drawn, strict=True) if shown],
        orientation="h",
        marker=dict(color=[c for c, shown in zip(colours, drawn, strict=True) if shown], line_width=0),
        customdata=[
            f"<b>{o}</b><br>{m}: {t}<br>When: {w}"
            for o, m, t, w in zip(
                counted["organisation"], counted["measure"], counted["value_text"], counted["when"], strict=True
            )
        ],
        hovertemplate="%{customdata}<extra></extra>",
        name="count",
        **cell(theme, 1),
    )
    return [
        _value_note(row.count, y, row.count_label, theme, col=1)
        if pd.notna(row.count)
        else _value_note(0, y, "no count given", theme, col=1, muted=True)
        for y, row in zip(ys, rows.itertuples(), strict=True)
    ]


def _time_panel(
    fig: go.Figure, rows: pd.DataFrame, ys: list[int], colours: list[str], notes: list[str], theme: Theme
) -> list[dict]:
    """How long it took, as given, with the derived rate (`notes`); a range (5–8 days) is drawn from its start; a
    missing time is said, and no bar drawn for it."""
    drawn = rows["duration_max_days"].notna().to_list()
    timed = rows[drawn]
    starts = [
        lo if pd.notna(lo) and lo < hi else 0.0
        for lo, hi in zip(timed["duration_min_days"], timed["duration_max_days"], strict=True)
    ]
    fig.add_bar(
        base=starts,
        x=[hi - lo for lo, hi in zip(starts, timed["duration_max_days"], strict=True)],
        y=[y for y, shown in zip(ys, drawn, strict=True) if shown],
        orientation="h",
        marker=dict(color=[c for c, shown in zip(colours, drawn, strict=True) if shown], line_width=0),
        customdata=[
            f"<b>{o}</b><br>{m}: {d}" + (f"<br>{r} (derived)" if isinstance(r, str) else "")
            for o, m, d, r in zip(
                timed["organisation"], timed["measure"], timed["duration"], timed["rate_label"], strict=True
            )
        ],
        hovertemplate="%{customdata}<extra></extra>",
        name="days",
        **cell(theme, 2),
    )
    return [
        _value_note(0, y, note, theme, col=2, muted=True)
        if pd.isna(row.duration_max_days)
        else _value_note(row.duration_max_days, y, note, theme, col=2)
        for y, row, note in zip(ys, rows.itertuples(), notes, strict=True)
    ]


def _no_days(duration: object) -> str:
    """A time the source gives in words and no number ("within a few days") is said as given; none at all, so."""
    return f"{duration} (no number of days)" if isinstance(duration, str) and duration else "no time given"


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
    shares: pd.DataFrame, words: Words, *, highlight: str | None = None, theme: Theme = NORMAL
) -> go.Figure:
    """Each organisation's own share of staff at home (2020) above its region's ONS 2019 figure.

    `shares` comes from `lib.councils.shares_at_home`. The two bars come from different
    sources and measure different things; the labels say so bar by bar.
    """
    bars = _share_bars(shares, highlight)
    ys, ticks = bars["y"].tolist(), bars["tick"].tolist()
    frame = theme.width or WIDE
    left = label_margin(ticks, theme)
    plot = frame - left - (16 if theme.stacked else 40)
    # Each note right of its bar, wrapped to under half the plot; the axis runs on past 100% to make the room.
    share = 0.6 if theme.stacked else 0.45
    notes = [wrap(note, chars_in(plot * share, theme.label_size)) for note in bars["note"]]
    thickness = 1 - theme.bar_gap if theme.stacked else 0.8
    fig = go.Figure()
    fig.add_bar(
        x=bars["value"].tolist(),
        y=ys,
        orientation="h",
        width=thickness,
        marker=dict(color=bars["colour"].tolist(), line_width=0),
        customdata=bars["hover"].tolist(),
        hovertemplate="%{customdata}<extra></extra>",
        name="share",
    )
    labels = [_value_note(x, y, note, theme, col=1) for x, y, note in zip(bars["value"], ys, notes, strict=True)]
    top = max(room_for_labels(bars["value"].tolist(), notes, plot, theme), 100)
    percent_ticks = dict(tickvals=[0, 25, 50, 75, 100], ticktext=["0%", "25%", "50%", "75%", "100%"])
    set_axes(fig, "x", **value_axis(SHARE_AXIS, theme, top=top, suffix=None, **percent_ticks))
    rows = dict(range=[max(ys, default=1) + 0.7, -0.7], fixedrange=True)
    labels += category_names(fig, ys, ticks, theme, bar_half=thickness / 2, upward=-1, col=None, **rows)
    row = row_room(ticks, notes, theme, least=0, bar=thickness)
    units = max(ys, default=1) + 1.4  # the axis's length: two bars an organisation and a gap between organisations
    plot = max(int(row * units), int(theme.row_height * 1.9) * max(len(ys), 1))
    return finish_layout(
        fig,
        words,
        theme,
        default_source=baseline_sources(),
        height=theme.base_height + plot,
        left=left,
        annotations=labels,
    )


SHARE_AXIS = "% (different bases and sources: see each label)"


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
                "tick": f"{tick}<br>{row.when}",
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
