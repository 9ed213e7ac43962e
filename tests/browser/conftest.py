"""Real-browser harness: one `streamlit run dashboard.py` per test session, driven by Debian's Chromium.

Without Chromium the browser tests skip with the reason, unless REQUIRE_BROWSER=1
(as in CI), where they fail instead.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _require_browser() -> str:
    path = chromium_path()
    if path:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            path = None
    if path:
        return path
    reason = "no Chromium at /usr/bin/chromium (or Playwright missing): apt-get install -y chromium"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(
    script: str = "dashboard.py", port: int | None = None, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run` headless on a free loopback port, `env` added to its environment; return it and its URL."""
    port = port or free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--server.fileWatcherType=none",
            "--browser.gatherUsageStats=false",
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not answer its health check within 60 s")


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    _require_browser()
    proc, url = start_streamlit()
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test leaves a picture of every page it had open (failed-<test>-<n>.png), and says where."""
    report = yield
    browser = item.funcargs.get("browser") if report.when == "call" and report.failed else None
    if browser is not None:
        from playwright.sync_api import Error

        for number, open_page in enumerate(p for context in browser.contexts for p in context.pages):
            path = SCREENSHOTS / f"failed-{item.name}-{number}.png".replace("/", "_")
            try:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                open_page.screenshot(path=str(path), timeout=10_000)
            except Error as err:
                report.sections.append(("page at failure", f"{open_page.url}: no screenshot ({err.message})"))
            else:
                report.sections.append(("page at failure", f"{open_page.url}: {path}"))
    return report


@pytest.fixture(scope="session")
def browser():
    path = _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test (its own cookies and Streamlit session), 1440×900."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def wait_for_app(page, *, charts: int = 1, timeout: float = 30_000) -> None:
    """Wait until the script has finished and at least `charts` Plotly charts have painted."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    if charts:
        page.wait_for_function(
            "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
            arg=charts,
            timeout=timeout,
        )
    # The column's width is reported once the page is out (ui/viewport.py), and that report reruns the page: wait
    # for it, or the page may start its rerun (and fade to stale) just after it looked idle.
    page.wait_for_function("() => window.__homeworkingStep !== undefined", timeout=timeout)
    wait_until_idle(page, timeout=timeout)


_IDLE_WAITS = itertools.count()  # each wait_until_idle starts its quiet period afresh


def wait_until_idle(page, timeout: float = 30_000, quiet_ms: int = 400) -> None:
    """Wait until Streamlit has reported no script running (its status widget gone, no element faded as stale)
    for `quiet_ms` in a row: a rerun a click has asked for may show its signs a moment after the click, so one
    look can fall between them (a likely cause of a download that never came on a loaded CI machine)."""
    page.wait_for_function(
        """([token, quiet]) => {
            const busy = document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]');
            const now = performance.now();
            if (busy || window.__homeworkingIdle?.token !== token) {
                window.__homeworkingIdle = { token, since: busy ? null : now };
                return false;
            }
            window.__homeworkingIdle.since ??= now;
            return now - window.__homeworkingIdle.since >= quiet;
        }""",
        arg=[next(_IDLE_WAITS), quiet_ms],
        timeout=timeout,
    )


def assert_no_exception(page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()


def screenshot(page, name: str, *, whole_page: bool = True) -> Path:
    """Save a PNG; Streamlit scrolls inside its own container, so grow the window to fit first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if whole_page:
        size = page.viewport_size
        height = page.evaluate(
            '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
            '[data-testid="stMainBlockContainer"]\')].map(e => e.scrollHeight), window.innerHeight)'
        )
        page.set_viewport_size({"width": size["width"], "height": int(height) + 40})
        page.wait_for_timeout(400)
        page.screenshot(path=str(path))
        page.set_viewport_size(size)
    else:
        page.screenshot(path=str(path))
    return path


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label`, as a user would, then wait for the rerun."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page)


def selected(page, label: str) -> str:
    """The value a Streamlit selectbox labelled `label` shows."""
    return page.get_by_role("combobox", name=label).input_value()


def metric_values(page) -> list[str]:
    return [m.inner_text() for m in page.locator('[data-testid="stMetricValue"]').all()]


def submit_file(page, path: Path, source: str) -> None:
    """Send `path` through Explore's upload form, named `source`, as a person would: once the file has reached the
    server and 'Check and add' is enabled again. The button is disabled while a file uploads, so a click as the
    upload starts can land on a disabled button and be lost (seen on a loaded CI machine: no answer for two
    minutes)."""
    from playwright.sync_api import expect

    form = page.locator(".st-key-upload-file")
    with page.expect_response(
        lambda r: "/_stcore/upload_file/" in r.url and r.request.method == "PUT", timeout=60_000
    ) as sent:
        form.locator('input[type="file"]').set_input_files(str(path))
    assert sent.value.ok, f"the upload of {path.name} was answered {sent.value.status}"
    form.locator(f'[data-testid="stFileChipName"][title="{path.name}"]').wait_for(timeout=30_000)
    page.locator(".st-key-upload-source input").fill(source)
    button = page.get_by_role("button", name="Check and add")
    expect(button).to_be_enabled(timeout=30_000)
    button.click()
