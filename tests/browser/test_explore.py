"""The Explore page in a real browser: filter, download every format and compare it with the table on
screen; a bad upload shows its message; an upload in one browser is invisible in another."""

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.browser.conftest import assert_no_exception, screenshot, submit_file, wait_for_app, wait_until_idle

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"
MINE = "Our staff survey 2021"
# Regions where 10% or more worked from home in the week before interview, 2019, as the ONS table prints them.
REGIONS_AT_LEAST_10 = {
    "Yorkshire & Humber": 10.5,
    "East Midlands": 11.1,
    "East of England": 11.3,
    "London": 18.1,
    "South East": 16.5,
    "South West": 14.0,
    "Wales": 10.0,
}


def open_explore(page, app_url, query=""):
    page.goto(f"{app_url}/explore{query}")
    wait_for_app(page)
    assert_no_exception(page)


def pick(page, key: str, option: str) -> None:
    """Choose `option` in the multiselect whose key (and URL parameter) is `key`."""
    page.locator(f".st-key-{key} input").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    settle(page, key)


def type_number(page, key: str, value: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(value)
    box.press("Enter")
    settle(page, key)


def settle(page, key: str) -> None:
    """Wait until the choice has reached the URL and the rerun it starts has finished."""
    page.wait_for_function("k => new URL(location.href).searchParams.has(k)", arg=key)
    page.wait_for_timeout(300)
    wait_until_idle(page)


def table_on_screen(page) -> tuple[int, list[str], list[list[str]]]:
    """(rows, visible column names, visible cells) from the data grid's accessible table."""
    grid = page.locator('.st-key-explore-table table[role="grid"]')
    rows = int(grid.get_attribute("aria-rowcount")) - 1
    headers = grid.locator("th").all_inner_texts()
    cells = [r.locator("td").all_inner_texts() for r in grid.locator("tbody tr").all()]
    return rows, headers, cells


def download(page, key: str, tmp_path: Path) -> Path:
    with page.expect_download(timeout=60_000) as info:
        page.locator(f".st-key-{key}").get_by_role("button").first.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def upload_file(page, path: Path, source: str = MINE) -> None:
    submit_file(page, path, source)
    page.get_by_text(re.compile(r"Added (?:1 row|[\d,]+ rows) as|was not added")).first.wait_for(timeout=120_000)
    wait_until_idle(page, timeout=60_000)


def test_filtered_downloads_match_the_table_on_screen(page, app_url, tmp_path):
    open_explore(page, app_url, "?breakdown=region")
    pick(page, "measure", "week_prior")
    type_number(page, "min", "10")
    page.get_by_role("heading", name=f"{len(REGIONS_AT_LEAST_10)} rows").wait_for()
    wait_until_idle(page)
    assert_no_exception(page)
    assert parse_qs(urlparse(page.url).query) == {"breakdown": ["region"], "measure": ["week_prior"], "min": ["10"]}

    rows, headers, cells = table_on_screen(page)
    assert rows == len(REGIONS_AT_LEAST_10)
    shown = [dict(zip(headers, row, strict=False)) for row in cells]
    assert {r["category"]: float(r["percent"]) for r in shown} == REGIONS_AT_LEAST_10
    screenshot(page, "explore-regions-filtered")

    files = {fmt: download(page, f"download-{fmt}", tmp_path) for fmt in ("csv", "xlsx", "parquet", "json")}
    sidecar = download(page, "download-datapackage", tmp_path)
    stem = "homeworking-2019-region-filtered"
    assert {p.name for p in files.values()} == {f"{stem}.{fmt}" for fmt in files}
    assert sidecar.name == f"{stem}.datapackage.json"

    frames = {
        "csv": pd.read_csv(files["csv"]),
        "xlsx": pd.read_excel(files["xlsx"]),
        "parquet": pd.read_parquet(files["parquet"]),
        "json": pd.read_json(files["json"]),
    }
    for fmt, frame in frames.items():
        assert len(frame) == rows, fmt
        assert list(frame.columns[: len(headers)]) == headers, fmt
        for screen_row, file_row in zip(shown, frame.to_dict("records"), strict=True):
            for column in headers:
                expected = file_row[column]
                if isinstance(expected, float):
                    assert float(screen_row[column]) == expected, (fmt, column)
                else:
                    assert screen_row[column] == str(expected), (fmt, column)
        pd.testing.assert_frame_equal(frame, frames["parquet"], check_dtype=False)

    about = {r[0]: r[1] for r in openpyxl.load_workbook(files["xlsx"])["About"].iter_rows(min_row=2, values_only=True)}
    assert about["Licence"].startswith("Open Government Licence v3.0")
    assert about["Filter: breakdown"] == "region" and about["Filter: percent at least"] == "10"
    metadata = pq.read_schema(files["parquet"]).metadata
    assert metadata[b"homeworking:licence"].decode().startswith("Open Government Licence v3.0")
    package = json.loads(sidecar.read_text(encoding="utf-8"))
    assert package["homeworking_export"]["filters"]["measure"] == "week_prior"


def test_the_link_reopens_the_same_rows(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    open_explore(page, app_url, "?breakdown=region&measure=week_prior&min=10&sort=percent+%28descending%29")
    rows, headers, cells = table_on_screen(page)
    assert rows == 7
    assert [row[headers.index("category")] for row in cells][:2] == ["London", "South East"]
    context.close()


DATA_BUTTONS = """() => [...document.querySelectorAll(
    '.st-key-download-csv, .st-key-download-xlsx, .st-key-download-parquet, .st-key-download-json, '
    + '.st-key-download-datapackage')].flatMap(e => [...e.querySelectorAll('button')].filter(b => b.checkVisibility()))
  .map(b => b.querySelector('[data-testid="stMarkdownContainer"]'))
  .map(label => ({label: label.innerText.trim(), cut: label.scrollWidth > label.clientWidth + 1}))"""


@pytest.mark.parametrize("width", [1280, 390])
def test_every_download_button_label_reads_in_full(browser, app_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    open_explore(page, app_url)
    buttons = page.evaluate(DATA_BUTTONS)
    assert [b["label"] for b in buttons] == ["CSV", "Excel (.xlsx)", "Parquet", "JSON", "Provenance (datapackage.json)"]
    assert [b["label"] for b in buttons if b["cut"]] == []  # none ends in "…"
    context.close()


def test_council_table_with_its_chart(page, app_url):
    open_explore(page, app_url, "?table=Councils")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    assert "(vendor claim) has the largest figure in staff" in chart.inner_text()
    assert "more than 5,000" in chart.inner_text()
    rows, headers, _ = table_on_screen(page)
    assert rows == 43 and headers[0] == "id"
    screenshot(page, "explore-councils")


def test_bad_upload_shows_its_message_and_changes_nothing(page, app_url):
    open_explore(page, app_url, "?breakdown=region")
    before = table_on_screen(page)
    upload_file(page, FIXTURES / "not_a_number.csv")
    assert_no_exception(page)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="was not added")
    assert "row 3, column 'percent': must be a number (found 'twelve')" in alert.inner_text()
    assert table_on_screen(page)[0] == before[0]
    screenshot(page, "explore-bad-upload")


def test_an_upload_in_one_browser_is_invisible_in_another(browser, app_url):
    mine = browser.new_context(viewport={"width": 1440, "height": 900})
    theirs = browser.new_context(viewport={"width": 1440, "height": 900})
    page, other = mine.new_page(), theirs.new_page()
    open_explore(page, app_url, "?breakdown=region")
    open_explore(other, app_url, "?breakdown=region")

    upload_file(page, FIXTURES / "good_survey.csv")
    assert_no_exception(page)
    assert "Added 5 rows as" in page.locator('[data-testid="stAlert"]').filter(has_text="Added").inner_text()
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    assert f"Your data: {MINE}" in chart.inner_text()
    rows = table_on_screen(page)[0]
    assert rows == 24 + 2  # the 24 regional figures and the file's 2 for Yorkshire and The Humber
    screenshot(page, "explore-with-upload")

    other.reload()
    wait_for_app(other)
    assert MINE not in other.locator('[data-testid="stMain"]').inner_text()
    assert table_on_screen(other)[0] == 24
    mine.close()
    theirs.close()


def test_uploaded_text_is_shown_as_text_not_html(page, app_url, tmp_path):
    crafted = tmp_path / "crafted.csv"
    crafted.write_text(
        "breakdown,category,measure,percent\nsector,<img src=x onerror=alert(1)>,ever,40\n", encoding="utf-8"
    )
    open_explore(page, app_url)
    upload_file(page, crafted, source="<b>bold</b> **stars**")
    assert_no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("img[src=x]").count() == 0
    assert "<b>bold</b> **stars**" in main.inner_text()
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    assert "<img src=x onerror=alert(1)> (your data only)" in chart.inner_text()
    assert chart.locator("img").count() == 0
