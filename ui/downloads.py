"""Files of a view, from the Format registry, made on click; a failure ends in words beside the button.

Streamlit 1.67 runs a download button's `data` callable when the button is pressed, outside the
script run, and does not rerun the page. When the callable raises, the server logs the traceback
and the button shows "Failed to generate file for download" for five seconds: no reason, nothing
to do. So every callable is `guarded`: a failure is logged in one line, its reason kept in this
session, and the next run of the page says it beside the button (`failed_download_note`).

Drawn files (images, the deck, the brief, the zip) wait in the server's one drawing queue
(lib.render.drawing) with the API's: the pages go first and have a slot of their own, the same
file asked for by thirty people in a meeting is drawn once, and when the queue is too long the
button says to try again shortly instead of keeping the person waiting."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from lib import site, views
from lib.escape import for_markdown
from lib.render import drawing, export, formats
from lib.render.images import ImageExportUnavailable
from lib.render.renderer import NO_BROWSER, Address, File, Renderer, Unavailable, file_name, today
from lib.uploads import bundle
from ui.resources import image_exporter, tables
from ui.session import UPLOADED_AT_KEY, user_rows

log = logging.getLogger(__name__)


def bundle_button(page: str) -> None:
    """The session's figures as a bundle (.zip) that brings them back later: nothing is kept on the server."""
    rows = user_rows()
    if rows is None:
        return
    uploaded = _moment(st.session_state.get(UPLOADED_AT_KEY))
    name = str(rows["source"].iloc[0])
    permalink = renderer(page).address.permalink
    download_button(
        "Your figures as a bundle (.zip)",
        data=lambda: bundle.make_bundle(rows, name, uploaded.replace(tzinfo=UTC), permalink),
        file_name=f"{export.slug(name) or 'your-figures'}-bundle.zip",
        mime="application/zip",
        icon=":material/archive:",
        on_click="ignore",
        key=f"bundle-{page}",
        help="Your rows, their name, when you uploaded them and this view's address, in one file. Upload it on "
        "the Explore page next time to carry on: nothing of your figures is kept on the server.",
    )


def _moment(stamp: object) -> datetime:
    """When the figures were first uploaded; a stamp that is not a time (a bundle's 'unknown') is now."""
    try:
        moment = datetime.fromisoformat(str(stamp).removesuffix("Z"))
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def page_of_address() -> str:
    """Which page this address is (presentation mode serves every page's address)."""
    path = urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    return path if path in views.PAGES else next(p.name for p in views.PAGES.values() if p.default)


def renderer(page: str, fmt: str | None = None) -> Renderer:
    """How this page's files are made: its own address (for the permalink and the deck; with `fmt`, only the keys
    that format uses, as the API makes it) and the server's Chromium."""
    exporter = image_exporter()
    query = tuple((k, v) for k in st.query_params for v in st.query_params.get_all(k))
    if fmt is not None:
        query = drawing.canonical_query(drawing.file_keys(page, fmt), query)
    return Renderer(tables(), Address(page, query, base_url()), exporter.image if exporter.available else None)


def base_url() -> str:
    """The base of the links in this page's files: DASHBOARD_BASE_URL, or this page's host if it is an allowed
    one (lib.site), never a header the browser chose."""
    from streamlit import config

    try:
        host = st.context.headers.get("host") if st.context.headers else urlsplit(st.context.url or "").netloc
    except RuntimeError:  # no Streamlit runtime (AppTest sessions in threads of their own): the configured base
        host = None
    return site.base_url(host, config.get_option("server.port"))


def page_file(shown: views.View, fmt: str, **options) -> Callable[[], bytes]:
    """What makes a file of this page's view, the same bytes as the API's for the same address; a drawn one waits
    its turn in the drawing queue (the pages' lane), shared with anyone asking for the same file unless it holds
    this session's own figures. Called while the page runs: the address and host are read now, and the returned
    callable (a download button's `data`) runs later, outside the page's run, where they are not to be had."""
    files = renderer(shown.page, fmt)
    key = None
    if not shown.with_user_rows:
        key = drawing.file_key(shown.page, fmt, files.address.query, files.address.base, today(), options)

    def make() -> File:  # as the API's flights hold it: they share a kept file
        return files.file(shown, fmt, **options)

    return lambda: queued(make, key, drawn=drawing.needs_drawing(fmt), kind=fmt).body


def queued(make: Callable[[], Any], key=None, *, drawn: bool = True, kind: str = "") -> Any:
    """`make()` through the server's drawing queue in the pages' lane (a data file is made at once); `key` shares
    the drawing with anyone asking for the same file (None: this session's own); `kind` is its format."""
    return drawing.shared_service().run(key, make, lane=drawing.PAGE, kind=kind) if drawn else make()


def image_stem(shown: views.View, chart: views.Chart) -> str:
    """A chart's file name without its extension, after the view and, past the main chart, the chart:
    `homeworking-sectors-financial-and-insurance`, `…-regularity`. The buttons and the camera use it."""
    stem = file_name(shown, "").removesuffix(".")
    if chart.key != (shown.main.key if shown.main else ""):
        stem += "-" + chart.key.removeprefix(f"{shown.page}-")
    return stem


def image_downloads(shown: views.View, chart: views.Chart) -> None:
    """PNG and SVG buttons for a chart, drawn on the server 1920 px wide only when clicked, each file named
    after the view and the chart."""
    makers = {fmt: page_file(shown, fmt, chart=chart.key) for fmt in ("png", "svg")}
    image_buttons(lambda fmt: makers[fmt](), chart.key, stem=image_stem(shown, chart))


def image_buttons(draw: Callable[[str], bytes], key: str, *, stem: str, label: str = "") -> None:
    """A PNG and an SVG button; `draw(fmt)` makes the bytes when one is clicked."""
    if not image_exporter().available:
        st.caption("Image export unavailable: no Chromium found on the server; the chart's camera button still works.")
        return
    row = st.container(horizontal=True, gap="small")
    images = [formats.get("png"), formats.get("svg")]
    for fmt in images:
        failed_download_note(f"{label}{fmt.label}", f"{key}-{fmt.name}", advice=CAMERA_ADVICE)
    for fmt in images:
        row.download_button(
            f"{label}{fmt.label}",
            data=guarded(partial(draw, fmt.name), f"{key}-{fmt.name}"),
            file_name=f"{stem}.{fmt.name}",
            mime=fmt.mime,
            icon=fmt.icon,
            help=fmt.help or None,
            on_click="ignore",
            key=f"{key}-{fmt.name}",
        )


def download_buttons(shown: views.View, *, data: bool = True) -> None:
    """The whole view as files — the one-page brief, its rows, a web page, everything in a zip — the same bytes as
    /api/<page>.<format> for this address (the web page as `?standalone=1`). `data=False` leaves out the rows'
    own formats (and the bundle of the session's figures), for a page that offers them elsewhere (Explore)."""
    can_draw = image_exporter().available
    st.caption(
        "The brief is one A4 page to print or send; the web page opens anywhere, offline too; the data files hold "
        "the rows behind this view with their source and licence. The same files are at "
        f"`/api/{shown.page}.<format>` with this page's query."
    )
    for fmt in (f for f in formats.view_menu() if data or not f.data):
        download_button(
            fmt.label,
            data=page_file(shown, fmt.name),
            file_name=file_name(shown, fmt.name),
            mime=fmt.mime,
            icon=fmt.icon,
            on_click="ignore",
            key=f"view-{shown.page}-{fmt.name}",
            disabled=fmt.needs_browser and not can_draw,
            help=NO_BROWSER if fmt.needs_browser and not can_draw else fmt.help or None,
            width="stretch",
        )
    if shown.with_user_rows and data:
        bundle_button(shown.page)


DOWNLOAD_FAILURES_KEY = "download_failures"
CAMERA_ADVICE = "Try again, or use the camera button at the top right of the chart."


class DownloadFailed(RuntimeError):
    """A download could not be made; the reason is kept for the page to show."""


def guarded(make: Callable[[], bytes], key: str, failures: dict[str, str] | None = None) -> Callable[[], bytes]:
    """`make` for a download button's `data`, but a failure is kept under `key` (in this session's failures)."""
    failures = st.session_state.setdefault(DOWNLOAD_FAILURES_KEY, {}) if failures is None else failures

    def make_or_say_why() -> bytes:
        try:
            return make()
        except Exception as err:  # Chromium missing, crashed or slow; whatever it is, the page says it in words
            reason = f"the server could not make it ({type(err).__name__})"
            if isinstance(err, ImageExportUnavailable | Unavailable | drawing.Busy):  # written to be shown as they are
                reason = str(err)
            failures[key] = reason
            log.warning("download %s failed: %s", key, reason)
            raise DownloadFailed(reason) from None

    return make_or_say_why


def camera_wanted(key: str) -> bool:
    """Whether a chart should offer Plotly's own camera: the server cannot draw images (no Chromium), or its last
    PNG or SVG failed in this session (the note that says so points to the camera)."""
    failures = st.session_state.get(DOWNLOAD_FAILURES_KEY, {})
    return not image_exporter().available or any(f"{key}-{fmt}" in failures for fmt in ("png", "svg"))


def failed_download_note(label: str, key: str, *, advice: str = "Try again in a minute.") -> None:
    """Say why the last press of the download `key` in this session gave no file (once), or nothing."""
    reason = st.session_state.get(DOWNLOAD_FAILURES_KEY, {}).pop(key, None)
    if reason:
        st.warning(f"**{label}** gave no file: {for_markdown(reason)}. {advice}", icon=":material/error:")


def download_button(label: str, data, *, key: str, **options) -> bool:
    """`st.download_button`, but a callable `data` that fails ends in a message on the page, never an exception."""
    failed_download_note(label, key)
    return st.download_button(label, data=guarded(data, key) if callable(data) else data, key=key, **options)
