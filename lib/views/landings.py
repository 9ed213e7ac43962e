"""Where uploaded figures show: each page that draws them against 2019, with a category they cover chosen, so
that the page leads with the change instead of a default it does not cover."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.selections import Tables
from lib.views import PAGES
from lib.views.deck import CHANGE_PAGES


@dataclass(frozen=True)
class Landing:
    """A page of the app, and the value of its first key (the category) to open it with."""

    page: str
    key: str
    category: str

    @property
    def title(self) -> str:
        return PAGES[self.page].nav_title


def landings(rows: pd.DataFrame, tables: Tables) -> list[Landing]:
    """For each page that draws a change against 2019, the first category of the upload (in the file's order) that
    the page can be opened on and that has a figure; a page none of the upload's categories opens is left out."""
    figures = rows[rows["percent"].notna()]
    found = []
    for name in CHANGE_PAGES:
        selection = PAGES[name].keys[0]
        options = set(selection.choices(tables, {}))
        covered = [c for c in dict.fromkeys(figures["category"]) if c in options]
        if covered:
            found.append(Landing(name, selection.key, covered[0]))
    return found
