"""Streamlit helpers shared by the pages: cached loaders and the one way a chart is shown.

This is the app layer: lib/ stays free of Streamlit, and caching lives here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import data
from lib.charts import chart_config, source_note


@st.cache_data(show_spinner=False)
def homeworking() -> pd.DataFrame:
    return data.load_homeworking()


@st.cache_data(show_spinner=False)
def councils() -> pd.DataFrame:
    return data.load_councils()


USER_ROWS_KEY = "user_rows"


def user_rows() -> pd.DataFrame | None:
    """This session's own uploaded figures (validated, tidy, with a `source`), or None.

    Held in st.session_state only: never on disk or in a cache shared between sessions.
    """
    return st.session_state.get(USER_ROWS_KEY)


def set_user_rows(rows: pd.DataFrame | None) -> None:
    st.session_state[USER_ROWS_KEY] = rows


def percent_column(label: str, help: str) -> st.column_config.NumberColumn:
    """A percentage as the source prints it: one decimal, with what the measure means."""
    return st.column_config.NumberColumn(label, help=help, format="%.1f%%")


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
    with table_tab:
        st.dataframe(table, hide_index=True, column_config=column_config, width="stretch")
        st.caption(source or source_note())
