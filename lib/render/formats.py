"""The Format registry: every file a View can become, in one place.

Each Format says its extension (also the API's `/api/<page>.<ext>`), MIME type, the label of its
download button, whether it needs a browser to draw it, and how it is made from a View by a
Renderer (lib.render.renderer). Rendering, the page's downloads, Explore's downloads, the API and
its OpenAPI description all read this registry; an unknown format is an error, never a fallback.
Adding a format is one entry here and, if it is a new kind of file, one method of the Renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lib.render.renderer import Renderer
    from lib.views import View


@dataclass(frozen=True)
class Format:
    name: str  # the extension, without its dot
    mime: str
    label: str  # on a download button
    make: Callable[[Renderer, View, dict[str, Any]], bytes]  # (renderer, view, options) → the file's bytes
    needs_browser: bool = False  # drawn by Chromium: images, the deck, the brief
    # Draws with Chromium where there is one, made without it where there is none: the zip's images, the static
    # page's chart. Both kinds are made in the drawing queue (lib.render.drawing).
    uses_browser: bool = False
    data: bool = False  # the rows behind the view (Explore offers these)
    in_view_menu: bool = False  # offered under a page's Share menu, "Download"
    icon: str = ":material/download:"
    help: str = ""


class UnknownFormat(ValueError):
    """A format that is not in the registry: the message lists those there are."""

    def __init__(self, name: str):
        super().__init__(f"there is no format {name!r}: formats are {', '.join(FORMATS)}")
        self.name = name


IMAGE_HELP = "1920×1080, slide-sized, or taller where the chart's rows need it; its title and source inside."
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            name="pdf",
            mime="application/pdf",
            label="PDF brief",
            make=lambda r, v, o: r.pdf(v),
            needs_browser=True,
            in_view_menu=True,
            icon=":material/picture_as_pdf:",
            help="One A4 page to print or send: headline, figures, chart, table, source, licence and permalink.",
        ),
        Format(
            name="csv",
            mime="text/csv; charset=utf-8",
            label="CSV",
            make=lambda r, v, o: r.csv(v, bom=bool(o.get("bom"))),
            data=True,
            in_view_menu=True,
            help="A plain table any tool reads; its provenance is in the datapackage.json beside it.",
        ),
        Format(
            name="xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            label="Excel (.xlsx)",
            make=lambda r, v, o: r.xlsx(v),
            data=True,
            in_view_menu=True,
            help="A Data sheet and an About sheet with the source, licence and filters.",
        ),
        Format(
            name="parquet",
            mime="application/vnd.apache.parquet",
            label="Parquet",
            make=lambda r, v, o: r.parquet(v),
            data=True,
            in_view_menu=True,
            help="Provenance in the file's key-value metadata.",
        ),
        Format(
            name="json",
            mime="application/json",
            label="JSON",
            make=lambda r, v, o: r.json(v),
            data=True,
            in_view_menu=True,
            help="Records, one per row; provenance in the datapackage.json.",
        ),
        Format(
            name="datapackage.json",
            mime="application/json",
            label="Provenance (datapackage.json)",
            make=lambda r, v, o: r.datapackage(v),
            data=True,
            icon=":material/description:",
            help="A datapackage.json with the provenance of the CSV and JSON files: source, licence, filters, "
            "product version and day of export.",
        ),
        Format(
            name="png",
            mime="image/png",
            label="PNG 1920 px wide",
            make=lambda r, v, o: r.chart_image(v, o.get("chart", ""), "png"),
            needs_browser=True,
            help=IMAGE_HELP,
        ),
        Format(
            name="svg",
            mime="image/svg+xml",
            label="SVG 1920 px wide",
            make=lambda r, v, o: r.chart_image(v, o.get("chart", ""), "svg"),
            needs_browser=True,
            help=IMAGE_HELP,
        ),
        Format(
            name="pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            label="PowerPoint deck",
            make=lambda r, v, o: r.pptx(),
            needs_browser=True,
            icon=":material/slideshow:",
        ),
        Format(
            name="html",
            mime="text/html; charset=utf-8",
            label="Web page (.html)",
            make=lambda r, v, o: r.html(v, embed=bool(o.get("embed")), standalone=o.get("standalone", True)),
            uses_browser=True,
            in_view_menu=True,
            icon=":material/web:",
            help="This view as one web page that opens anywhere, offline too: headline, figures, the chart "
            "(interactive), its table, source, licence, permalink and citation.",
        ),
        Format(
            name="zip",
            mime="application/zip",
            label="Everything (.zip)",
            make=lambda r, v, o: r.zip(v),
            uses_browser=True,
            in_view_menu=True,
            help="Every file of this view, a datapackage.json and a README with the permalink. Without a browser "
            "on the server, the drawn files are replaced by a note saying why.",
        ),
    )
}


def get(name: str) -> Format:
    """The format named `name`, or UnknownFormat."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormat(name) from None


def data_formats() -> list[Format]:
    return [f for f in FORMATS.values() if f.data]


def view_menu() -> list[Format]:
    return [f for f in FORMATS.values() if f.in_view_menu]
