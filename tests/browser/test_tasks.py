"""Each person's task in the fewest steps (issue 21), in a real browser at 1440×900 and 1280×720, counting what the
person does: every click, choice and key press is one action; waiting for the page is none.

- the presenter, from a chosen region: a deck whose first slide is that region, in at most 2 actions;
- the analyst: filter the council figures by region and export them, in at most 4 actions;
- a council officer: the Councils page answers for their organisation in its own figures.
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from playwright.sync_api import expect

from lib import data
from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app, wait_until_idle

pytestmark = pytest.mark.browser

SIZES = [(1440, 900), (1280, 720)]
PRESENTER_MOST, ANALYST_MOST = 2, 4


class Person:
    """Does things on a page and counts them: each is one action."""

    def __init__(self, page):
        self.page = page
        self.actions = 0

    def click(self, locator) -> None:
        locator.click()
        self.actions += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.actions += 1


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def window(request, browser, app_url):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    yield context.new_page(), f"{width}x{height}"
    context.close()


def slide_title(page) -> str:
    return " ".join(page.locator(".st-key-slide-stage .gtitle").first.text_content().split())


def counter(page) -> str:
    return page.locator(".st-key-deck-counter").inner_text().strip()


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def wait_for_slide(page, previous: str = "") -> None:
    page.wait_for_selector(".st-key-slide-stage .main-svg")
    page.wait_for_function(
        "t => { const e = document.querySelector('.st-key-slide-stage .gtitle'); return e && e.textContent !== t; }",
        arg=previous,
    )
    wait_until_idle(page)


def test_presenter_from_a_chosen_region_gets_a_deck_that_starts_with_it(window, app_url):
    page, size = window
    page.goto(f"{app_url}/regions?region=North+West")  # where the presenter is: the Regions page, North West chosen
    wait_for_app(page)
    person = Person(page)
    person.click(page.get_by_role("button", name="Present these charts"))
    page.wait_for_url("**present=1**")
    wait_for_slide(page)
    assert_no_exception(page)
    assert person.actions <= PRESENTER_MOST
    assert slide_title(page).startswith("Workers in the North West were less likely than all workers in the UK")
    assert query_of(page)["deck"] == ["region"] and urlparse(page.url).path == "/regions"
    assert counter(page) == "1 of 1 · End of the deck"  # one slide: the first is the last, and it says so
    screenshot(page, f"task-present-first-slide-{size}", whole_page=False)

    # "Add a slide" offers the rest; the councils slide for the North West says on the slide that there is none.
    first = slide_title(page)
    page.get_by_role("button", name="Add a slide").click()
    wait_until_idle(page)  # opening the menu reruns the page, which fills it
    page.get_by_role("button", name="The councils timeline").click()
    wait_for_slide(page, first)
    assert page.locator('[data-testid="stPopoverBody"]').count() == 0  # the menu closed: the new slide shows
    assert query_of(page)["deck"] == ["region", "councils"] and query_of(page)["slide"] == ["2"]
    assert counter(page) == "2 of 2 · End of the deck"
    notice = "The sources report no North West council or public body; all organisations shown"
    on_slide = "".join(page.locator(".st-key-slide-stage .js-plotly-plot").first.text_content().split())  # wraps
    assert "".join(notice.split()) in on_slide
    page.keyboard.press("ArrowRight")  # past the end: said, not silent
    page.get_by_text("That was the last slide. Esc leaves the deck.").wait_for()
    screenshot(page, f"task-present-last-slide-{size}", whole_page=False)


def test_the_headline_box_holds_the_generated_headline_to_tweak(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}/sectors?present=1&sector=Financial+and+insurance")
    wait_for_slide(page)
    page.get_by_role("button", name="Edit deck").click()
    field = page.get_by_role("textbox", name="Headline: Your sector against the benchmark")
    expect(field).not_to_have_value("")  # the box is filled as the menu is drawn: wait for it, on a busy machine
    assert "".join(field.input_value().split()) == "".join(slide_title(page).split())  # the title wraps its lines
    assert urlparse(page.url).path == "/sectors" and query_of(page).get("slide") is None  # its own slide is the first
    before = slide_title(page)
    field.fill(field.input_value().replace("Financial and insurance staff", "Our finance staff"))
    field.press("Enter")
    page.wait_for_url("**headline_sector=**")
    page.keyboard.press("Escape")
    wait_for_slide(page, before)
    assert slide_title(page).startswith("Our finance staff were 1.7×")
    context.close()


def test_analyst_filters_the_council_figures_by_region_and_exports_them(window, app_url, tmp_path):
    page, size = window
    page.goto(f"{app_url}/explore")
    wait_for_app(page)
    person = Person(page)
    person.click(page.get_by_role("radiogroup", name="Table").get_by_role("radio", name="Councils"))
    page.wait_for_function("() => new URL(location.href).searchParams.get('table') === 'Councils'")
    wait_until_idle(page)
    region = page.locator(".st-key-region")
    expect(region.get_by_text("Region or nation")).to_have_count(1)  # the Councils page's words
    person.click(region.locator("input"))
    person.click(page.get_by_role("option", name="East of England", exact=True))
    page.wait_for_function("() => new URL(location.href).searchParams.get('region') === 'East of England'")
    wait_until_idle(page)
    screenshot(page, f"task-explore-councils-east-of-england-{size}", whole_page=False)
    with page.expect_download(timeout=60_000) as saved:
        person.click(page.locator(".st-key-download-csv button").first)  # the list of regions may still be open
    assert_no_exception(page)
    assert person.actions <= ANALYST_MOST
    assert saved.value.suggested_filename == "council-rollout-2020-east-of-england.csv"
    rows = pd.read_csv(io.BytesIO(Path(saved.value.path()).read_bytes()))
    figures = data.load_councils()
    assert set(rows["region"]) == {"East of England"}
    assert len(rows) == (figures["region"] == "East of England").sum()


def test_a_council_officer_gets_the_answer_for_their_organisation(window, app_url):
    page, size = window
    page.goto(f"{app_url}/councils?org=Norfolk+County+Council")
    wait_for_app(page, charts=3)
    assert_no_exception(page)
    figures = data.load_councils().set_index("id")
    headline = page.locator('[data-testid="stHeading"]').filter(has_text="Norfolk County Council:").first.inner_text()
    late_march = figures.loc["norfolk-working-from-home"]
    assert headline.startswith(f"Norfolk County Council: {late_march['value_text']} {late_march['measure']}")
    assert figures.loc["norfolk-office-start-of-april", "measure"] in headline
    timeline = page.locator('[data-testid="stPlotlyChart"]').first
    assert "Norfolk County Council (yours)" in timeline.inner_text()
    screenshot(page, f"task-councils-norfolk-{size}")
