"""Your figures against 2019, in a real browser: upload a partial file (a few regions, one measure) with no
name, read the change on Regions in words and in a chart, download the bundle, and bring it back in a new
browser, with the view it was saved from."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app
from tests.browser.test_explore import download, open_explore, upload_file

pytestmark = pytest.mark.browser

APRIL = (
    "breakdown,category,measure,percent\n"
    "region,London,week_prior,57.2\n"
    "region,Wales,week_prior,31.0\n"
    "region,Our own patch,week_prior,40.0\n"
)
LEAD = "London: 57.2% worked from home in the week before interview (your figures: lms-april-2020), against 18.1%"


def test_upload_read_the_change_keep_the_bundle_and_bring_it_back(browser, app_url, tmp_path):
    first = browser.new_context(viewport={"width": 1440, "height": 900})
    page = first.new_page()
    open_explore(page, app_url)
    source = tmp_path / "lms-april-2020.csv"
    source.write_text(APRIL, encoding="utf-8")
    upload_file(page, source, source="")
    expect(page.get_by_text("Added 3 rows as lms-april-2020")).to_have_count(1)

    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Regions").click()
    wait_for_app(page, charts=3)
    assert_no_exception(page)
    headline = page.locator('[data-testid="stHeading"]').filter(has_text="London: 57.2%").first
    assert headline.inner_text().startswith(LEAD)
    assert "up 39.1 points, 3.2× as many (derived)" in headline.inner_text()
    expect(page.get_by_text("Our own patch: 40.0%")).to_have_count(1)
    change = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Your data: lms-april-2020").last
    change.scroll_into_view_if_needed()
    expect(change).to_contain_text("ONS 2019", use_inner_text=True)  # drawn, not only in the page's text
    screenshot(page, "regions-change")

    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Explore").click()  # same session
    wait_for_app(page)
    saved = download(page, "bundle-explore", tmp_path)
    assert saved.name == "lms-april-2020-bundle.zip"
    first.close()

    fresh = browser.new_context(viewport={"width": 1440, "height": 900})
    again = fresh.new_page()
    open_explore(again, app_url)
    upload_file(again, saved, source="")
    expect(again.get_by_text("Added 3 rows as lms-april-2020")).to_have_count(1)
    expect(again.get_by_text("Restored from your bundle: 3 rows")).to_have_count(1)
    screenshot(again, "explore-bundle-restored", whole_page=False)
    again.get_by_role("link", name="Open the view you saved").click()
    wait_for_app(again, charts=3)
    assert "/explore" in again.url  # the bundle was saved on Explore: its own view comes back
    again.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Regions").click()
    wait_for_app(again, charts=3)
    assert (
        again.locator('[data-testid="stHeading"]').filter(has_text="London: 57.2%").first.inner_text().startswith(LEAD)
    )
    fresh.close()
