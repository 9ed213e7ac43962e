"""Cold start: from launching `streamlit run` (a fresh server each time) to the first chart painted.

One round opens the floor and then every page of the app, each on its own new server and in a new
browser context (empty cache), so the machine's changing load falls on all of them alike.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from benchmarks import harness, stats
from benchmarks.discover import FLOOR_SCRIPT, AppPage, views

TARGET_RATIO = 1.3
CHART_TIMEOUT_MS = 90_000
FLOOR = AppPage(script=FLOOR_SCRIPT, title="Floor", url_path="", default=True)


@dataclass
class Samples:
    page: AppPage
    total_s: list[float] = field(default_factory=list)  # launch → first chart painted
    server_s: list[float] = field(default_factory=list)  # launch → health check answers
    session_s: list[float] = field(default_factory=list)  # launch → the server's first message to the page
    chart_data_s: list[float] = field(default_factory=list)  # launch → the last message before the chart appeared
    errors: list[str] = field(default_factory=list)
    fallback: int = 0  # runs that landed in Streamlit's pages-directory mode instead of the app's navigation


def one_cold_start(browser, script: str, page: AppPage, titles: list[str], samples: Samples) -> None:
    server = harness.launch(script)
    context = browser.new_context(viewport=harness.VIEWPORT)
    context.add_init_script(harness.WEBSOCKET_HOOK_JS)
    try:
        tab = context.new_page()
        tab.goto(server.url + page.path, wait_until="commit")
        times = tab.evaluate(harness.FIRST_CHART_PAINTED_JS, CHART_TIMEOUT_MS)
        if times is None:
            raise PlaywrightTimeout("no chart")
        samples.total_s.append(times["painted"] / 1000 - server.launched_at)
        samples.server_s.append(server.healthy_at - server.launched_at)
        if times["first"] is not None and times["chart"] is not None:
            samples.session_s.append(times["first"] / 1000 - server.launched_at)
            samples.chart_data_s.append(times["chart"] / 1000 - server.launched_at)
        if tab.locator(harness.EXCEPTION).count():
            samples.errors.append("exception box on the page")
        if titles and not _navigation_shows(tab, titles):
            samples.fallback += 1
    except PlaywrightTimeout:
        samples.errors.append(f"no chart within {CHART_TIMEOUT_MS / 1000:.0f} s")
    finally:
        context.close()
        harness.stop(server)


def _navigation_shows(tab, titles: list[str]) -> bool:
    """True when the sidebar lists the entry file's page titles (not file names, as in the fallback)."""
    links = tab.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    if not links:  # a mode that hides the navigation (presentation)
        return True
    # A link's text is its icon's ligature name, then its title, on separate lines.
    return set(titles) <= {line.strip() for text in links for line in text.splitlines()}


def measure(runs: int) -> tuple[list[Samples], harness.Load]:
    app_pages = views()
    titles = [p.title for p in app_pages if not p.query]
    floor = Samples(FLOOR)
    per_page = [Samples(p) for p in app_pages]
    with harness.measuring_load() as load, sync_playwright() as pw:
        browser = harness.launch_browser(pw)
        # Not counted: the first start after a while reads Python's files from disk, and the browser warms up.
        one_cold_start(browser, FLOOR_SCRIPT, FLOOR, [], Samples(FLOOR))
        one_cold_start(browser, "dashboard.py", app_pages[0], titles, Samples(app_pages[0]))
        for _ in range(runs):
            one_cold_start(browser, FLOOR_SCRIPT, FLOOR, [], floor)
            for samples in per_page:
                one_cold_start(browser, "dashboard.py", samples.page, titles, samples)
        browser.close()
    return [floor, *per_page], load


def report(all_samples: list[Samples], load: harness.Load, runs: int) -> str:
    floor, *app = all_samples
    floor_median = stats.median(floor.total_s)
    lines = [
        "## Cold start",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')}, {runs} runs per page, median. From launching "
        "`streamlit run` (a fresh server each run: headless, loopback, free port, `--server.fileWatcherType none`) "
        "to the first Plotly chart painted in headless Chromium (a new browser context each run, so an empty "
        "cache). Along the way, also from launch: *server up*, its health check answers; *page loaded*, the "
        "server's first WebSocket message reaches the page (the browser has loaded and started Streamlit's "
        "frontend); *chart's data in*, its last message before the chart appeared (the script has run that far). "
        f"Target: ratio to the floor ≤ {TARGET_RATIO}.",
        "",
        "| page | first chart painted | ratio to floor | target | server up | page loaded | chart's data in | runs "
        "| errors |",
        "|---|---|---|---|---|---|---|---|---|",
        _row("floor (`benchmarks/floor_app.py`)", floor, floor_median, target=False),
    ]
    lines += [_row(f"{s.page.title} (`{s.page.path}`)", s, floor_median) for s in app]
    fallback = [s for s in app if s.fallback]
    if fallback:
        lines += [
            "",
            "Opened straight from a fresh server, "
            + ", ".join(f"`{s.page.path}`" for s in fallback)
            + " came up in Streamlit's old pages-directory mode (the sidebar lists file names, not the entry "
            "file's titles, and `st.set_page_config` in `dashboard.py` does not run), because the page scripts "
            "live in the folder Streamlit reserves for that mode. These figures are for that mode, not the app's.",
        ]
    lines += ["", f"Load: {load.describe()}"]
    return "\n".join(lines)


def _row(name: str, s: Samples, floor_median: float, *, target: bool = True) -> str:
    median = stats.median(s.total_s)
    r = stats.ratio(median, floor_median)
    met = stats.verdict(stats.at_most(r, TARGET_RATIO)) if target else "—"
    errors = "; ".join(sorted(set(s.errors))) or "0"
    return (
        f"| {name} | {stats.seconds(median)} | {stats.times(r) if target else '1.00×'} | {met} | "
        f"{stats.seconds(stats.median(s.server_s))} | {stats.seconds(stats.median(s.session_s))} | "
        f"{stats.seconds(stats.median(s.chart_data_s))} | {len(s.total_s)} | {errors} |"
    )
