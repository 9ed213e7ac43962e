"""Summaries of timings: medians, nearest-rank percentiles, ratios to the floor, and how to print them."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    """The median, or NaN when nothing was measured (a failed run leaves no figure, not a zero)."""
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest measured value with at least q% of values at or below it.

    Always one of the measured values, so "p95 of 20 interactions" is the 19th fastest, never an interpolation.
    """
    if not values:
        return math.nan
    if not 0 < q <= 100:
        raise ValueError(f"q is a percentage in (0, 100] (got {q})")
    ordered = sorted(values)
    return ordered[math.ceil(q / 100 * len(ordered)) - 1]


def p95(values: Sequence[float]) -> float:
    return percentile(values, 95)


def ratio(value: float, floor: float) -> float:
    """How many times the floor's figure; NaN when either is missing or the floor is zero."""
    if math.isnan(value) or math.isnan(floor) or floor == 0:
        return math.nan
    return value / floor


def seconds(value: float, digits: int = 2) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f} s"


def millis(value_s: float) -> str:
    if math.isnan(value_s):
        return "n/a"
    ms = value_s * 1000
    return f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"


def times(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}×"


def verdict(met: bool | None) -> str:
    """A target's state in words: met, missed, or not measured (never a silent blank)."""
    return {True: "met", False: "**missed**", None: "not measured"}[met]


def at_most(value: float, limit: float) -> bool | None:
    return None if math.isnan(value) else value <= limit
