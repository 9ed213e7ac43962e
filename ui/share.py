"""The Share menu: one place on each page, and in presentation mode, to pass a view on — copy the chart, the
table or the link; embed the view in an intranet page; cite it; download it.

Copying needs the browser's Clipboard API, which Streamlit's own elements do not offer, so it is a small
component (`st.components.v2`, inline HTML, CSS and JavaScript in ui/components/): see docs/architecture.md
for why that mechanism. The chart it copies is the server's 1920×1080 PNG of this address (`/api/…png`),
the table its tab-separated figures with an HTML twin, the link the permalink. Everything shown or copied is
built by lib (lib.render.html, lib.cite); nothing here makes a figure of its own.

The link, embed, chart and citation name the built-in figures only: a person's uploaded figures stay in
their session (the menu says so when there are some).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from lib import cite, views
from lib.render import html
from lib.render.renderer import Address, file_name, today
from lib.views import deck
from ui.cache import figure
from ui.downloads import download_buttons, renderer
from ui.resources import image_exporter
from ui.session import OWN_FIGURES_KEY

COMPONENTS = Path(__file__).with_name("components")
COPY = st.components.v2.component(
    "homeworking_dashboard.copy",
    html=(COMPONENTS / "copy.html").read_text(encoding="utf-8"),
    css=(COMPONENTS / "copy.css").read_text(encoding="utf-8"),
    js=(COMPONENTS / "copy.js").read_text(encoding="utf-8"),
)
CLIPBOARD_ROWS = 5_000  # rows of a table put on the clipboard; the CSV holds every row
NO_DRAWING = "This server cannot draw images (it has no Chromium), so there is no chart to copy: Copy table works."
OWN_FIGURES_NOTE = (
    "Your own figures stay in this browser session: the link, the embed, the copied chart and the citation show "
    "the 2019 figures only. Copy table copies what you see, yours included."
)


def shared_address(page: str) -> Address:
    """This page's address as others will open it: without the marker of this session's own figures."""
    address = renderer(page).address
    return Address(address.page, tuple((k, v) for k, v in address.query if k != OWN_FIGURES_KEY), address.base)


def share_menu(shown: views.View, *, data_downloads: bool = True) -> None:
    """The Share menu of a page: Copy and link, Embed, Cite, Download."""
    address = shared_address(shown.page)
    with st.popover("Share", icon=":material/share:", help="Copy, link, embed, cite or download this view."):
        copy_tab, embed_tab, cite_tab, download_tab = st.tabs(["Copy and link", "Embed", "Cite", "Download"])
        with copy_tab:
            copy_section(shown, address)
        with embed_tab:
            embed_section(shown, address)
        with cite_tab:
            cite_section(shown, address)
        with download_tab:
            download_buttons(shown, data=data_downloads)
            if not data_downloads:
                st.caption("The rows themselves (CSV, Excel, Parquet, JSON) are under **Download these rows**.")


def copy_section(shown: views.View, address: Address) -> None:
    if shown.with_user_rows:
        st.caption(OWN_FIGURES_NOTE)
    if shown.main is None:
        png, reason = "", "This view has no chart to copy."
    elif shown.with_user_rows:
        png, reason = "", "This chart draws your own figures, which stay in this session: use its PNG button."
    else:
        png, reason = drawn(address.api("png"))
    copy_buttons(
        shown.main,
        png=png,
        png_name=file_name(shown, "png"),
        chart_reason=reason,
        link=address.permalink,
        csv=address.api("csv"),
        key=f"copy-{shown.page}",
    )
    st.code(address.permalink, language=None, wrap_lines=True)


def drawn(png: str) -> tuple[str, str]:
    """The address of a chart's picture on this server and no reason, or none and why: no browser to draw it."""
    return (png, "") if image_exporter().available else ("", NO_DRAWING)


def copy_buttons(
    chart: views.Chart | None, *, png: str, png_name: str, chart_reason: str, link: str, csv: str, key: str
) -> None:
    """The three copy buttons and their status line (the component in ui/components/copy.*)."""
    tsv, table = ("", "")
    if chart is not None:
        clipped = chart if len(chart.table) <= CLIPBOARD_ROWS else _first_rows(chart)
        tsv, table = html.clipboard_table(clipped)
    COPY(
        data={
            "png": png,
            "png_name": png_name,
            "chart_reason": chart_reason,
            "tsv": tsv,
            "table_html": table,
            "table_reason": "This view has no table to copy.",
            "csv": csv,
            "link": link,
        },
        key=key,
        height="content",
    )


def _first_rows(chart: views.Chart) -> views.Chart:
    return replace(chart, table=chart.table.head(CLIPBOARD_ROWS))


def embed_section(shown: views.View, address: Address) -> None:
    chart_height = int(figure(shown, shown.main).layout.height or 720) if shown.main else 0
    snippet = f"{html.iframe(address, shown.headline, html.embed_height(shown, chart_height))}\n{html.RESIZE_SCRIPT}"
    st.caption(
        "Paste into an intranet page or a CMS that takes HTML: the frame holds this view's headline, figures, "
        "chart and table as a light web page, with no app behind it. The script line lets the frame take the "
        "page's height; leave it out where scripts are not allowed."
    )
    st.code(snippet, language="html", wrap_lines=True)
    st.link_button("Open the web page", address.api("html"), icon=":material/open_in_new:")
    st.caption("For a CMS that reads oEmbed (WordPress, Drupal, SharePoint's embed web part): the page's address, or")
    st.code(html.oembed_address(address), language=None, wrap_lines=True)


def cite_section(shown: views.View, address: Address) -> None:
    citation = cite.cite(shown, address.permalink, today())
    st.caption("For a reference list: who produced the figures, this view, the dashboard, the permalink, the day.")
    st.code(citation.reference(), language=None, wrap_lines=True)
    st.caption("BibTeX")
    st.code(citation.bibtex(), language="latex", wrap_lines=True)
    st.caption("CSL-JSON (Zotero, Mendeley, Pandoc)")
    st.code(citation.csl_json(), language="json", wrap_lines=True)


def slide_copy(page: str, slide: deck.Slide) -> None:
    """Copy in presentation mode: the slide as the server draws it (the deck at this address, this slide alone),
    its table and the presentation's link."""
    address = shared_address(page)
    query = [(k, v) for k, v in address.query if k not in (deck.DECK.key, "slide")]
    if slide.key == deck.CHANGE:
        png, reason = "", "This slide draws your own figures, which stay in this session: use its PNG download."
    else:
        png, reason = drawn(
            f"{address.base.rstrip('/')}/api/slide.png?{urlencode([*query, (deck.DECK.key, slide.key)])}"
        )
    copy_buttons(
        slide.chart,
        png=png,
        png_name=f"homeworking-slide-{slide.key}.png",
        chart_reason=reason,
        link=address.permalink,
        csv=address.api("csv"),
        key="copy-slide",
    )
