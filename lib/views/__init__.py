"""One definition of each view: a page's selections in, a View out, and one record per page.

A View holds what a page says (headline, sentence, figures, notes) and its charts; a Chart holds
its title, subtitle, alt text, the table behind it and how to draw it under a theme. The page
shows a View, a slide is one of its Charts in the PRESENT theme, and the API, the PDF brief and
`python -m lib.report` render the same View: nothing is written twice.

`PAGES` holds a Page record for each page, in navigation order: adding a page is one record here,
its builder (a module of this package) and its script in `pages/`.

Pure: tables and selections in (see lib.selections), no Streamlit, figures drawn on demand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from lib import selections as keys
from lib.selections import Tables
from lib.views.age import age
from lib.views.councils import COUNCIL_FIGURE_COLUMNS, councils_view
from lib.views.explore import explore_view, present_breakdowns
from lib.views.model import Chart, Column, Metric, Page, SlideSpec, View
from lib.views.overview import overview
from lib.views.regions import regions
from lib.views.regularity import regularity_notes, regularity_takeaway
from lib.views.sectors import sectors

PAGES: dict[str, Page] = {
    page.name: page
    for page in (
        Page(
            "overview",
            "Homeworking in the UK before the pandemic",
            "Overview",
            ":material/dashboard:",
            (),
            overview,
            default=True,
        ),
        Page(
            "sectors",
            "Your sector against public administration",
            "Sectors",
            ":material/work:",
            (keys.SECTOR, keys.BENCHMARK),
            sectors,
            slides=(
                SlideSpec("sector", "Your sector against the benchmark", "sectors-all"),
                SlideSpec("change", "Your figures against 2019", "change"),  # only with uploaded figures
                SlideSpec("regularity", "How regular homeworking was", "sectors-regularity"),
            ),
            link="Compare your sector",
        ),
        Page(
            "age",
            "Homeworking by age",
            "Age",
            ":material/groups:",
            (keys.BAND, keys.VERSUS),
            age,
            slides=(SlideSpec("age", "Your age band", "age-profile"),),
            link="Homeworking by age",
        ),
        Page(
            "regions",
            "Homeworking by region and nation",
            "Regions",
            ":material/map:",
            (keys.REGION, keys.OTHER, keys.MAP),
            regions,
            slides=(SlideSpec("region", "Your region", "regions-bars"),),
            link="Regions and nations",
        ),
        Page(
            "councils",
            "How fast councils moved staff home in spring 2020",
            "Councils",
            ":material/apartment:",
            (keys.COUNCIL_REGIONS, keys.COUNCIL_KINDS, keys.ORGANISATION),
            councils_view,
            slides=(SlideSpec("councils", "The councils timeline", "councils-timeline"),),
            link="How fast councils moved in 2020",
        ),
        Page(
            "explore",
            "Explore the figures",
            "Explore",
            ":material/table_view:",
            keys.EXPLORE_KEYS,
            explore_view,
            link="Filter, export, add your data",
        ),
    )
}
SLIDES: dict[str, tuple[Page, SlideSpec]] = {s.key: (p, s) for p in PAGES.values() for s in p.slides}


def page(name: str) -> Page:
    """The record of a page, or KeyError naming the pages there are."""
    try:
        return PAGES[name]
    except KeyError:
        raise KeyError(f"no page {name!r}: pages are {', '.join(PAGES)}") from None


def build(name: str, tables: Tables, chosen: Mapping[str, Any], user_rows: pd.DataFrame | None = None) -> View:
    """The View of a page for values already read (lib.selections.read or .check)."""
    record = page(name)
    view = record.build(tables, chosen, user_rows)
    # A change against 2019 is stated with its caution: in the notes, it reaches the brief and every file.
    notes = (view.caution, *view.notes) if view.caution else view.notes
    return replace(view, title=record.title, notes=notes)


def for_query(
    name: str, tables: Tables, query: Mapping[str, Any], user_rows: pd.DataFrame | None = None, *, strict: bool = False
) -> View:
    """The View of a page address's query: leniently as the page reads it, or strictly (SelectionError)."""
    chosen = (keys.check if strict else keys.read)(page(name).keys, query, tables)
    return build(name, tables, chosen, user_rows)


__all__ = [
    "COUNCIL_FIGURE_COLUMNS",
    "PAGES",
    "SLIDES",
    "Chart",
    "Column",
    "Metric",
    "Page",
    "SlideSpec",
    "View",
    "build",
    "for_query",
    "page",
    "present_breakdowns",
    "regularity_notes",
    "regularity_takeaway",
]
