"""The palette (Okabe–Ito, colour-blind safe) and the themes: NORMAL on screen, PRESENT for slides,
PRINT for the brief. Every chart, the deck and the brief read their colours from here."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_type_hints

import plotly.graph_objects as go

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
YOURS = "#D55E00"  # vermillion: the user's own selection
BENCHMARK = "#0072B2"  # blue: what it is compared with
UPLOADED = "#009E73"  # bluish green: the user's own uploaded figures
OTHER = "#8C8C8C"  # muted grey: everything else (3.4:1 against white)
REFERENCE = "#1A1A1A"  # the UK line
TEXT = "#1A1A1A"
MUTED_TEXT = "#4D4D4D"  # 8.4:1 against white: source lines and subtitles
WHITE = "#FFFFFF"
GRID = "#E6E6E6"  # grid lines
AXIS_LINE = "#B0B0B0"
LANE_LINE = "#D0D0D0"  # between the timeline's lanes
SIDE_PANEL = "#F4F4F4"  # the timeline's side panels are not on the date axis: a faint ground says so
HIGHLIGHT_BAND = "rgba(213, 94, 0, 0.10)"  # YOURS, faint: the presenter's lane
LABEL_GROUND = "rgba(255,255,255,0.85)"  # behind a figure's label, so a line never runs through it
ROLE_COLOURS = {"yours": YOURS, "benchmark": BENCHMARK, "other": OTHER, "uploaded": UPLOADED}
ROLE_LABELS = {"yours": "yours", "benchmark": "benchmark"}
# Quoted: an unquoted family name with a digit ("Source Sans 3") voids the whole list.
FONT = "'Source Sans Pro', 'Source Sans 3', 'Liberation Sans', Arial, sans-serif"


# Below this width a chart's panels stack and its category names go above the bars: 700 layout px at the screen's
# 13 px ticks, that is 54 ticks' worth; a theme of other type (print in pt, slides) stacks below as many of its own.
NARROW = 700
SCREEN_TICK = 13


@dataclass(frozen=True)
class Theme:
    """Type sizes and mark weights: in px for the screen (NORMAL) and slides (PRESENT), in pt for print (PRINT)."""

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
    note_wrap: int = 40  # characters per line of a note drawn on a chart (the timeline's instruction)
    shared_row_title_wrap: int = 0  # characters per title line where a chart shares its row (0: it never does)
    # The title, subtitle and source line are printed as text beside the figure (the brief), not drawn in it.
    words_outside: bool = False
    min_text_size: int = 0  # the least size Plotly may shrink a bar's value label to, to fit the bar (0: any)
    # The frame the chart is drawn for (lib.charts.sizing.for_size): its width in layout px (None: the theme's own
    # wrap widths, for a screen of unknown width) and, where the frame is fixed (a slide, a picture), its height.
    width: int | None = None
    height: int | None = None
    grow: bool = False  # a chart that cannot fit `height` is drawn taller instead (an image file, not a slide)
    stacked: bool = False  # too narrow for panels side by side: they stack, names above their bars (for_size sets it)


THEMES_TOML = Path(__file__).with_name("themes.toml")


def read_themes(text: str) -> dict[str, Theme]:
    """The themes a style sheet names, each setting checked against Theme's fields and their types."""
    kinds = get_type_hints(Theme)
    themes = {}
    for name, settings in tomllib.loads(text).items():
        for setting, value in settings.items():
            if setting == "name" or setting not in kinds or not _fits(value, kinds[setting]):
                raise ValueError(f"theme '{name}': {setting} = {value!r} is not a setting Theme has, of its type")
        themes[name] = Theme(name=name, **settings)
    return themes


def _fits(value: object, kind: Any) -> bool:
    """TOML's types are Python's; but True is an int to isinstance, and a number setting takes no true or false."""
    return isinstance(value, kind) and (kind is bool or not isinstance(value, bool))


THEMES = read_themes(THEMES_TOML.read_text(encoding="utf-8"))
NORMAL, PRESENT, PRINT = THEMES["normal"], THEMES["present"], THEMES["print"]
IMAGE_WIDTH, IMAGE_HEIGHT = 1920, 1080
# One small template, built once and shared read-only: naming "plotly_white" instead makes
# Plotly copy and validate its large built-in template on every figure (about 35 ms each).
TEMPLATE = go.layout.Template(
    layout=go.Layout(
        paper_bgcolor=WHITE,
        plot_bgcolor=WHITE,
        xaxis=dict(gridcolor=GRID, linecolor=AXIS_LINE, zeroline=False, automargin=False),
        yaxis=dict(gridcolor=GRID, linecolor=AXIS_LINE, zeroline=False),
        hoverlabel=dict(bgcolor=WHITE, bordercolor=AXIS_LINE),
    )
)
