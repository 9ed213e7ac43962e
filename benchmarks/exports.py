"""Exports: the time to build each download from a view, in process, against the plain library call.

Tables: `lib.render.export` (provenance, formula guard) against pandas' own writer on the same rows. Images:
`lib.render.images.ImageExporter` (one warm Chromium) drawing a page's chart against the floor's five-bar chart.
The deck: `lib.views.deck` against the same number of slides that each hold only a picture of the floor's chart.
A module or function a colleague has not written yet is reported "not yet available", not skipped silently.
"""

from __future__ import annotations

import importlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.express as px

from benchmarks import harness, stats

BIG_ROWS = 100_000  # the Explore page's limit for an Excel download


@dataclass
class Timing:
    name: str
    view: str
    seconds: list[float] = field(default_factory=list)
    floor_seconds: list[float] = field(default_factory=list)
    floor_name: str = ""
    size_bytes: int = 0
    note: str = ""


def _lib(name: str):
    try:
        return importlib.import_module(f"lib.{name}")
    except ImportError:
        return None


def _time(func: Callable[[], object], runs: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def views() -> dict[str, tuple[pd.DataFrame, str, dict]]:
    """Explore's default view (nothing chosen: every figure) and a 100,000-row view, with resource and filters."""
    from lib import data, explore

    hw = explore.combine(explore.HOMEWORKING, data.load_homeworking())
    default = explore.filter_view(hw, explore.HOMEWORKING, explore.Filters())
    repeats = -(-BIG_ROWS // len(hw))
    big = pd.concat([hw.assign(category=hw["category"] + f" ({i})") for i in range(repeats)], ignore_index=True).head(
        BIG_ROWS
    )
    filters = explore.describe(explore.HOMEWORKING, explore.Filters())
    return {
        f"Explore's default view ({len(default)} rows)": (default, "homeworking_2019", filters),
        f"{len(big):,} rows (the homeworking table repeated)": (big, "homeworking_2019", {"table": "synthetic"}),
    }


# Format → (lib.render.export function, how the page calls it, pandas' plain writer and what it is).
TABLE_FORMATS = {
    "CSV": ("to_csv", lambda ex, v, prov: ex.to_csv(v), lambda v: v.to_csv(index=False).encode(), "pandas `to_csv`"),
    "Excel": (
        "to_xlsx",
        lambda ex, v, prov: ex.to_xlsx(v, prov()),
        lambda v: _pandas_xlsx(v),
        "pandas `to_excel` (XlsxWriter)",
    ),
    "Parquet": (
        "to_parquet",
        lambda ex, v, prov: ex.to_parquet(v, prov()),
        lambda v: v.to_parquet(index=False),
        "pandas `to_parquet`",
    ),
    "JSON": (
        "to_json",
        lambda ex, v, prov: ex.to_json(v),
        lambda v: v.to_json(orient="records").encode(),
        "pandas `to_json`",
    ),
}


def table_exports(runs: int, *, big: bool) -> list[Timing]:
    export = _lib("render.export")
    timings = []
    for view_name, (view, resource, filters) in list(views().items())[: 2 if big else 1]:

        def prov(v=view, r=resource, f=filters):
            """Built inside the timed call, as the page builds it inside the download's callback."""
            return export.provenance(v, r, f)

        for fmt, (function, ours, plain, plain_name) in TABLE_FORMATS.items():
            timing = Timing(fmt, view_name, floor_name=plain_name)
            if export is None or not hasattr(export, function):
                timing.note = f"not yet available (`lib/render/export.py:{function}`)"
            else:
                timing.seconds, result = _time(lambda o=ours, v=view, p=prov: o(export, v, p), runs)
                timing.size_bytes = len(result)
                timing.floor_seconds, _ = _time(lambda w=plain, v=view: w(v), runs)
            timings.append(timing)
    return timings


def _pandas_xlsx(view: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    view.to_excel(buffer, index=False, engine="xlsxwriter")
    return buffer.getvalue()


def floor_figure():
    """The floor app's chart, built the same way (five bars, a title)."""
    frame = pd.DataFrame(
        {"category": ["Alpha", "Bravo", "Charlie", "Delta", "Echo"], "percent": [12.5, 7.1, 30.2, 4.4, 18.9]}
    )
    return px.bar(frame, x="category", y="percent", title="Alpha: 12.5%")


def sectors_figure():
    """The Sectors page's main chart with its default selections."""
    from lib import charts, compare, data

    hw = data.load_homeworking()
    c = compare.compare(hw, "sector", "Education", "Public administration and defence")
    uk = {m: compare.percent_of(hw, *compare.UK, m) for m in ("week_prior", "ever")}
    return charts.category_bars(
        hw[hw["breakdown"] == "sector"],
        charts.Words(c.headline(), "Homeworking by sector, UK, 2019 · 10 selected sectors"),
        yours="Education",
        benchmark="Public administration and defence",
        reference=uk,
    )


def image_and_deck_exports(runs: int) -> list[Timing]:
    images = _lib("render.images")
    deck = _lib("views.deck")
    timings: list[Timing] = []
    if images is None or not hasattr(images, "ImageExporter"):
        names = ("PNG", "SVG", "PowerPoint deck")
        return [Timing(n, "", note="not yet available (`lib/render/images.py:ImageExporter`)") for n in names]
    exporter = images.ImageExporter(harness.CHROMIUM)
    if not exporter.available:
        return [Timing(n, "", note=f"no Chromium at {harness.CHROMIUM}") for n in ("PNG", "SVG", "PowerPoint deck")]
    ours, floor = sectors_figure(), floor_figure()
    try:
        first = Timing("PNG, first image (starts Chromium)", "the Sectors chart")
        first.seconds, result = _time(lambda: exporter.png(ours), 1)
        first.size_bytes = len(result)
        timings.append(first)
        for fmt in ("png", "svg"):
            timing = Timing(fmt.upper(), "the Sectors chart, 1920×1080", floor_name="the floor's chart, same exporter")
            timing.seconds, result = _time(lambda f=fmt: exporter.image(ours, f), runs)
            timing.size_bytes = len(result)
            timing.floor_seconds, _ = _time(lambda f=fmt: exporter.image(floor, f), runs)
            timings.append(timing)
        timings.append(_deck_timing(deck, exporter, floor, runs))
    finally:
        exporter.close()
    return timings


def _deck_timing(deck, exporter, floor, runs: int) -> Timing:
    timing = Timing("PowerPoint deck", "the default selections, every slide", floor_name="")
    if deck is None:
        timing.note = "not yet available (`lib/views/deck.py:build_deck`)"
        return timing
    from lib import data
    from lib.render import powerpoint
    from lib.selections import Tables

    tables = Tables(data.load_homeworking(), data.load_councils())

    def build() -> bytes:
        return powerpoint.deck_pptx(deck.build_deck(tables, {}), exporter.png)

    timing.seconds, result = _time(build, runs)
    timing.size_bytes = len(result)
    slides = len(deck.build_deck(tables, {}))
    timing.floor_name = f"{slides} slides, each only a picture of the floor's chart (python-pptx)"
    timing.floor_seconds, _ = _time(lambda: _floor_deck(exporter, floor, slides), runs)
    return timing


def _floor_deck(exporter, figure, slides: int) -> bytes:
    from pptx import Presentation

    presentation = Presentation()
    blank = presentation.slide_layouts[6]
    for _ in range(slides):
        picture = io.BytesIO(exporter.png(figure))
        presentation.slides.add_slide(blank).shapes.add_picture(picture, 0, 0, width=presentation.slide_width)
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def measure(runs: int, *, big: bool) -> tuple[list[Timing], harness.Load]:
    with harness.measuring_load() as load:
        timings = table_exports(runs, big=big) + image_and_deck_exports(runs)
    return timings, load


def report(timings: list[Timing], load: harness.Load, runs: int) -> str:
    lines = [
        "## Exports",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')}, in process, median of {runs} runs. Each is the time from a "
        "view (or figure) to the file's bytes, as a download button's callback builds it; the floor is the plain "
        "library call on the same input. No target is set for exports.",
        "",
        "| export | of | time | floor | floor time | ratio | size |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in timings:
        if t.note:
            lines.append(f"| {t.name} | {t.view} | {t.note} | | | | |")
            continue
        median = stats.median(t.seconds)
        floor = stats.median(t.floor_seconds)
        lines.append(
            f"| {t.name} | {t.view} | {stats.millis(median)} | {t.floor_name or '—'} | "
            f"{stats.millis(floor) if t.floor_seconds else '—'} | "
            f"{stats.times(stats.ratio(median, floor)) if t.floor_seconds else '—'} | {t.size_bytes / 1024:,.0f} KB |"
        )
    lines += ["", f"Load: {load.describe()}"]
    return "\n".join(lines)
