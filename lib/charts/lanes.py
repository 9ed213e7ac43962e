"""Where everything on the councils timeline goes, worked out before any drawing (and tested without Plotly).

Lanes stack down the chart, one an organisation, each as tall as its busiest panel (a row per line of label).
Every label is wrapped for the px its panel has in the frame the chart is drawn for, and a dated figure's label
goes on whichever side of its mark has room, so no label crosses into the next panel and onto another. The
national instruction's words sit in rows of their own above the lanes, as many as its lines need. In a frame of
fixed height, only the lanes that fit at a line of type a row are kept.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace

import pandas as pd

from lib import councils as cl
from lib.charts.layout import Words, frame_margins, label_margin, wrap
from lib.charts.sizing import WIDE, chars_in, text_px
from lib.charts.theme import NORMAL, Theme

COLUMN_WIDTHS = (0.18, 0.48, 0.34)  # before the pandemic, the dated months, no date given
SPACING = 0.012  # between panels, as a share of the plot's width
SIDE_MARK_AT = 0.04  # where a side panel's marks stand, as a share of its width
LABEL_WRAP = 28  # characters a line of a figure's label, at most
LANE_WRAP = 26  # characters a line of an organisation's name
NOTE_WRAP = 60  # characters a line of the instruction's words, at most
RIGHT_MARGIN = 40  # px, as finish_layout gives a chart that is not stacked


@dataclass(frozen=True)
class TimelineLayout:
    """`lanes` are (organisation, top row, rows); `row_of` is each figure's y (the middle of its rows); `labels`
    each figure's wrapped words and `leftward` the figures whose words stand left of their mark; `names` each
    lane's name as its tick; `note` the instruction's wrapped words and `context_rows` the rows above the lanes
    that hold them. The date axis runs from the first of the earliest month drawn to the first of the month after
    the latest; `margin` is the px the lanes' names take on the left."""

    lanes: list[tuple[str, int, int]]
    row_of: dict[str, float]
    first: pd.Timestamp
    last: pd.Timestamp
    labels: dict[str, str]
    leftward: frozenset[str]
    names: dict[str, str]
    note: str
    context_rows: float
    margin: int

    @property
    def total_rows(self) -> int:
        return sum(height for _, _, height in self.lanes)

    def label_goes_left(self, figure_id: str) -> bool:
        return figure_id in self.leftward


def lane_name(organisation: str, highlight: str | None, width: int = LANE_WRAP) -> str:
    """An organisation's name as its lane's tick, wrapped; the presenter's own in bold and '(yours)'."""
    lines = textwrap.wrap(organisation, width) or [organisation]
    if organisation != highlight:
        return "<br>".join(lines)
    return "<br>".join(f"<b>{line}</b>" for line in lines) + " (yours)"


def panel_widths(theme: Theme, margin: int) -> tuple[float, float, float]:
    """Each panel's width in px, in the frame the chart is drawn for (a screen of unknown width: the narrowest
    the wide layout serves)."""
    plot = (theme.width or WIDE) - margin - RIGHT_MARGIN
    usable = plot * (1 - SPACING * (len(COLUMN_WIDTHS) - 1))
    before, dated, undated = (usable * share for share in COLUMN_WIDTHS)
    return before, dated, undated


def timeline_layout(items: pd.DataFrame, theme: Theme = NORMAL, highlight: str | None = None) -> TimelineLayout:
    """The layout of `lib.councils.timeline_items` for a theme (and its frame): lanes in the order things
    happened, labels wrapped to their panels, rows per label line."""
    rollout = items[items["panel"] != "context"]
    order = cl.organisation_order(items)
    names = {organisation: lane_name(organisation, highlight) for organisation in order}
    margin = label_margin(list(names.values()), replace(theme, width=None))  # names beside the lanes, even narrow
    first, last = _date_range(items)
    widths = panel_widths(theme, margin)
    labels, leftward = _labels(rollout, theme, widths, first, last)
    # (organisation, panel) → [id]: dated figures in date order, the others as the table gives them.
    date_order = rollout["draw_from"].fillna(rollout["draw_to"]).where(rollout["panel"] == cl.DATED)
    ordered = rollout.assign(key=date_order).sort_values("key", kind="stable", na_position="last")
    figures = {group: list(part["id"]) for group, part in ordered.groupby(["organisation", "panel"], sort=False)}
    row_of: dict[str, float] = {}
    lanes = []
    top = 0
    for organisation in order:
        height = names[organisation].count("<br>") + 1
        for panel in (cl.BEFORE, cl.DATED, cl.UNDATED):
            offset = 0
            for figure_id in figures.get((organisation, panel), []):
                lines = labels[figure_id].count("<br>") + 1
                row_of[figure_id] = top + offset + (lines - 1) / 2
                offset += lines
            height = max(height, offset)
        lanes.append((organisation, top, height))
        top += height
    note = _note(items, theme, widths, first, last)
    return TimelineLayout(
        lanes, row_of, first, last, labels, frozenset(leftward), names, note, _context_rows(note, theme), margin
    )


def _date_range(items: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    dated = items[items["panel"].isin([cl.DATED, "context"])]
    earliest = dated["draw_from"].fillna(dated["draw_to"]).min()
    latest = dated["draw_to"].max()
    return earliest.to_period("M").to_timestamp(), (latest.to_period("M") + 1).to_timestamp()


def _labels(
    rollout: pd.DataFrame, theme: Theme, widths: tuple[float, float, float], first: pd.Timestamp, last: pd.Timestamp
) -> tuple[dict[str, str], set[str]]:
    """Each figure's words wrapped to the room beside its mark; a dated figure's go left of it where the right
    has too little room and the left more."""
    before, dated, undated = widths
    gap = theme.marker_size + 8  # the mark's half and the label's padding
    span = (last - first).days
    labels, leftward = {}, set()
    for row in rollout.itertuples():
        if row.panel == cl.DATED:
            start = row.draw_from if pd.notna(row.draw_from) else row.draw_to
            right = dated * (1 - (row.draw_to - first).days / span) - gap
            left = dated * (start - first).days / span - gap
            if text_px(row.label, theme.label_size) > right and left > right:
                leftward.add(row.id)
            room = left if row.id in leftward else right
        else:
            room = (before if row.panel == cl.BEFORE else undated) * (1 - SIDE_MARK_AT) - gap
        labels[row.id] = wrap(row.label, min(LABEL_WRAP, chars_in(room, theme.label_size)))
    return labels, leftward


def _note(
    items: pd.DataFrame, theme: Theme, widths: tuple[float, float, float], first: pd.Timestamp, last: pd.Timestamp
) -> str:
    """The national instruction's words, wrapped to the room from its line to the chart's right edge."""
    context = items[items["panel"] == "context"]
    if context.empty:
        return ""
    row = next(context.itertuples())
    _, dated, undated = widths
    room = dated * (1 - (row.draw_from - first).days / (last - first).days) + undated - 12
    words = f"<b>{row.when}</b>: {row.organisation}, {row.measure}"
    return wrap(words, min(NOTE_WRAP, chars_in(room, theme.label_size)))


def line_px(theme: Theme) -> float:
    """The height of a line of label type."""
    return theme.label_size * 1.3


def row_px(theme: Theme) -> int:
    """A row's height as the chart is drawn at its own height (a fixed frame may give it less, not under a line)."""
    return int(theme.row_height * 0.8)


def _context_rows(note: str, theme: Theme) -> float:
    """Rows above the first lane for the instruction's lines (in a fixed frame a row may shrink to a line)."""
    if not note:
        return 0.5
    lines = note.count("<br>") + 1
    per_row = line_px(theme) if theme.height is not None else row_px(theme)
    return lines * line_px(theme) / per_row + 0.6


def more_on_the_page(undated: int, unfitted: int) -> str:
    """The subtitle's note on the organisations a slide or a print leaves out: those with no date (left out by the
    caller) and those that do not fit, counted once."""
    total = undated + unfitted
    if not total:
        return ""
    who = "organisation" if total == 1 else "organisations"
    no_date = "with no date or only 'before the pandemic'"
    if not unfitted:
        return f" · {total} more {who} {no_date} on the Councils page"
    return f" · {total} more {who} on the Councils page" + (f" ({undated} {no_date})" if undated else "")


def lanes_in_frame(
    items: pd.DataFrame,
    words: Words,
    highlight: str | None,
    theme: Theme,
    *,
    top_extra: int,
    undated: int = 0,
) -> tuple[pd.DataFrame, Words]:
    """In a frame of fixed height, the lanes that fit with a line of type a row at least (in the lanes' order,
    the presenter's own always); the subtitle says how many more the Councils page shows, with the `undated` ones
    the caller left out (more_on_the_page). `top_extra` is the room the panels' titles take, and the date axis's
    title may take two lines."""
    layout = timeline_layout(items, theme, highlight)
    lanes = layout.lanes
    kept: list[str] = []
    note = more_on_the_page(undated, 0)
    for _ in range(2):  # the note can take the subtitle onto another line: count again with it
        top, bottom = frame_margins(
            words.title, words.subtitle + note, words.source or "", theme, top_extra=top_extra, axis_title_lines=2
        )
        rows = (theme.height or 0) - top - bottom
        room = rows / line_px(theme) - layout.context_rows
        used = sum(height for organisation, _, height in lanes if organisation == highlight)
        kept = []
        for organisation, _, height in lanes:
            if organisation == highlight or not kept or used + height <= room:
                kept.append(organisation)
                used += height if organisation != highlight else 0
        note = more_on_the_page(undated, len(lanes) - len(kept))
    kept_items = items[items["organisation"].isin(kept) | (items["panel"] == "context")]
    return kept_items, replace(words, subtitle=words.subtitle + note)
