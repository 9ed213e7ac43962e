"""AppTest helpers: run the whole app (navigation included) and switch to a page."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def run_page(page: str | None = None, query: dict | None = None, timeout: float = 60) -> AppTest:
    """Run the app's session script (app/navigation.py) on `page` (e.g. "../pages/sectors.py") with query
    parameters, as a link would open it.

    Switching page clears the URL, so the query is applied after the switch.
    """
    at = AppTest.from_file(str(ROOT / "app" / "navigation.py"), default_timeout=timeout)
    if page:
        at.run()
        at.switch_page(page)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def open_table(at: AppTest, chart_key: str):
    """Open a chart's "Show as table" tab, as a person would: tables are built only when opened."""
    at.session_state[f"{chart_key}-as"] = "Show as table"
    return at.run()
