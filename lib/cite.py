"""Cite this view: a line for a reference list, a BibTeX `@misc` entry and CSL-JSON, from a View, its address
and the day it was read.

Who produced the figures is read from data/datapackage.json, never retyped: the ONS figures' producer is
the publisher of their resource's sources (the Office for National Statistics); a view of council figures
names the publishers of the sources its rows are quoted from. The title is the page's title with the
view's choices in words, which stay true while a headline's figures would not fit a reference list.

Pure: no Streamlit, no server. The Share menu, the static page and the zip all cite through here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from lib import __version__, data
from lib.escape import for_bibtex, for_bibtex_url
from lib.render.export import PRODUCT, slug
from lib.views import View

ACCESSED_FORMAT = "{day} {month} {year}"  # 2 December 2026, as UK reference lists write it


@dataclass(frozen=True)
class Citation:
    """One view, cited: who made the figures, what the view is, where it lives and when it was read."""

    key: str  # the BibTeX key and CSL id: homeworking-<page>-<choices>-<year>
    producers: tuple[str, ...]
    title: str
    url: str
    accessed: date

    @property
    def year(self) -> int:
        return self.accessed.year

    @property
    def accessed_text(self) -> str:
        return ACCESSED_FORMAT.format(day=self.accessed.day, month=f"{self.accessed:%B}", year=self.year)

    def reference(self) -> str:
        """Producer. Title. The dashboard, year. Permalink (accessed date)."""
        return (
            f"{'; '.join(self.producers)}. {self.title}. {PRODUCT}, {self.year}. "
            f"{self.url} (accessed {self.accessed_text})."
        )

    def bibtex(self) -> str:
        authors = " and ".join(f"{{{for_bibtex(p)}}}" for p in self.producers)  # corporate names: kept whole
        fields = [
            ("author", f"{{{authors}}}"),
            ("title", f"{{{{{for_bibtex(self.title)}}}}}"),  # double braces: the capitals stay as written
            ("howpublished", f"{{{for_bibtex(PRODUCT)}}}"),
            ("year", f"{{{self.year}}}"),
            ("url", f"{{{for_bibtex_url(self.url)}}}"),
            ("urldate", f"{{{self.accessed.isoformat()}}}"),
            ("note", f"{{Accessed {self.accessed_text}; {for_bibtex(PRODUCT)} {for_bibtex(__version__)}}}"),
        ]
        body = ",\n".join(f"  {name} = {value}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}\n"

    def csl(self) -> list[dict]:
        """CSL-JSON: a list of one item, as citation managers (Zotero, Pandoc) import it."""
        return [
            {
                "id": self.key,
                "type": "dataset",
                "title": self.title,
                "author": [{"literal": p} for p in self.producers],
                "container-title": PRODUCT,
                "version": __version__,
                "issued": {"date-parts": [[self.year]]},
                "accessed": {"date-parts": [[self.year, self.accessed.month, self.accessed.day]]},
                "URL": self.url,
            }
        ]

    def csl_json(self) -> str:
        return json.dumps(self.csl(), ensure_ascii=False, indent=2) + "\n"


def cite(view: View, permalink: str, accessed: date) -> Citation:
    """The citation of `view` at `permalink`, read on `accessed`."""
    chosen = [str(value) for value in view.filters.values() if str(value) not in ("all", "none")]
    key = "-".join(["homeworking", view.page, *[slug(c) for c in chosen[:2]], str(accessed.year)])
    return Citation(key, producers(view), title(view), permalink, accessed)


def title(view: View) -> str:
    """The page's title and the view's choices: 'Your sector against public administration (sector: Education;
    compared with: Public administration and defence)'."""
    choices = "; ".join(f"{name}: {value}" for name, value in view.filters.items())
    return f"{view.title or view.page} ({choices})" if choices else view.title or view.page


def producers(view: View) -> tuple[str, ...]:
    """The publishers of the view's figures: its resource's sources, or, for quoted figures, those of its rows."""
    package = data.load_package()
    sources = package["sources"]
    named = data.resource(view.resource).get("source_names")
    if named:
        found = [s["publisher"] for s in sources if s["name"] in named]
    else:
        titles = set(view.rows["publication"].dropna()) if "publication" in view.rows else set()
        found = [s["publisher"] for s in sources if s["title"] in titles]
        if not found:  # a view with no rows: every source quoted, none of the statistics' own
            statistics = {n for r in package["resources"] for n in r.get("source_names", ())}
            found = [s["publisher"] for s in sources if s["name"] not in statistics]
    return tuple(dict.fromkeys(found))
