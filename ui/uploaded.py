"""After an upload: labels that look like a typo of a known one are asked about before the rows are added, and
the message that they were added links to each page where they now show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import streamlit as st

from lib.escape import for_markdown
from lib.uploads import Upload, labels
from lib.views import PAGES
from lib.views.landings import landings
from ui.resources import tables
from ui.widgets import page_script

PENDING_KEY = "upload_pending_review"  # (the checked upload, its suggestions), held in this session until answered


def needs_review(result: Upload) -> bool:
    """Hold the upload for the person's answer where a label looks like a typo of a known one."""
    found = labels.suggestions(result.rows, tables().homeworking)
    if found:
        st.session_state[PENDING_KEY] = (result, found)
    return bool(found)


def review(add: Callable[[Upload], None]) -> bool:
    """Ask about each flagged label; `add` the rows with the answers applied. True while a review is open."""
    held = st.session_state.get(PENDING_KEY)
    if not held:
        return False
    result, found = held
    with st.container(border=True, key="upload-review"):
        st.warning(
            f"**Check {len(found)} label{'s' if len(found) > 1 else ''} before your figures are added.** "
            "Not in the 2019 tables, but close to one that is: as it is, each would be a category of its own, "
            "with no 2019 figure to compare.",
            icon=":material/spellcheck:",
        )
        with st.form("upload-review-form", border=False):
            answers = [_answer(i, suggestion) for i, suggestion in enumerate(found)]
            submitted = st.form_submit_button("Add my figures", type="primary", icon=":material/upload:")
        if st.button("Add nothing", icon=":material/close:", key="upload-review-cancel"):
            st.session_state.pop(PENDING_KEY, None)
            st.rerun()
    if submitted:
        taken = [suggestion for suggestion, use in zip(found, answers, strict=True) if use]
        try:
            rows, notes = labels.relabel(result.rows, taken, tables().homeworking, result.notes)
        except labels.Clash as clash:
            st.error(for_markdown(str(clash)))
            return True
        st.session_state.pop(PENDING_KEY, None)
        add(replace(result, rows=rows, notes=notes))
    return True


def _answer(index: int, suggestion: labels.Suggestion) -> bool:
    """Take the nearest known label (the first choice), or keep one's own."""
    choices = {
        True: for_markdown(f"Yes: use {suggestion.nearest}"),
        False: for_markdown(f"No: keep “{suggestion.label}” as a category of my own"),
    }
    return bool(
        st.radio(
            for_markdown(suggestion.question),
            list(choices),
            format_func=choices.__getitem__,
            key=f"upload-review-{index}",
        )
    )


def where_they_show(rows: pd.DataFrame) -> None:
    """A link to each page that now draws the figures against 2019, opened on a category they cover."""
    found = landings(rows, tables())
    if not found:
        st.caption(
            "None of these categories is a sector, age band or region of the 2019 tables: they show here, in "
            "Explore's chart and table."
        )
        return
    st.markdown("**See them against 2019:**")
    row = st.container(horizontal=True, gap="small")
    for landing in found:
        row.page_link(
            page_script(landing.page),
            label=f"{landing.title}: {landing.category}",
            icon=PAGES[landing.page].icon,
            query_params={landing.key: landing.category},
        )
