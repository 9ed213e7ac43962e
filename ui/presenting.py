"""Where a person has been, so that "Present these charts" makes their deck: the slides of the page they present
from first, then those of each page they visited, instead of every page's untouched defaults.

The deck goes into the address as it opens (`deck=`), so the presentation, its link and its PowerPoint say the
same whatever session opens them; only which slides are picked comes from this session.
"""

from __future__ import annotations

import streamlit as st

from lib.selections import SLIDE
from lib.views import deck
from ui.downloads import page_of_address
from ui.session import user_rows

VISITED_KEY = "visited_pages"  # the pages this session opened, in the order it first opened them
CURRENT_KEY = "current_page"  # the page this run shows (presentation mode serves every page's address)
OPENED_KEY = "deck_opened"  # set while presenting: the first run of a presentation chooses its first slide


def visit(page: str, *, presenting: bool) -> None:
    """Record the page this run shows; a page shown outside presentation mode counts as visited."""
    st.session_state[CURRENT_KEY] = page
    if presenting:
        return
    st.session_state.pop(OPENED_KEY, None)
    visited = st.session_state.setdefault(VISITED_KEY, [])
    if page not in visited:
        visited.append(page)


def current_page() -> str:
    """The page of this run, as the navigation recorded it (or as the address says, before it has)."""
    return st.session_state.get(CURRENT_KEY) or page_of_address()


def present_button(page: str) -> None:
    """The sidebar's way into presentation mode, with this session's deck."""
    st.sidebar.button(
        "Present these charts",
        icon=":material/slideshow:",
        on_click=start_presenting,
        args=(page,),
        help="Full-window slides of your selections, starting with this page's, for screen share. → / ← or a "
        "clicker move; Esc leaves.",
    )


def start_presenting(page: str) -> None:
    """Into presentation mode with the slides of this page and the pages visited before it; the whole deck when
    none has slides."""
    order = deck.visited_order(st.session_state.get(VISITED_KEY, []), page, with_change=user_rows() is not None)
    st.query_params["present"] = "1"
    if order and order != list(deck.SLIDE_KEYS):
        # Both: the address (a widget bound to it writes it only once it has been drawn) and the deck's widget.
        st.query_params[deck.DECK.key] = order
        st.session_state[deck.DECK.key] = order


def first_slide(order: list[str]) -> int | None:
    """On a presentation's first run, the slide it opens on (that of the page it was opened from), unless the
    address names one; None after that, or when it does."""
    if st.session_state.get(OPENED_KEY):
        return None
    st.session_state[OPENED_KEY] = True
    if SLIDE.key in st.query_params:
        return None
    return deck.start_slide(order, current_page())
