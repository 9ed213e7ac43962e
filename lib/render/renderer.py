"""The Renderer: a View and its address in, the bytes of any format of the registry (lib.render.formats) out.

The page's buttons, the API (`/api/<page>.<format>`) and `python -m lib.report` all call
`Renderer.render`, so the same address gives the same bytes wherever it is asked for. Files
are reproducible within a day: provenance carries the day of export, not the second, so a
file's ETag holds while its content does.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from lib import __version__, explore
from lib.charts.theme import IMAGE_HEIGHT, IMAGE_WIDTH
from lib.render import export
from lib.render.formats import FORMATS, get
from lib.selections import Tables
from lib.views import PAGES, View, deck

# A page chart is laid out at 1280×720 and drawn at 1.5×: 1920×1080 pixels with its type half as large again,
# so it reads on a slide (the camera button in the chart's mode bar uses the same size).
CHART_IMAGE = {"width": 1280, "height": 720, "scale": 1.5}
EXCEL_ROWS = 100_000  # an Excel file of more rows takes too long to build while the user waits


@dataclass(frozen=True)
class Address:
    """Where a view lives: its page, its query (the pairs of its URL) and the server's base URL."""

    page: str
    query: tuple[tuple[str, str], ...] = ()
    base: str = "http://localhost:8501"

    @property
    def query_dict(self) -> dict[str, str | list[str]]:
        """The query as a page reads it: one value, or a list where a key repeats."""
        out: dict[str, str | list[str]] = {}
        for key, value in self.query:
            out[key] = (
                [*out[key], value]
                if key in out and isinstance(out[key], list)
                else ([out[key], value] if key in out else value)
            )
        return out

    @property
    def permalink(self) -> str:
        path = PAGES[self.page].url_path if self.page in PAGES else self.page
        query = f"?{urlencode(self.query)}" if self.query else ""
        return f"{self.base.rstrip('/')}/{path}{query}"

    def api(self, fmt: str) -> str:
        query = f"?{urlencode(self.query)}" if self.query else ""
        return f"{self.base.rstrip('/')}/api/{self.page}.{fmt}{query}"


class Unavailable(RuntimeError):
    """A format that cannot be made here (no browser to draw with, or a view without a chart); the message
    says why in words a person can act on."""


class NotInThisView(Unavailable):
    """The view itself has no such file (no chart to draw, too many rows for Excel): the address's doing, not the
    server's (the API's 404, where a missing browser is its 503)."""


def file_name(view: View, fmt: str) -> str:
    """What the file is called: the page and its choices, e.g. `homeworking-sectors-education.pdf`."""
    if view.page == "explore":
        spec = explore.TABLES[view.selections.get("table", "homeworking")]
        stem = explore.export_stem(spec, explore.Filters.chosen(view.selections), view.rows)
    else:
        parts = [str(v) for key, v in view.selections.items() if isinstance(v, str) and key != "map"]
        stem = "-".join(["homeworking", view.page, *[export.slug(p) for p in parts[:2]]])
    return f"{stem}.{fmt}"


def today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Renderer:
    """Everything a file needs beyond its View: the tables (for the deck), the address (for the permalink and
    the deck's own keys), the day of export and a way to draw charts (an ImageExporter's `image`)."""

    tables: Tables
    address: Address
    draw: Callable[..., bytes] | None = None  # draw(fig, fmt, width=, height=, scale=) → bytes
    exported_on: date | None = None

    def render(self, view: View, fmt: str, **options) -> bytes:
        """The file of `view` in the format named `fmt` (lib.render.formats), or UnknownFormat. Options: `bom`
        (CSV for Excel), `chart` (which chart an image draws; the main one by default)."""
        return get(fmt).make(self, view, options)

    # ---- data ----
    def provenance(self, view: View) -> export.Provenance:
        return export.provenance(view.rows, view.resource, dict(view.filters), exported_on=self.exported_on or today())

    def csv(self, view: View, *, bom: bool = False) -> bytes:
        return export.to_csv(view.rows, bom=bom)

    def json(self, view: View) -> bytes:
        return export.to_json(view.rows)

    def parquet(self, view: View) -> bytes:
        return export.to_parquet(view.rows, self.provenance(view))

    def xlsx(self, view: View) -> bytes:
        if len(view.rows) > EXCEL_ROWS:
            raise NotInThisView(
                f"Excel downloads hold up to {EXCEL_ROWS:,} rows and this view has {len(view.rows):,}: filter "
                "further, or use CSV or Parquet."
            )
        return export.to_xlsx(view.rows, self.provenance(view))

    def datapackage(self, view: View) -> bytes:
        return export.datapackage(view.rows, self.provenance(view), file_name(view, "csv").removesuffix(".csv"))

    # ---- drawn ----
    def _drawer(self) -> Callable[..., bytes]:
        if self.draw is None:
            raise Unavailable(NO_BROWSER)
        return self.draw

    def chart_image(self, view: View, chart_key: str, fmt: str) -> bytes:
        if not view.charts:
            raise NotInThisView("This view has no chart to draw: its filters leave nothing to chart.")
        chart = next((c for c in view.charts if c.key == chart_key), view.charts[0])  # "" or unknown: the main one
        return self._drawer()(chart.figure(), fmt, **CHART_IMAGE)

    def slide_image(self, slide: deck.Slide, fmt: str) -> bytes:
        """A slide as it shows in presentation mode: laid out at 1920×1080, drawn at that size."""
        return self._drawer()(slide.figure, fmt, width=IMAGE_WIDTH, height=IMAGE_HEIGHT, scale=1)

    def slides(self) -> list[deck.Slide]:
        return deck.deck_for_query(self.tables, self.address.query_dict)

    def pptx(self, slides: Sequence[deck.Slide] | None = None) -> bytes:
        from lib.render import powerpoint  # python-pptx loads only when a deck is asked for

        draw = self._drawer()
        return powerpoint.deck_pptx(slides or self.slides(), lambda fig, **size: draw(fig, "png", **size))

    def pdf(self, view: View) -> bytes:
        from lib.render import brief

        return brief.brief_pdf(view, self._drawer(), permalink=self.address.permalink, day=self.exported_on or today())

    def zip(self, view: View) -> bytes:
        """Every format of the view, its datapackage.json and a README with the permalink."""
        files: dict[str, bytes] = {}
        for fmt in (f for f in FORMATS if f not in ("zip", "datapackage.json")):
            try:
                files[file_name(view, fmt)] = self.render(view, fmt)
            except Unavailable as why:  # too many rows for Excel, or no browser: say so inside the zip
                files[f"{file_name(view, fmt)}.unavailable.txt"] = str(why).encode("utf-8")
        files["datapackage.json"] = self.datapackage(view)
        files["README.md"] = self.readme(view, files).encode("utf-8")
        buffer = io.BytesIO()
        stamp = (*(self.exported_on or today()).timetuple()[:3], 0, 0, 0)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content)
        return buffer.getvalue()

    def readme(self, view: View, files: Mapping[str, bytes]) -> str:
        prov = self.provenance(view)
        listed = "\n".join(f"- `{name}`" for name in files)
        return (
            f"# {view.title}\n\n{view.headline}\n\n{view.sentence}\n\n"
            f"Permalink (opens this view): {self.address.permalink}\n\n"
            f"Source: {prov.citation}\n\nLicence: {prov.licence}\n\n"
            f"Exported on {prov.exported_at} by the homeworking dashboard {__version__}.\n\n"
            f"## Files\n\n{listed}\n\n`datapackage.json` describes the CSV and JSON files: fields, units, source, "
            "licence and the view's filters.\n"
        )


NO_BROWSER = (
    "Images, decks and briefs are drawn by Chromium, and this server has none. Install it "
    "(Debian/Ubuntu: `apt-get install -y chromium`; elsewhere `kaleido_get_chrome` downloads one), or set "
    "BROWSER_PATH to a Chrome or Chromium. The data formats (CSV, JSON, Parquet, Excel) work without it."
)
