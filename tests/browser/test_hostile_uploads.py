"""Hostile files and failing downloads in a real browser: one person's file never holds up another's page,
the server keeps answering, and whoever is refused reads why."""

import re
import urllib.request

import pytest
from playwright.sync_api import expect

from lib.limits import LIMITS
from tests import hostile_files
from tests.browser.conftest import (
    assert_no_exception,
    choose,
    screenshot,
    start_streamlit,
    submit_file,
    wait_for_app,
    wait_until_idle,
)

pytestmark = pytest.mark.browser

REFUSED = "was not added"
CHART_TEXT = "() => document.querySelector('.js-plotly-plot .main-svg')?.textContent ?? ''"


def new_page(browser):
    return browser.new_context(viewport={"width": 1440, "height": 900}).new_page()


def start_upload(page, app_url, path, source="Our staff survey 2021"):
    """Open Explore and press 'Check and add' with the file at `path`; return without waiting for the answer."""
    page.goto(f"{app_url}/explore")
    wait_for_app(page)
    submit_file(page, path, source)


def change_sector_and_see_the_chart_change(page):
    before = page.evaluate(CHART_TEXT)
    choose(page, "Your sector", "Financial and insurance")
    page.wait_for_function(f"before => ({CHART_TEXT})() !== before", arg=before, timeout=30_000)
    assert "Financial and insurance" in page.evaluate(CHART_TEXT)


def healthy(app_url) -> bool:
    with urllib.request.urlopen(f"{app_url}/_stcore/health", timeout=5) as answer:
        return answer.status == 200 and answer.read() == b"ok"


def refusal(page):
    alert = page.locator('[data-testid="stAlert"]').filter(has_text=REFUSED)
    alert.wait_for(timeout=60_000)
    wait_until_idle(page, timeout=60_000)
    return alert.inner_text()


def test_while_one_person_uploads_a_parquet_bomb_another_changes_their_chart(browser, app_url, tmp_path):
    bomb = tmp_path / "bomb.parquet"
    bomb.write_bytes(hostile_files.parquet_bomb())
    theirs = new_page(browser)
    theirs.goto(f"{app_url}/sectors")
    wait_for_app(theirs)
    mine = new_page(browser)

    start_upload(mine, app_url, bomb)
    change_sector_and_see_the_chart_change(theirs)
    assert_no_exception(theirs)

    assert healthy(app_url)
    message = refusal(mine)
    assert "the Parquet file declares 30,000,000 rows; the limit is 1,048,575" in message
    assert_no_exception(mine)
    screenshot(mine, "explore-refused-parquet-bomb")
    mine.context.close()
    theirs.context.close()


def test_while_a_slow_workbook_is_read_another_person_s_page_keeps_answering(browser, app_url, tmp_path):
    """A workbook that declares 3 rows but holds more than the cap keeps a reader busy for seconds, apart."""
    slow = tmp_path / "slow.xlsx"
    slow.write_bytes(hostile_files.workbook_of(LIMITS.xlsx_max_rows + 10_000, declared_rows=3))
    theirs = new_page(browser)
    theirs.goto(f"{app_url}/sectors")
    wait_for_app(theirs)
    mine = new_page(browser)

    start_upload(mine, app_url, slow)
    mine.get_by_text("Reading the file").first.wait_for(timeout=30_000)  # the reader has started on it
    change_sector_and_see_the_chart_change(theirs)
    assert mine.get_by_text(REFUSED).count() == 0, "the other page answered only after the file was read"
    assert healthy(app_url)

    message = refusal(mine)
    assert f"the sheet 'Data' has more than {LIMITS.xlsx_max_rows:,} rows" in message
    assert_no_exception(mine)
    screenshot(mine, "explore-refused-slow-workbook")
    mine.context.close()
    theirs.context.close()


@pytest.fixture(scope="module")
def app_without_a_working_chromium():
    """The app on a server whose 'Chromium' exits at once: every image download fails."""
    proc, url = start_streamlit(env={"BROWSER_PATH": "/bin/false"})
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_an_image_download_that_fails_ends_in_words_on_the_page(browser, app_without_a_working_chromium):
    page = new_page(browser)
    page.goto(f"{app_without_a_working_chromium}/sectors")
    wait_for_app(page)
    page.locator(".st-key-sectors-all-png button").first.click()
    streamlit_says = page.get_by_test_id("stDownloadButtonError").first
    streamlit_says.wait_for(timeout=60_000)
    assert streamlit_says.inner_text() == "Failed to generate file for download"  # Streamlit's own words, no reason
    assert_no_exception(page)
    streamlit_says.wait_for(state="detached", timeout=15_000)  # gone after 5 s (the page moves: wait for it)
    page.get_by_role("combobox", name="Your sector").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # a menu opened while the page still scrolls closes again

    choose(page, "Your sector", "Financial and insurance")  # the next run of the page says why
    warning = page.locator('[data-testid="stAlert"]').filter(has_text="PNG 1920 px wide gave no file")
    warning.wait_for(timeout=30_000)
    assert "image export unavailable: Chromium at /bin/false did not start" in warning.inner_text()
    assert "use the camera button at the top right of the chart" in warning.inner_text()
    assert_no_exception(page)
    screenshot(page, "sectors-image-download-failed")
    page.context.close()


LINK_LABEL = 'x <a href="https://evil.example/">ONS</a> ' + "and a long name " * 8  # under the cell cap, over a tick


def crafted_bundle(tmp_path):
    """A bundle someone edited: its time is not a time, its address not a web address, a label with a link."""
    import io
    import json
    import zipfile
    from datetime import UTC, datetime

    from lib import data
    from lib.uploads import bundle, parse

    rows = (
        "breakdown,category,measure,percent\n"
        f'sector,"{LINK_LABEL}",week_prior,41.0\nsector,-5 to 0 band,week_prior,12.0\nsector,Education,ever,45.0\n'
    )
    upload = parse.read_upload(rows.encode(), "april.csv", "Our figures", reference=data.load_homeworking())
    made = bundle.make_bundle(upload.rows, "Our figures", datetime(2026, 11, 30, tzinfo=UTC), "https://x.example/")
    archive = zipfile.ZipFile(io.BytesIO(made))
    files = {name: archive.read(name) for name in archive.namelist()}
    about = json.loads(files["datapackage.json"])
    about["homeworking_bundle"].update(uploaded_at="last Tuesday", permalink="javascript:alert(1)")
    files["datapackage.json"] = json.dumps(about).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, content in files.items():
            out.writestr(name, content)
    path = tmp_path / "our-figures-bundle.zip"
    path.write_bytes(buffer.getvalue())
    return path


def test_a_crafted_bundle_and_a_long_label_change_nothing_for_a_second_person(browser, app_url, tmp_path):
    theirs = new_page(browser)
    theirs.goto(f"{app_url}/sectors?sector=Education")
    wait_for_app(theirs)
    their_chart = theirs.evaluate(CHART_TEXT)
    their_headline = theirs.locator("h2").first.inner_text()

    mine = new_page(browser)
    start_upload(mine, app_url, crafted_bundle(tmp_path), source="")
    # Either answer, within two minutes: a CI machine under load reads the bundle slowly; a refusal says why.
    mine.get_by_text(re.compile(r"Added 3 rows|" + REFUSED)).first.wait_for(timeout=120_000)
    assert mine.get_by_text(REFUSED).count() == 0, refusal(mine)
    wait_until_idle(mine, timeout=60_000)
    # Awaited, not counted at once: a loaded browser can paint the rest of the page well after the script ends.
    expect(mine.get_by_text("first uploaded is unknown")).to_have_count(1)  # the bad time, said in words
    expect(mine.get_by_role("button", name=re.compile("Your figures as a bundle"))).to_have_count(1)  # not stuck
    expect(mine.get_by_role("button", name=re.compile("Remove your figures"))).to_have_count(1)
    # Drawn before those buttons, so its absence now is real: the javascript: address was dropped.
    assert mine.get_by_text("Open the view you saved").count() == 0
    screenshot(mine, "explore-crafted-bundle-restored")

    huge = tmp_path / "huge-label.csv"
    huge.write_text(f"breakdown,category,measure,percent\nsector,{'y' * 2_000_000},ever,10\n")
    submit_file(mine, huge, "Huge")  # in the same session
    message = refusal(mine)
    assert f"row 2, column 'category': is 2,000,000 characters long; a text cell holds at most {LIMITS.cell_chars}" in (
        message
    )
    assert_no_exception(mine)

    mine.get_by_role("link", name="Sectors").first.click()  # in the same session: a reload would start a new one
    mine.get_by_role("combobox", name="Your sector").wait_for(timeout=30_000)
    wait_for_app(mine)
    your_bars = mine.locator(".js-plotly-plot", has_text="(your data only)")  # drawn after the lead chart
    your_bars.first.wait_for(timeout=30_000)
    mine_chart = " ".join(mine.locator(".js-plotly-plot .main-svg").all_text_contents())
    assert "(your data only)" in mine_chart and "…" in mine_chart  # the long label is cut on the axis
    assert "-5 to 0 band" in mine_chart and "'-5 to 0 band" not in mine_chart  # the exact round trip
    links = mine.locator('a[href*="evil.example"]')
    assert links.count() == 0, links.first.evaluate("a => a.parentElement.parentElement.outerHTML.slice(0, 600)")
    screenshot(mine, "sectors-with-crafted-bundle")

    theirs.reload()
    wait_for_app(theirs)
    assert theirs.evaluate(CHART_TEXT) == their_chart  # nothing of the other session's figures
    assert theirs.locator("h2").first.inner_text() == their_headline
    assert "evil.example" not in theirs.content()
    with theirs.expect_download(timeout=60_000) as download:
        theirs.locator(".st-key-sectors-all-png button").first.click()
    assert download.value.path().stat().st_size > 10_000  # their own image, drawn
    assert_no_exception(theirs)
    mine.context.close()
    theirs.context.close()
