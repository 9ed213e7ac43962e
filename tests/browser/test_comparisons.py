"""Sectors, Age and Regions in a real browser: a changed selection lands in the URL, the URL reopens the
same view in a fresh page, and a nonsense URL opens the default view with no exception."""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import (
    assert_no_exception,
    choose,
    metric_values,
    screenshot,
    selected,
    wait_for_app,
)

pytestmark = pytest.mark.browser

CASES = [
    # page path, selectbox label, option to pick, its URL key, a figure that must then be shown
    ("sectors", "Your sector", "Financial and insurance", "sector", "22.8%"),
    ("age", "Your age band", "70 and over", "band", "24.7%"),
    ("regions", "Your region or nation", "East of England", "region", "11.3%"),
]
DEFAULTS = {
    "sectors": ("Your sector", "Education"),
    "age": ("Your age band", "45-49 yrs"),
    "regions": ("Your region or nation", "London"),
}


@pytest.mark.parametrize(("path", "label", "option", "key", "figure"), CASES)
def test_selection_travels_by_url(browser, app_url, path, label, option, key, figure):
    first = browser.new_context(viewport={"width": 1440, "height": 900})
    page = first.new_page()
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    choose(page, label, option)
    # The rerun may start a moment after the option is picked: wait for its figure, then read the rest.
    page.locator('[data-testid="stMetricValue"]').filter(has_text=figure).first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
    assert figure in metric_values(page)
    page.wait_for_function("k => new URL(location.href).searchParams.has(k)", arg=key)
    url = page.url
    assert parse_qs(urlparse(url).query)[key] == [option]
    numbers = metric_values(page)
    screenshot(page, f"{path}-selected")
    first.close()

    fresh = browser.new_context(viewport={"width": 1440, "height": 900})
    again = fresh.new_page()
    again.goto(url)
    wait_for_app(again)
    assert_no_exception(again)
    assert selected(again, label) == option
    assert metric_values(again) == numbers
    fresh.close()


@pytest.mark.parametrize("path", ["sectors", "age", "regions"])
def test_nonsense_url_opens_the_default_view(page, app_url, path):
    label, default = DEFAULTS[path]
    key = next(c[3] for c in CASES if c[0] == path)
    page.goto(f"{app_url}/{path}?{key}=%3Cscript%3Ealert(1)%3C/script%3E&vs=zz&other=%F0%9F%92%A5&benchmark=")
    wait_for_app(page)
    assert_no_exception(page)
    assert selected(page, label) == default
    assert "<script>" not in page.content().split("</head>", 1)[1].replace("&lt;script&gt;", "")
    screenshot(page, f"{path}-default")
