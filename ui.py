"""Streamlit helpers shared by the pages: cached loaders and the one way a chart is shown.

This is the app layer: lib/ stays free of Streamlit, and caching lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import compare, data
from lib.charts import chart_config, source_note
from lib.explore import plain
from lib.images import ImageExporter


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


USER_ROWS_KEY = "user_rows"


def user_rows() -> pd.DataFrame | None:
    """This session's own uploaded figures (validated, tidy, with a `source`), or None.

    Held in st.session_state only: never on disk or in a cache shared between sessions.
    """
    return st.session_state.get(USER_ROWS_KEY)


def set_user_rows(rows: pd.DataFrame | None) -> None:
    st.session_state[USER_ROWS_KEY] = rows
    _mark_own_figures(rows)


# The URL key saying that a view was made with uploaded figures; its value is the name the user gave them.
OWN_FIGURES_KEY = "mine"
_SHOWN_NAME_CHARS = 80


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
            f"**Your own figures (“{plain(name)}”) are not in this view.** Uploaded figures stay only in the "
            "browser session that added them, and that session has ended: the server it ran on was restarted, "
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
    row = st.container(horizontal=True, gap="small")
    for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
        row.download_button(
            f"{label}{fmt.upper()} 1920×1080",
            data=lambda fmt=fmt: exporter.image(fig, fmt, **size),
            file_name=f"{key}.{fmt}",
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            key=f"{key}-{fmt}",
        )


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
