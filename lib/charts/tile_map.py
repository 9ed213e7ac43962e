"""The tile map of the twelve regions and nations."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.charts.layout import Words, finish_layout, role_of, set_axes
from lib.charts.theme import NORMAL, ROLE_COLOURS, TEXT, WHITE, Theme
from lib.compare import MEASURE_LABELS

# The twelve regions and nations on a rough geographic grid, written as it is drawn: a row of tiles a line, north
# at the top; "." is the sea.
TILE_ROWS = (
    ".         .         S92000003 .         .",
    "N92000002 .         .         E12000001 .",
    ".         .         E12000002 E12000003 .",
    ".         W92000004 E12000005 E12000004 E12000006",
    ".         .         E12000009 E12000007 E12000008",
)
TILE_GRID = {  # code → (column, row from the top)
    code: (column, row) for row, line in enumerate(TILE_ROWS) for column, code in enumerate(line.split()) if code != "."
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
    words: Words,
    *,
    measure: str,
    yours: str | None = None,
    benchmark: str | None = None,
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
        outline = ROLE_COLOURS[role] if role != "other" else WHITE
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
                font=dict(size=theme.label_size, color=WHITE if dark else TEXT),
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
    # The grid is square: in a frame narrower than it is tall, as tall as the frame is wide.
    height = theme.base_height + (420 if theme.width is None else min(420, theme.width - 64))
    return finish_layout(
        fig,
        words,
        theme,
        height=height,
        left=24,
        annotations=labels,
        shapes=tiles,
    )
