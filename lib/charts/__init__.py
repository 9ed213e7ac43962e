"""The product's one chart vocabulary: tidy DataFrame in, Plotly figure out.

Every builder takes a `theme` (NORMAL on screen, PRESENT for slides, PRINT for the brief) so that a slide
or a printed page swaps type sizes and line widths, not the chart. No Streamlit here and no shared mutable
state: each call builds a fresh figure.

- `theme`: the palette and the themes;
- `layout`: what every chart shares (title, subtitle, source line, axes, labels);
- `sizing`: the theme for the frame a chart is drawn in (a phone, a slide, an image), and fitting a fixed frame;
- `panels`: panels side by side or stacked, category names beside or above their bars;
- one module per chart family: `bars`, `profile`, `tile_map`, `change`, `timeline`, `council_bars`, `explore`.
"""

from lib.charts.bars import REGULARITY_AXIS, bar_table, category_bars, regularity_bars
from lib.charts.change import CHANGE_AXIS, change_dumbbell
from lib.charts.council_bars import baseline_sources, scale_and_speed, share_against_baseline
from lib.charts.explore import council_chart, distribution_chart
from lib.charts.lanes import TimelineLayout, timeline_layout
from lib.charts.layout import (
    Highlight,
    Words,
    add_marks,
    axis,
    chart_body,
    chart_config,
    finish_layout,
    label_margin,
    legend_above_panels,
    panel_title,
    role_of,
    set_axes,
    tick_label,
    wrap,
)
from lib.charts.profile import profile_chart
from lib.charts.sizing import NARROW, fit, for_size
from lib.charts.theme import (
    BENCHMARK,
    FONT,
    IMAGE_HEIGHT,
    IMAGE_WIDTH,
    MUTED_TEXT,
    NORMAL,
    OTHER,
    PRESENT,
    PRINT,
    REFERENCE,
    ROLE_COLOURS,
    TEXT,
    UPLOADED,
    YOURS,
    Theme,
)
from lib.charts.tile_map import TILE_GRID, tile_map
from lib.charts.timeline import COUNCIL_SOURCE, rollout_timeline
from lib.data import source_note

__all__ = [
    "BENCHMARK",
    "CHANGE_AXIS",
    "COUNCIL_SOURCE",
    "FONT",
    "IMAGE_HEIGHT",
    "IMAGE_WIDTH",
    "MUTED_TEXT",
    "NARROW",
    "NORMAL",
    "OTHER",
    "PRESENT",
    "PRINT",
    "REFERENCE",
    "REGULARITY_AXIS",
    "ROLE_COLOURS",
    "TEXT",
    "TILE_GRID",
    "UPLOADED",
    "YOURS",
    "Highlight",
    "Theme",
    "TimelineLayout",
    "Words",
    "add_marks",
    "axis",
    "bar_table",
    "baseline_sources",
    "category_bars",
    "change_dumbbell",
    "chart_body",
    "chart_config",
    "council_chart",
    "distribution_chart",
    "finish_layout",
    "fit",
    "for_size",
    "label_margin",
    "legend_above_panels",
    "panel_title",
    "profile_chart",
    "regularity_bars",
    "role_of",
    "rollout_timeline",
    "scale_and_speed",
    "set_axes",
    "share_against_baseline",
    "source_note",
    "tick_label",
    "tile_map",
    "timeline_layout",
    "wrap",
]
