"""Back and Forward keep the view: each history entry of a tab keeps its page's address, selections and all.

Streamlit (1.67) clears a page's query as it leaves the page, and its frontend records that in the
browser's history as an entry of its own, the page's path with no query, just before the new page's
entry (`handlePageInfoChanged`, then `maybeUpdatePageUrl`). Back then lands on that bare path and
shows the page's defaults. This component, mounted on every run (it installs itself once per tab),
lets such a push through (a query cleared on the same page must show at once) but remembers it: when
another page's entry follows within a moment, that entry replaces the bare one, so the entry before
the new page is the one the person saw.
"""

from __future__ import annotations

import streamlit as st

FOLLOW_MS = 1500  # the two pushes of a page change arrive about 0.1 s apart (measured); a slow server takes longer

KEEP_ENTRIES = st.components.v2.component(
    "homeworking.history",
    js=f"""
export default function () {{
  if (window.__homeworkingHistory) return;
  window.__homeworkingHistory = true;
  const push = history.pushState.bind(history);
  const replace = history.replaceState.bind(history);
  let bareSince = null;
  history.pushState = function (state, title, url) {{
    const next = new URL(url, location.href);
    const followsBare = bareSince !== null && performance.now() - bareSince < {FOLLOW_MS};
    bareSince = null;
    if (followsBare && next.pathname !== location.pathname) return replace(state, title, url);
    if (next.pathname === location.pathname && !next.search && location.search) bareSince = performance.now();
    return push(state, title, url);
  }};
}}
""",
)


def keep_history() -> None:
    """Mount the history keeper (invisible, no data) in the sidebar, where it takes no room on the page."""
    with st.sidebar:
        KEEP_ENTRIES(key="history-keeper")
