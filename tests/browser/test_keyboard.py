"""The keyboard in a real browser: the Share menu (the view's files among what it holds) within ten Tab stops of the
headline on every page that has one,
a menu that takes focus when it opens and gives it back to its button on Esc, and no chart's mode bar in the Tab
order."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

MOST_STOPS = 10
# Each page with a headline, and a few words of it: Tab is counted from there.
HEADLINES = {
    "": "Public administration",
    "sectors?sector=Financial+and+insurance": "Financial and insurance staff",
    "age": "Workers aged 45-49",
    "regions?region=Wales": "Workers in Wales",
    "councils": "Fastest:",
}
FOCUS = """() => { const a = document.activeElement;
  return { text: (a.innerText || a.getAttribute('aria-label') || '').trim(), inMenu: !!a.closest('[role="dialog"]'),
           onBody: a === document.body,
           testid: (a.closest('[data-testid]') || {dataset: {}}).dataset.testid || '',
           inChart: !!a.closest('.js-plotly-plot') }; }"""


def focus_headline(page, words: str) -> None:
    """Put the keyboard's focus on the headline, as a screen reader's heading navigation would."""
    heading = page.locator('[data-testid="stHeading"]').filter(has_text=words).first
    heading.evaluate("h => { h.setAttribute('tabindex', '-1'); h.focus(); }")


def tabs_to(page, label: str) -> int:
    """Tab until the focus is on the control named `label`; how many stops that took (or MOST_STOPS + 1)."""
    for stop in range(1, MOST_STOPS + 2):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        assert not focused["inChart"], "a chart's mode bar is in the Tab order"
        if label in focused["text"]:
            return stop
    return MOST_STOPS + 1


@pytest.mark.parametrize("address", list(HEADLINES))
def test_the_downloads_are_within_ten_tab_stops_of_the_headline(page, app_url, address):
    page.goto(f"{app_url}/{address}")
    wait_for_app(page, timeout=90_000)
    assert_no_exception(page)
    focus_headline(page, HEADLINES[address])
    assert tabs_to(page, "Share") <= MOST_STOPS  # the menu of the view's files, link, copy, embed and citation
    assert page.locator(".modebar-btn").count() == 0  # no mode bar: seven Tab stops a chart, gone


def test_a_menu_takes_focus_when_it_opens_and_gives_it_back_on_esc(page, app_url):
    page.goto(f"{app_url}/sectors")
    wait_for_app(page, charts=3, timeout=90_000)
    focus_headline(page, "Education staff")
    tabs_to(page, "Share")
    page.keyboard.press("Enter")
    page.get_by_role("dialog").wait_for()
    page.wait_for_timeout(300)
    first = page.evaluate(FOCUS)
    assert first["inMenu"], first  # the menu's first item (the copy buttons, in their component), not the page behind
    stops = []
    for _ in range(8):  # Tab goes round the menu's own items, never to the page behind it
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUS))
    # Never a control of the page behind. Focus may rest on the page's body for a stop when a rerun (a chart
    # redrawn for the column's width, on a busy machine) redraws the control that had it; the next Tab is back in.
    if stops[-1]["onBody"]:
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUS))
    behind = [s for s in stops if not s["inMenu"] and not s["onBody"]]
    assert not behind and stops[-1]["inMenu"], behind or stops[-1]
    assert sum(s["onBody"] for s in stops) <= 1, stops
    assert stops[-1]["text"] != first["text"] or len({s["text"] for s in stops}) > 1
    screenshot(page, "sectors-download-menu-keyboard", whole_page=False)
    page.keyboard.press("Escape")
    page.get_by_role("dialog").wait_for(state="detached")
    page.wait_for_timeout(300)
    back = page.evaluate(FOCUS)
    assert back["testid"] == "stPopoverButton" and "Share" in back["text"]
