"""The static page of a view (`/api/<page>.html`) against the floor: first chart paint, throughput and size.

    python benchmarks/static_page.py            # writes its section of benchmarks/results.md
    python benchmarks/static_page.py --quick    # a smoke run, printed only
    python benchmarks/run.py --only static      # the same, as a section of the suite

Targets (issue 22), each measured in the same run as its floor:
- first chart paint of the static page, warm server, a new tab: ≤ 0.3× a one-chart Streamlit app's
  (benchmarks/floor_app.py). Timed in Chromium from the navigation's start to the first frame painted after a
  chart appeared (an observer installed before the page loads). Reported for the drawn SVG (the chart a
  reader first sees, and all a reader without JavaScript gets) and for the interactive Plotly chart, both
  with an empty cache (a new browser context per run: plotly.js fetched too) and a warm one (a new tab of a
  browser profile on disk that has opened the page twice: plotly.js from its cache, and compiled code from
  V8's code cache, which Chromium keeps only on disk and makes on a script's second load — a returning
  reader's browser).
- throughput of a cached static page: ≥ 0.5× the request rate of the server's own `/_stcore/health`, the same
  client (threads with keep-alive connections, gzip accepted as a browser does) in alternating rounds.
- size: under 100 kB of HTML for a typical view, plotly.js aside.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks import harness, stats  # noqa: E402
from benchmarks.discover import FLOOR_SCRIPT  # noqa: E402
from benchmarks.results import write_section  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.md"
QUERY = "sector=Financial+and+insurance&benchmark=Education"
TYPICAL = f"/api/sectors.html?{QUERY}"
PAINT_RATIO, THROUGHPUT_RATIO, SIZE_KB = 0.3, 0.5, 100
CLIENTS = 8  # threads, each with its own keep-alive connection
INTERACTIVE = ".js-plotly-plot .main-svg .trace"
DRAWN = "#chart svg .trace"
# Installed before the page loads: the epoch ms of the first frame painted after each kind of chart appeared.
PAINT_WATCH_JS = """(() => {
    const wanted = {drawn: "DRAWN", interactive: "INTERACTIVE"};
    const seen = window.__chartPaint = {};
    const check = () => {
        for (const [name, selector] of Object.entries(wanted)) {
            if (seen[name] === undefined && document.querySelector(selector)) {
                seen[name] = null;
                requestAnimationFrame(() => setTimeout(() => { seen[name] = performance.now(); }, 0));
            }
        }
    };
    new MutationObserver(check).observe(document, {childList: true, subtree: true});
    document.addEventListener("DOMContentLoaded", () => { seen.scripts = performance.now(); });
})();""".replace("DRAWN", DRAWN).replace("INTERACTIVE", INTERACTIVE)
PAINTED_JS = "name => window.__chartPaint && typeof window.__chartPaint[name] === 'number'"


def first_paints(browser, url: str, kinds: tuple[str, ...], context=None) -> dict[str, float]:
    """Seconds from the navigation's start to each kind of chart painted, in a new context (or a new tab of
    `context`)."""
    own = context is None
    context = context or browser.new_context(viewport=harness.VIEWPORT)
    try:
        tab = context.new_page()
        tab.add_init_script(PAINT_WATCH_JS)
        tab.goto(url, wait_until="commit")
        times = {}
        for kind in kinds:
            tab.wait_for_function(PAINTED_JS, arg=kind, timeout=60_000, polling=50)
            times[kind] = tab.evaluate("name => window.__chartPaint[name]", kind) / 1000
        times["scripts"] = tab.evaluate("() => window.__chartPaint.scripts") / 1000
        tab.close()
        return times
    finally:
        if own:
            context.close()


def paint(browser, warm, app: harness.Server, floor: harness.Server, runs: int) -> dict[str, list[float]]:
    """Rounds of: the floor in a new context, the static page in a new context, the static page in a new tab of
    `warm`, a browser profile on disk."""
    samples: dict[str, list[float]] = {
        "floor": [],
        "floor, warm": [],
        "drawn": [],
        "interactive": [],
        "scripts": [],
        "drawn, warm": [],
        "interactive, warm": [],
    }
    page = app.url + TYPICAL
    first_paints(browser, floor.url, ("interactive",))  # not counted: the floor's first session, the browser's start
    for _ in range(2):  # nor these: the warm profile's cache, and its code cache (made on the second load)
        first_paints(browser, floor.url, ("interactive",), warm)
        first_paints(browser, page, ("drawn", "interactive"), warm)
    for _ in range(runs):
        samples["floor"].append(first_paints(browser, floor.url, ("interactive",))["interactive"])
        samples["floor, warm"].append(first_paints(browser, floor.url, ("interactive",), warm)["interactive"])
        cold = first_paints(browser, page, ("drawn", "interactive"))
        samples["drawn"].append(cold["drawn"])
        samples["interactive"].append(cold["interactive"])
        samples["scripts"].append(cold["scripts"])
        again = first_paints(browser, page, ("drawn", "interactive"), warm)
        samples["drawn, warm"].append(again["drawn"])
        samples["interactive, warm"].append(again["interactive"])
    return samples


def request_rate(url: str, seconds: float) -> float:
    """Requests a second answered 200 (or 304) by CLIENTS threads, each on one keep-alive connection."""
    parts = urlsplit(url)
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    counts = [0] * CLIENTS
    deadline = time.monotonic() + seconds

    def client(i: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < deadline:
            connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{url}: {response.status}")
            counts[i] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def throughput(app: harness.Server, rounds: int, seconds: float) -> dict[str, list[float]]:
    rates: dict[str, list[float]] = {"health": [], "page": []}
    request_rate(app.url + TYPICAL, 1.0)  # warm: the page made and kept, the connections' first requests
    for _ in range(rounds):
        rates["health"].append(request_rate(f"{app.url}/_stcore/health", seconds))
        rates["page"].append(request_rate(app.url + TYPICAL, seconds))
    return rates


def fetch(url: str, gzipped: bool = False) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzipped else {})
    with urllib.request.urlopen(request, timeout=300) as response:
        return response.read()


def sizes(app: harness.Server) -> list[tuple[str, int, int]]:
    """(what, bytes, gzip bytes as served) for each page's default view, the typical view, plotly.js, standalone."""
    from lib import views
    from lib.render import html

    paths = [(f"{p}.html (default view)", f"/api/{p}.html") for p in views.PAGES]
    paths += [
        ("sectors.html, the typical view", TYPICAL),
        (f"plotly.js {html.PLOTLY_VERSION}", f"/api/{html.PLOTLY_FILE}"),
    ]
    paths.append(("regions.html?standalone=1", "/api/regions.html?region=Wales&standalone=1"))
    out = []
    for name, path in paths:
        body = fetch(app.url + path)
        zipped = fetch(app.url + path, gzipped=True)
        assert gzip.decompress(zipped) == body, path
        out.append((name, len(body), len(zipped)))
    return out


def measure(runs: int, rounds: int, seconds: float) -> str:
    with (
        harness.measuring_load() as load,
        sync_playwright() as pw,
        harness.serving("dashboard.py") as app,
        harness.serving(FLOOR_SCRIPT) as floor,
    ):
        fetch(app.url + TYPICAL)  # warm server: the view built, its chart drawn, the page kept
        browser = harness.launch_browser(pw)
        with tempfile.TemporaryDirectory(prefix="bench-profile-") as profile:
            warm = pw.chromium.launch_persistent_context(
                profile, executable_path=harness.CHROMIUM, args=harness.CHROMIUM_FLAGS, viewport=harness.VIEWPORT
            )
            samples = paint(browser, warm, app, floor, runs)
            warm.close()
        browser.close()
        rates = throughput(app, rounds, seconds)
        measured = sizes(app)
    return report(samples, rates, measured, load, runs, rounds, seconds)


def report(samples, rates, measured, load, runs: int, rounds: int, seconds: float) -> str:
    lines = [
        "## The static page: first chart paint, throughput and size",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} by `benchmarks/static_page.py`: `{TYPICAL}` on a warm server "
        f"(view built, chart drawn, page kept), against `{FLOOR_SCRIPT}` (one selectbox, one Plotly chart) on a "
        "server of its own, in the same run. Headless Chromium, loopback.",
        "",
        f"**First chart paint** ({runs} runs each, median; from the navigation's start to the first frame painted "
        "after the chart appeared). *Cold*: a new browser context (empty cache: plotly.js, or Streamlit's frontend, "
        "fetched too). *Warm*: a new tab of a browser profile on disk that has opened both twice (scripts from its "
        "cache and their compiled code from V8's code cache, as in a returning reader's browser); each is compared "
        f"with the floor in the same state. Target: ≤ {PAINT_RATIO}× the floor's.",
        "",
        "| what paints | median | p95 | ratio to floor | target | met |",
        "|---|---|---|---|---|---|",
    ]
    rows = [
        ("floor", "floor: its Plotly chart (cold)", "floor"),
        ("drawn", "static page: the drawn SVG (cold)", "floor"),
        ("interactive", "static page: the interactive chart (cold)", "floor"),
        ("floor, warm", "floor: its Plotly chart (warm)", "floor, warm"),
        ("drawn, warm", "static page: the drawn SVG (warm)", "floor, warm"),
        ("interactive, warm", "static page: the interactive chart (warm)", "floor, warm"),
    ]
    for key, name, against in rows:
        ratio = stats.ratio(stats.median(samples[key]), stats.median(samples[against]))
        target, met = (
            ("—", "—") if key == against else (f"≤ {PAINT_RATIO}×", stats.verdict(stats.at_most(ratio, PAINT_RATIO)))
        )
        lines.append(
            f"| {name} | {stats.millis(stats.median(samples[key]))} | {stats.millis(stats.p95(samples[key]))} | "
            f"{stats.times(ratio)} | {target} | {met} |"
        )
    health, page = stats.median(rates["health"]), stats.median(rates["page"])
    ratio = stats.ratio(page, health)
    lines += [
        "",
        "The chart a reader first sees, and all a reader without JavaScript gets, is the drawn SVG, in the HTML "
        "itself. The interactive chart replaces it once the browser has compiled and run the deferred plotly.js "
        f"(4.8 MB): the page's scripts had run (DOMContentLoaded) at {stats.millis(stats.median(samples['scripts']))} "
        "median (cold), most of the interactive chart's time; a browser that has compiled plotly.js before keeps "
        "the code (warm).",
        "",
        f"**Throughput** ({rounds} alternating rounds of {seconds:.0f} s, {CLIENTS} client threads on keep-alive "
        "connections, gzip accepted; median of the rounds' rates):",
        "",
        "| address | requests a second | each round | ratio to health |",
        "|---|---|---|---|",
        f"| `/_stcore/health` | {health:,.0f} | {', '.join(f'{r:,.0f}' for r in rates['health'])} | 1.00× |",
        f"| `{TYPICAL}` (cached) | {page:,.0f} | {', '.join(f'{r:,.0f}' for r in rates['page'])} | "
        f"{stats.times(ratio)} |",
        "",
        f"Target ≥ {THROUGHPUT_RATIO}× health: {stats.verdict(None if ratio != ratio else ratio >= THROUGHPUT_RATIO)}.",
        "",
        f"**Size** (bytes as served; gzip where the client accepts it). Target: under {SIZE_KB} kB of HTML for a "
        "typical view, plotly.js aside.",
        "",
        "| file | size | gzip |",
        "|---|---|---|",
        *(f"| {name} | {size / 1000:,.1f} kB | {zipped / 1000:,.1f} kB |" for name, size, zipped in measured),
    ]
    typical = next(size for name, size, _ in measured if "typical" in name)
    lines += [
        "",
        f"Typical view: {typical / 1000:.1f} kB — {stats.verdict(typical < SIZE_KB * 1000)}.",
        "",
        load.describe(),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few runs; print, and leave results.md alone")
    args = parser.parse_args()
    body = measure(runs=2 if args.quick else 15, rounds=1 if args.quick else 3, seconds=2 if args.quick else 5)
    print(body)
    if not args.quick:
        write_section(RESULTS, "static", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
