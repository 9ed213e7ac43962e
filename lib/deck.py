"""The presentation deck: one chart of each page's View, in the presentation theme, and the same slides as
PowerPoint.

Pure: the tables and an address's selections in, slides and bytes out. A slide is a Chart of a
lib.views View drawn under PRESENT (large type, thick marks): the deck never builds a chart of
its own. A bad or stale selection falls back to the page's default, never raises, so a
prepared link always opens a deck.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import plotly.graph_objects as go

from lib import charts, selections, views
from lib.selections import HEADLINE_MAX, SLIDE_NAMES, Tables

SLIDE_KEYS = tuple(SLIDE_NAMES)
# Which chart of which page each slide shows.
SLIDE_CHARTS = {
    "sector": ("sectors", "sectors-all"),
    "change": ("", "change"),  # the first of these pages with a change chart: CHANGE_PAGES
    "regularity": ("sectors", "sectors-regularity"),
    "age": ("age", "age-profile"),
    "region": ("regions", "regions-bars"),
    "councils": ("councils", "councils-timeline"),
}
CHANGE_PAGES = ("sectors", "age", "regions")
WIDENED = "No council figures match the chosen regions and kinds, so every organisation is shown. "


@dataclass(frozen=True)
class Slide:
    """One chart for one screen: the headline is its title (the chart's takeaway unless edited).

    The figure is drawn on first use: a screen shows one slide, and a figure costs up to a few seconds.
    """

    key: str
    name: str
    chart: views.Chart = field(repr=False, compare=False)
    headline: str
    notes: str  # the sentence of numbers, for the speaker

    @property
    def takeaway(self) -> str:
        return self.chart.title

    @property
    def source(self) -> str:
        return self.chart.source

    @property
    def alt(self) -> str:
        return self.chart.alt

    @cached_property
    def figure(self) -> go.Figure:
        """The chart at slide size, 1920×1080, titled with the headline."""
        return self.chart.figure(charts.PRESENT, self.headline).update_layout(height=charts.IMAGE_HEIGHT)


def slide_order(requested: Sequence[str] | None, available: Sequence[str] = SLIDE_KEYS) -> list[str]:
    """The known slides in the presenter's order, each once; the whole deck when none is known."""
    order = [key for key in dict.fromkeys(requested or ()) if key in available]
    return order or list(available)


ViewBuilder = Callable[[str, Mapping], views.View]  # (page, chosen values) → View


def page_views(
    tables: Tables, query: Mapping[str, str | Sequence[str]], pages: Sequence[str], build: ViewBuilder
) -> dict[str, views.View]:
    """The Views the deck's slides come from, each read from the same address."""
    return {
        page: build(page, selections.read(selections.page_keys(page), query, tables)) for page in dict.fromkeys(pages)
    }


def build_deck(
    tables: Tables,
    query: Mapping[str, str | Sequence[str]],
    *,
    order: Sequence[str] | None = None,
    headlines: Mapping[str, str | None] | None = None,
    user_rows=None,
    build: ViewBuilder | None = None,
) -> list[Slide]:
    """The slides for an address: sector → your figures against 2019 → regularity → age band → region →
    councils, as ordered.

    `query` holds the pages' URL values; `order` lists slide keys to keep, in order (unknown
    keys are ignored); `headlines` maps a slide key to the presenter's own headline (blank
    keeps the takeaway). `user_rows`, the session's uploaded figures, add the change slide.
    `build(page, chosen)` makes each View (the app passes its shared cache; default: lib.views.build).
    """
    build = build or (lambda page, chosen: views.build(page, tables, chosen, user_rows))
    pages = [SLIDE_CHARTS[k][0] for k in SLIDE_KEYS if SLIDE_CHARTS[k][0]] + list(CHANGE_PAGES)
    made = page_views(tables, query, pages, build)
    change = next((made[p].chart(f"{p}-change") for p in CHANGE_PAGES if made[p].changes), None)
    available = [k for k in SLIDE_KEYS if k != "change" or change is not None]
    slides = []
    for key in slide_order(order, available):
        page, chart_key = SLIDE_CHARTS[key]
        view, widened = made.get(page), ""
        if key == "change":
            chart = change
        elif any(c.key == chart_key for c in view.charts):
            chart = view.chart(chart_key)
        else:
            # A filter that leaves no organisation would make an empty slide: show them all, and say so.
            chart = build(page, {**view.selections, "region": [], "kind": []}).chart(chart_key)
            widened = WIDENED
        headline = clean_headline((headlines or {}).get(key)) or chart.title
        slides.append(Slide(key, SLIDE_NAMES[key], chart, headline, f"{widened}{chart.notes}"))
    return slides


def clean_headline(text: str | None) -> str | None:
    """A presenter's headline as plain text on one line, or None to keep the takeaway."""
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())[:HEADLINE_MAX]
    return text or None


def deck_for_query(tables: Tables, query: Mapping[str, str | Sequence[str]], user_rows=None) -> list[Slide]:
    """The deck an address opens in presentation mode: its order and edited headlines come from the URL too."""
    order = selections.DECK.read(query.get("deck"), tables)
    headlines = {key: selections.HEADLINES[key].read(query.get(f"headline_{key}"), tables) for key in SLIDE_KEYS}
    return build_deck(tables, query, order=order, headlines=headlines, user_rows=user_rows)
