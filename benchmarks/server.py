"""Server side: each page's script rerun time (AppTest, warm caches) and the server's memory after every page."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright
from streamlit.testing.v1 import AppTest

from benchmarks import harness, stats
from benchmarks.discover import FLOOR_SCRIPT, ROOT, AppPage, views


@dataclass
class Reruns:
    name: str
    seconds: list[float] = field(default_factory=list)
    error: str = ""


def _app_test(page: AppPage | None) -> AppTest:
    """As tests/app/conftest.py::run_page opens a page: run the entry file, switch to the page, apply the query."""
    if page is None:
        return AppTest.from_file(str(ROOT / FLOOR_SCRIPT), default_timeout=120).run()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if not page.default:
        at.run()
        at.switch_page(page.script)
    for key, value in parse_qsl(page.query):
        at.query_params[key] = value
    return at.run()


def time_reruns(page: AppPage | None, count: int) -> Reruns:
    result = Reruns("floor (`benchmarks/floor_app.py`)" if page is None else page.label)
    at = _app_test(page)
    if at.exception:
        result.error = "exception: " + at.exception[0].message.splitlines()[0][:120]
        return result
    at.run()  # not counted: the first rerun after the switch
    for _ in range(count):
        started = time.perf_counter()
        at.run()
        result.seconds.append(time.perf_counter() - started)
    return result


@dataclass
class Memory:
    name: str
    started_mb: float = float("nan")
    visited_mb: float = float("nan")
    with_children_mb: float = float("nan")
    errors: list[str] = field(default_factory=list)


def memory_after_visits(browser, script: str, paths: list[str], name: str) -> Memory:
    """RSS of a fresh server when it answers, and after one browser has opened every path in turn."""
    memory = Memory(name)
    with harness.serving(script) as server:
        memory.started_mb = harness.rss_mb(server.pid)
        context = browser.new_context(viewport=harness.VIEWPORT)
        tab = context.new_page()
        for path in paths:
            try:
                tab.goto(server.url + path, wait_until="commit")
                if tab.evaluate(harness.FIRST_CHART_PAINTED_JS, 90_000) is None:
                    raise PlaywrightTimeout("no chart")
                harness.wait_until_idle(tab)
            except PlaywrightTimeout:
                memory.errors.append(f"{path}: no chart within 90 s")
        context.close()
        memory.visited_mb = harness.rss_mb(server.pid)
        memory.with_children_mb = harness.rss_mb(server.pid, children=True)
    return memory


def measure(count: int) -> tuple[list[Reruns], list[Memory], harness.Load]:
    app_pages = views()
    with harness.measuring_load() as load:
        reruns = [time_reruns(None, count), *(time_reruns(p, count) for p in app_pages)]
        with sync_playwright() as pw:
            browser = harness.launch_browser(pw)
            memory = [
                memory_after_visits(browser, FLOOR_SCRIPT, ["/"], "floor (`benchmarks/floor_app.py`)"),
                memory_after_visits(browser, "dashboard.py", [p.path for p in app_pages], "the app, every page"),
            ]
            browser.close()
    return reruns, memory, load


def report(reruns: list[Reruns], memory: list[Memory], load: harness.Load, count: int) -> str:
    floor, *app = reruns
    floor_median = stats.median(floor.seconds)
    lines = [
        "## Server: rerun time and memory",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')}. Rerun: `AppTest.run()` of the page as "
        f"`tests/app/conftest.py::run_page` opens it, {count} reruns after one uncounted, caches warm "
        "(the script's own time plus AppTest's, no browser).",
        "",
        "| page | median rerun | p95 | ratio to floor | n |",
        "|---|---|---|---|---|",
    ]
    for r in [floor, *app]:
        if r.error:
            lines.append(f"| {r.name} | {r.error} | | | 0 |")
            continue
        median = stats.median(r.seconds)
        lines.append(
            f"| {r.name} | {stats.millis(median)} | {stats.millis(stats.p95(r.seconds))} | "
            f"{stats.times(stats.ratio(median, floor_median))} | {len(r.seconds)} |"
        )
    floor_mem = memory[0]
    lines += [
        "",
        "Memory (RSS) of the `streamlit run` process: when its health check first answers, and after one browser "
        "session has opened every page in turn (each until its chart painted and the script finished).",
        "",
        "| server | at start | after every page | with child processes | ratio to floor | errors |",
        "|---|---|---|---|---|---|",
    ]
    for m in memory:
        lines.append(
            f"| {m.name} | {m.started_mb:.0f} MB | {m.visited_mb:.0f} MB | {m.with_children_mb:.0f} MB | "
            f"{stats.times(stats.ratio(m.visited_mb, floor_mem.visited_mb))} | {'; '.join(m.errors) or '0'} |"
        )
    lines += ["", f"Load: {load.describe()}"]
    return "\n".join(lines)
