"""Accessibility in a real browser: axe-core on every page, text contrast in the charts, keyboard-only use."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from lib import views
from tests.browser.conftest import SCREENSHOTS, assert_no_exception, wait_for_app, wait_until_idle

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}


def page_paths() -> list[str]:
    """URL paths of every page in the navigation (the default page is the root)."""
    return [page.url_path for page in views.PAGES.values()]


def axe_violations(page) -> list[dict]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.response["violations"]


def contrast_ratio(rgb_a, rgb_b) -> float:
    def luminance(rgb):
        channels = []
        for c in rgb:
            c = c / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(rgb_a), luminance(rgb_b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


CHART_TEXT_COLOURS = """() => [...document.querySelectorAll('.js-plotly-plot svg text')]
  .filter(t => t.textContent.trim() && t.getBBox().width > 0)
  .map(t => ({text: t.textContent.trim().slice(0, 40), fill: getComputedStyle(t).fill,
              opacity: parseFloat(getComputedStyle(t).fillOpacity || '1')}))"""


def chart_text_contrasts(page, background=(255, 255, 255)) -> list[tuple[str, float]]:
    """Contrast of every text in every Plotly chart against the chart's white paper."""
    found = []
    for item in page.evaluate(CHART_TEXT_COLOURS):
        rgb = tuple(int(x) for x in re.findall(r"\d+", item["fill"])[:3])
        found.append((item["text"], contrast_ratio(rgb, background)))
    return found


@pytest.mark.parametrize("mode", ["normal", "present"])
@pytest.mark.parametrize("path", page_paths())
def test_axe_finds_nothing_serious_or_critical(page, app_url, path, mode):
    page.goto(f"{app_url}/{path}" + ("?present=1" if mode == "present" else ""))
    wait_for_app(page, charts=1 if path != "explore" or mode == "present" else 0)
    assert_no_exception(page)
    violations = axe_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"axe-{path or 'overview'}-{mode}.json").write_text(
        json.dumps(
            [{k: v[k] for k in ("id", "impact", "help")} | {"nodes": len(v["nodes"])} for v in violations], indent=1
        )
    )
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not blocking, blocking


@pytest.mark.parametrize("path", ["", "sectors"])
def test_chart_text_meets_aa_contrast(page, app_url, path):
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    contrasts = chart_text_contrasts(page)
    assert len(contrasts) > 20
    low = [(text, round(ratio, 2)) for text, ratio in contrasts if ratio < 4.5]
    assert not low, low


def test_sector_can_be_chosen_with_the_keyboard_alone(page, app_url):
    page.goto(f"{app_url}/sectors")
    wait_for_app(page)
    combobox = page.get_by_role("combobox", name="Your sector")
    for _ in range(60):
        page.keyboard.press("Tab")
        if combobox.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the 'Your sector' selector")
    before = combobox.input_value()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_until_idle(page)
    after = page.get_by_role("combobox", name="Your sector").input_value()
    assert after != before
    page.wait_for_function("() => new URL(location.href).searchParams.has('sector')")
    assert_no_exception(page)
