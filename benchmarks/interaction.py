"""Interaction: from pressing an option of a selectbox to the updated chart painted, on a warm server.

The time is taken inside the page (performance.now): from the pointer press on the option to the first
animation frame after a chart's text changed, so Playwright's own round trips are not counted. App and
floor take turns, one interaction each, so a burst of load elsewhere falls on both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from benchmarks import harness, stats
from benchmarks.discover import FLOOR_SCRIPT

TARGET_MEDIAN_S = 0.150
TARGET_P95_S = 0.300
UPDATE_TIMEOUT_MS = 30_000
# (URL path, selectbox label): the app's main selection on each comparison page.
APP_SELECTIONS = [("/sectors", "Your sector"), ("/age", "Your age band"), ("/regions", "Your region or nation")]
FLOOR_SELECTION = ("/", "Category")


@dataclass
class Selection:
    name: str
    path: str
    label: str
    seconds: list[float] = field(default_factory=list)
    server_seconds: list[float] = field(default_factory=list)  # press → last server message before the repaint
    errors: list[str] = field(default_factory=list)
    tab: object = None


def change_selection(tab, label: str) -> tuple[float, float | None]:
    """Pick the option after the current one in the selectbox `label`.

    Returns the seconds until the chart repainted, and until the server's last message before that.
    """
    box = tab.get_by_role("combobox", name=label)
    current = box.input_value()
    box.click()
    options = tab.get_by_role("option")
    options.first.wait_for()
    names = [n.strip() for n in options.all_inner_texts()]
    target = names[(names.index(current) + 1) % len(names)] if current in names else names[0]
    tab.evaluate(harness.ARM_INTERACTION_JS)
    tab.get_by_role("option", name=target, exact=True).click()
    tab.wait_for_function(harness.INTERACTION_DONE_JS, polling=50, timeout=UPDATE_TIMEOUT_MS)
    server_ms = tab.evaluate(harness.SERVER_MS_JS)
    return tab.evaluate(harness.INTERACTION_MS_JS) / 1000, None if server_ms is None else server_ms / 1000


def _open(browser, server: harness.Server, selection: Selection) -> None:
    context = browser.new_context(viewport=harness.VIEWPORT)
    context.add_init_script(harness.WEBSOCKET_HOOK_JS)
    tab = context.new_page()
    tab.goto(server.url + selection.path, wait_until="commit")
    if tab.evaluate(harness.FIRST_CHART_PAINTED_JS, 90_000) is None:
        raise RuntimeError(f"{selection.path}: no chart within 90 s")
    harness.wait_until_idle(tab)
    selection.tab = tab


def _step(selection: Selection) -> None:
    tab = selection.tab
    try:
        total, server = change_selection(tab, selection.label)
        selection.seconds.append(total)
        if server is not None:
            selection.server_seconds.append(server)
        harness.wait_until_idle(tab)
        if tab.locator(harness.EXCEPTION).count():
            selection.errors.append("exception box")
    except PlaywrightTimeout:
        selection.errors.append(f"chart not updated within {UPDATE_TIMEOUT_MS / 1000:.0f} s")
        tab.keyboard.press("Escape")
        harness.wait_until_idle(tab)


def measure(count: int) -> tuple[list[Selection], harness.Load]:
    floor = Selection("floor (`benchmarks/floor_app.py`)", *FLOOR_SELECTION)
    app = [Selection(f"`{path}`: “{label}”", path, label) for path, label in APP_SELECTIONS]
    with harness.measuring_load() as load, sync_playwright() as pw:
        browser = harness.launch_browser(pw)
        with harness.serving(FLOOR_SCRIPT) as floor_server, harness.serving("dashboard.py") as app_server:
            _open(browser, floor_server, floor)
            # The root first: a page URL as a fresh server's first request opens Streamlit's pages-directory mode.
            warm = Selection("warm-up", "/", "")
            _open(browser, app_server, warm)
            for selection in app:
                _open(browser, app_server, selection)
            for _ in range(2):  # warm-up interactions, not counted: caches fill on the first reruns
                for selection in [floor, *app]:
                    _step(selection)
            for selection in [floor, *app]:
                selection.seconds.clear()
                selection.server_seconds.clear()
                selection.errors.clear()
            for _ in range(count):
                for selection in [floor, *app]:
                    _step(selection)
        browser.close()
    return [floor, *app], load


def report(selections: list[Selection], load: harness.Load, count: int) -> str:
    floor, *app = selections
    floor_median = stats.median(floor.seconds)
    floor_p95 = stats.p95(floor.seconds)
    lines = [
        "## Interaction",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')}: {count} selections per page on one warm server, app and "
        "floor taking turns. Timed inside the page, from the pointer press on a new option of the selectbox to "
        "the first frame after the chart's text changed (that frame painted). p95 is nearest-rank. "
        f"Targets: median ≤ {TARGET_MEDIAN_S * 1000:.0f} ms, p95 ≤ {TARGET_P95_S * 1000:.0f} ms.",
        "",
        "| selection | median | p95 | median ratio to floor | median target | p95 target | server's part | n "
        "| errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in [floor, *app]:
        median, p95 = stats.median(s.seconds), stats.p95(s.seconds)
        errors = f"{len(s.errors)} ({'; '.join(sorted(set(s.errors)))})" if s.errors else "0"
        lines.append(
            f"| {s.name} | {stats.millis(median)} | {stats.millis(p95)} | "
            f"{stats.times(stats.ratio(median, floor_median))} | "
            f"{stats.verdict(stats.at_most(median, TARGET_MEDIAN_S))} | "
            f"{stats.verdict(stats.at_most(p95, TARGET_P95_S))} | {stats.millis(stats.median(s.server_seconds))} | "
            f"{len(s.seconds)} | {errors} |"
        )
    lines += [
        "",
        "*Server's part*: median time from the press to the last WebSocket message the server sent before the "
        "chart changed (the rerun, the chart's data and the trip over loopback); the rest is the browser "
        f"drawing. Floor p95: {stats.millis(floor_p95)}.",
        "",
        f"Load: {load.describe()}",
    ]
    return "\n".join(lines)
