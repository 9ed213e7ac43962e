"""Every view at its address: the page's own buttons give the API's bytes for the same address, a deep link
opened first after a server start runs the app's own navigation (pages/ sits beside dashboard.py, the
navigation script in app/: see the README), and Back and Forward keep each page's view."""

import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, start_streamlit, wait_for_app

pytestmark = pytest.mark.browser
QUERY = "sector=Financial+and+insurance&benchmark=Education"


def api(app_url: str, fmt: str) -> bytes:
    with urllib.request.urlopen(f"{app_url}/api/sectors.{fmt}?{QUERY}", timeout=120) as response:
        return response.read()


def download(page, name: str) -> bytes:
    with page.expect_download(timeout=120_000) as caught:
        page.get_by_role("button", name=name, exact=True).click()
    return Path(caught.value.path()).read_bytes()


def test_the_pages_buttons_give_the_same_bytes_as_the_api(page, app_url):
    page.goto(f"{app_url}/sectors?{QUERY}")
    wait_for_app(page, charts=3)
    page.get_by_role("button", name="Share").click()
    page.get_by_role("tab", name="Download").click()
    screenshot(page, "sectors-download-menu", whole_page=False)
    for fmt, name in [("csv", "CSV"), ("xlsx", "Excel (.xlsx)"), ("pdf", "PDF brief")]:
        assert download(page, name) == api(app_url, fmt), fmt
    page.keyboard.press("Escape")
    first_chart = page.locator('[data-testid="stTabPanel"]').first
    with page.expect_download(timeout=120_000) as caught:
        first_chart.get_by_role("button", name="PNG 1920 px wide").click()
    assert Path(caught.value.path()).read_bytes() == api(app_url, "png")


def test_a_deep_link_opened_first_after_a_start_runs_the_dashboard(browser):
    proc, url = start_streamlit()  # a server of its own: this link is its very first request
    try:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/regions?region=Wales")
        wait_for_app(page, charts=2)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Regions" in nav and "regions" not in nav.split()  # page titles, not file names
        expect(page.get_by_role("button", name="Present these charts")).to_have_count(1)
        assert page.get_by_role("combobox", name="Your region or nation").input_value() == "Wales"
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_back_and_forward_keep_each_pages_view(page, app_url):
    page.goto(f"{app_url}/sectors?{QUERY}")
    wait_for_app(page, charts=3)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Age").click()
    wait_for_app(page)
    assert page.url.endswith("/age")
    page.get_by_role("combobox", name="Your age band").click()
    page.get_by_role("option", name="70 and over", exact=True).click()
    wait_for_app(page)
    page.go_back()
    wait_for_app(page, charts=3)
    assert page.url.endswith(f"/sectors?{QUERY}") or "sector=Financial+and+insurance" in page.url, page.url
    assert page.get_by_role("combobox", name="Your sector").input_value() == "Financial and insurance"
    assert page.get_by_role("combobox", name="Compare with").input_value() == "Education"
    assert "Financial and insurance" in page.get_by_role("heading", level=2).first.inner_text()
    page.go_forward()
    wait_for_app(page)
    assert "band=70+and+over" in page.url, page.url
    assert page.get_by_role("combobox", name="Your age band").input_value() == "70 and over"


def test_an_address_typed_in_another_case_opens_its_view_and_says_it_as_offered(page, app_url):
    page.goto(f"{app_url}/councils?org=norfolk+county+council&region=EAST+OF+ENGLAND")
    wait_for_app(page)
    expect(page).to_have_url(f"{app_url}/councils?org=Norfolk+County+Council&region=East+of+England")
    assert page.get_by_role("heading", level=2).first.inner_text().startswith("Norfolk County Council:")


def test_an_address_value_that_is_no_option_is_named_and_the_one_meant_is_a_click_away(page, app_url):
    page.goto(f"{app_url}/regions?region=Walse")
    wait_for_app(page)
    expect(page.get_by_text("The address asks for “Walse”")).to_be_visible()
    screenshot(page, "address-value-not-offered", whole_page=False)
    page.get_by_role("button", name="Show Wales").click()
    expect(page).to_have_url(f"{app_url}/regions?region=Wales")
    expect(page.get_by_text("The address asks for")).to_have_count(0)
    assert page.get_by_role("heading", level=2).first.inner_text().startswith("Workers in Wales")


def test_a_page_address_typed_a_letter_off_names_the_page_meant_and_keeps_the_choices(page, app_url):
    """/sector is no page: Streamlit opens the first page (with its own 'Page not found'); the page meant is named
    there, one click away, with the address's choices, and only until another page is opened."""
    page.goto(f"{app_url}/sector?sector=Financial+and+insurance")
    wait_for_app(page)
    page.keyboard.press("Escape")  # Streamlit's dialog
    notice = "There is no page “sector”, so this is the first page. Did you mean Sectors?"
    expect(page.get_by_text(notice)).to_be_visible()
    screenshot(page, "address-page-not-offered", whole_page=False)
    page.get_by_role("link", name="Open Sectors").click()
    expect(page).to_have_url(f"{app_url}/sectors?sector=Financial+and+insurance")
    wait_for_app(page)
    assert page.get_by_role("heading", level=2).first.inner_text().startswith("Financial and insurance staff")
    page.get_by_role("link", name="Overview").click()
    wait_for_app(page)
    expect(page.get_by_text("There is no page")).to_have_count(0)
    page.goto(f"{app_url}/Overview")  # the first page in another case is where the person already is
    wait_for_app(page)
    expect(page.get_by_text("There is no page")).to_have_count(0)
