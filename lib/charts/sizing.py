"""Every chart drawn for the space it is shown in: a theme derived from the frame's size.

A chart is laid out for a width — a phone's column, a laptop's, a 1280-px image, a 1920×1080 slide, the
PowerPoint picture, the brief's column — and, where the frame is fixed, a height. `for_size` gives the theme
for that frame: titles wrapped to its width, smaller type and stacked panels where it is narrow (the
builders read `theme.stacked`), and the frame's height, which `fit` meets by redrawing in smaller type
rather than squeezing rows into each other. The builders are the same everywhere; only the theme changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import plotly.graph_objects as go

from lib.charts.theme import NARROW, SCREEN_TICK, Theme

# Average advance of a character, in ems, of the charts' type as drawn (Liberation Sans, Arial's metrics), a
# little above the measured average of their English labels (0.47 regular, 0.51 bold) so wrapped lines fit.
EM = {False: 0.52, True: 0.57}
TITLE_INSET = 52  # px: the title's left pad and the right margin
ROW_FLOOR = 1.6  # lines of its type a row keeps, at least, when a fixed frame takes its spare room
SMALLEST_TYPE = 0.95  # a fixed frame shrinks the type a little at most: a chart holds fewer rows instead
TYPE_STEPS = 3  # sizes `fit` may try


SCREEN_STEP = 40  # px: a page's charts are drawn for their column's width rounded down to a step of this
WIDE = 820  # px: a column at least this wide gets the page's own layout, the same for everyone
SMALLEST_SCREEN = 280  # px: no phone's column is narrower


def screen_width(column: float) -> int | None:
    """The width a page's charts are drawn for in a column `column` px wide: None (the theme's own layout, built
    once for everyone) from WIDE up; below, the column rounded down to SCREEN_STEP, so a few sizes serve every
    phone and narrow window and the shared figures stay few."""
    if column >= WIDE:
        return None
    return max(int(column // SCREEN_STEP * SCREEN_STEP), SMALLEST_SCREEN)


def chars_in(px: float, size: float, *, bold: bool = False) -> int:
    """How many characters of `size` px type fit on a line `px` wide (never fewer than 8)."""
    return max(int(px / (size * EM[bold])), 8)


def text_px(text: str, size: float, *, bold: bool = False) -> float:
    """The width a line of text takes, as `chars_in` reckons it."""
    return len(text) * size * EM[bold]


def for_size(theme: Theme, width: int, height: int | None = None, *, grow: bool = False) -> Theme:
    """`theme` for a frame `width` layout px wide (and exactly `height` tall where the frame is fixed).

    Below `NARROW` (a phone) the type steps down a size and the panels stack (`Theme.stacked`); a fixed
    frame is compact (the timeline keeps its dated lanes). `grow`: a chart that does not fit the height even in
    the smallest type is drawn as tall as it needs (an image file), rather than holding fewer rows (a slide).
    """
    narrow = width * SCREEN_TICK / theme.tick_size < NARROW  # counted in the theme's own type (print is in pt)
    if narrow:
        theme = replace(
            theme,
            title_size=min(theme.title_size, 18),
            subtitle_size=min(theme.subtitle_size, 13),
            tick_size=min(theme.tick_size, 12),
            axis_title_size=min(theme.axis_title_size, 12),
            label_size=min(theme.label_size, 12),
            source_size=min(theme.source_size, 11),
            row_height=max(theme.row_height, 40),  # a name above each bar, the bar under it
            bar_gap=max(theme.bar_gap, 0.45),
        )
    title_wrap = chars_in(width - TITLE_INSET, theme.title_size, bold=True)
    return replace(
        theme,
        width=width,
        height=height,
        grow=grow,
        stacked=narrow,
        compact=theme.compact or height is not None,  # a fixed frame draws the rows that matter most
        title_wrap=min(theme.title_wrap, title_wrap),
        note_wrap=min(theme.note_wrap, chars_in(width * 0.4, theme.label_size)),
        shared_row_title_wrap=0,  # the frame is the chart's own share of the row
    )


def scaled(theme: Theme, factor: float) -> Theme:
    """Every type size, mark and row of `theme` times `factor` (wrap widths grow to keep the line lengths)."""

    def times(value: float) -> int:
        return max(round(value * factor), 1)

    return replace(
        theme,
        title_size=times(theme.title_size),
        subtitle_size=times(theme.subtitle_size),
        tick_size=times(theme.tick_size),
        axis_title_size=times(theme.axis_title_size),
        label_size=times(theme.label_size),
        source_size=times(theme.source_size),
        line_width=theme.line_width * factor,
        marker_size=times(theme.marker_size),
        row_height=times(theme.row_height),
        base_height=times(theme.base_height),
        title_wrap=int(theme.title_wrap / factor) if theme.width is None else theme.title_wrap,
        note_wrap=int(theme.note_wrap / factor),
    )


def fit(draw: Callable[[Theme], go.Figure], theme: Theme) -> go.Figure:
    """`draw(theme)` for the theme's frame. Where the frame's height is fixed and the chart would be taller, its
    rows give up their spare room first (down to ROW_FLOOR lines of their type); past that it is drawn in smaller
    type (down to SMALLEST_TYPE); past that a growing frame (`Theme.grow`) takes the chart's own height, and a
    chart in a fixed one holds fewer rows where it can (the timeline's lanes), so that no row is ever squeezed
    onto the next."""
    if theme.height is None:
        return draw(theme)
    sized, fits = theme, False
    for _ in range(TYPE_STEPS):
        loose = replace(sized, height=None)
        natural = draw(loose).layout.height
        if natural is None or natural <= theme.height:  # a figure with no height of its own takes the frame's
            fits = True
            break
        floor = int(ROW_FLOOR * max(sized.tick_size, sized.label_size))
        if floor < sized.row_height:
            tight = draw(replace(loose, row_height=floor)).layout.height
            if tight <= theme.height:  # the rows' own room is enough: share out what the frame has left
                per_px = (natural - tight) / (sized.row_height - floor)
                sized, fits = replace(sized, row_height=int(floor + (theme.height - tight) / per_px)), True
                break
        factor = max(sized.tick_size / theme.tick_size * theme.height / natural, SMALLEST_TYPE)
        if factor >= sized.tick_size / theme.tick_size:
            break  # as small as it may be drawn
        shrunk = scaled(theme, factor)
        sized = for_size(shrunk, theme.width, theme.height, grow=theme.grow) if theme.width else shrunk
    if not fits and theme.grow:
        return draw(replace(sized, height=None))  # taller than the frame, every row with its room
    return draw(replace(sized, height=theme.height))
