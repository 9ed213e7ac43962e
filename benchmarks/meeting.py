"""A meeting: many people open the same shared link, then each changes a selection.

One headless Chromium, one browser context per person (its own Streamlit session), all on one warm server.
People join one second apart, as a meeting's link gets clicked: thirty pages starting at the same instant in
one browser on two cores measure the browser compiling Streamlit's frontend thirty times, not the server
(tried: even the floor's pages did not paint within three minutes). Once all pages are up (or have failed),
everyone picks a new option at the same moment, the worst case for the server. An error is an exception
box, a page that never paints its chart, or a chart that does not update. Interaction times are taken in
the page as in the interaction benchmark.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright
from streamlit.runtime import Runtime
from streamlit.testing.v1 import AppTest, app_test

from benchmarks import harness, stats
from benchmarks.discover import FLOOR_SCRIPT, ROOT, SESSION_SCRIPT, pages

TARGET_ERRORS = 0
TARGET_P95_S = 1.0
OPEN_TIMEOUT_MS = 180_000
ARRIVAL_GAP_S = 1.0
UPDATE_TIMEOUT_MS = 60_000
APP_LINK = ("/sectors?sector=Education", "Your sector")
FLOOR_LINK = ("/", "Category")


@dataclass
class Meeting:
    name: str
    link: str
    label: str  # the selectbox each person changes
    open_seconds: list[float] = field(default_factory=list)
    interaction_seconds: list[float] = field(default_factory=list)
    server_seconds: list[float] = field(default_factory=list)  # press → last server message before the repaint
    concurrent_rerun_seconds: list[float] = field(default_factory=list)  # AppTest, everyone at once, no browser
    errors: list[str] = field(default_factory=list)
    p95_per_meeting: list[float] = field(default_factory=list)


async def _attendee(browser, url: str, label: str, person: int, everyone_open: asyncio.Barrier, meeting: Meeting):
    context = await browser.new_context(viewport=harness.VIEWPORT)
    await context.add_init_script(harness.WEBSOCKET_HOOK_JS)
    tab = await context.new_page()
    opened = False
    await asyncio.sleep(person * ARRIVAL_GAP_S)
    try:
        started = time.perf_counter()
        await tab.goto(url, wait_until="commit", timeout=OPEN_TIMEOUT_MS)
        if await tab.evaluate(harness.FIRST_CHART_PAINTED_JS, OPEN_TIMEOUT_MS) is None:
            raise PlaywrightTimeout("no chart")
        await tab.wait_for_function(harness.IDLE_JS, polling=250, timeout=OPEN_TIMEOUT_MS)
        meeting.open_seconds.append(time.perf_counter() - started)
        opened = True
    except PlaywrightTimeout:
        meeting.errors.append(f"page not painted within {OPEN_TIMEOUT_MS / 1000:.0f} s")
    await everyone_open.wait()
    if opened:
        try:
            await _change(tab, label, person, meeting)
        except PlaywrightTimeout:
            meeting.errors.append(f"chart not updated within {UPDATE_TIMEOUT_MS / 1000:.0f} s")
    if await tab.locator(harness.EXCEPTION).count():
        meeting.errors.append("exception box")
    await context.close()


async def _change(tab, label: str, person: int, meeting: Meeting) -> None:
    """Open the selectbox, then pick an option: each person a different one."""
    box = tab.get_by_role("combobox", name=label)
    current = await box.input_value()
    await box.click()
    options = tab.get_by_role("option")
    await options.first.wait_for(timeout=UPDATE_TIMEOUT_MS)
    names = [n.strip() for n in await options.all_inner_texts()]
    others = [n for n in names if n != current]
    await tab.evaluate(harness.ARM_INTERACTION_JS)
    await tab.get_by_role("option", name=others[person % len(others)], exact=True).click(timeout=UPDATE_TIMEOUT_MS)
    await tab.wait_for_function(harness.INTERACTION_DONE_JS, polling=250, timeout=UPDATE_TIMEOUT_MS)
    meeting.interaction_seconds.append(await tab.evaluate(harness.INTERACTION_MS_JS) / 1000)
    server_ms = await tab.evaluate(harness.SERVER_MS_JS)
    if server_ms is not None:
        meeting.server_seconds.append(server_ms / 1000)


async def _hold(browser, server: harness.Server, meeting: Meeting, people: int) -> None:
    before = len(meeting.interaction_seconds)
    everyone_open = asyncio.Barrier(people)
    await asyncio.gather(
        *(
            _attendee(browser, server.url + meeting.link, meeting.label, person, everyone_open, meeting)
            for person in range(people)
        )
    )
    meeting.p95_per_meeting.append(stats.p95(meeting.interaction_seconds[before:]))


async def _measure(people: int, meetings: int) -> list[Meeting]:
    floor = Meeting("floor (`benchmarks/floor_app.py`)", *FLOOR_LINK)
    app = Meeting("the app", *APP_LINK)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_FLAGS, headless=True)
        for script, meeting in ((FLOOR_SCRIPT, floor), ("dashboard.py", app)):
            server = await asyncio.to_thread(harness.launch, script)
            try:
                await _warm(browser, server)
                for _ in range(meetings):
                    await _hold(browser, server, meeting, people)
            finally:
                await asyncio.to_thread(harness.stop, server)
        await browser.close()
    return [floor, app]


async def _warm(browser, server: harness.Server) -> None:
    """The server has been up a while when a meeting starts: one visit to the root first."""
    context = await browser.new_context(viewport=harness.VIEWPORT)
    tab = await context.new_page()
    await tab.goto(server.url, wait_until="commit")
    if await tab.evaluate(harness.FIRST_CHART_PAINTED_JS, OPEN_TIMEOUT_MS) is None:
        raise RuntimeError(f"warm-up: no chart within {OPEN_TIMEOUT_MS / 1000:.0f} s")
    await context.close()


def concurrent_reruns(script: str, page: str | None, key: str, people: int) -> list[float]:
    """The server's share alone: `people` AppTest sessions change the selection `key` at the same moment.

    Each session runs in its own thread, as the server runs each browser session's script; no browser.
    """
    sessions = []
    for _ in range(people):
        at = AppTest.from_file(str(ROOT / script), default_timeout=300).run()
        if page:
            at.switch_page(page).run()
        sessions.append(at)
    start = threading.Barrier(people)

    def change(person: int) -> float:
        box = sessions[person].selectbox(key=key)
        others = [o for o in box.options if o != box.value]
        start.wait()
        started = time.perf_counter()
        box.select(others[person % len(others)]).run()
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=people) as pool, runtime_kept_set():
        return list(pool.map(change, range(people)))


class _KeptRuntime(Runtime):
    """What AppTest's module sees as `Runtime` while sessions run in threads: AppTest points the one Runtime singleton
    at its session's mock for a run and clears it after, so a session that finishes would clear it under the
    others ("Runtime hasn't been created!"). This passes the setting on and drops the clearing."""

    def __setattr__(self, name: str, value) -> None:
        if name == "_instance" and value is not None:
            Runtime._instance = value


@contextmanager
def runtime_kept_set():
    kept = object.__new__(_KeptRuntime)  # a Runtime to look like (AppTest specs its mock on it), never started
    app_test.Runtime = kept
    try:
        yield
    finally:
        app_test.Runtime = Runtime
        Runtime._instance = None


def measure(people: int, meetings: int) -> tuple[list[Meeting], harness.Load]:
    with harness.measuring_load() as load:
        result = asyncio.run(_measure(people, meetings))
        floor, app = result
        floor.concurrent_rerun_seconds = concurrent_reruns(FLOOR_SCRIPT, None, "category", people)
        script = next(p.navigation_path for p in pages() if p.path == APP_LINK[0].split("?")[0])
        app.concurrent_rerun_seconds = concurrent_reruns(SESSION_SCRIPT, script, "sector", people)
    return result, load


def report(results: list[Meeting], load: harness.Load, people: int, meetings: int) -> str:
    floor = results[0]
    lines = [
        "## A meeting",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')}: {meetings} meetings of {people} people each, per app. "
        "Each person is a headless Chromium context (one Chromium, loopback, one warm server per app); "
        f"people open the shared link (`{APP_LINK[0]}` for the app) {ARRIVAL_GAP_S:.0f} s apart, and when all "
        "pages are up everyone picks a new option at the same moment. Interaction timed in the page as above. "
        f"Targets: {TARGET_ERRORS} errors, p95 ≤ {TARGET_P95_S:.0f} s.",
        "",
        "| app | errors | p95 interaction (median of meetings) | p95 of all | median | ratio (p95) to floor | "
        "error target | p95 target | server's part, median | link open, median (p95) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    floor_p95 = stats.median(floor.p95_per_meeting)
    for m in results:
        p95 = stats.median(m.p95_per_meeting)
        errors = f"{len(m.errors)} ({'; '.join(sorted(set(m.errors)))})" if m.errors else "0"
        lines.append(
            f"| {m.name} | {errors} | {stats.millis(p95)} | {stats.millis(stats.p95(m.interaction_seconds))} | "
            f"{stats.millis(stats.median(m.interaction_seconds))} | {stats.times(stats.ratio(p95, floor_p95))} | "
            f"{stats.verdict(len(m.errors) <= TARGET_ERRORS)} | {stats.verdict(stats.at_most(p95, TARGET_P95_S))} | "
            f"{stats.millis(stats.median(m.server_seconds))} | "
            f"{stats.seconds(stats.median(m.open_seconds))} ({stats.seconds(stats.p95(m.open_seconds))}) |"
        )
    lines += [
        "",
        "The server alone, no browser: as many AppTest sessions, each in its own thread, change the selection "
        "at the same moment.",
        "",
        "| app | median rerun | p95 | slowest |",
        "|---|---|---|---|",
    ]
    for m in results:
        r = m.concurrent_rerun_seconds
        lines.append(
            f"| {m.name} | {stats.millis(stats.median(r))} | {stats.millis(stats.p95(r))} | "
            f"{stats.millis(max(r) if r else float('nan'))} |"
        )
    lines += [
        "",
        "*Server's part*: from the press to the last WebSocket message before the chart changed, as seen by a "
        "browser that is itself starved of CPU, so it over-states the server.",
        "",
        "All the people share the benchmark machine's two cores with the server (and with colleagues' work), "
        "which a real meeting, one person per computer, would not: the browser side is far heavier here.",
        "",
        f"Load: {load.describe()}",
    ]
    return "\n".join(lines)
