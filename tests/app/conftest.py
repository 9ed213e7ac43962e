"""AppTest helpers: run the whole app (navigation included) and switch to a page."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def run_page(page: str | None = None, query: dict | None = None, timeout: float = 60) -> AppTest:
    """Run dashboard.py, optionally on `page` (e.g. "pages/sectors.py") with query parameters."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


@pytest.fixture
def app():
    return run_page
