"""The session's own figures and what a tab needs to survive its server's restart.

Uploaded rows live in st.session_state only, never on disk or in a cache shared between sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import streamlit as st

from lib import selections, views
from lib.escape import for_markdown
from lib.limits import LIMITS
from ui.widgets import page_script

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


def saved_view_link(permalink: str | None) -> None:
    """A link to the view a bundle was saved from: a page of this app and its known keys only, whatever the
    bundle says (it is a file anyone may have edited)."""
    if not permalink:
        return
    address = urlsplit(permalink)
    page = address.path.strip("/").rsplit("/", 1)[-1] or "overview"
    if page not in views.PAGES:
        return
    allowed = {s.key for s in views.PAGES[page].keys}
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(address.query):
        if key in allowed:
            query.setdefault(key, []).append(value)
    st.page_link(page_script(page), label="Open the view you saved", icon=":material/open_in_new:", query_params=query)


OWN_FIGURES_KEY = selections.OWN_FIGURES.key  # a view made with uploaded figures: their name
_SHOWN_NAME_CHARS = LIMITS.source_name_chars


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
