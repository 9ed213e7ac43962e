"""From an upload to its result, in a real browser: a typo is asked about before anything is added, the message
that the figures were added links to the page where they show, and there "Your figures against 2019" comes
right under the headline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, screenshot, submit_file, wait_for_app, wait_until_idle
from tests.browser.test_explore import open_explore

pytestmark = pytest.mark.browser

APRIL = "breakdown,category,measure,percent\nregion,Walse,week_prior,31.0\nregion,Londn,week_prior,57.2\n"


def test_a_typo_is_asked_about_then_the_figures_lead_to_their_page(page, app_url, tmp_path):
    open_explore(page, app_url)
    source = tmp_path / "april.csv"
    source.write_text(APRIL, encoding="utf-8")
    submit_file(page, source, "April 2020")
    review = page.locator(".st-key-upload-review")
    review.get_by_text("Walse: did you mean Wales?").wait_for(timeout=60_000)
    wait_until_idle(page)
    expect(review.get_by_text("Londn: did you mean London?")).to_have_count(1)
    assert page.get_by_text(re.compile(r"Added (?:1 row|\d+ rows)")).count() == 0  # nothing added before the answer
    screenshot(page, "upload-review", whole_page=False)
    review.get_by_role("button", name="Add my figures").click()
    page.get_by_text("Added 2 rows as April 2020").wait_for(timeout=60_000)
    wait_until_idle(page)
    assert_no_exception(page)

    page.get_by_role("link", name="Regions: Wales").click()  # the first region of the file, as corrected
    wait_for_app(page, charts=3, timeout=90_000)
    assert "region=Wales" in page.url
    headings = page.locator('[data-testid="stHeading"]')
    headline = headings.filter(has_text="Wales: 31.0%").first
    yours = headings.filter(has_text="Your figures against 2019").first
    metrics = page.locator('[data-testid="stMetric"]').first
    headline_box, yours_box, metrics_box = (e.bounding_box() for e in (headline, yours, metrics))
    assert headline_box["y"] < yours_box["y"] < metrics_box["y"]  # right under the headline, before the figures
    assert yours_box["y"] - headline_box["y"] < 600
    expect(page.get_by_text(re.compile("^London: 57.2%"))).to_have_count(1)  # Londn became London, listed too
    screenshot(page, "regions-after-upload", whole_page=False)


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"


def test_a_libreoffice_spreadsheet_an_old_excel_workbook_and_json_are_added(page, app_url):
    """The form takes .ods, as GOV.UK publishes tables (a real file saved by LibreOffice: a cover sheet, a title
    above the table, percentage cells), .xls (the same table saved as Excel 97–2003 by LibreOffice) and .json
    (the page's own JSON download)."""
    open_explore(page, app_url)
    submit_file(page, FIXTURES / "titled_table.ods", "Our council 2025")
    page.get_by_text("Added 8 rows as Our council 2025").wait_for(timeout=60_000)
    wait_until_idle(page)
    expect(page.get_by_text("Read as an OpenDocument spreadsheet (.ods).")).to_have_count(1)
    expect(page.get_by_text(re.compile(r"^7 figures formatted as percentages were read"))).to_have_count(1)
    assert_no_exception(page)
    screenshot(page, "upload-ods", whole_page=False)

    submit_file(page, FIXTURES / "titled_table.xls", "Old workbook")
    page.get_by_text("Added 8 rows as Old workbook").wait_for(timeout=60_000)
    wait_until_idle(page)
    expect(page.get_by_text("Read as an Excel 97–2003 workbook (.xls).")).to_have_count(1)
    screenshot(page, "upload-xls", whole_page=False)

    submit_file(page, FIXTURES / "regions_download.json", "Our JSON")  # the JSON download, given back
    page.get_by_text("Added 24 rows as Our JSON").wait_for(timeout=60_000)
    expect(page.get_by_text("Read as JSON (an array of objects): 24 rows, numbered from 1.")).to_have_count(1)
    assert page.get_by_text(re.compile("files are not allowed")).count() == 0
    assert_no_exception(page)
