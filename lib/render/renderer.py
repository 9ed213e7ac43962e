"""The Renderer: a View and its address in, the bytes of any format of the registry (lib.render.formats) out.

The page's buttons, the API (`/api/<page>.<format>`) and `python -m lib.report` all call
`Renderer.render`, so the same address gives the same bytes wherever it is asked for. Files
are reproducible within a day: provenance carries the day of export, not the second, so a
file's ETag holds while its content does.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import NamedTuple
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import plotly.graph_objects as go

from lib import __version__, cite, explore
from lib.charts.sizing import for_size
from lib.charts.theme import IMAGE_HEIGHT, IMAGE_WIDTH, NORMAL
from lib.render import export
from lib.render.formats import FORMATS, get
from lib.render.images import ImageExportUnavailable
from lib.selections import Tables
from lib.views import PAGES, Chart, View, deck

# A page chart is drawn for a 1280×720 frame (lib.charts.sizing) and at 1.5×: 1920×1080 pixels with its type
# half as large again, so it reads on a slide.
CHART_IMAGE: dict[str, int | float] = {"width": 1280, "height": 720, "scale": 1.5}
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
        values: dict[str, list[str]] = {}
        for key, value in self.query:
            values.setdefault(key, []).append(value)
        return {key: found[0] if len(found) == 1 else found for key, found in values.items()}

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


class File(NamedTuple):
    """A file made for an address, with its name. `lasting` is False when a drawing failed and the file came
    without it (a static page without its drawn chart): it is handed over, never kept."""

    body: bytes
    name: str
    lasting: bool = True


@dataclass
class WatchedDrawer:
    """A drawer that notes whether any of its drawings failed."""

    draw: Callable[..., bytes]
    failed: bool = False

    def __call__(self, *args, **kwargs) -> bytes:
        try:
            return self.draw(*args, **kwargs)
        except ImageExportUnavailable:
            self.failed = True
            raise


def file_name(view: View, fmt: str) -> str:
    """What the file is called: the page and its choices, e.g. `homeworking-sectors-education.pdf`."""
    if view.page == "explore":
        spec = explore.TABLES[view.selections.get("table", "homeworking")]
        stem = explore.export_stem(spec, explore.Filters.chosen(view.selections), view.rows)
    else:
        parts = [str(v) for key, v in view.selections.items() if isinstance(v, str) and key != "map"]
        stem = "-".join(["homeworking", view.page, *[export.slug(p) for p in parts[:2]]])
    return f"{stem}.{fmt}"


def image_figure(chart: Chart) -> go.Figure:
    """A chart as its PNG and SVG files draw it: for the image's own frame, not the page's; a chart too tall for
    it (the councils' many figures) makes a taller image rather than squeeze its rows."""
    return chart.figure(for_size(NORMAL, int(CHART_IMAGE["width"]), int(CHART_IMAGE["height"]), grow=True))


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
    def file(self, view: View, fmt: str, **options) -> File:
        """`render`, with the file's name and whether it may be kept: not if a drawing failed while it was made."""
        watched = None if self.draw is None else WatchedDrawer(self.draw)
        body = replace(self, draw=watched).render(view, fmt, **options)
        return File(body, file_name(view, fmt), lasting=watched is None or not watched.failed)

    def provenance(self, view: View) -> export.Provenance:
        return export.provenance(
            view.rows,
            view.resource,
            dict(view.filters),
            exported_on=self.exported_on or today(),
            cautions=(view.caution,) if view.caution else (),
        )

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
        figure = image_figure(chart)
        height = int(figure.layout.height or CHART_IMAGE["height"])  # as tall as its rows need (lib.charts.sizing)
        drawn = self._drawer()(figure, fmt, **{**CHART_IMAGE, "height": height})
        return described(drawn, fmt, chart.title, chart.alt)

    def slide_image(self, slide: deck.Slide, fmt: str) -> bytes:
        """A slide as it shows in presentation mode: laid out at 1920×1080, drawn at that size."""
        image = self._drawer()(slide.figure, fmt, width=IMAGE_WIDTH, height=IMAGE_HEIGHT, scale=1)
        return described(image, fmt, slide.headline, slide.alt)

    def slides(self) -> list[deck.Slide]:
        return deck.deck_for_query(self.tables, self.address.query_dict)

    def pptx(self, slides: Sequence[deck.Slide] | None = None) -> bytes:
        from lib.render import powerpoint  # python-pptx loads only when a deck is asked for

        draw = self._drawer()
        return powerpoint.deck_pptx(slides or self.slides(), lambda fig, **size: draw(fig, "png", **size))

    def pdf(self, view: View) -> bytes:
        from lib.render import brief

        return brief.brief_pdf(view, self._drawer(), permalink=self.address.permalink, day=self.exported_on or today())

    def html(self, view: View, *, embed: bool = False, standalone: bool = False) -> bytes:
        """The static page (lib.render.html). Its no-JavaScript chart is the drawn SVG; when it cannot be drawn
        the page comes without it, saying why, rather than no page."""
        from lib.render import html

        svg, no_drawing = None, ""
        if view.main is not None:
            try:
                svg = self.chart_image(view, view.main.key, "svg").decode("utf-8")
            except Unavailable:
                no_drawing = "This server cannot draw charts (it has no Chromium), so the drawn chart is missing."
            except ImageExportUnavailable as why:
                no_drawing = (
                    f"The server could not draw the chart for this page ({why}), so the drawn chart is missing."
                )
        page = html.static_page(
            view,
            self.address,
            chart_svg=svg,
            no_drawing=no_drawing,
            day=self.exported_on or today(),
            embed=embed,
            standalone=standalone,
        )
        return page.encode("utf-8")

    def citation(self, view: View) -> cite.Citation:
        return cite.cite(view, self.address.permalink, self.exported_on or today())

    def zip(self, view: View) -> bytes:
        """Every format of the view, its datapackage.json, its citation (text, BibTeX, CSL-JSON) and a README with
        the permalink. The web page in it draws its interactive chart from this server when it is reachable;
        offline it shows the drawn chart and the table (the standalone page, with plotly.js, is 1.3 MB)."""
        files: dict[str, bytes] = {}
        for fmt in (f for f in FORMATS if f not in ("zip", "datapackage.json")):
            try:
                files[file_name(view, fmt)] = self.render(view, fmt, standalone=False)
            except Unavailable as why:  # too many rows for Excel, or no browser: say so inside the zip
                files[f"{file_name(view, fmt)}.unavailable.txt"] = str(why).encode("utf-8")
        files["datapackage.json"] = with_images(self.datapackage(view), view, files)
        citation = self.citation(view)
        files["CITATION.txt"] = (citation.reference() + "\n").encode("utf-8")
        files["CITATION.bib"] = citation.bibtex().encode("utf-8")
        files["CITATION.csl.json"] = citation.csl_json().encode("utf-8")
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
        pictures = [name for name in files if name.endswith((".png", ".svg"))]
        described = (
            f"## The chart, in words\n\n{', '.join(f'`{n}`' for n in pictures)}: **{view.main.title}**\n\n"
            f"Alternative text: {view.main.alt}\n\nIts figures are in the data files, and in the PDF brief's table.\n\n"
            if pictures and view.main
            else ""
        )
        return (
            f"# {view.title}\n\n{view.headline}\n\n{view.sentence}\n\n"
            f"Permalink (opens this view): {self.address.permalink}\n\n"
            f"Source: {prov.citation}\n\nLicence: {prov.licence}\n\n"
            f"Cite this view as: {self.citation(view).reference()} (BibTeX: `CITATION.bib`; CSL-JSON: "
            "`CITATION.csl.json`.)\n\n"
            f"Exported on {prov.exported_at} by the homeworking dashboard {__version__}.\n\n"
            f"{described}## Files\n\n{listed}\n\n`datapackage.json` describes the CSV and JSON files (fields, units, "
            "source, licence and the view's filters) and the chart's pictures (title and alternative text).\n"
        )


def described(image: bytes, fmt: str, title: str, description: str) -> bytes:
    """A chart's picture that carries its own title and alternative text: in an SVG for screen readers, in a PNG
    as the standard text chunks image viewers and archives show (a PNG has no place a screen reader reads)."""
    if fmt == "svg":
        return described_svg(image, title, description)
    if fmt == "png" and image.startswith(PNG_SIGNATURE):
        return described_png(image, title, description)
    return image


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def described_png(png: bytes, title: str, description: str) -> bytes:
    """The PNG with `Title` and `Description` iTXt chunks (UTF-8, PNG's own keywords) after its header chunk."""

    def chunk(keyword: str, text: str) -> bytes:
        body = keyword.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
        return struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))

    header_end = len(PNG_SIGNATURE) + 8 + struct.unpack(">I", png[8:12])[0] + 4  # IHDR: length, type, data, CRC
    return png[:header_end] + chunk("Title", title) + chunk("Description", description) + png[header_end:]


def described_svg(svg: bytes, title: str, description: str) -> bytes:
    """The SVG with the chart's title and alternative text as its `<title>` and `<desc>`, and `role="img"`, so a
    screen reader names the picture wherever it is used (an SVG opened alone, or placed in a page)."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    end = text.find(">", start)
    if start == -1 or end == -1:
        return svg
    opening = text[start:end].removesuffix("/")
    named = (
        f'{opening} role="img" aria-labelledby="chart-title chart-desc">'
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(description)}</desc>'
        + ("</svg>" if text[end - 1] == "/" else "")  # an empty <svg/> is closed after them
    )
    return (text[:start] + named + text[end + 1 :]).encode("utf-8")


def with_images(package: bytes, view: View, files: Mapping[str, bytes]) -> bytes:
    """The zip's datapackage.json with the chart's pictures as resources: each with the chart's title and its
    alternative text, so the words travel with the PNG and SVG."""
    described = json.loads(package)
    for name in files:
        if name.endswith((".png", ".svg")) and view.main:
            kind = name.rsplit(".", 1)[1]
            described["resources"].append(
                {
                    "name": f"{name.rsplit('.', 1)[0]}-{kind}",
                    "path": name,
                    "format": kind,
                    "mediatype": "image/png" if kind == "png" else "image/svg+xml",
                    "title": view.main.title,
                    "description": view.main.alt,
                }
            )
    return json.dumps(described, ensure_ascii=False, indent=2).encode("utf-8")


NO_BROWSER = (
    "Images, decks and briefs are drawn by Chromium, and this server has none. Install it "
    "(Debian/Ubuntu: `apt-get install -y chromium`; elsewhere `kaleido_get_chrome` downloads one), or set "
    "BROWSER_PATH to a Chrome or Chromium. The data formats (CSV, JSON, Parquet, Excel) work without it."
)
