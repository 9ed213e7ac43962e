"""Passing a view on, in Chromium: the static page without and with JavaScript (figures, SVG, table; an interactive
chart), the standalone page with no server for plotly.js, an iframe that takes the embed's height, axe on the
static page, and the Share menu: copying a table and a chart, a refused clipboard said in words, the citation, the
keyboard, and presentation mode."""

from __future__ import annotations

import json
import struct
import urllib.request

import lxml.html
import pytest

from lib.render import html
from tests.browser.conftest import SCREENSHOTS, screenshot, wait_for_app
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser
QUERY = "sector=Financial+and+insurance&benchmark=Education"
PLOTTED = ".chart .js-plotly-plot .main-svg"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


@pytest.fixture(scope="module", autouse=True)
def drawn_once(app_url):
    """The server's drawing browser starts with its first drawing: seconds on a quiet machine, past a page load's
    30 s on a very busy one (seen under three busy loops). One page is drawn before the tests, which then time
    the page, not Chromium's start."""
    fetch(f"{app_url}/api/sectors.html?{QUERY}")


@pytest.fixture
def no_script(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_page_shows_its_figures_drawn_chart_and_table(no_script, app_url):
    page = no_script
    page.goto(f"{app_url}/api/sectors.html?{QUERY}")
    assert page.locator("h1").inner_text().startswith("Financial and insurance staff")
    assert page.locator(".metric .value").first.is_visible()
    drawn = page.locator("#chart svg[role=img]")
    assert drawn.is_visible() and drawn.bounding_box()["width"] > 900
    assert page.locator("table tbody tr").count() == 10
    assert page.get_by_role("row", name="Financial and insurance 22.8 38.9").is_visible()
    assert page.locator(".js-plotly-plot").count() == 0
    screenshot(page, "static-page-no-javascript")


def test_with_javascript_the_chart_is_interactive(page, app_url):
    page.goto(f"{app_url}/api/sectors.html?{QUERY}")
    page.wait_for_selector(PLOTTED)
    assert page.locator("#chart svg[role=img]").count() == 0  # the drawn SVG gave way to Plotly's
    bar = page.locator(".chart .js-plotly-plot .point path").first
    bar.hover(force=True)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=10_000)
    assert page.locator(".modebar-btn").count() == 0  # as on the pages: no mode bar in the Tab order
    screenshot(page, "static-page")


def test_the_standalone_page_needs_no_server_for_plotly(page, app_url):
    asked = []
    page.route("**/api/plotly-*", lambda route: (asked.append(route.request.url), route.abort()))
    page.goto(f"{app_url}/api/regions.html?region=Wales&standalone=1")
    page.wait_for_selector(PLOTTED)
    assert not asked
    screenshot(page, "static-page-standalone", whole_page=False)


def test_a_page_whose_plotly_cannot_load_keeps_its_drawn_chart(page, app_url):
    page.route("**/api/plotly-*", lambda route: route.abort())
    page.goto(f"{app_url}/api/age.html")
    page.wait_for_load_state("load")
    assert page.locator("#chart svg[role=img]").is_visible()


RESIZING_PARENT = """<!doctype html><html lang="en"><head><title>An intranet page</title></head><body>
<h1>Our homeworking policy</h1>{iframe}{script}</body></html>"""


def test_an_iframe_takes_the_height_the_embed_reports(browser, app_url):
    context = browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    answer = json.loads(fetch(f"{app_url}/api/oembed?url={urllib.request.quote(app_url + '/sectors?' + QUERY)}"))
    page.set_content(RESIZING_PARENT.format(iframe=answer["html"], script=html.RESIZE_SCRIPT))
    frame = page.frame_locator("iframe")
    frame.locator(PLOTTED).first.wait_for()
    inner = page.frames[1]
    page.wait_for_function(
        "h => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h) < 2",
        arg=inner.evaluate("document.documentElement.getBoundingClientRect().height"),
        timeout=15_000,
    )
    reported = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    assert reported != answer["height"]  # it changed to what the page said …
    assert abs(reported - answer["height"]) / reported < 0.15  # … from a first guess near it
    assert inner.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")  # no scroll bar inside
    screenshot(page, "static-page-embedded")
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_axe_finds_nothing_on_the_static_page(browser, app_url, javascript):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    found = {}
    for path in ("sectors.html", "councils.html", "regions.html?embed=1"):
        url = f"{app_url}/api/{path}"
        if javascript:
            page.goto(url)
            page.wait_for_selector(PLOTTED)
        else:
            open_as_without_javascript(page, url)
        found[path] = axe_violations(page)
    (SCREENSHOTS / f"axe-static-page-{'js' if javascript else 'no-js'}.json").write_text(
        json.dumps({p: [(v["id"], v["impact"], len(v["nodes"])) for v in vs] for p, vs in found.items()}, indent=1)
    )
    listed = [f"{p}: {v['id']} ({v['impact']}) {v['nodes'][0]['target']}" for p, vs in found.items() for v in vs]
    assert not listed, listed  # at any impact
    context.close()


def open_as_without_javascript(page, url: str) -> None:
    """The page as a browser without JavaScript shows it: as the server sent it, its scripts taken out (axe itself
    needs JavaScript, so the browser keeps it on and the page's own never runs)."""
    doc = lxml.html.fromstring(fetch(url))
    for script in list(doc.iter("script")):
        script.drop_tree()
    content = lxml.html.tostring(doc, doctype="<!doctype html>", encoding="unicode")
    page.route(url, lambda route: route.fulfill(body=content, content_type="text/html; charset=utf-8"))
    page.goto(url)
    assert page.locator("#chart svg[role=img]").count() == 1
    page.unroute(url)


# ---- the Share menu ----
def open_share(page, app_url: str, path: str) -> None:
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    page.get_by_role("button", name="Share").click()


@pytest.fixture
def clipboard_page(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    yield context.new_page()
    context.close()


def test_copy_table_puts_tab_separated_figures_with_header_and_source(clipboard_page, app_url):
    page = clipboard_page
    open_share(page, app_url, f"sectors?{QUERY}")
    page.get_by_role("button", name="Copy table").click()
    page.get_by_text("Table copied").wait_for()
    lines = page.evaluate("navigator.clipboard.readText()").split("\r\n")
    assert lines[0].split("\t") == ["Sector", "Week before interview (%)", "Ever (%)"]
    assert "Financial and insurance\t22.8\t38.9" in lines
    assert lines[-2].startswith("Source: ONS Annual Population Survey 2019")
    kinds = page.evaluate("async () => (await navigator.clipboard.read()).flatMap(item => item.types)")
    assert set(kinds) == {"text/plain", "text/html"}  # Word and Teams paste the HTML table


def test_copy_chart_puts_the_1920_by_1080_png_on_the_clipboard(clipboard_page, app_url):
    page = clipboard_page
    open_share(page, app_url, f"sectors?{QUERY}")
    page.get_by_role("button", name="Copy chart").click()
    page.get_by_text("Chart copied").wait_for(timeout=60_000)
    png = page.evaluate(
        """async () => {
            const [item] = await navigator.clipboard.read();
            const bytes = new Uint8Array(await (await item.getType('image/png')).arrayBuffer());
            return Array.from(bytes.slice(0, 24));
        }"""
    )
    assert bytes(png[:8]) == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", bytes(png[16:24])) == (1920, 1080)
    screenshot(page, "share-menu-copied", whole_page=False)


def test_a_refused_clipboard_is_said_in_words_with_the_download(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(
        "navigator.clipboard.write = () => Promise.reject(new DOMException('Denied', 'NotAllowedError'));"
    )
    page = context.new_page()
    open_share(page, app_url, f"sectors?{QUERY}")
    page.get_by_role("button", name="Copy chart").click()
    page.get_by_text("Your browser did not let this page copy the image.").wait_for(timeout=60_000)
    download = page.get_by_role("link", name="Download the PNG instead.")
    assert download.get_attribute("href") == f"{app_url}/api/sectors.png?{QUERY}"
    screenshot(page, "share-menu-refused", whole_page=False)
    context.close()


def test_the_cite_text_holds_the_permalink(page, app_url):
    open_share(page, app_url, "regions?region=Wales")
    page.get_by_role("tab", name="Cite").click()
    reference = page.locator('[data-testid="stCode"]:visible').first.inner_text()
    assert f"{app_url}/regions?region=Wales" in reference and reference.startswith("Office for National Statistics")
    page.get_by_role("tab", name="Embed").click()
    code = page.locator('[data-testid="stCode"]:visible').first.inner_text()
    snippet = lxml.html.fragment_fromstring(code, create_parent=True)
    assert snippet.find("iframe").get("src") == f"{app_url}/api/regions.html?region=Wales&embed=1"
    screenshot(page, "share-menu-embed", whole_page=False)


def test_the_share_menu_is_reached_and_used_with_the_keyboard(clipboard_page, app_url):
    page = clipboard_page
    page.goto(f"{app_url}/age")
    wait_for_app(page)
    share = page.get_by_role("button", name="Share")
    for _ in range(80):
        page.keyboard.press("Tab")
        if share.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Share button")
    page.keyboard.press("Enter")
    copy_chart = page.get_by_role("button", name="Copy chart")
    copy_chart.wait_for()  # the menu's first button has the focus: the keyboard is in the menu, not behind the page
    page.wait_for_function("() => document.activeElement && document.activeElement.shadowRoot !== null")
    assert copy_chart.evaluate("e => e === e.getRootNode().activeElement")
    page.keyboard.press("Tab")
    assert page.get_by_role("button", name="Copy table").evaluate("e => e === e.getRootNode().activeElement")
    page.keyboard.press("Enter")
    page.get_by_text("Table copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()").startswith("Age band\t")


def test_presentation_mode_copies_the_slides_chart(browser, app_url):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page = context.new_page()
    page.goto(f"{app_url}/?present=1&{QUERY}&slide=3")
    wait_for_app(page)
    page.get_by_role("button", name="Share").click()
    page.get_by_role("button", name="Copy chart").click()
    page.get_by_text("Chart copied").wait_for(timeout=60_000)
    size = page.evaluate(
        """async () => {
            const [item] = await navigator.clipboard.read();
            const bytes = new Uint8Array(await (await item.getType('image/png')).arrayBuffer());
            return Array.from(bytes.slice(16, 24));
        }"""
    )
    assert struct.unpack(">II", bytes(size)) == (1920, 1080)
    screenshot(page, "present-share-menu", whole_page=False)
    context.close()
