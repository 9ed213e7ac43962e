"""What every chart shares: the takeaway title, subtitle and source line, margins, axes, labels."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypedDict

import pandas as pd
import plotly.graph_objects as go

from lib.charts.sizing import WIDE, chars_in, text_px
from lib.charts.theme import (
    FONT,
    GRID,
    LABEL_GROUND,
    MUTED_TEXT,
    PRESENT,
    REFERENCE,
    ROLE_COLOURS,
    ROLE_LABELS,
    TEMPLATE,
    TEXT,
    WHITE,
    Theme,
)
from lib.compare import MEASURE_PANELS
from lib.data import source_note
from lib.escape import for_plotly, shorten, strip_bold
from lib.limits import DRAWING


@dataclass(frozen=True)
class Words:
    """What a chart says besides its marks: the takeaway title, the subtitle and the source line. Every builder
    takes one; `source` None leaves the builder its own (the ONS tables, or the council figures)."""

    title: str
    subtitle: str
    source: str | None = None


def wrap(text: str, width: int) -> str:
    """Break a long title onto lines for Plotly, which does not wrap titles itself."""
    return "<br>".join(textwrap.wrap(text, width=width)) if text else ""


def chart_config(filename: str, *, camera: bool = False) -> dict:
    """Plotly's settings for a chart on a page: no mode bar. Its seven buttons were seven Tab stops a chart,
    shown only on hover, and the PNG and SVG buttons under each chart draw its files on the server.
    `camera` (a server without Chromium) keeps one button, the camera, which saves the chart as shown at 2×.
    """
    if not camera:
        return {"displayModeBar": False, "displaylogo": False}
    return {
        "displaylogo": False,
        "modeBarButtons": [["toImage"]],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def finish_layout(
    fig: go.Figure,
    words: Words,
    theme: Theme,
    *,
    height: int,
    default_source: str | None = None,
    left: int = 60,
    top_extra: int = 0,
    bottom_extra: int = 0,
    annotations: Sequence[dict] = (),
    shapes: Sequence[dict] = (),
) -> go.Figure:
    """Apply the shared layout: takeaway title, subtitle, fonts, margins and the source line.

    `default_source` is the builder's source line where `words` names none (None: the ONS tables').
    `left` is the left margin in px (room for category labels); the title and the source
    line both start at the figure's left edge, whatever the labels' width. `top_extra` and `bottom_extra` add
    room above the plot (a legend, panel titles) and below it (tick labels turned upright). The chart's own
    `annotations` and `shapes` go in with the source line, in one assignment (see add_marks).
    """
    title, subtitle, source = words.title, words.subtitle, words.source or default_source or source_note()
    if theme.words_outside:  # printed beside the figure as text (the brief), which finds them in `meta`
        fig.layout.meta = dict(title=title, subtitle=subtitle, source=source)
        title, subtitle, source = "", "", ""
    title_lines, subtitle_lines, source_lines = _wrapped_texts(title, subtitle, source, theme)
    right = 16 if theme.stacked else 40
    _fit_axis_titles(fig, theme, left, right)
    axis_title_lines = max((_count_lines(a.title.text or "") for a in fig.select_xaxes()), default=1)
    top, bottom = frame_margins(title, subtitle, source, theme, top_extra=top_extra, axis_title_lines=axis_title_lines)
    bottom += bottom_extra
    fig.update_layout(template=TEMPLATE)
    # Assigned rather than merged by update_layout, which walks every property path and costs ten times as
    # much on a figure with panels; no builder sets these before this point.
    layout = fig.layout
    layout.font = dict(family=FONT, size=theme.tick_size, color=TEXT)
    layout.title = dict(
        text=f"<b>{title_lines}</b>" if title_lines else "",
        subtitle=dict(text=subtitle_lines, font=dict(size=theme.subtitle_size, color=MUTED_TEXT)),
        font=dict(size=theme.title_size, color=TEXT),
        x=0,
        xanchor="left",
        xref="container",
        yref="container",
        y=1,
        yanchor="top",
        # Plotly anchors a multi-line title by its first line's middle: pad by a line.
        pad=dict(t=12 + theme.title_size, l=12),
    )
    layout.margin = dict(l=left, r=right, t=top, b=bottom, autoexpand=False)
    layout.height = theme.height or height + top  # a fixed frame (lib.charts.sizing.fit) or as tall as the rows
    if theme.stacked:
        layout.dragmode = False  # a finger dragging down a phone's page scrolls it, never zooms the chart
    layout.hoverlabel = dict(font_size=max(theme.tick_size, 14))
    layout.showlegend = False
    if theme.min_text_size:  # Plotly shrinks a bar's value to fit the bar: never below this
        layout.uniformtext = dict(minsize=theme.min_text_size, mode="show")
    source_line = dict(
        text=source_lines,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="bottom",
        xshift=-(left - 12),
        yshift=-bottom + 8,
        showarrow=False,
        align="left",
        font=dict(size=theme.source_size, color=MUTED_TEXT),
    )
    add_marks(fig, annotations=[*annotations, source_line] if source else annotations, shapes=shapes)
    return fig


def _fit_axis_titles(fig: go.Figure, theme: Theme, left: int, right: int) -> None:
    """Each x axis's title wrapped to the room it has: it is centred under its panel, so twice the distance from
    the panel's centre to the nearer edge of the frame (and no wider than the frame)."""
    width = theme.width or WIDE  # a screen of unknown width is at least as wide as the wide layout's narrowest
    plot = width - left - right
    for axis_ in fig.select_xaxes():
        text = axis_.title.text
        if not text:
            continue
        start, end = axis_.domain or (0, 1)
        centre = left + plot * (start + end) / 2
        room = min(2 * min(centre, width - centre), width) - 24
        axis_.title.text = wrap(text.replace("<br>", " "), chars_in(room, theme.axis_title_size))


def _wrapped_texts(title: str, subtitle: str, source: str, theme: Theme) -> tuple[str, str, str]:
    """The title, subtitle and source line wrapped for the theme (smaller type fits more on the same width)."""
    return (
        wrap(title, theme.title_wrap),
        wrap(subtitle, int(theme.title_wrap * theme.title_size / theme.subtitle_size)),
        wrap(for_plotly(source), int(theme.title_wrap * theme.title_size / theme.source_size)),
    )


def frame_margins(
    title: str, subtitle: str, source: str, theme: Theme, *, top_extra: int = 0, axis_title_lines: int = 1
) -> tuple[int, int]:
    """The top margin (title, subtitle and `top_extra`) and the bottom one (ticks, axis title, source line) that
    finish_layout gives a chart, in px: what a fixed frame has left for the plot is the rest."""
    title_lines, subtitle_lines, source_lines = _wrapped_texts(title, subtitle, source, theme)
    title_px = int(theme.title_size * 1.25 * _count_lines(title_lines))
    subtitle_px = int(theme.subtitle_size * 1.35 * _count_lines(subtitle_lines))
    top = title_px + subtitle_px + 36 + theme.title_size + top_extra
    source_px = int(theme.source_size * 1.3 * _count_lines(source_lines))
    bottom = int(source_px + theme.axis_title_size * (0.8 + 1.2 * axis_title_lines) + theme.tick_size * 2 + 24)
    if theme.words_outside:  # no title, subtitle or source line drawn: the brief prints them
        return top_extra + theme.axis_title_size * 2, bottom - source_px - 16
    return top, bottom


def add_marks(fig: go.Figure, *, annotations: Sequence[dict] = (), shapes: Sequence[dict] = ()) -> None:
    """Add many labels and shapes in one assignment each.

    Plotly re-validates every existing annotation on each `add_annotation`, so adding
    labels one by one costs the square of their number (benchmarks/results.md).
    """
    if annotations:
        fig.layout.annotations = [*fig.layout.annotations, *annotations]
    if shapes:
        fig.layout.shapes = [*fig.layout.shapes, *shapes]


def set_axes(fig: go.Figure, letter: str, *, row: int | None = None, col: int | None = None, **props) -> None:
    """`fig.update_xaxes` / `update_yaxes`, but each property assigned, not merged: Plotly's merge walks every
    property path and was most of a chart's build time. The builders set each axis property once, so the
    figure is the same (318 figures were compared as JSON when this replaced the merges)."""
    select = fig.select_xaxes if letter == "x" else fig.select_yaxes
    for axis_ in select(row=row, col=col):
        for key, value in props.items():
            axis_[key] = value


def panel_title(measure: str, theme: Theme, panel_px: float) -> str:
    """A measure's panel title, wrapped to its panel's width in px (panel_width)."""
    return f"<b>{wrap(MEASURE_PANELS[measure], chars_in(panel_px, theme.axis_title_size, bold=True))}</b>"


def panel_title_px(titles: Sequence[str], theme: Theme) -> int:
    """The extra height panel titles wrapped onto more lines take above the panels."""
    lines = max((_count_lines(t) for t in titles), default=1)
    return int(theme.axis_title_size * 1.3) * (lines - 1)


def plot_px(theme: Theme, left: int) -> int:
    """The plot's width in px in the chart's frame: the theme's, or for the wide layout (no frame: a column from
    WIDE px up) its narrowest, so that what is laid out for it fits every such column."""
    return (theme.width or WIDE) - left - (16 if theme.stacked else 40)


def panel_spacing(theme: Theme, left: int, least: float = 0.04) -> float:
    """The gap between panels side by side, as a share of the plot: at least `least`, and room between the last tick
    label of one panel and the first of the next ('60%' and '0%'), which ran together in a printed brief."""
    return max(least, theme.tick_size * 3.5 / plot_px(theme, left))


def panel_width(theme: Theme, panels: int, left: int, spacing: float) -> float:
    """Each panel's width in px (plot_px): its panel titles are wrapped to it. Stacked panels take the plot."""
    plot = plot_px(theme, left)
    return plot if theme.stacked else plot * (1 - spacing * (panels - 1)) / panels


def axis(letter: str, col: int) -> str:
    """Plotly names the first subplot's axes 'x'/'y' and the others 'x2', 'y3', …"""
    return letter if col == 1 else f"{letter}{col}"


def _count_lines(text: str) -> int:
    return text.count("<br>") + 1


def label_margin(labels: list[str], theme: Theme) -> int:
    """Left margin (px) wide enough for the longest line of a category label at this theme's size; a stacked
    chart names its categories above their bars (lib.charts.panels.category_names) and needs only a border."""
    if theme.stacked:
        return 12
    lines = [line for label in labels for line in label.split("<br>")]
    longest = max((len(strip_bold(line)) for line in lines), default=10)
    return int(longest * theme.tick_size * 0.56) + 24


def value_label(value: float) -> str:
    return "not published" if math.isnan(value) else f"{value:.1f}%"


class Highlight(TypedDict):
    """Which categories a chart highlights: the person's own, and what it is compared with (None: nothing)."""

    yours: str | None
    benchmark: str | None


def role_of(category: str, yours: str | None, benchmark: str | None) -> str:
    if category == yours:
        return "yours"
    if category == benchmark:
        return "benchmark"
    return "other"


def axis_label(category: str) -> str:
    """A category as an axis shows it: escaped, and cut to Drawing.label_chars (the whole text is in the hover and
    the table), so that no uploaded label can fill the chart or hold up the browser drawing it."""
    return for_plotly(shorten(category, DRAWING.label_chars))


def tick_label(category: str, role: str) -> str:
    """Highlighted categories differ in words and weight, not colour alone."""
    if role in ROLE_LABELS:
        return f"<b>{axis_label(category)}</b> ({ROLE_LABELS[role]})"
    return axis_label(category)


def reference_line(value: float, col: int, text: str, theme: Theme) -> tuple[dict, dict]:
    """A dashed line across one panel at the reference figure, and its label on the panel's top edge."""
    xref, yref = axis("x", col), f"{axis('y', col)} domain"
    line = dict(
        type="line",
        x0=value,
        x1=value,
        y0=0,
        y1=1,
        xref=xref,
        yref=yref,
        layer="below",
        line=dict(color=REFERENCE, width=theme.line_width * 0.75, dash="dash"),
    )
    label = dict(
        x=value,
        y=1,
        xref=xref,
        yref=yref,
        text=text,
        font=label_font(theme),
        yanchor="bottom",
        showarrow=False,
        bgcolor=LABEL_GROUND,
    )
    return line, label


def category_axis(
    fig: go.Figure, cats: list, ticktext: list[str], theme: Theme, *, col: int | None = 1, **props
) -> None:
    """The categories down a horizontal chart, each tick in words (highlighted ones in bold); `props` add to it
    (a fixed range, no grid)."""
    set_axes(
        fig,
        "y",
        tickmode="array",
        tickvals=cats,
        ticktext=ticktext,
        tickfont=dict(size=theme.tick_size),
        ticks="",
        ticklabelstandoff=6,
        row=1 if col else None,
        col=col,
        **props,
    )


def axis_title(text: str, theme: Theme) -> dict:
    """An axis title in the theme's type (finish_layout wraps it to its room where the frame's width is known)."""
    return dict(text=text, font=dict(size=theme.axis_title_size))


def value_axis(title: str, theme: Theme, *, top: float, suffix: str | None = "%", **props) -> dict:
    """A value axis from 0 to `top`: its unit on the ticks (if any), its title, grid lines, in the theme's sizes."""
    unit = {} if suffix is None else {"ticksuffix": suffix}
    return dict(
        range=[0, top],
        **unit,
        title=axis_title(title, theme),
        tickfont=dict(size=theme.tick_size),
        gridcolor=GRID,
        **props,
    )


def label_px(text: str, theme: Theme) -> float:
    """The width of a label's longest line in the theme's label type (bold lines as bold)."""
    return max(text_px(strip_bold(line), theme.label_size, bold="<b>" in line) for line in text.split("<br>"))


def room_for_labels(
    values: Sequence[float], labels: Sequence[str], panel_px: float, theme: Theme, *, shift: int = 8
) -> float:
    """The top of a value axis that leaves each bar's label room past the bar's end on a panel `panel_px` wide (a
    bar keeps a third of the panel at least, should its label want more), and no less than 1.1 × the largest."""
    largest = max((v for v in values if v == v), default=1.0)
    tops = [largest * 1.1]
    for value, label in zip(values, labels, strict=True):
        if value == value and label:  # NaN != NaN: a missing figure has a note at zero, not a bar
            free = max(panel_px - shift - label_px(label, theme), panel_px / 3)
            tops.append(value * panel_px / free)
    return max(tops) or 1.0


def label_font(theme: Theme, colour: str = TEXT) -> dict:
    """The type of a figure's label on a chart."""
    return dict(size=theme.label_size, color=colour)


def role_marker(roles: list[str], theme: Theme) -> dict:
    """Bars in their roles' colours, the highlighted ones outlined, so a role shows in more than colour."""
    return dict(
        color=[ROLE_COLOURS[r] for r in roles],
        line=dict(width=[theme.line_width if r != "other" else 0 for r in roles], color=TEXT),
    )


def bar_labels(
    values: pd.Series, theme: Theme, *, col: int = 1, label: Callable[[float], str] | None = None
) -> list[dict]:
    """Each bar's figure just past its end, white-backed so no line runs through it ('not published' at zero
    where the source is silent)."""
    return [figure_label(value, category, theme, col=col, label=label) for category, value in values.items()]


def figure_label(
    value: float, at: object, theme: Theme, *, col: int = 1, label: Callable[[float], str] | None = None
) -> dict:
    """A bar's figure just past its end, at `at` on the category axis, white-backed (zero where it is missing)."""
    return dict(
        x=0 if math.isnan(value) else value,
        y=at,
        xref=axis("x", col),
        yref=axis("y", col),
        text=(label or value_label)(value),
        xanchor="left",
        xshift=3,
        showarrow=False,
        bgcolor=WHITE,
        borderpad=1,
        font=label_font(theme),
    )


def grouped_bars(
    fig: go.Figure, groups: Sequence[tuple[pd.Series, bool]], categories: Sequence[str], theme: Theme, *, col: int = 1
) -> list[dict]:
    """Place the last `len(groups)` horizontal bar traces of `fig` side by side in each category's band, the bars a
    category has centred in it (a figure only one source gives sits in the middle, not beside an empty slot), and
    return each figure's label just past its bar's end, white-backed as `bar_labels`' are, so the reference line
    never runs through one. `groups` are the traces in the order drawn, each its figures by category (a category
    it does not hold has no bar) and whether a missing figure says 'not published' (else it has no label). The
    first trace is lowest; each bar is (1 − gap)/n wide, for n traces."""
    width = (1 - theme.bar_gap) / max(len(groups), 1)
    shown = [
        [
            category in values.index and (say_missing or not math.isnan(float(values.get(category, math.nan))))
            for category in categories
        ]
        for values, say_missing in groups
    ]
    centres: list[dict[str, float]] = [{} for _ in groups]
    for place, category in enumerate(categories):
        here = [slot for slot in range(len(groups)) if shown[slot][place]]
        for order, slot in enumerate(here):
            centres[slot][category] = (order + 0.5 - len(here) / 2) * width
    for trace, centre in zip(fig.data[-len(groups) :] if groups else (), centres, strict=True):
        trace.update(offset=[centre.get(str(c), 0.0) - width / 2 for c in trace.y], width=width)
    labels = [
        figure_label(float(values.get(category, math.nan)), place + centre[category], theme, col=col)
        for (values, _), centre in zip(groups, centres, strict=True)
        for place, category in enumerate(categories)
        if category in centre
    ]
    # Side by side a label can be taller than its bar (8 pt type on a printed brief's squeezed rows), and its white
    # ground would cover its neighbour's figure: every ground is laid first, as a blank label, then every figure.
    grounds = [label | {"font": label["font"] | {"color": "rgba(0,0,0,0)"}} for label in labels]
    return grounds + [label | {"bgcolor": None} for label in labels]


def style_panel_titles(
    fig: go.Figure, theme: Theme, *, titles: set[str] | None = None, lift: int | None = None
) -> None:
    """Panel titles (make_subplots' bold annotations, or those in `titles`) in the theme's axis-title type,
    lifted by `lift` px above the panel where labels sit on its top edge."""
    for annotation in fig.layout.annotations:
        text = annotation.text or ""
        if (text in titles) if titles is not None else (text.startswith("<b>") and annotation.yref == "paper"):
            annotation.font = dict(size=theme.axis_title_size, color=TEXT)
            if lift is not None:
                annotation.yshift = lift


def legend_above_panels(fig: go.Figure, theme: Theme, lift: int = 4) -> None:
    """The legend names whose figures are whose; it sits above the panel titles (lifted by `lift` px)."""
    plot_height = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    titles = [a.text for a in fig.layout.annotations if (a.text or "").startswith("<b>") and a.yref == "paper"]
    above = lift + theme.axis_title_size * 1.6 + 6 + panel_title_px(titles, theme)  # over a wrapped panel title too
    fig.update_layout(
        showlegend=True,
        legend=dict(
            orientation="h",
            x=0,
            y=1 + above / plot_height,
            yanchor="bottom",
            font=dict(size=theme.label_size),
            traceorder="normal",
        ),
    )


def chart_body(fig: go.Figure, source: str) -> go.Figure:
    """The figure without its title and source line, for a slide that carries both as text.

    The subtitle stays (it says what is measured); the top margin loses the title's lines.
    """
    body = go.Figure(fig)
    body.layout.annotations = [a for a in fig.layout.annotations if _one_line(a.text) != for_plotly(source)]
    body.update_layout(title_text="", margin_t=max(fig.layout.margin.t - _title_px(fig), 40))
    body.update_layout(height=fig.layout.height - _title_px(fig))
    return body


def title_height(title: str, theme: Theme) -> int:
    """The px finish_layout reserves for a title's lines under `theme` (before escaping: an estimate)."""
    return int(theme.title_size * 1.25 * _count_lines(wrap(title, theme.title_wrap)))


def _title_px(fig: go.Figure) -> int:
    """Height of the figure's title lines, as lib.charts.finish_layout reserves it."""
    title = fig.layout.title
    lines = (title.text or "").count("<br>") + 1
    return int((title.font.size or PRESENT.title_size) * 1.25 * lines)


def _one_line(text: str | None) -> str:
    """Chart text as a sentence: the chart wraps long lines with <br>."""
    return (text or "").replace("<br>", " ")
