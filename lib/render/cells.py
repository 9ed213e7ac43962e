"""A chart's table as text: the same cells in the brief's table and in the deck's notes, so a figure reads the same
in every file (percentages to one decimal, ticks as yes or no, a missing figure as '—', never 0)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from lib.views import Chart


def labels(chart: Chart) -> list[str]:
    """The table's column headings, as the page shows them."""
    return [chart.columns[c].label if c in chart.columns else c.replace("_", " ") for c in chart.table.columns]


def numeric(chart: Chart) -> list[bool]:
    """Which columns hold numbers (set right-aligned in a printed table)."""
    return [_kind(chart, c) in ("percent", "number") for c in chart.table.columns]


def rows(chart: Chart, limit: int | None = None) -> list[list[str]]:
    """The first `limit` rows (all of them by default), each cell as text."""
    frame = chart.table if limit is None else chart.table.head(limit)
    kinds = [_kind(chart, c) for c in frame.columns]
    return [
        [cell(value, kind) for value, kind in zip(row, kinds, strict=True)] for row in frame.itertuples(index=False)
    ]


def as_sentences(chart: Chart) -> str:
    """Every row on a line of its own, each figure after its heading: what a screen reader reads of the table."""
    heads = labels(chart)
    return "\n".join(
        "; ".join([row[0], *(f"{head}: {value}" for head, value in zip(heads[1:], row[1:], strict=True))])
        for row in rows(chart)
    )


def cell(value: object, kind: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "percent" and isinstance(value, int | float | str):
        return f"{float(value):.1f}%"
    if kind == "check":
        return "yes" if value else "no"
    if kind == "number" and isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return str(value)


def _kind(chart: Chart, column: str) -> str:
    if column in chart.columns:
        return chart.columns[column].kind
    values = chart.table[column]
    if pd.api.types.is_bool_dtype(values):
        return "check"
    return "number" if pd.api.types.is_numeric_dtype(values) else "text"
