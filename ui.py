"""Streamlit helpers shared by the pages: cached loaders and the one way a chart is shown.

This is the app layer: lib/ stays free of Streamlit, and caching lives here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import compare, data
from lib.charts import chart_config, source_note
from lib.explore import plain
from lib.images import ImageExporter, ImageExportUnavailable
from lib.reader import Reader

log = logging.getLogger(__name__)


@st.cache_data(show_spinner=False)
def homeworking() -> pd.DataFrame:
    return data.load_homeworking()


@st.cache_data(show_spinner=False)
def councils() -> pd.DataFrame:
    return data.load_councils()


def figure(builder: Callable[..., go.Figure], df: pd.DataFrame, **options) -> go.Figure:
    """`builder(df, **options)`, built once per distinct input and shared by every session.

    Thirty people opening one link ask for the same figures; building each once keeps the
    server's reruns short. A figure with the user's own rows is built for that session only,
    so uploaded data never reaches a cache shared between sessions.
    """
    if options.get("user_rows") is not None:
        return builder(df, **options)
    return _shared_figure(f"{builder.__module__}.{builder.__qualname__}", df, builder, **options)


@st.cache_resource(show_spinner=False, max_entries=512)
def _shared_figure(name: str, df: pd.DataFrame, _builder: Callable[..., go.Figure], **options) -> go.Figure:
    """Keyed by the builder's name, the rows and the options (a function itself cannot be hashed)."""
    return _builder(df, **options)


@st.cache_resource(show_spinner=False)
def upload_reader() -> Reader:
    """One reader per server process: every session's uploads are read in separate, limited processes."""
    return Reader()


USER_ROWS_KEY = "user_rows"


def user_rows() -> pd.DataFrame | None:
    """This session's own uploaded figures (validated, tidy, with a `source`), or None.

    Held in st.session_state only: never on disk or in a cache shared between sessions.
    """
    return st.session_state.get(USER_ROWS_KEY)


def set_user_rows(rows: pd.DataFrame | None) -> None:
    st.session_state[USER_ROWS_KEY] = rows


def user_rows_for(breakdown: str) -> pd.DataFrame | None:
    """This session's uploaded rows for one breakdown, or None when there are none."""
    rows = user_rows()
    if rows is None:
        return None
    rows = rows[rows["breakdown"] == breakdown]
    return rows if len(rows) else None


def uploaded_note(rows: pd.DataFrame | None, marks: str) -> None:
    """Say which marks are the user's own figures; their source name is file text, shown as text."""
    if rows is not None:
        names = plain(", ".join(rows["source"].unique()))
        st.caption(f"{marks} are your own uploaded figures ({names}), not ONS.")


def percent_column(label: str, help: str) -> st.column_config.NumberColumn:
    """A percentage as the source prints it: one decimal, with what the measure means."""
    return st.column_config.NumberColumn(label, help=help, format="%.1f%%")


def measure_columns(category_label: str) -> dict:
    """Column config for a wide table of one breakdown: category, then the two measures."""
    return {
        "category": category_label,
        "week_prior": percent_column("Week before interview (%)", compare.MEASURE_LABELS["week_prior"]),
        "ever": percent_column("Ever (%)", compare.MEASURE_LABELS["ever"]),
    }


def show_chart(
    fig: go.Figure,
    *,
    alt: str,
    table: pd.DataFrame,
    key: str,
    column_config: dict | None = None,
    source: str | None = None,
) -> None:
    """A chart with its text alternative: `alt` for screen readers and the same numbers as a table."""
    chart_tab, table_tab = st.tabs(["Chart", "Show as table"])
    with chart_tab:
        st.plotly_chart(fig, key=key, alt=alt, config=chart_config(key), width="stretch", theme=None)
        image_downloads(fig, key)
    with table_tab:
        st.dataframe(table, hide_index=True, column_config=column_config, width="stretch")
        st.caption(source or source_note())


@st.cache_resource(show_spinner=False)
def image_exporter():
    """One Chromium per server process for every PNG, SVG and PowerPoint export, started on first use."""
    return ImageExporter()


# A page chart is laid out at 1280×720 and drawn at 1.5×: 1920×1080 pixels with its type half as large
# again, so it reads on a slide. Slides themselves are laid out at 1920×1080 (scale 1).
CHART_IMAGE = {"width": 1280, "height": 720, "scale": 1.5}


def image_downloads(fig: go.Figure, key: str, *, size: dict | None = None, label: str = "") -> None:
    """PNG and SVG buttons for a chart, drawn on the server at 1920×1080 only when clicked."""
    exporter = image_exporter()
    if not exporter.available:
        st.caption("Image export unavailable: no Chromium found on the server; the chart's camera button still works.")
        return
    size = size or CHART_IMAGE
    formats = (("png", "image/png"), ("svg", "image/svg+xml"))
    for fmt, _ in formats:
        failed_download_note(f"{label}{fmt.upper()} 1920×1080", f"{key}-{fmt}", advice=CAMERA_ADVICE)
    row = st.container(horizontal=True, gap="small")
    for fmt, mime in formats:
        row.download_button(
            f"{label}{fmt.upper()} 1920×1080",
            data=guarded(lambda fmt=fmt: exporter.image(fig, fmt, **size), f"{key}-{fmt}"),
            file_name=f"{key}.{fmt}",
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            key=f"{key}-{fmt}",
        )


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
            if isinstance(err, ImageExportUnavailable):  # its message is written to be shown as it is
                reason = str(err)
            failures[key] = reason
            log.warning("download %s failed: %s", key, reason)
            raise DownloadFailed(reason) from None

    return make_or_say_why


def failed_download_note(label: str, key: str, *, advice: str = "Try again in a minute.") -> None:
    """Say why the last press of the download `key` in this session gave no file (once), or nothing."""
    reason = st.session_state.get(DOWNLOAD_FAILURES_KEY, {}).pop(key, None)
    if reason:
        st.warning(f"**{label}** gave no file: {reason}. {advice}", icon=":material/error:")


def download_button(label: str, data, *, key: str, **options) -> bool:
    """`st.download_button`, but a callable `data` that fails ends in a message on the page, never an exception."""
    failed_download_note(label, key)
    return st.download_button(label, data=guarded(data, key) if callable(data) else data, key=key, **options)


def comparison_metrics(c: compare.Comparison, benchmark_name: str) -> None:
    """The gap on each measure in points and as a ratio, the rank, and regularity: derived, and said so."""
    for measure, column in zip(data.MEASURES, st.columns(len(data.MEASURES)), strict=True):
        m = c.measures[measure]
        with column:
            st.markdown(f"**{compare.MEASURE_LABELS[measure]}**")
            a, b, r = st.columns(3)
            a.metric(
                f"Yours (vs {_percent(m.benchmark)})",
                _percent(m.yours),
                delta=f"{compare.format_points(m.gap_points)} (derived)",
                delta_color="off",
                delta_arrow=arrow(m.gap_points),
                help=f"Gap in percentage points, derived: {_percent(m.yours)} − {_percent(m.benchmark)}.",
            )
            b.metric(
                "Ratio (derived)",
                compare.format_ratio(m.ratio, 2),
                help=f"How many times as likely, derived: {_percent(m.yours)} ÷ {_percent(m.benchmark)}.",
            )
            r.metric(
                "Rank (derived)",
                f"{compare.ordinal(m.rank)} of {m.of}" if m.rank else "n/a",
                help="Among the categories listed in the source; 1st is the highest share.",
            )
    st.metric(
        "Regularity (derived): ever-homeworkers who also worked from home in the week before",
        _percent(c.yours_regularity, 0),
        delta=f"{benchmark_name}: {_percent(c.benchmark_regularity, 0)}",
        delta_color="off",
        delta_arrow="off",
        help="Week-before share ÷ ever share: how much of the homeworking in a group was a habit, not a one-off.",
    )


def arrow(gap: float) -> str:
    """The delta is text with a true minus sign, which Streamlit cannot read the direction of."""
    if gap != gap or gap == 0:
        return "off"
    return "up" if gap > 0 else "down"


def _percent(value: float, digits: int = 1) -> str:
    return "n/a" if value != value else f"{value:.{digits}f}%"
