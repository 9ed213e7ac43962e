"""The app layer shared by the pages: cached tables, widgets from lib.selections, and the one way a View,
its charts and its downloads are shown.

lib/ stays free of Streamlit; caching and session state live here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import bundle, data, export, render, selections, views
from lib.charts import chart_config
from lib.escape import for_markdown
from lib.images import ImageExporter, ImageExportUnavailable, shared_exporter
from lib.reader import Reader
from lib.selections import Selection, Tables

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def tables() -> Tables:
    """The built-in tables, loaded and validated once per server process and shared read-only."""
    return Tables(data.load_homeworking(), data.load_councils())


# ---- selections ---------------------------------------------------------------------------------------


def widget(
    selection: Selection,
    options_from: Tables,
    chosen: Mapping[str, Any],
    where=st,
    *,
    label: str | None = None,
    options: Sequence[str] | None = None,
    help: str | None = None,
    default: Any = None,
    placeholder: str | None = None,
) -> Any:
    """The bound widget for one URL key: label, options, default and help all from lib.selections (a page
    may word the label or help for its context, or narrow the options)."""
    common = dict(key=selection.key, bind="query-params", help=help or selection.help)
    label = label or selection.label
    if selection.kind == "number":
        return where.number_input(label, value=None, step=1.0, format="%g", **common)
    if selection.kind == "integer":
        return int(where.number_input(label, min_value=1, value=selection.default or 1, step=1, **common))
    if selection.kind == "text":
        return where.text_input(label, max_chars=selection.max_chars, placeholder=placeholder, **common)
    options = list(options if options is not None else selection.choices(options_from, chosen))
    default = default if default is not None else selection.default_value(options_from, chosen)
    shown = dict(format_func=selection.shown)
    if selection.multiple:
        default = [d for d in default if d in options]
        return where.multiselect(label, options, default=default, placeholder=selection.placeholder, **shown, **common)
    index = options.index(default) if default in options else None
    if selection.kind == "radio":
        return where.radio(label, options, index=index or 0, **shown, **common)
    if selection.kind == "segmented":
        return where.segmented_control(label, options, default=default, required=True, **shown, **common)
    return where.selectbox(label, options, index=index, placeholder=selection.placeholder, **shown, **common)


def widgets(page: str, places: Sequence, options_from: Tables | None = None) -> dict[str, Any]:
    """A page's widgets, one per key, in the given places (columns) in turn."""
    options_from = options_from or tables()
    chosen: dict[str, Any] = {}
    for selection, where in zip(selections.page_keys(page), places, strict=True):
        chosen[selection.key] = widget(selection, options_from, chosen, where)
    return chosen


@st.cache_resource(show_spinner=False)
def upload_reader() -> Reader:
    """One reader per server process: every session's uploads are read in separate, limited processes."""
    return Reader()


# ---- the session's own figures ------------------------------------------------------------------------

USER_ROWS_KEY = "user_rows"


def user_rows() -> pd.DataFrame | None:
    """This session's own uploaded figures (validated, tidy, with a `source`), or None.

    Held in st.session_state only: never on disk or in a cache shared between sessions.
    """
    return st.session_state.get(USER_ROWS_KEY)


def set_user_rows(rows: pd.DataFrame | None, uploaded_at: str | None = None) -> None:
    """Keep (or, with None, drop) this session's figures, and when they were first uploaded (for their bundle)."""
    st.session_state[USER_ROWS_KEY] = rows
    st.session_state[UPLOADED_AT_KEY] = uploaded_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _mark_own_figures(rows)


UPLOADED_AT_KEY = "user_rows_uploaded_at"


def bundle_button(page: str, *, where=st) -> None:
    """The session's figures as a bundle (.zip) that brings them back later: nothing is kept on the server."""
    rows = user_rows()
    if rows is None:
        return
    uploaded = datetime.fromisoformat(st.session_state.get(UPLOADED_AT_KEY, "").removesuffix("Z") or "1970-01-01")
    name = str(rows["source"].iloc[0])
    permalink = renderer(page).address.permalink
    where.download_button(
        "Your figures as a bundle (.zip)",
        data=guarded(lambda: bundle.make_bundle(rows, name, uploaded.replace(tzinfo=UTC), permalink), "bundle"),
        file_name=f"{export.slug(name) or 'your-figures'}-bundle.zip",
        mime="application/zip",
        icon=":material/archive:",
        on_click="ignore",
        key=f"bundle-{page}",
        help="Your rows, their name, when you uploaded them and this view's address, in one file. Upload it on "
        "the Explore page next time to carry on: nothing of your figures is kept on the server.",
    )


def saved_view_link(permalink: str | None) -> None:
    """A link to the view a bundle was saved from: a page of this app and its known keys only, whatever the
    bundle says (it is a file anyone may have edited)."""
    if not permalink:
        return
    address = urlsplit(permalink)
    page = address.path.strip("/").rsplit("/", 1)[-1] or "overview"
    if page not in views.PAGES:
        return
    allowed = {s.key for s in selections.page_keys(page)}
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(address.query):
        if key in allowed:
            query.setdefault(key, []).append(value)
    st.page_link(
        f"app_pages/{page}.py", label="Open the view you saved", icon=":material/open_in_new:", query_params=query
    )


OWN_FIGURES_KEY = selections.OWN_FIGURES.key  # a view made with uploaded figures: their name
_SHOWN_NAME_CHARS = selections.OWN_FIGURES.max_chars


def keep_session(*, notice: bool = True) -> None:
    """What a tab needs when its server goes away (deploy/: replicas behind a load balancer); every run calls it.

    The view is in the URL, so a tab moved to a live replica gets it back, provided its page reruns
    there (`_rerun_on_reconnect`). Uploaded figures live only in the session: while it holds some, the
    URL carries their name (?mine=…), and a session that finds the name but no figures says they are
    gone and how to bring them back, so that the ONS baseline never passes for them. The same words
    serve someone who was sent a link made with uploads. `notice=False` (the slides) keeps it quiet.
    """
    _rerun_on_reconnect()
    rows = user_rows()
    if rows is not None:
        _mark_own_figures(rows)  # a page switch clears the URL's parameters
    elif notice and st.query_params.get(OWN_FIGURES_KEY) is not None:
        _own_figures_gone(st.query_params[OWN_FIGURES_KEY])


@st.fragment(run_every=timedelta(days=1))
def _rerun_on_reconnect() -> None:
    """Empty, and kept for its timer. Streamlit's frontend (1.67) asks for a full rerun after its WebSocket
    reconnects only if a run was cut off or a fragment timer is set (streamlit/streamlit#9083). Without one,
    a tab whose replica died reconnects to a new, empty session on another replica and keeps showing its
    last picture, with downloads that no longer answer, until the next click; with one, the new session
    reruns the page from the URL at once. The timer's own rerun of this empty body, once a day, costs nothing.
    """


def _mark_own_figures(rows: pd.DataFrame | None) -> None:
    if rows is None:
        st.query_params.pop(OWN_FIGURES_KEY, None)
        return
    name = str(rows["source"].iloc[0])
    if st.query_params.get(OWN_FIGURES_KEY) != name:
        st.query_params[OWN_FIGURES_KEY] = name


def _own_figures_gone(name: str) -> None:
    if len(name) > _SHOWN_NAME_CHARS:
        name = name[: _SHOWN_NAME_CHARS - 1] + "…"
    with st.container(key="own-figures-gone"):
        st.warning(
            f"**Your own figures (“{for_markdown(name)}”) are not in this view.** Uploaded figures stay only in "
            "the browser session that added them, and that session has ended: the server it ran on was restarted, "
            "or this link was made in someone else's session. Every chart and table here shows the ONS 2019 "
            "figures only. To see yours beside them again, upload your file or its bundle again under "
            "**Add your own figures** on the Explore page.",
            icon=":material/cloud_off:",
        )
        st.button(
            "Dismiss",
            on_click=_mark_own_figures,
            args=(None,),
            key="own-figures-dismiss",
            help="Takes the note, and the name of your figures, out of this page's address.",
        )


# ---- a view -------------------------------------------------------------------------------------------


def view(page: str, chosen: Mapping[str, Any]) -> views.View:
    """The page's View for the chosen values, with this session's uploads where the page draws them.

    A View of the built-in figures alone is the same for everyone who asks for the same
    address, so it is built once and shared (read-only); one with uploaded rows is this session's.
    """
    mine = user_rows()
    if mine is not None:
        return views.build(page, tables(), chosen, mine)
    return _shared_view(page, _frozen(chosen))


@st.cache_resource(show_spinner=False, max_entries=1024)
def _shared_view(page: str, chosen: tuple) -> views.View:
    return views.build(page, tables(), {k: list(v) if isinstance(v, tuple) else v for k, v in chosen})


def figure(shown: views.View, chart: views.Chart) -> go.Figure:
    """The chart's figure, built once per distinct view and shared by every session.

    Thirty people opening one link ask for the same figures; building each once keeps the
    server's reruns short. A view with the user's own rows is drawn for that session only,
    so uploaded data never reaches a cache shared between sessions.
    """
    if shown.with_user_rows:
        return chart.figure()
    chosen = shown.selections
    if chart.depends_on is not None:
        chosen = {key: chosen[key] for key in chart.depends_on if key in chosen}
    return _shared_figure(shown.page, _frozen(chosen), chart.key, chart)


@st.cache_resource(show_spinner=False, max_entries=512)
def _shared_figure(page: str, chosen: tuple, key: str, _chart: views.Chart) -> go.Figure:
    """Keyed by the page, its selections and the chart (the chart itself holds a function: not hashable)."""
    return _chart.figure()


LATER_WARM_UP_S = 15  # seconds between building the default views and the rest
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # the name Streamlit gives the thread running a session's script
LONGEST_WAIT_FOR_VISITORS_S = 2.0


def warm(*, pause_s: float = LATER_WARM_UP_S) -> None:
    """In the background of a started server: load the API's modules, then build into the shared caches every
    page's default View and charts, then those for each value of its first key (the sector, band or region a
    meeting picks next), so that nobody waits for a first build.

    Each step waits for the visitors' scripts to finish first, so warming never slows a page being opened.
    """
    _after_visitors()
    import lib.api  # noqa: F401 — imported for its own import time, off the first API request's path

    defaults = {page: selections.read(selections.page_keys(page), {}, tables()) for page in views.PAGES}
    for page, chosen in defaults.items():  # what a first visitor opens, first
        _warm_view(page, chosen)
    time.sleep(pause_s)
    for page, chosen in defaults.items():  # then every value of each page's first key: what a meeting picks next
        keys = selections.page_keys(page)
        for option in keys[0].choices(tables(), chosen) if keys else ():
            # Read as the page reads the address with that value, so the keys after it take its defaults.
            value = [option] if keys[0].multiple else option
            _warm_view(page, selections.read(keys, {keys[0].key: keys[0].to_url(value)}, tables()))


def _after_visitors(longest_s: float = LONGEST_WAIT_FOR_VISITORS_S) -> None:
    """Return once no session's script is running, or after `longest_s` (a busy server still gets warmed)."""
    deadline = time.monotonic() + longest_s
    while time.monotonic() < deadline and any(t.name == SCRIPT_THREAD and t.is_alive() for t in threading.enumerate()):
        time.sleep(0.05)


def _warm_view(page: str, chosen: Mapping[str, Any]) -> None:
    _after_visitors()
    shown = _shared_view(page, _frozen(chosen))
    for chart in shown.charts:
        figure(shown, chart)


def _frozen(chosen: Mapping[str, Any]) -> tuple:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in chosen.items())


def headline(shown: views.View) -> None:
    """What the choice itself needs said, then the answer in words."""
    for notice in shown.notices:
        st.info(for_markdown(notice))
    st.header(for_markdown(shown.headline))
    st.write(for_markdown(shown.sentence))


def metrics(shown: views.View) -> None:
    """The view's figures: in groups of a measure each where they have one, else in a row."""
    grouped = [m for m in shown.metrics if m.group]
    groups = list(dict.fromkeys(m.group for m in grouped))
    # Rows that wrap, each figure as wide as its text: six fixed columns cut figures off on a laptop screen.
    row = st.container(horizontal=True, gap="medium") if groups else None
    for group in groups:
        block = row.container(width="content", gap="small")
        block.markdown(f"**{group}**")
        figures = block.container(horizontal=True, gap="medium")
        for metric in (m for m in grouped if m.group == group):
            _metric(metric, figures, width="content")
    ungrouped = [m for m in shown.metrics if not m.group]
    if not ungrouped:
        return
    if groups:
        for metric in ungrouped:
            _metric(metric, st, border=False)
        return
    for metric, place in zip(ungrouped, st.columns(len(ungrouped)), strict=True):
        _metric(metric, place)


def _metric(metric: views.Metric, where, *, border: bool = True, width: str = "stretch") -> None:
    where.metric(
        metric.label,
        metric.value,
        delta=metric.delta,
        delta_color="off",
        delta_arrow=arrow(metric.delta),
        help=metric.help,
        border=border and not metric.group,
        width=width,
    )


def arrow(delta: str | None) -> str:
    """A delta is text with a true minus sign, which Streamlit cannot read the direction of."""
    if not delta or delta[0] not in "+−":
        return "off"
    return "up" if delta[0] == "+" else "down"


def column_config(columns: Mapping[str, views.Column]) -> dict:
    """A table's columns as lib.views describes them: percentages to one decimal, as the source prints them."""
    config = {}
    for name, column in columns.items():
        if column.kind == "percent":
            config[name] = st.column_config.NumberColumn(column.label, help=column.help, format="%.1f%%")
        elif column.kind == "check":
            config[name] = st.column_config.CheckboxColumn(column.label, help=column.help)
        elif column.kind == "date":
            config[name] = st.column_config.DateColumn(column.label, help=column.help, format="YYYY-MM-DD")
        else:
            config[name] = st.column_config.TextColumn(column.label, help=column.help)
    return config


def show_chart(shown: views.View, chart: views.Chart) -> None:
    """A chart with its text alternative: `alt` for screen readers and the same numbers as a table."""
    # Lazy tabs: a table is built only when someone opens it, so a page sends its charts alone (lighter first
    # paint, lighter reruns); opening "Show as table" reruns the page with that tab open.
    chart_tab, table_tab = st.tabs(["Chart", "Show as table"], key=f"{chart.key}-as", on_change="rerun")
    if chart_tab.open:
        with chart_tab:
            drawn = figure(shown, chart)
            st.plotly_chart(
                drawn, key=chart.key, alt=chart.alt, config=chart_config(chart.key), width="stretch", theme=None
            )
            image_downloads(shown, chart)
    if table_tab.open:
        with table_tab:
            st.dataframe(chart.table, hide_index=True, column_config=column_config(chart.columns), width="stretch")
            st.caption(chart.source)
    if chart.caption:
        st.caption(for_markdown(chart.caption))


CHANGES_LISTED = 12  # sentences; the chart's table holds every figure


def changes(shown: views.View) -> None:
    """The person's own figures against 2019, in words and in a chart, where they brought any."""
    if not shown.changes:
        return
    st.header("Your figures against 2019")
    listed = shown.changes[:CHANGES_LISTED]
    st.markdown("\n".join(f"- {for_markdown(change.sentence())}." for change in listed))
    if len(shown.changes) > len(listed):
        st.caption(f"… and {len(shown.changes) - len(listed):,} more: every one is in the chart's table.")
    show_chart(shown, shown.chart(f"{shown.page}-change"))


# ---- files --------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def image_exporter() -> ImageExporter:
    """One Chromium per server process for every PNG, SVG, PowerPoint and PDF, shared with the API."""
    return shared_exporter()


def page_of_address() -> str:
    """Which page this address is (presentation mode serves every page's address)."""
    path = urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    return path if path in views.PAGES else "overview"


def renderer(page: str) -> render.Renderer:
    """How this page's files are made: its own address (for the permalink and the deck) and the server's
    Chromium."""
    exporter = image_exporter()
    url = urlsplit(st.context.url or "http://localhost:8501")
    base = f"{url.scheme}://{url.netloc}"
    query = tuple((k, v) for k in st.query_params for v in st.query_params.get_all(k))
    return render.Renderer(tables(), render.Address(page, query, base), exporter.image if exporter.available else None)


def image_downloads(shown: views.View, chart: views.Chart) -> None:
    """PNG and SVG buttons for a chart, drawn on the server at 1920×1080 only when clicked."""
    files = renderer(shown.page)
    image_buttons(lambda fmt: files.chart_image(shown, chart.key, fmt), chart.key)


def image_buttons(draw: Callable[[str], bytes], key: str, *, label: str = "") -> None:
    """A PNG and an SVG button; `draw(fmt)` makes the bytes when one is clicked."""
    if not image_exporter().available:
        st.caption("Image export unavailable: no Chromium found on the server; the chart's camera button still works.")
        return
    row = st.container(horizontal=True, gap="small")
    for fmt in ("png", "svg"):
        failed_download_note(f"{label}{render.FORMAT_NAMES[fmt]}", f"{key}-{fmt}", advice=CAMERA_ADVICE)
    for fmt in ("png", "svg"):
        row.download_button(
            f"{label}{render.FORMAT_NAMES[fmt]}",
            data=guarded(lambda fmt=fmt: draw(fmt), f"{key}-{fmt}"),
            file_name=f"{key}.{fmt}",
            mime=render.FORMATS[fmt],
            icon=":material/download:",
            on_click="ignore",
            key=f"{key}-{fmt}",
        )


def view_downloads(shown: views.View, formats: Sequence[str] = ("pdf", *render.DATA_FORMATS, "zip")) -> None:
    """The whole view as files — the one-page brief, its rows, everything in a zip — the same bytes as
    /api/<page>.<format> for this address."""
    files = renderer(shown.page)
    with st.popover("Download this view", icon=":material/download:"):
        st.caption(
            "The brief is one A4 page to print or send; the data files hold the rows behind this view with their "
            f"source and licence. The same files are at `/api/{shown.page}.<format>` with this page's query."
        )
        for fmt in formats:
            drawn = fmt in ("pdf", "zip")
            download_button(
                render.FORMAT_NAMES[fmt],
                data=lambda fmt=fmt: files.render(shown, fmt),
                file_name=render.file_name(shown, fmt),
                mime=render.FORMATS[fmt],
                icon=":material/picture_as_pdf:" if fmt == "pdf" else ":material/download:",
                on_click="ignore",
                key=f"view-{shown.page}-{fmt}",
                disabled=drawn and not image_exporter().available,
                help=render.NO_BROWSER if drawn and not image_exporter().available else None,
                width="stretch",
            )
        if shown.with_user_rows:
            bundle_button(shown.page)


# ---- downloads made when clicked: a failure ends in words -------------------------------------
#
# Streamlit 1.67 runs a download button's `data` callable when the button is pressed, outside the
# script run, and does not rerun the page. When the callable raises, the server logs the traceback
# and the button shows "Failed to generate file for download" for five seconds: no reason, nothing
# to do. So every callable is `guarded`: a failure is logged in one line, its reason kept in this
# session, and the next run of the page says it beside the button (`failed_download_note`).

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
            if isinstance(err, ImageExportUnavailable | render.Unavailable):  # written to be shown as they are
                reason = str(err)
            failures[key] = reason
            log.warning("download %s failed: %s", key, reason)
            raise DownloadFailed(reason) from None

    return make_or_say_why


def failed_download_note(label: str, key: str, *, advice: str = "Try again in a minute.") -> None:
    """Say why the last press of the download `key` in this session gave no file (once), or nothing."""
    reason = st.session_state.get(DOWNLOAD_FAILURES_KEY, {}).pop(key, None)
    if reason:
        st.warning(f"**{label}** gave no file: {for_markdown(reason)}. {advice}", icon=":material/error:")


def download_button(label: str, data, *, key: str, **options) -> bool:
    """`st.download_button`, but a callable `data` that fails ends in a message on the page, never an exception."""
    failed_download_note(label, key)
    return st.download_button(label, data=guarded(data, key) if callable(data) else data, key=key, **options)
