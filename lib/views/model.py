"""What a page shows, as data: a View (headline, sentence, metrics, notes, rows) and its Charts (title,
subtitle, alt text, the table behind it, and how to draw it under a theme), and the Page record that ties a
page's address, keys, builder and slides together."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from lib import compare
from lib.charts import NORMAL, Theme, Words, source_note
from lib.charts.sizing import fit
from lib.escape import for_plotly
from lib.selections import Selection


@dataclass(frozen=True)
class Column:
    """How a table column is shown: its label, what kind of value it holds, and what it means."""

    label: str
    kind: str = "text"  # text | percent | number | date | check
    help: str | None = None


@dataclass(frozen=True)
class Metric:
    """A headline figure: its label, value as text, and how it was reached (derived ones say so)."""

    label: str
    value: str
    help: str | None = None
    delta: str | None = None
    group: str = ""  # the measure it belongs to, where a page shows metrics in groups


@dataclass(frozen=True)
class Chart:
    """One chart of a view, with everything that explains it; `draw(theme, words)` builds the figure."""

    key: str
    title: str
    subtitle: str
    alt: str
    table: pd.DataFrame
    columns: Mapping[str, Column]
    draw: Callable[[Theme, Words], go.Figure] = field(repr=False, compare=False)
    source: str = field(default_factory=source_note)
    caption: str = ""
    notes: str = ""  # the sentence of numbers a speaker says over this chart
    depends_on: tuple[str, ...] | None = None  # the selection keys its figure depends on (None: all of them)
    # The chart as a list of (heading, lines), for a column too narrow to draw it readably (the timeline on a phone).
    as_list: Callable[[], Sequence[tuple[str, Sequence[str]]]] | None = field(default=None, repr=False, compare=False)

    def figure(self, theme: Theme = NORMAL, title: str | None = None, subtitle: str | None = None) -> go.Figure:
        """The chart under a theme, sized for its frame (lib.charts.sizing); `title` (plain text, escaped here)
        replaces the takeaway, as a presenter may, and `subtitle` the subtitle, as a slide that must say something
        about its choice does."""
        words = Words(for_plotly(title or self.title), for_plotly(subtitle or self.subtitle), self.source)
        return fit(lambda sized: self.draw(sized, words), theme)


@dataclass(frozen=True)
class View:
    """What one page shows for one set of selections."""

    page: str
    headline: str
    sentence: str
    charts: tuple[Chart, ...]
    rows: pd.DataFrame  # the data behind the view, tidy, with provenance columns: the data downloads
    resource: str
    selections: Mapping[str, Any]
    filters: Mapping[str, str]  # the selections in words, for the downloads' provenance
    title: str = ""  # the page's title, from its Page record (lib.views.build sets it)
    metrics: tuple[Metric, ...] = ()
    notes: tuple[str, ...] = ()  # caveats and what is derived, for the page and the brief
    notices: tuple[str, ...] = ()  # something about the choice itself ("the same twice")
    missing: Mapping[str, str] = field(default_factory=dict)  # chart key → why this choice has no such chart
    comparison: compare.Comparison | None = None
    with_user_rows: bool = False
    changes: tuple[compare.Change, ...] = ()  # the person's own figures against 2019, where they brought any
    caution: str = ""  # on comparing those figures with 2019 (lib.comparability): stated wherever a change is
    # A page's table of every figure (Councils: each with its quote and source), made when first shown.
    make_detail: Callable[[], pd.DataFrame] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def detail(self) -> pd.DataFrame | None:
        return self.make_detail() if self.make_detail else None

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)

    @property
    def main(self) -> Chart | None:
        return self.charts[0] if self.charts else None

    @property
    def printed(self) -> tuple[Chart, ...]:
        """The charts a brief prints: the main one; with the person's own figures against 2019, both that change
        and the page's 2019 chart, the headline's first."""
        change = next((c for c in self.charts if c.key == f"{self.page}-change"), None)
        if change is None or len(self.charts) < 2:
            return self.charts[:1]
        return (self.charts[0], next(c for c in self.charts if c is not change) if self.charts[0] is change else change)


# (tables, the chosen values as lib.selections reads them (a TypedDict a page), the session's uploads) -> View
Builder = Callable[..., View]


@dataclass(frozen=True)
class SlideSpec:
    """A slide of the presentation deck: a chart of its page's View. `key` is its URL value (`deck=sector`,
    `headline_sector=`); `chart` the key of the View's chart it shows ("change": the change chart of the first
    page that has one)."""

    key: str
    name: str
    chart: str


@dataclass(frozen=True)
class Page:
    """One page of the app, everything about it in one record: its name is its URL path, its script
    (`pages/<name>.py`) and its API file (`/api/<name>.<format>`); navigation, the API, OpenAPI, the deck,
    the Overview's links and the tests all read the records in `lib.views.PAGES`."""

    name: str
    title: str  # the page's heading, and the title of its View, brief and files
    nav_title: str  # in the sidebar
    icon: str  # a Material icon, as Streamlit names it
    keys: tuple[Selection, ...]  # its URL keys, in the order a page reads them
    build: Builder = field(repr=False)
    slides: tuple[SlideSpec, ...] = ()
    link: str = ""  # how the Overview invites people to it ("" for the Overview itself)
    default: bool = False  # the app's home, at "/"

    @property
    def script(self) -> str:
        return f"pages/{self.name}.py"

    @property
    def url_path(self) -> str:
        return "" if self.default else self.name
