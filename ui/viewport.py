"""How wide the page is, so that its charts are drawn for their column (a phone, a laptop, a column of a row).

Streamlit (1.67) does not tell the server the window's width: `st.context` has the headers, cookies, locale
and theme, nothing of the viewport. A small component (Streamlit's `components.v2`, inline JavaScript in the
page) measures the main column and reports it into the session when it crosses a step of `SCREEN_STEP` px
(a rerun), and keeps it in a cookie, so the next session's first page is drawn for it too. Until it reports,
a page is drawn for the wide layout. CSS alone could hide things, not restack a Plotly chart's panels.
"""

from __future__ import annotations

import streamlit as st

from lib.charts import NORMAL, Theme
from lib.charts.sizing import SCREEN_STEP, for_size, screen_width

COOKIE = "homeworking_column"
STACK_BELOW = 640  # px of window: Streamlit puts a row's columns under each other below this width
SIZE_KEY = "viewport_size"

REPORT_WIDTH = st.components.v2.component(
    "homeworking.viewport",
    js=f"""
export default function (component) {{
  window.__homeworkingReport = component.setStateValue;
  const report = () => {{
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    let column = window.innerWidth;
    if (main) {{
      const style = getComputedStyle(main);
      column = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    }}
    const size = {{ window: Math.round(window.innerWidth), column: Math.floor(column) }};
    const step = [Math.floor(size.column / {SCREEN_STEP}), size.window < {STACK_BELOW}].join();
    if (step === window.__homeworkingStep) return;
    window.__homeworkingStep = step;
    document.cookie = `{COOKIE}=${{size.column}}x${{size.window}}; path=/; max-age=31536000; SameSite=Lax`;
    window.__homeworkingReport('size', size);
  }};
  report();
  if (!window.__homeworkingResize) {{
    let timer = null;
    window.__homeworkingResize = () => {{ clearTimeout(timer); timer = setTimeout(report, 300); }};
    window.addEventListener('resize', window.__homeworkingResize);
  }}
}}
""",
)


def keep_viewport() -> None:
    """Mount the reporter (invisible) in the sidebar and keep the page's size in the session; every run calls it."""
    with st.sidebar:
        result = REPORT_WIDTH(key="viewport-reporter", on_size_change=lambda: None)
    size = result.get("size") if result else None
    if isinstance(size, dict):
        st.session_state[SIZE_KEY] = (_number(size.get("column")), _number(size.get("window")))
    elif SIZE_KEY not in st.session_state:
        st.session_state[SIZE_KEY] = _from_cookie(st.context.cookies.get(COOKIE))


def _number(value) -> int | None:
    return int(value) if isinstance(value, int | float) and 0 < value < 100_000 else None


def _from_cookie(value: object) -> tuple[int | None, int | None]:
    """'358x390' → (358, 390); anything else (the cookie is the browser's to change) → unknown."""
    if not isinstance(value, str):
        return None, None
    column, _, window = value.partition("x")
    if not (column.isdigit() and window.isdigit()):
        return None, None
    return _number(int(column)), _number(int(window))


def chart_width(share: float = 1.0) -> int | None:
    """The width this session's charts are drawn for, where they take `share` of the page's row (a row's
    columns stack on a narrow window, so each has it all); None for the wide layout or an unknown width."""
    column, window = st.session_state.get(SIZE_KEY, (None, None))
    if column is None:
        return None
    if window is not None and window < STACK_BELOW:
        share = 1.0
    return screen_width(column * share)


def chart_theme(share: float = 1.0) -> Theme:
    width = chart_width(share)
    return NORMAL if width is None else for_size(NORMAL, width)


def narrow() -> bool:
    """A phone-sized column: charts stack their panels, and a timeline is better read as a list."""
    width = chart_width()
    return width is not None and for_size(NORMAL, width).stacked
