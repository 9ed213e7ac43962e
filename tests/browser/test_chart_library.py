"""The chart library is asked for by the HTML page itself (lib/page_html.py): loaded once, whatever the page shows."""

import re

import pytest

from lib.page_html import plotly_module
from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser


def chart_module_requests(page) -> list[str]:
    found: list[str] = []
    page.on("request", lambda request: found.append(request.url) if "/PlotlyChart." in request.url else None)
    return found


def test_a_page_without_a_chart_still_has_the_chart_library_ready(page, app_url):
    requested = chart_module_requests(page)
    page.goto(f"{app_url}/explore?q=no+such+text+anywhere")
    page.get_by_text(re.compile(r"No rows match")).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1_500)  # the page asks for it once the browser is idle
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0  # nothing on the page asked for it
    assert [url.rsplit("/", 1)[-1] for url in requested] == [plotly_module()]
    assert_no_exception(page)


def test_a_page_with_charts_loads_the_chart_library_once(page, app_url):
    requested = chart_module_requests(page)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text) if message.type == "error" else None)
    page.goto(f"{app_url}/councils")
    wait_for_app(page, charts=3)
    assert len(requested) == 1  # the page's import and the frontend's are the same module, fetched once
    assert page.locator(".js-plotly-plot .main-svg").count() >= 3
    assert not [m for m in messages if "PlotlyChart" in m or "import" in m.lower()]
