"""What every chart shares: the takeaway title, subtitle and source line, margins, axes, labels."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import plotly.graph_objects as go

from lib.charts.theme import (
    FONT,
    IMAGE_HEIGHT,
    IMAGE_WIDTH,
    LABEL_GROUND,
    MUTED_TEXT,
    PRESENT,
    REFERENCE,
    ROLE_LABELS,
    TEMPLATE,
    TEXT,
    Theme,
)
from lib.compare import MEASURE_PANELS
from lib.escape import for_plotly, shorten, strip_bold
from lib.limits import DRAWING


def wrap(text: str, width: int) -> str:
    """Break a long title onto lines for Plotly, which does not wrap titles itself."""
    return "<br>".join(textwrap.wrap(text, width=width)) if text else ""


def chart_config(filename: str) -> dict:
    """Plotly's own mode bar; the camera button saves a 1920×1080 PNG for slides.

    Laid out at 1280×720 and drawn at 1.5×, so the type is half as large again as on
    screen and reads on a slide (the same size as the server-side export in ui.py).
    """
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {
            "format": "png",
            "filename": filename,
            "width": IMAGE_WIDTH * 2 // 3,
            "height": IMAGE_HEIGHT * 2 // 3,
            "scale": 1.5,
        },
    }


def finish_layout(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    theme: Theme,
    height: int,
    left: int = 60,
    top_extra: int = 0,
    annotations: Sequence[dict] = (),
    shapes: Sequence[dict] = (),
) -> go.Figure:
    """Apply the shared layout: takeaway title, subtitle, fonts, margins and the source line.

    `left` is the left margin in px (room for category labels); the title and the source
    line both start at the figure's left edge, whatever the labels' width. The chart's own
    `annotations` and `shapes` go in with the source line, in one assignment (see add_marks).
    """
    title_lines = wrap(title, theme.title_wrap)
    # Smaller type fits more characters on the same width.
    subtitle_lines = wrap(subtitle, int(theme.title_wrap * theme.title_size / theme.subtitle_size))
    source_lines = wrap(for_plotly(source), int(theme.title_wrap * theme.title_size / theme.source_size))
    title_px = int(theme.title_size * 1.25 * _count_lines(title_lines))
    subtitle_px = int(theme.subtitle_size * 1.35 * _count_lines(subtitle_lines))
    top = title_px + subtitle_px + 36 + theme.title_size + top_extra
    source_px = int(theme.source_size * 1.3 * _count_lines(source_lines))
    bottom = int(source_px + theme.axis_title_size * 2 + theme.tick_size * 2 + 24)
    fig.update_layout(template=TEMPLATE)
    # Assigned rather than merged by update_layout, which walks every property path and costs ten times as
    # much on a figure with panels; no builder sets these before this point.
    layout = fig.layout
    layout.font = dict(family=FONT, size=theme.tick_size, color=TEXT)
    layout.title = dict(
        text=f"<b>{title_lines}</b>",
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
    layout.margin = dict(l=left, r=40, t=top, b=bottom, autoexpand=False)
    layout.height = height + top
    layout.hoverlabel = dict(font_size=max(theme.tick_size, 14))
    layout.showlegend = False
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
    add_marks(fig, annotations=[*annotations, source_line], shapes=shapes)
    return fig


def add_marks(fig: go.Figure, *, annotations: list[dict] = (), shapes: list[dict] = ()) -> None:
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


def panel_title(measure: str, theme: Theme) -> str:
    """A measure's panel title, wrapped where the theme's panels are narrow (a printed brief)."""
    text = MEASURE_PANELS[measure]
    return f"<b>{wrap(text, theme.panel_title_wrap) if theme.panel_title_wrap else text}</b>"


def panel_title_px(theme: Theme) -> int:
    """The extra height a wrapped panel title takes above the panels."""
    return int(theme.axis_title_size * 1.3) if theme.panel_title_wrap else 0


def axis(letter: str, col: int) -> str:
    """Plotly names the first subplot's axes 'x'/'y' and the others 'x2', 'y3', …"""
    return letter if col == 1 else f"{letter}{col}"


def _count_lines(text: str) -> int:
    return text.count("<br>") + 1


def label_margin(labels: list[str], theme: Theme) -> int:
    """Left margin (px) wide enough for the longest category label at this theme's size."""
    longest = max((len(strip_bold(label)) for label in labels), default=10)
    return int(longest * theme.tick_size * 0.56) + 24


def value_label(value: float) -> str:
    return "not published" if math.isnan(value) else f"{value:.1f}%"


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
        font=dict(size=theme.label_size, color=TEXT),
        yanchor="bottom",
        showarrow=False,
        bgcolor=LABEL_GROUND,
    )
    return line, label


def category_axis(fig: go.Figure, cats: list[str], ticktext: list[str], theme: Theme) -> None:
    set_axes(
        fig,
        "y",
        tickmode="array",
        tickvals=cats,
        ticktext=ticktext,
        tickfont=dict(size=theme.tick_size),
        ticks="",
        ticklabelstandoff=6,
        row=1,
        col=1,
    )


def legend_above_panels(fig: go.Figure, theme: Theme, lift: int = 4) -> None:
    """The legend names whose figures are whose; it sits above the panel titles (lifted by `lift` px)."""
    plot_height = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    above = lift + theme.axis_title_size * 1.6 + 6
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


def _title_px(fig: go.Figure) -> int:
    """Height of the figure's title lines, as lib.charts.finish_layout reserves it."""
    title = fig.layout.title
    lines = (title.text or "").count("<br>") + 1
    return int((title.font.size or PRESENT.title_size) * 1.25 * lines)


def _one_line(text: str | None) -> str:
    """Chart text as a sentence: the chart wraps long lines with <br>."""
    return (text or "").replace("<br>", " ")
