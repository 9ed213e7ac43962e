"""The Councils page in a real browser: it renders its three charts, applies a filter set by URL, shows no exception."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, choose, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def charts(page):
    return page.locator('[data-testid="stPlotlyChart"]')


def chart_titled(page, words: str):
    """The one chart whose takeaway title contains `words` (charts are found by what they say, not position)."""
    found = charts(page).filter(has=page.locator(".gtitle", has_text=words))
    expect(found).to_have_count(1, timeout=30_000)
    return found


def test_councils_from_the_navigation_highlights_your_organisation(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Councils").click()
    wait_for_app(page, charts=3)
    choose(page, "Your organisation (highlighted)", "Norfolk County Council")
    page.wait_for_function("() => new URL(location.href).searchParams.get('org') === 'Norfolk County Council'")
    wait_for_app(page, charts=3)
    assert_no_exception(page)
    expect(charts(page)).to_have_count(3, timeout=30_000)  # the rerun after choosing has drawn them all
    # Your organisation's own figures lead: the page's headline and the timeline's title say them.
    headline = page.locator('[data-testid="stHeading"]').filter(has_text="Norfolk County Council:").first.inner_text()
    assert headline.startswith("Norfolk County Council: more than 5,000 staff working from home in late March")
    timeline = chart_titled(page, "Norfolk County Council: more than 5,000")
    assert "23 March 2020" in timeline.inner_text()
    assert "Norfolk County Council (yours)" in timeline.inner_text()
    assert timeline.locator(".bars path").count() >= 5  # the dated spans: Norfolk's four and library loans
    speed = chart_titled(page, "was fastest")
    assert "at least 857 staff a day" in speed.inner_text()
    assert "Welsh Government (vendor claim)" in " ".join(speed.inner_text().split())
    # SVG labels wrap onto lines that inner_text joins without a space: compare without whitespace.
    assert "6,000staffwithinaweek(vendorclaim)" in "".join(timeline.inner_text().split())
    baseline = chart_titled(page, "at home in 2020")
    assert "more than 74.6%" in baseline.inner_text() and "East of England, 2019 (ONS)" in baseline.inner_text()
    screenshot(page, "councils")


def test_region_set_by_url_is_applied(page, app_url):
    page.goto(f"{app_url}/councils?region=East+of+England")
    wait_for_app(page, charts=3)
    assert_no_exception(page)
    chosen = page.locator('[data-testid="stMultiSelect"]').first
    assert "East of England" in chosen.inner_text()
    timeline = chart_titled(page, "dated figures").inner_text().replace("\n", "").replace(" ", "")  # names wrap
    assert "NorfolkCountyCouncil" in timeline and "HertfordshireCountyCouncil" in timeline
    assert "WelshGovernment" not in timeline and "DepartmentforWorkandPensions" not in timeline
    link = page.get_by_role("link", name="East of England")
    assert "region=East+of+England" in link.get_attribute("href")
    screenshot(page, "councils-east-of-england")


def test_nonsense_url_opens_everything_without_an_exception(page, app_url):
    page.goto(f"{app_url}/councils?region=Atlantis&kind=%3Cscript%3E&org=Nobody")
    wait_for_app(page, charts=3)
    assert_no_exception(page)
    assert "Welsh Government" in chart_titled(page, "dated figures").inner_text()
    assert "<script>" not in page.locator('[data-testid="stMain"]').inner_text()


def test_every_figures_table_says_who_makes_each_claim(page, app_url):
    page.goto(f"{app_url}/councils?kind=unitary+council")
    wait_for_app(page, charts=2)
    assert_no_exception(page)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)  # sent only when opened
    page.get_by_text("figures with their quotes, sources and licences").click()
    table = page.locator('[data-testid="stDataFrame"]').last
    table.scroll_into_view_if_needed()
    grid = table.locator('table[role="grid"]')
    # The grid draws only the columns in view (the rest are scrolled to), and draws them after the page settles.
    expect(grid.locator("th", has_text="Who says so")).to_have_count(1, timeout=30_000)
    expect(grid.locator("td", has_text="vendor claim (advertorial)")).to_have_count(4, timeout=30_000)
    screenshot(page, "councils-unitary-table", whole_page=False)
