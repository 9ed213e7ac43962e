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

from lib import charts, selections
from lib.charts.sizing import for_size
from lib.selections import HEADLINE_MAX, PRESENT, SLIDE, Selection, Tables
from lib.views import PAGES, SLIDES
from lib.views import build as build_view
from lib.views.model import Chart, View

SLIDE_KEYS = tuple(SLIDES)  # in the pages' order, each page's slides in its own order
CHANGE = "change"  # the slide of your figures against 2019: the change chart of the first page that has one
CHANGE_PAGES = ("sectors", "age", "regions")  # the pages that draw your figures against 2019

# The deck's own URL keys: which slides in which order, and any headline the presenter wrote.
DECK = Selection(
    "deck",
    "In order: " + ", ".join(s.name.lower() for _, s in SLIDES.values()) + ". Remove one to drop it; add it back to "
    "put it last.",
    options=lambda t, _: list(SLIDE_KEYS),
    multiple=True,
    default=SLIDE_KEYS,
)
HEADLINES = {
    key: Selection(
        f"headline_{key}", f"Headline: {spec.name} (blank: the generated takeaway)", kind="text", max_chars=HEADLINE_MAX
    )
    for key, (_, spec) in SLIDES.items()
}
PRESENTATION: tuple[Selection, ...] = (PRESENT, SLIDE, DECK, *HEADLINES.values())
KEYS: tuple[Selection, ...] = (*selections.DECK_KEYS, *PRESENTATION)  # what a deck's address may carry


def url_keys() -> list[str]:
    """Every key any address of the app may carry: the pages', the deck editor's, presentation mode's and the
    marker of uploaded figures."""
    groups = (*(p.keys for p in PAGES.values()), KEYS, selections.MARKERS)
    return list(dict.fromkeys(s.key for group in groups for s in group))


def widened_notice(regions: Sequence[str], kinds: Sequence[str]) -> str:
    """What a slide says when the presenter's regions and kinds leave no organisation, so it shows them all:
    'The sources report no North West council or public body; all organisations shown'."""
    where = " or ".join(regions)
    what = " or ".join(kinds) or "council or public body"
    return f"The sources report no {where + ' ' if where else ''}{what}; all organisations shown"


@dataclass(frozen=True)
class Slide:
    """One chart for one screen: the headline is its title (the chart's takeaway unless edited).

    The figure is drawn on first use: a screen shows one slide, and a figure costs up to a few seconds.
    """

    key: str
    name: str
    chart: Chart = field(repr=False, compare=False)
    headline: str
    notes: str  # the sentence of numbers, for the speaker
    notice: str = ""  # what the slide must say about its own choice, on the slide (above the subtitle)

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
        """The chart drawn for a 1920×1080 slide, titled with the headline; a notice leads its subtitle."""
        subtitle = f"{self.notice} · {self.chart.subtitle}" if self.notice else None
        frame = for_size(charts.PRESENT, charts.IMAGE_WIDTH, charts.IMAGE_HEIGHT)
        return self.chart.figure(frame, self.headline, subtitle)


def slide_order(requested: Sequence[str] | None, available: Sequence[str] = SLIDE_KEYS) -> list[str]:
    """The known slides in the presenter's order, each once; the whole deck when none is known."""
    order = [key for key in dict.fromkeys(requested or ()) if key in available]
    return order or list(available)


ViewBuilder = Callable[[str, Mapping], View]  # (page, chosen values) → View


def page_views(
    tables: Tables, query: Mapping[str, str | Sequence[str]], pages: Sequence[str], build: ViewBuilder
) -> dict[str, View]:
    """The Views the deck's slides come from, each read from the same address."""
    return {page: build(page, selections.read(PAGES[page].keys, query, tables)) for page in dict.fromkeys(pages)}


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
    build = build or (lambda page, chosen: build_view(page, tables, chosen, user_rows))
    pages = [SLIDES[k][0].name for k in SLIDE_KEYS] + list(CHANGE_PAGES)
    made = page_views(tables, query, pages, build)
    change = next((made[p].chart(f"{p}-change") for p in CHANGE_PAGES if made[p].changes), None)
    available = [k for k in SLIDE_KEYS if k != CHANGE or change is not None]
    slides = []
    for key in slide_order(order, available):
        page, spec = SLIDES[key]
        view, notice, chart_key = made[page.name], "", spec.chart
        if key == CHANGE and change is not None:
            chart = change
        elif any(c.key == chart_key for c in view.charts):
            chart = view.chart(chart_key)
        else:
            # A filter that leaves no organisation would make an empty slide: show them all, and say so.
            chart = build(page.name, {**view.selections, "region": [], "kind": []}).chart(chart_key)
            notice = widened_notice(view.selections.get("region", []), view.selections.get("kind", []))
        headline = clean_headline((headlines or {}).get(key)) or chart.title
        notes = f"{notice}. {chart.notes}" if notice else chart.notes
        slides.append(Slide(key, spec.name, chart, headline, notes, notice))
    return slides


def clean_headline(text: str | None) -> str | None:
    """A presenter's headline as plain text on one line, or None to keep the takeaway."""
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())[:HEADLINE_MAX]
    return text or None


def visited_order(visited: Sequence[str], current: str | None, *, with_change: bool = False) -> list[str] | None:
    """The deck a person's own session makes: the slides of the page they present from, then of each other page
    they visited, in the order they went there; the change slide after the first page that draws it when they
    brought figures. None when no such page has a slide (the whole deck, as a link without `deck=` gives)."""
    pages = [p for p in dict.fromkeys([*([current] if current else []), *visited]) if p in PAGES]
    order: list[str] = []
    for page in pages:
        order += [s.key for s in PAGES[page].slides if s.key != CHANGE or with_change]
        if with_change and page in CHANGE_PAGES and CHANGE not in order:
            order.append(CHANGE)
    return order or None


def start_slide(order: Sequence[str], page: str | None) -> int:
    """Where presentation mode opens (1-based): on the first slide of the page it was opened from, if the deck
    has one, else on the first."""
    keys = [s.key for s in PAGES[page].slides] if page in PAGES else []
    return next((i for i, key in enumerate(order, start=1) if key in keys), 1)


def deck_for_query(tables: Tables, query: Mapping[str, str | Sequence[str]], user_rows=None) -> list[Slide]:
    """The deck an address opens in presentation mode: its order and edited headlines come from the URL too."""
    order = DECK.read(query.get(DECK.key), tables)
    headlines = {key: HEADLINES[key].read(query.get(HEADLINES[key].key), tables) for key in SLIDE_KEYS}
    return build_deck(tables, query, order=order, headlines=headlines, user_rows=user_rows)
