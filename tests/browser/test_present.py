"""Presentation mode in a real browser at 1920×1080 and 1280×720: full-window slides, no controls but
the slide bar, type sizes and contrast for screen share, keyboard and clicker, downloads that open."""

import io
import struct
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect
from pptx import Presentation

from tests.browser.conftest import SCREENSHOTS, assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (1280, 720)]
FINANCE = "sector=Financial+and+insurance"

# Rendered size and colour of the chart's text, measured in the page: the slide is drawn at
# 1920×1080 and scaled to the window, so a glyph's size on screen is its font size × the scale.
MEASURE_TEXT = """() => {
  const svg = document.querySelector('.st-key-slide-stage .main-svg');
  const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
  const size = el => parseFloat(el.style.fontSize || getComputedStyle(el).fontSize) * scale;
  const fill = el => el.style.fill || getComputedStyle(el).fill;
  const pick = sel => [...document.querySelectorAll('.st-key-slide-stage ' + sel)]
    .filter(el => el.textContent.trim()).map(el => ({text: el.textContent, px: size(el), fill: fill(el)}));
  return {scale, title: pick('.gtitle'), ticks: pick('.xtick text, .ytick text, .xtick2 text, .ytick2 text'),
          labels: pick('.annotation-text, .textpoint text, text.bartext')
            .filter(t => !t.text.startsWith('Source:'))};  // the source line is neither axis nor value
}"""


def contrast(rgb: str, background=(255, 255, 255)) -> float:
    """WCAG 2 contrast ratio of an 'rgb(r, g, b)' colour against the slide's white."""

    def luminance(channels):
        def linear(c):
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (linear(c) for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    channels = [int(float(c)) for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    lighter, darker = sorted((luminance(channels), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def query_of(page) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def window(request, browser, app_url):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    yield page, f"{width}x{height}"
    context.close()


def open_deck(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector(".st-key-slide-stage .main-svg")
    assert_no_exception(page)


def title(page) -> str:
    return page.locator(".st-key-slide-stage .gtitle").first.text_content()


def press_to(page, key: str, number: int) -> None:
    """Press a key and wait until the URL names slide `number` and its chart has replaced the last one."""
    before = title(page)
    page.keyboard.press(key)
    page.wait_for_url(f"**slide={number}**")
    page.wait_for_function(
        "t => { const e = document.querySelector('.st-key-slide-stage .gtitle'); return e && e.textContent !== t; }",
        arg=before,
    )
    wait_for_app(page)


def visible(page, selector: str) -> int:
    return page.locator(selector).evaluate_all("els => els.filter(e => e.offsetParent !== null).length")


def test_present_link_opens_full_window_slides_that_move_with_keys_and_clicker(window, app_url):
    page, size = window
    open_deck(page, f"{app_url}/?present=1&{FINANCE}")
    assert "Financial and insurance staff were 1.7× as likely" in title(page)
    titles = []
    for number in range(1, 6):
        if number > 1:
            press_to(page, "ArrowRight" if number % 2 else "PageDown", number)
            assert query_of(page)["slide"] == str(number)
        assert_no_exception(page)
        # Nothing but the slide and its bar: no sidebar, no selectors, no Streamlit toolbar or header.
        for selector in ('[data-testid="stSidebar"]', '[data-testid="stToolbar"]', '[data-testid="stHeader"]'):
            assert visible(page, selector) == 0, selector
        assert visible(page, '[data-testid="stSelectbox"], [data-testid="stMultiSelect"]') == 0
        assert visible(page, '[data-testid="stTextInput"]') == 0
        # The chart fills the window's width or height, inside it, and nothing scrolls.
        box = page.locator(".st-key-slide-stage .main-svg").first.bounding_box()
        bar = page.locator(".st-key-deck-bar").bounding_box()
        width, height = page.viewport_size["width"], page.viewport_size["height"]
        assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1
        assert box["y"] >= -1 and box["y"] + box["height"] <= bar["y"] + 1
        assert box["width"] >= 0.98 * width or box["height"] >= 0.98 * (height - bar["height"])
        assert abs(box["width"] / box["height"] - 16 / 9) < 0.01
        scrolls = page.evaluate(
            "() => [document.scrollingElement, ...document.querySelectorAll('[data-testid=stMain], "
            "[data-testid=stAppViewContainer]')].some(e => e.scrollHeight > e.clientHeight + 1 || "
            "e.scrollWidth > e.clientWidth + 1)"
        )
        assert not scrolls
        titles.append(title(page))
        screenshot(page, f"present-{size}-slide-{number}", whole_page=False)
    assert len(set(titles)) == 5
    press_to(page, "ArrowLeft", 4)
    press_to(page, "PageUp", 3)
    assert title(page) == titles[2]


def test_type_sizes_and_contrast_at_1920_by_1080(browser, app_url):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    for number in range(1, 6):
        open_deck(page, f"{app_url}/?present=1&{FINANCE}&slide={number}")
        text = page.evaluate(MEASURE_TEXT)
        assert text["title"] and min(t["px"] for t in text["title"]) >= 28, (number, text["title"][:1])
        for kind in ("ticks", "labels"):
            sizes = [t["px"] for t in text[kind]]
            assert sizes, (number, kind)
            small = [t for t in text[kind] if t["px"] < 18]
            assert not small, (number, kind, small[:3])
        low = [t for t in text["title"] + text["ticks"] + text["labels"] if contrast(t["fill"]) < 7]
        assert not low, (number, low[:3])
    context.close()


def test_any_page_switches_on_and_esc_returns_to_it_with_the_selection(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}/age?band=70+and+over")
    wait_for_app(page)
    page.get_by_role("button", name="Present these charts").click()
    page.wait_for_url("**present=1**")
    page.wait_for_selector(".st-key-slide-stage .main-svg")
    wait_for_app(page)
    assert query_of(page)["band"] == "70 and over"
    assert urlparse(page.url).path == "/age"
    # The deck of the pages visited, this one first: it opens on the age band chosen.
    assert query_of(page)["deck"] == "age"
    assert title(page).startswith("Workers aged 70 and over")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !location.search.includes('present')")
    wait_for_app(page)
    assert urlparse(page.url).path == "/age"
    assert page.locator("h1").first.inner_text() == "Homeworking by age"
    assert page.get_by_role("combobox", name="Your age band").input_value() == "70 and over"
    context.close()


def test_esc_in_a_menu_closes_the_menu_and_stays_in_the_deck(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    open_deck(page, f"{app_url}/?present=1&{FINANCE}")
    page.get_by_role("button", name="Edit deck").click()
    menu = page.locator('[data-testid="stPopoverBody"]')
    menu.wait_for()
    menu.get_by_role("button").first.focus()  # a control of the menu, not a text box (which Esc shortcuts skip)
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    page.wait_for_timeout(500)  # long enough for a rerun that would leave the deck
    assert query_of(page).get("present") == "1"
    assert page.locator(".st-key-slide-stage .main-svg").count()
    expect(page.get_by_role("button", name="Edit deck")).to_be_focused()
    page.keyboard.press("Escape")  # with no menu open, Esc leaves the deck
    page.wait_for_function("() => !location.search.includes('present')")
    context.close()


def test_edited_headline_goes_into_the_url_and_a_prepared_link_keeps_it(browser, app_url):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    open_deck(page, f"{app_url}/?present=1&{FINANCE}")
    page.get_by_role("button", name="Edit deck").click()
    field = page.get_by_role("textbox", name="Headline: Your sector against the benchmark")
    field.fill("Finance worked from home <b>most</b>")
    field.press("Enter")
    page.wait_for_url("**headline_sector=**")
    page.keyboard.press("Escape")  # closes the popover
    link = page.url
    again = context.new_page()
    open_deck(again, link)
    assert title(again) == "Finance worked from home <b>most</b>"  # the tags as text, not bold
    context.close()


def test_downloads_png_and_powerpoint_of_the_deck(browser, app_url):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page = context.new_page()
    open_deck(page, f"{app_url}/?present=1&{FINANCE}&slide=2")
    page.get_by_role("button", name="Share").click()
    with page.expect_download(timeout=120_000) as png:
        page.get_by_role("button", name="This slide as PNG 1920 px wide").click()
    data = Path(png.value.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1920, 1080)
    (SCREENSHOTS / "present-download-slide-2.png").write_bytes(data)  # to look at
    with page.expect_download(timeout=180_000) as pptx:
        page.get_by_role("button", name="Download the deck as PowerPoint").click()
    deck = Presentation(io.BytesIO(Path(pptx.value.path()).read_bytes()))
    assert len(deck.slides) == 5
    assert deck.slides[0].shapes.title.text.startswith("Financial and insurance staff were 1.7× as likely")
    assert "+9.1 points" in deck.slides[0].notes_slide.notes_text_frame.text
    context.close()
