"""The Overview page in a real browser: it renders, draws its chart, shows no exception."""

import os
import shutil

import pytest

from tests.browser.conftest import ROOT, assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_overview_renders_chart_and_headline(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    assert_no_exception(page)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "12.4%"
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    assert chart.locator(".bars path").count() >= 20  # ten sectors on two measures
    assert "Public administration and defence" in chart.inner_text()
    assert "Source: ONS Annual Population Survey 2019" in chart.inner_text()
    shot = screenshot(page, "overview")
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        shutil.copy(shot, ROOT / "docs" / "overview.png")
