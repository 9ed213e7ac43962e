"""The product's one chart vocabulary: tidy DataFrame in, Plotly figure out.

Every builder takes a `theme` (NORMAL on screen, PRESENT for screen-share slides) so
that presentation mode swaps type sizes and line widths, not the chart. No Streamlit
here and no shared mutable state: each call builds a fresh figure.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.compare import MEASURE_LABELS, MEASURE_PANELS, MEASURE_SHORT, by_category, regularity
from lib.data import MEASURES, resource
from lib.escape import for_plotly, strip_bold

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
YOURS = "#D55E00"  # vermillion: the user's own selection
BENCHMARK = "#0072B2"  # blue: what it is compared with
UPLOADED = "#009E73"  # bluish green: the user's own uploaded figures
OTHER = "#8C8C8C"  # muted grey: everything else (3.4:1 against white)
REFERENCE = "#1A1A1A"  # the UK line
TEXT = "#1A1A1A"
MUTED_TEXT = "#4D4D4D"  # 8.4:1 against white: source lines and subtitles

ROLE_COLOURS = {"yours": YOURS, "benchmark": BENCHMARK, "other": OTHER, "uploaded": UPLOADED}
ROLE_LABELS = {"yours": "yours", "benchmark": "benchmark"}
# Quoted: an unquoted family name with a digit ("Source Sans 3") voids the whole list.
FONT = "'Source Sans Pro', 'Source Sans 3', 'Liberation Sans', Arial, sans-serif"


@dataclass(frozen=True)
class Theme:
    """Type sizes (px) and mark weights; one for the screen, one for slides."""

    name: str
    title_size: int
    subtitle_size: int
    tick_size: int
    axis_title_size: int
    label_size: int
    source_size: int
    line_width: float
    marker_size: int
    bar_gap: float
    title_wrap: int  # characters per title line before wrapping
    row_height: int  # px per category in a horizontal bar chart
    base_height: int  # px for title, axes and source line
    compact: bool = False  # a slide or a printed page: draw fewer rows (e.g. only the timeline's dated lanes)
    panel_title_wrap: int = 0  # characters per line of a panel's title (0: one line), where panels are narrow


NORMAL = Theme(
    name="normal",
    title_size=20,
    subtitle_size=14,
    tick_size=13,
    axis_title_size=13,
    label_size=13,
    source_size=12,
    line_width=2,
    marker_size=9,
    bar_gap=0.25,
    title_wrap=80,
    row_height=34,
    base_height=230,
)
PRESENT = Theme(
    name="present",
    title_size=34,
    subtitle_size=22,
    tick_size=20,
    axis_title_size=20,
    label_size=22,
    source_size=18,
    line_width=4,
    marker_size=16,
    bar_gap=0.18,
    title_wrap=72,
    row_height=56,
    base_height=300,
    compact=True,
)
# The one-page brief: screen type sizes on a chart laid out narrower (lib/brief.py), as few rows as a slide.
PRINT = replace(NORMAL, name="print", compact=True, panel_title_wrap=26)

IMAGE_WIDTH, IMAGE_HEIGHT = 1920, 1080

# One small template, built once and shared read-only: naming "plotly_white" instead makes
# Plotly copy and validate its large built-in template on every figure (about 35 ms each).
TEMPLATE = go.layout.Template(
    layout=go.Layout(
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        xaxis=dict(gridcolor="#E6E6E6", linecolor="#B0B0B0", zeroline=False, automargin=False),
        yaxis=dict(gridcolor="#E6E6E6", linecolor="#B0B0B0", zeroline=False),
        hoverlabel=dict(bgcolor="#FFFFFF", bordercolor="#B0B0B0"),
    )
)


def source_note(resource_name: str = "homeworking_2019") -> str:
    """The source line under every chart, from data/datapackage.json (never retyped).

    The licence part is the resource's `licence_note`: the ONS figures' licence, or, for the
    council quotations, where each figure's own terms are given.
    """
    res = resource(resource_name)
    return f"Source: {res['short_citation']} · {res['licence_note']}"


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
    source_lines = wrap(source, int(theme.title_wrap * theme.title_size / theme.source_size))
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


def _panel_title_px(theme: Theme) -> int:
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


def _value_label(value: float) -> str:
    return "not published" if math.isnan(value) else f"{value:.1f}%"


def role_of(category: str, yours: str | None, benchmark: str | None) -> str:
    if category == yours:
        return "yours"
    if category == benchmark:
        return "benchmark"
    return "other"


def tick_label(category: str, role: str) -> str:
    """Highlighted categories differ in words and weight, not colour alone."""
    if role in ROLE_LABELS:
        return f"<b>{category}</b> ({ROLE_LABELS[role]})"
    return category


def category_bars(
    df: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    yours: str | None = None,
    benchmark: str | None = None,
    reference: dict[str, float] | None = None,
    reference_label: str = "UK",
    measures: tuple[str, ...] = MEASURES,
    sort_by: str | None = None,
    source: str | None = None,
    user_rows: pd.DataFrame | None = None,
    theme: Theme = NORMAL,
) -> go.Figure:
    """Horizontal bars of every category, one panel per measure, highlighted roles, UK line.

    `df` is tidy (category, measure, percent) for one breakdown. Missing figures are
    left as gaps labelled 'not published', never drawn as zero. `user_rows` (same shape,
    with a `source`) are the user's own figures: drawn beside the ONS bars, hatched in the
    UPLOADED colour and named in the legend, so they can never pass for the baseline.
    """
    has_user = user_rows is not None and len(user_rows) > 0
    table = bar_table(df, user_rows if has_user else None, sort_by or measures[-1])
    cats = table.index.tolist()
    roles = [role_of(c, yours, benchmark) for c in cats]
    fig = make_subplots(
        rows=1,
        cols=len(measures),
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=[panel_title(m, theme) for m in measures],
    )
    ons_categories = set(df["category"])
    labels, lines = [], []
    for col, measure in enumerate(measures, start=1):
        values = table[measure] if measure in table else pd.Series(math.nan, index=cats)
        _add_ons_bars(fig, values, measure, roles, col, theme, labelled=ons_categories if has_user else None)
        if has_user:
            _add_user_bars(fig, user_rows, cats, measure, col, theme)
        else:
            labels += _value_labels(values, col, theme)
        if reference and not math.isnan(reference.get(measure, math.nan)):
            line, label = _reference_line(
                reference[measure], col, f"{reference_label} {reference[measure]:.1f}%", theme
            )
            lines.append(line)
            labels.append(label)
        set_axes(
            fig,
            "x",
            range=[0, _top_value(table, measures, user_rows if has_user else None) * 1.18],
            ticksuffix="%",
            title=dict(text="% of people in employment", font=dict(size=theme.axis_title_size)),
            tickfont=dict(size=theme.tick_size),
            gridcolor="#E6E6E6",
            row=1,
            col=col,
        )
    ticktext = [
        tick_label(c, r) if c in ons_categories else f"{for_plotly(c)} (your data only)"
        for c, r in zip(cats, roles, strict=True)
    ]
    _category_axis(fig, cats, ticktext, theme)
    # Lift the panel titles above the reference-line labels that sit on the panels' top edge.
    lift = int(theme.label_size * 1.6) if reference else 4
    panel_titles = {panel_title(m, theme) for m in measures}
    for annotation in fig.layout.annotations:
        if annotation.text in panel_titles:
            annotation.font = dict(size=theme.axis_title_size, color=TEXT)
            annotation.yshift = lift
    fig.update_layout(bargap=theme.bar_gap, barmode="group" if has_user else "relative")
    height = theme.base_height + theme.row_height * len(cats) * (1.6 if has_user else 1)
    fig = finish_layout(
        fig,
        title=title,
        subtitle=subtitle,
        source=source or source_note(),
        theme=theme,
        height=int(height),
        left=label_margin(ticktext, theme),
        top_extra=theme.axis_title_size * 2
        + (theme.label_size if reference else 0)
        + (40 if has_user else 0)
        + _panel_title_px(theme),
        annotations=labels,
        shapes=lines,
    )
    if has_user:
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
    fig: go.Figure, values: pd.Series, measure: str, roles: list[str], col: int, theme: Theme, *, labelled: set | None
) -> None:
    """The published figures of one measure in their roles' colours; `labelled` (beside uploaded bars) puts each
    value on its own bar, since the grouped bars leave no room for a label after them."""
    fig.add_bar(
        x=[None if math.isnan(v) else v for v in values],
        y=values.index.tolist(),
        orientation="h",
        marker=dict(
            color=[ROLE_COLOURS[r] for r in roles],
            line=dict(width=[theme.line_width if r != "other" else 0 for r in roles], color=TEXT),
        ),
        customdata=[[MEASURE_LABELS[measure]]] * len(values),
        hovertemplate="<b>%{y}</b><br>%{customdata[0]}: %{x:.1f}%<extra>ONS 2019</extra>",
        name="ONS 2019",
        legendgroup="ons",
        showlegend=labelled is not None and col == 1,
        text=[_value_label(v) if c in labelled else "" for c, v in values.items()] if labelled is not None else None,
        textposition="outside",
        cliponaxis=False,
        textfont=dict(size=theme.label_size, color=TEXT),
        row=1,
        col=col,
    )


def _value_labels(
    values: pd.Series, col: int, theme: Theme, label: Callable[[float], str] = _value_label
) -> list[dict]:
    """Each bar's figure just past its end ('not published' at zero where the source is silent)."""
    return [
        dict(
            x=0 if math.isnan(value) else value,
            y=category,
            xref=axis("x", col),
            yref=axis("y", col),
            text=label(value),
            xanchor="left",
            xshift=3,
            showarrow=False,
            bgcolor="#FFFFFF",
            borderpad=1,
            font=dict(size=theme.label_size, color=TEXT),
        )
        for category, value in values.items()
    ]


def _reference_line(value: float, col: int, text: str, theme: Theme) -> tuple[dict, dict]:
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
        bgcolor="rgba(255,255,255,0.85)",
    )
    return line, label


def _category_axis(fig: go.Figure, cats: list[str], ticktext: list[str], theme: Theme) -> None:
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


def _add_user_bars(fig: go.Figure, user_rows: pd.DataFrame, cats: list[str], measure: str, col: int, theme: Theme):
    """The user's own figures for one measure, one hatched trace per named source."""
    for source, rows in user_rows[user_rows["measure"] == measure].groupby("source", sort=False):
        values = rows.drop_duplicates("category").set_index("category")["percent"].reindex(cats)
        fig.add_bar(
            x=[None if math.isnan(v) else v for v in values],
            y=cats,
            orientation="h",
            marker=dict(
                color=UPLOADED,
                # overlay: the hatch is drawn over the bar's own colour (the default replaces the colour)
                pattern=dict(shape="/", fgcolor="#FFFFFF", fillmode="overlay", size=8),
                line=dict(width=0),
            ),
            text=["" if math.isnan(v) else f"{v:.1f}%" for v in values],
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=theme.label_size, color=TEXT),
            hovertemplate=f"<b>%{{y}}</b><br>{MEASURE_LABELS[measure]}: %{{x:.1f}}%<extra>{for_plotly(source)}</extra>",
            name=f"Your data: {for_plotly(source)}",
            legendgroup=f"user-{source}",
            showlegend=col == 1,
            row=1,
            col=col,
        )


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
                    bgcolor="rgba(255,255,255,0.85)",
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
        gridcolor="#E6E6E6",
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


# A rough geographic grid (column, row from the top) for the twelve regions and nations.
TILE_GRID = {
    "S92000003": (2, 0),
    "N92000002": (0, 1),
    "E12000001": (3, 1),
    "E12000002": (2, 2),
    "E12000003": (3, 2),
    "W92000004": (1, 3),
    "E12000005": (2, 3),
    "E12000004": (3, 3),
    "E12000006": (4, 3),
    "E12000009": (2, 4),
    "E12000007": (3, 4),
    "E12000008": (4, 4),
}
TILE_ABBREVIATIONS = {
    "S92000003": "SCO",
    "N92000002": "NI",
    "E12000001": "NE",
    "E12000002": "NW",
    "E12000003": "YH",
    "W92000004": "WAL",
    "E12000005": "WM",
    "E12000004": "EM",
    "E12000006": "EE",
    "E12000009": "SW",
    "E12000007": "LON",
    "E12000008": "SE",
}
# Light to dark; every step keeps its label readable (dark text on the first four, white after).
TILE_SCALE = ["#F2F0F7", "#DADAEB", "#BCBDDC", "#9E9AC8", "#756BB1", "#54278F"]


def tile_map(
    df: pd.DataFrame,
    *,
    measure: str,
    title: str,
    subtitle: str,
    yours: str | None = None,
    benchmark: str | None = None,
    source: str | None = None,
    theme: Theme = NORMAL,
) -> go.Figure:
    """One square per region or nation, laid out roughly geographically, shaded by the measure.

    `df` is tidy region rows with `code` (GSS) and `official_name`. Each tile carries its
    abbreviation and value as text, so the shading is never the only carrier of the figure.
    """
    rows = df[df["measure"] == measure].drop_duplicates("category")
    low, high = float(rows["percent"].min()), float(rows["percent"].max())
    fig = go.Figure()
    tile = 1.0
    tiles, labels = [], []
    for row in rows.itertuples():
        col_i, row_i = TILE_GRID[row.code]
        x0, y0 = col_i * tile, -row_i * tile
        step = 0 if high == low else (row.percent - low) / (high - low)
        shade = TILE_SCALE[min(int(step * len(TILE_SCALE)), len(TILE_SCALE) - 1)]
        dark = TILE_SCALE.index(shade) >= 4
        role = role_of(row.category, yours, benchmark)
        outline = ROLE_COLOURS[role] if role != "other" else "#FFFFFF"
        width = theme.line_width * 2.5 if role != "other" else 2
        tiles.append(
            dict(
                type="rect",
                x0=x0 + 0.04,
                x1=x0 + tile - 0.04,
                y0=y0 + 0.04,
                y1=y0 + tile - 0.04,
                fillcolor=shade,
                line=dict(color=outline, width=width),
                layer="below",
            )
        )
        marker = {"yours": " ●", "benchmark": " ■"}.get(role, "")
        labels.append(
            dict(
                x=x0 + tile / 2,
                y=y0 + tile / 2,
                text=f"<b>{TILE_ABBREVIATIONS[row.code]}{marker}</b><br>{row.percent:.1f}%",
                showarrow=False,
                font=dict(size=theme.label_size, color="#FFFFFF" if dark else TEXT),
            )
        )
        fig.add_scatter(
            x=[x0 + tile / 2],
            y=[y0 + tile / 2],
            mode="markers",
            marker=dict(size=theme.marker_size * 5, opacity=0, symbol="square"),
            hovertemplate=f"<b>{row.official_name}</b><br>{MEASURE_LABELS[measure]}: {row.percent:.1f}%<extra></extra>",
            name=row.official_name,
        )
    set_axes(fig, "x", visible=False, range=[-0.1, 5.1], fixedrange=True)
    set_axes(fig, "y", visible=False, range=[-4.1, 1.1], scaleanchor="x", fixedrange=True)
    height = theme.base_height + 420
    return finish_layout(
        fig,
        title=title,
        subtitle=subtitle,
        source=source or source_note(),
        theme=theme,
        height=height,
        left=24,
        annotations=labels,
        shapes=tiles,
    )


REGULARITY_AXIS = "% of ever-homeworkers who also worked from home in the week before (derived)"


def regularity_bars(
    df: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    yours: str | None = None,
    benchmark: str | None = None,
    reference: float | None = None,
    reference_label: str = "UK",
    source: str | None = None,
    theme: Theme = NORMAL,
) -> go.Figure:
    """How regular homeworking was in each category: week ÷ ever share (derived), ranked bars.

    `df` is tidy rows of one breakdown with both measures; categories without both
    figures are left out, since their share cannot be derived. `reference` is the UK's share.
    """
    table = by_category(df).reindex(columns=list(MEASURES)).dropna(subset=list(MEASURES))
    table["share"] = [regularity(w, e) for w, e in zip(table["week_prior"], table["ever"], strict=True)]
    table = table.sort_values("share", ascending=True, kind="stable")
    cats = table.index.tolist()
    roles = [role_of(c, yours, benchmark) for c in cats]
    fig = go.Figure(
        go.Bar(
            x=table["share"],
            y=cats,
            orientation="h",
            marker=dict(
                color=[ROLE_COLOURS[r] for r in roles],
                line=dict(width=[theme.line_width if r != "other" else 0 for r in roles], color=TEXT),
            ),
            customdata=table[["week_prior", "ever"]].to_numpy(),
            hovertemplate=(
                "<b>%{y}</b><br>%{x:.1f}% of ever-homeworkers also worked from home in the week before"
                " (derived)<br>Week before: %{customdata[0]:.1f}% · ever: %{customdata[1]:.1f}%<extra></extra>"
            ),
        )
    )
    top_value = float(table["share"].max()) if len(table) else 100.0
    if reference is not None and not math.isnan(reference):
        top_value = max(top_value, reference)
        fig.add_vline(
            x=reference,
            layer="below",
            line=dict(color=REFERENCE, width=theme.line_width * 0.75, dash="dash"),
            annotation=dict(
                text=f"{reference_label} {reference:.0f}%",
                font=dict(size=theme.label_size, color=TEXT),
                yanchor="bottom",
                bgcolor="rgba(255,255,255,0.85)",
            ),
            annotation_position="top",
        )
    ticktext = [tick_label(c, r) for c, r in zip(cats, roles, strict=True)]
    set_axes(
        fig,
        "x",
        range=[0, top_value * 1.15],
        ticksuffix="%",
        title=dict(text=REGULARITY_AXIS, font=dict(size=theme.axis_title_size)),
        tickfont=dict(size=theme.tick_size),
        gridcolor="#E6E6E6",
    )
    set_axes(
        fig,
        "y",
        tickmode="array",
        tickvals=cats,
        ticktext=ticktext,
        tickfont=dict(size=theme.tick_size),
        ticks="",
        ticklabelstandoff=6,
    )
    fig.update_layout(bargap=theme.bar_gap)
    return finish_layout(
        fig,
        title=title,
        subtitle=subtitle,
        source=source or source_note(),
        theme=theme,
        height=theme.base_height + theme.row_height * len(cats),
        left=label_margin(ticktext, theme),
        top_extra=theme.label_size if reference is not None else 0,
        # White-backed like every bar chart's figures, so the UK line never runs through one.
        annotations=_value_labels(table["share"], 1, theme, label=lambda share: f"{share:.0f}%"),
    )


CHANGE_AXIS = "% of people in employment"


def change_dumbbell(
    changes: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    yours: str | None = None,
    source: str | None = None,
    theme: Theme = NORMAL,
) -> go.Figure:
    """The person's figures against 2019: one row per category they brought, a 2019 dot and theirs joined by
    a line, one panel per measure.

    `changes` has category, measure, before (2019, NaN where the tables have none), after and source.
    Their dot is the UPLOADED green square and named in the legend; 2019 is the benchmark blue circle.
    A category with no 2019 figure shows their dot alone, and its label says so.
    """
    measures = tuple(m for m in MEASURES if m in set(changes["measure"]))
    cats = list(dict.fromkeys(changes["category"]))[::-1]  # the file's first category on top
    fig = make_subplots(
        rows=1,
        cols=len(measures),
        shared_yaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=[panel_title(m, theme) for m in measures],
    )
    names = ", ".join(dict.fromkeys(changes["source"]))
    for col, measure in enumerate(measures, start=1):
        rows = changes[changes["measure"] == measure].drop_duplicates("category").set_index("category").reindex(cats)
        _add_change_marks(fig, rows, col, theme, names)
    top = float(pd.concat([changes["before"], changes["after"]]).max(skipna=True))
    no_baseline = set(changes.loc[changes["before"].isna(), "category"])
    ticktext = [
        (tick_label(c, "yours") if c == yours else for_plotly(c)) + (" (no 2019 figure)" if c in no_baseline else "")
        for c in cats
    ]
    set_axes(
        fig,
        "x",
        range=[0, (top if top == top else 100) * 1.2],
        ticksuffix="%",
        title=dict(text=CHANGE_AXIS, font=dict(size=theme.axis_title_size)),
        tickfont=dict(size=theme.tick_size),
        gridcolor="#E6E6E6",
    )
    _category_axis(fig, cats, ticktext, theme)
    for annotation in fig.layout.annotations:
        annotation.font = dict(size=theme.axis_title_size, color=TEXT)
        annotation.yshift = 4
    fig = finish_layout(
        fig,
        title=title,
        subtitle=subtitle,
        source=source or source_note(),
        theme=theme,
        height=theme.base_height + theme.row_height * max(len(cats), 2),
        left=label_margin(ticktext, theme),
        top_extra=theme.axis_title_size * 2 + 40 + _panel_title_px(theme),
    )
    legend_above_panels(fig, theme)
    return fig


def _add_change_marks(fig: go.Figure, rows: pd.DataFrame, col: int, theme: Theme, names: str) -> None:
    """For one measure: the joining lines, the 2019 dots and the person's dots, each value labelled."""
    xs, ys = [], []
    for category, row in rows.iterrows():
        if row["before"] == row["before"] and row["after"] == row["after"]:
            xs += [row["before"], row["after"], None]
            ys += [category, category, None]
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="lines",
        line=dict(color=OTHER, width=theme.line_width * 1.5),
        hoverinfo="skip",
        showlegend=False,
        row=1,
        col=col,
    )
    rising = ~(rows["after"] < rows["before"])  # no 2019 figure: their label goes to the right
    for column, name, colour, symbol in (
        ("before", "ONS 2019", BENCHMARK, "circle"),
        ("after", f"Your data: {for_plotly(names)}", UPLOADED, "square"),
    ):
        left = rising if column == "before" else ~rising
        fig.add_scatter(
            x=rows[column],
            y=rows.index,
            mode="markers+text",
            marker=dict(size=theme.marker_size * 1.6, color=colour, symbol=symbol, line=dict(width=1, color=TEXT)),
            text=["" if v != v else f"{v:.1f}%" for v in rows[column]],
            textposition=["middle left" if is_left else "middle right" for is_left in left],
            textfont=dict(size=theme.label_size, color=TEXT),
            cliponaxis=False,
            name=name,
            legendgroup=column,
            showlegend=col == 1,
            hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{x:.1f}}%<extra></extra>",
            row=1,
            col=col,
        )


def chart_body(fig: go.Figure, source: str) -> go.Figure:
    """The figure without its title and source line, for a slide that carries both as text.

    The subtitle stays (it says what is measured); the top margin loses the title's lines.
    """
    body = go.Figure(fig)
    body.layout.annotations = [a for a in fig.layout.annotations if _one_line(a.text) != source]
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
