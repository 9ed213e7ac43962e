"""Every page on a 390×844 phone and in 1280×720 and 1440×900 windows: no chart with bars of no width, text over
text or text cut off at its edge; on a phone, panels stacked, the councils timeline a list, no mode bar. And the
manager's answer from the Overview in three actions.

The page reports its column's width (ui/viewport.py) after its first paint, and the charts are redrawn for it;
tests/browser/overlaps.py measures every text of every Plotly chart on the page.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from playwright.sync_api import expect

from lib.views import PAGES
from tests.browser.conftest import ROOT, assert_no_exception, screenshot, wait_for_app, wait_until_idle
from tests.browser.overlaps import page_chart_problems

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WINDOWS = {"1280x720": {"width": 1280, "height": 720}, "1440x900": {"width": 1440, "height": 900}}
# Each page at an address that draws its most: a sector and benchmark, a band, a region, an organisation.
ADDRESSES = {
    "overview": "",
    "sectors": "sectors?sector=Financial+and+insurance",
    "age": "age?band=25-29+yrs",
    "regions": "regions?region=North+West",
    "councils": "councils?org=Norfolk+County+Council",
    "explore": "explore",
}
PLOTS_REDRAWN_NARROW = "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.layout.dragmode === false)"


def open_sized(browser, app_url: str, viewport: dict, address: str):
    """A fresh tab of `viewport`'s size on `address`, once the page has been redrawn for its width."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{app_url}/{address}")
    wait_for_app(page, timeout=90_000)
    if viewport["width"] < 700:  # the page reports its width, and the charts come back drawn for a phone
        page.wait_for_function(PLOTS_REDRAWN_NARROW, timeout=60_000)
    page.wait_for_timeout(1_000)
    wait_until_idle(page, timeout=60_000)
    return page


@pytest.mark.parametrize("name", list(ADDRESSES))
def test_every_chart_on_a_phone_has_wide_bars_and_clear_text(browser, app_url, name):
    page = open_sized(browser, app_url, PHONE, ADDRESSES[name])
    assert_no_exception(page)
    charts = page.locator(".js-plotly-plot")
    assert charts.count() >= 1
    assert page_chart_problems(page) == []
    assert page.locator(".modebar-btn").count() == 0  # no mode bar: not on screen, not in the Tab order
    # Two-panel charts stack: each panel as wide as the chart.
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].map(p => "
        "[p.getBoundingClientRect().width, ...[...p.querySelectorAll('.cartesianlayer .xy .bg')]"
        ".map(b => b.getBoundingClientRect().width)])"
    )
    for chart, *panels in widths:
        assert all(panel > chart * 0.75 for panel in panels), (chart, panels)
    if name == "councils":  # the timeline and the how-fast chart as lists, the baseline chart drawn
        assert page.locator(".st-key-councils-timeline-list").get_by_text("Norfolk County Council (yours)").count()
        expect(page.locator(".st-key-councils-speed-list")).to_have_count(1)
    screenshot(page, f"phone-{name}")
    if name == "sectors":  # the README shows a phone's view of the chart
        page.locator('[data-testid="stTabs"]').first.evaluate("tabs => tabs.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
        shot = screenshot(page, "phone-sectors-chart", whole_page=False)
        if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
            shutil.copy(shot, ROOT / "docs" / "phone.png")
    page.context.close()


@pytest.mark.parametrize("window", list(WINDOWS))
def test_every_chart_in_a_laptop_window_has_clear_text(browser, app_url, window):
    found = {}
    for name, address in ADDRESSES.items():
        page = open_sized(browser, app_url, WINDOWS[window], address)
        assert_no_exception(page)
        if problems := page_chart_problems(page):
            found[name] = problems
        screenshot(page, f"{window}-{name}")
        page.context.close()
    assert not found, found


def test_the_managers_answer_from_the_overview_in_three_actions(browser, app_url):
    """'How did my sector compare with public administration?': the Overview's link, then the sector chosen."""
    page = open_sized(browser, app_url, WINDOWS["1280x720"], ADDRESSES["overview"])
    actions = 0
    page.get_by_role("link", name=PAGES["sectors"].link).click()
    actions += 1
    wait_for_app(page, charts=3, timeout=90_000)
    page.get_by_role("combobox", name="Your sector").click()
    actions += 1
    page.get_by_role("option", name="Financial and insurance", exact=True).click()
    actions += 1
    # The answer is the heading after the title, once the rerun the choice started has drawn it (on a loaded
    # machine the page was read as idle before that rerun began).
    answer = page.locator('[data-testid="stHeading"]').nth(1)
    expect(answer).to_have_text(
        re.compile(r"^Financial and insurance staff were .*public administration"), timeout=60_000
    )
    wait_until_idle(page)
    assert actions <= 3
    screenshot(page, "manager-answer", whole_page=False)
    page.context.close()
