"""Views and figures built once per address and shared by every session, and the warm-up that builds them
before anyone asks."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from lib import selections, views
from lib.charts import NORMAL, Theme
from ui.resources import tables
from ui.session import user_rows


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


def figure(shown: views.View, chart: views.Chart, theme: Theme = NORMAL) -> go.Figure:
    """The chart's figure for a theme (the page's, sized for its column: ui.viewport), built once per distinct
    view and width and shared by every session.

    Thirty people opening one link ask for the same figures; building each once keeps the
    server's reruns short. A view with the user's own rows is drawn for that session only,
    so uploaded data never reaches a cache shared between sessions.
    """
    if shown.with_user_rows:
        return chart.figure(theme)
    chosen = shown.selections
    if chart.depends_on is not None:
        chosen = {key: chosen[key] for key in chart.depends_on if key in chosen}
    return _shared_figure(shown.page, _frozen(chosen), chart.key, (theme.name, theme.width), theme, chart)


@st.cache_resource(show_spinner=False, max_entries=512)
def _shared_figure(page: str, chosen: tuple, key: str, frame: tuple, _theme: Theme, _chart: views.Chart) -> go.Figure:
    """Keyed by the page, its selections, the chart and the frame (the theme's name and width: a page's themes
    differ by nothing else); the chart itself holds a function, so it is not part of the key."""
    return _chart.figure(_theme)


LATER_WARM_UP_S = 15  # seconds between building the default views and the rest
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # the name Streamlit gives the thread running a session's script
LONGEST_WAIT_FOR_VISITORS_S = 2.0


def warm(*, pause_s: float = LATER_WARM_UP_S) -> None:
    """In the background of a started server: load the API's modules, then build into the shared caches every
    page's default View and charts, then those for each value of its first key (the sector, band or region a
    meeting picks next), so that nobody waits for a first build.

    Each step waits for the visitors' scripts to finish first, so warming never slows a page being opened.
    """
    after_visitors()
    import lib.api  # noqa: F401 — imported for its own import time, off the first API request's path

    defaults = {name: selections.read(page.keys, {}, tables()) for name, page in views.PAGES.items()}
    for page, chosen in defaults.items():  # what a first visitor opens, first
        _warm_view(page, chosen)
    time.sleep(pause_s)
    for page, chosen in defaults.items():  # then every value of each page's first key: what a meeting picks next
        keys = views.PAGES[page].keys
        for option in keys[0].choices(tables(), chosen) if keys else ():
            # Read as the page reads the address with that value, so the keys after it take its defaults.
            value = [option] if keys[0].multiple else option
            _warm_view(page, selections.read(keys, {keys[0].key: keys[0].to_url(value)}, tables()))


def after_visitors(longest_s: float = LONGEST_WAIT_FOR_VISITORS_S) -> None:
    """Return once no session's script is running, or after `longest_s` (a busy server still gets warmed)."""
    deadline = time.monotonic() + longest_s
    while time.monotonic() < deadline and any(t.name == SCRIPT_THREAD and t.is_alive() for t in threading.enumerate()):
        time.sleep(0.05)


def _warm_view(page: str, chosen: Mapping[str, Any]) -> None:
    after_visitors()
    shown = _shared_view(page, _frozen(chosen))
    for chart in shown.charts:
        figure(shown, chart)


def _frozen(chosen: Mapping[str, Any]) -> tuple:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in chosen.items())
