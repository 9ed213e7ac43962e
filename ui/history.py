"""Back and Forward keep the view: each history entry of a tab keeps its page's address, selections and all.

Streamlit (1.67) clears a page's query as it leaves the page, and its frontend records that in the
browser's history as an entry of its own, the page's path with no query, just before the new page's
entry (`handlePageInfoChanged`, then `maybeUpdatePageUrl`). Back then lands on that bare path and
shows the page's defaults. This component, mounted on every run (it installs itself once per tab),
holds such a push for a moment and drops it when a page change follows, so the entry before the new
page is the one the person saw; a query cleared on the same page still reaches the history.
"""

from __future__ import annotations

import streamlit as st

HOLD_MS = 1500  # the two pushes of a page change arrive about 0.1 s apart (measured); a slow server takes longer

KEEP_ENTRIES = st.components.v2.component(
    "homeworking.history",
    js=f"""
export default function () {{
  if (window.__homeworkingHistory) return;
  window.__homeworkingHistory = true;
  const push = history.pushState.bind(history);
  let held = null;
  history.pushState = function (state, title, url) {{
    const next = new URL(url, location.href);
    if (held) {{ clearTimeout(held); held = null; }}
    if (next.pathname === location.pathname && !next.search && location.search) {{
      held = setTimeout(() => {{ held = null; push(state, title, url); }}, {HOLD_MS});
      return;
    }}
    return push(state, title, url);
  }};
}}
""",
)


def keep_history() -> None:
    """Mount the history keeper (invisible, no data) in the sidebar, where it takes no room on the page."""
    with st.sidebar:
        KEEP_ENTRIES(key="history-keeper")
