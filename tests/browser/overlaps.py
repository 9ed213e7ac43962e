"""Does any text of a chart overprint another, or run off its edge? Measured in a browser, as drawn.

A chart's text positions are only known once a browser lays the text out in its fonts, so both checks
ask Chromium: for an SVG file, Playwright opens it inline and measures each <text> element; on a page,
the same script measures the text of every Plotly chart. Two texts overlap when their boxes share more
than `TOLERANCE` px in both directions (a box includes the font's ascent and descent, so lines that only
touch are not counted).
"""

from __future__ import annotations

from dataclasses import dataclass

TOLERANCE = 2.0  # px of shared box, in both directions, before two texts count as overprinting

# Every visible, non-empty <text> under `root`, as a box in CSS pixels of the page (a text painted with no ink,
# fill-opacity 0, is the white ground laid under a label: lib.charts.layout.grouped_bars).
TEXT_BOXES_JS = """
root => [...root.querySelectorAll('text')]
  .filter(t => t.textContent.trim() && t.checkVisibility({opacityProperty: true, visibilityProperty: true}))
  .filter(t => getComputedStyle(t).fillOpacity !== '0')
  .map(t => { const r = t.getBoundingClientRect(); return {
    text: t.textContent.trim(), x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
    kind: (t.getAttribute('class') || t.parentElement.getAttribute('class') || '').split(' ')[0] }; })
  .filter(b => b.x1 - b.x0 >= 1 && b.y1 - b.y0 >= 1)
"""
# Each Plotly chart on a page: its box and its texts (both of its SVG layers), for charts that have painted.
PAGE_CHARTS_JS = f"""
() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {{
  const r = plot.getBoundingClientRect();
  return {{ box: {{x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}}, texts: ({TEXT_BOXES_JS})(plot),
           bars: [...plot.querySelectorAll('.bars .point path')].map(p => {{
             const b = p.getBoundingClientRect(); return {{w: b.width, h: b.height}}; }}) }};
}})
"""


@dataclass(frozen=True)
class Box:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    kind: str = ""

    def shared(self, other: Box) -> tuple[float, float]:
        return (min(self.x1, other.x1) - max(self.x0, other.x0), min(self.y1, other.y1) - max(self.y0, other.y0))

    def __str__(self) -> str:
        return f"{self.text[:40]!r} [{self.x0:.0f},{self.y0:.0f}–{self.x1:.0f},{self.y1:.0f}]"


def boxes(found: list[dict]) -> list[Box]:
    return [Box(**b) for b in found]


def overlapping(texts: list[Box], tolerance: float = TOLERANCE) -> list[tuple[Box, Box]]:
    """Every pair of texts whose boxes share more than `tolerance` px across and down."""
    pairs = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            across, down = a.shared(b)
            if across > tolerance and down > tolerance:
                pairs.append((a, b))
    return pairs


def outside(texts: list[Box], x0: float, y0: float, x1: float, y1: float, tolerance: float = 1.0) -> list[Box]:
    """Texts that run past the chart's edges (cut off in a file, hidden on a page)."""
    return [
        t
        for t in texts
        if t.x0 < x0 - tolerance or t.y0 < y0 - tolerance or t.x1 > x1 + tolerance or t.y1 > y1 + tolerance
    ]


def svg_problems(page, svg: str) -> list[str]:
    """Overprinted and cut-off texts of an SVG drawn by the app (shown inline in `page`, a Playwright page)."""
    page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
    size = page.evaluate("() => { const r = document.querySelector('svg').getBoundingClientRect(); return r; }")
    texts = boxes(page.evaluate(f"() => ({TEXT_BOXES_JS})(document.body)"))
    found = [f"{a} overprints {b}" for a, b in overlapping(texts)]
    found += [f"{t} runs off the edge" for t in outside(texts, 0, 0, size["width"], size["height"])]
    return found


def page_chart_problems(page) -> list[str]:
    """For every Plotly chart on `page`: overprinted texts, texts past its box, bars with no width."""
    found = []
    for i, chart in enumerate(page.evaluate(PAGE_CHARTS_JS)):
        texts, box = boxes(chart["texts"]), chart["box"]
        found += [f"chart {i + 1}: {a} overprints {b}" for a, b in overlapping(texts)]
        found += [f"chart {i + 1}: {t} runs off the chart" for t in outside(texts, **box)]
        flat = [b for b in chart["bars"] if min(b["w"], b["h"]) < 1 and max(b["w"], b["h"]) > 0]
        if flat:
            found.append(f"chart {i + 1}: {len(flat)} of {len(chart['bars'])} bars have no width")
    return found
