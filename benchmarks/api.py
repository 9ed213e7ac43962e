"""The API on a warm server: time per format, and a page user's interaction while ten PDF briefs are drawn.

    python benchmarks/api.py            # writes its section of benchmarks/results.md
    python benchmarks/api.py --quick    # a smoke run, printed only

Each request is timed from the client (urllib, loopback) to the last byte: what a reporting job
waits. Targets (issue 11): CSV, JSON and Parquet ≤ 50 ms median; PNG and SVG ≤ 1 s; PDF ≤ 2 s;
PowerPoint ≤ 3 s; the page user's median interaction during ten concurrent PDFs ≤ 2× idle.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks import harness, interaction, stats  # noqa: E402
from benchmarks.results import write_section  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.md"
QUERY = "sector=Financial+and+insurance&benchmark=Education"
TARGETS_S = {"csv": 0.05, "json": 0.05, "parquet": 0.05, "png": 1.0, "svg": 1.0, "pdf": 2.0, "pptx": 3.0}
SECTORS = [
    "Information and communication",
    "Professional, scientific and technical",
    "Financial and insurance",
    "Education",
    "Arts, entertainment and recreation",
    "Public administration and defence",
    "Administration and support services",
    "Manufacturing",
    "Health and social work",
    "Transport and storage",
]
# Every (sector, benchmark) pair is an address of its own: a first request for each is never answered from memory.
ADDRESSES = [urlencode({"sector": a, "benchmark": b}) for a in SECTORS for b in SECTORS if a != b]


def fetch(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=300) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - start


def per_format(server: harness.Server, repeats: dict[str, int]) -> dict[str, tuple[list[float], list[float]]]:
    """Per format: times for addresses asked for the first time, and for one address asked again."""
    times = {}
    fresh = iter(ADDRESSES)
    fetch(f"{server.url}/api/sectors.png?{next(fresh)}")  # warm: Chromium's first start, the first figure
    for fmt, count in repeats.items():
        first = [fetch(f"{server.url}/api/sectors.{fmt}?{next(fresh)}") for _ in range(count)]
        again = [fetch(f"{server.url}/api/sectors.{fmt}?{QUERY}") for _ in range(count + 1)][1:]
        times[fmt] = (first, again)
    return times


def interactions(tab, count: int) -> list[float]:
    out = []
    for _ in range(count):
        seconds, _ = interaction.change_selection(tab, "Your sector")
        out.append(seconds)
        harness.wait_until_idle(tab)
    return out


def drawn_or_refused(url: str) -> tuple[float, bool]:
    """The time to the answer, and whether it was the file (True) or the queue's 503 refusal (False): one client
    asking for ten drawings at once is more than its share (`lib.limits.Drawing.queued_per_client`)."""
    start = time.perf_counter()
    try:
        fetch(url)
    except urllib.error.HTTPError as refused:
        if refused.code != 503:
            raise
        return time.perf_counter() - start, False
    return time.perf_counter() - start, True


def during_briefs(server: harness.Server, tab, briefs: int) -> tuple[list[float], list[tuple[float, bool]], float]:
    """Interactions while `briefs` PDFs are asked for at once; the PDFs' answers; the wall time to the last."""
    urls = [f"{server.url}/api/sectors.pdf?{address}" for address in ADDRESSES[-briefs:]]  # none asked before
    start = time.perf_counter()
    with ThreadPoolExecutor(briefs) as pool:
        jobs = [pool.submit(drawn_or_refused, url) for url in urls]
        seen: list[float] = []
        while not all(job.done() for job in jobs):
            seen += interactions(tab, 1)
        pdfs = [job.result() for job in jobs]
    return seen, pdfs, time.perf_counter() - start


def measure(quick: bool) -> str:
    # 76 first requests, and the last 10 addresses kept for the briefs: of 90 addresses, none is asked twice.
    counts = {"csv": 15, "json": 15, "parquet": 15, "xlsx": 8, "png": 6, "svg": 6, "pdf": 6, "pptx": 3, "zip": 2}
    repeats = {fmt: 2 if quick else n for fmt, n in counts.items()}
    with harness.measuring_load() as load, sync_playwright() as pw, harness.serving("dashboard.py") as server:
        times = per_format(server, repeats)
        browser = harness.launch_browser(pw)
        tab = browser.new_context(viewport=harness.VIEWPORT).new_page()
        tab.add_init_script(harness.WEBSOCKET_HOOK_JS)
        tab.goto(f"{server.url}/sectors", wait_until="commit")
        tab.evaluate(harness.FIRST_CHART_PAINTED_JS, 90_000)
        harness.wait_until_idle(tab)
        interactions(tab, 2)  # warm
        idle = interactions(tab, 3 if quick else 15)
        busy, pdfs, wall = during_briefs(server, tab, 10)
        idle_after = interactions(tab, 3 if quick else 10)
        browser.close()
    return report(times, idle + idle_after, busy, pdfs, wall, load)


def report(times, idle, busy, pdfs, wall, load) -> str:
    lines = [
        "## The API: every view as a file",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} UTC on a warm server: `/api/sectors.<format>?{QUERY}`, "
        "client-side time to the last byte over loopback.",
        "",
        "A *first* request is for an address not asked for before (every sector against every other: 90 "
        "addresses); *again* is one address asked repeatedly, answered from the day's files in memory.",
        "",
        "| format | requests | first: median | first: p95 | again: median | target (median, first) | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for fmt, (first, again) in times.items():
        target = TARGETS_S.get(fmt)
        met = stats.at_most(stats.median(first), target) if target else None
        limit = stats.millis(target) if target else "—"
        lines.append(
            f"| {fmt} | {len(first)} + {len(again)} | {stats.millis(stats.median(first))} | "
            f"{stats.millis(stats.p95(first))} | {stats.millis(stats.median(again))} | {limit} | {stats.verdict(met)} |"
        )
    ratio = stats.ratio(stats.median(busy), stats.median(idle))
    drawn = [seconds for seconds, made in pdfs if made]
    refused = [seconds for seconds, made in pdfs if not made]
    lines += [
        "",
        f"**Ten PDF briefs asked for at once** by one client (through the drawing queue, `lib.limits.Drawing`): "
        f"the last answer came after {stats.seconds(wall)}. {len(drawn)} were drawn, each in "
        f"{stats.seconds(stats.median(drawn or [0.0]))} median, {stats.seconds(max(drawn, default=0.0))} at most, "
        "waiting for its turn "
        f"included; {len(refused)} were refused at once with 503 and Retry-After (more than one client's share of "
        f"the queue), slowest refusal {stats.seconds(max(refused, default=0.0))}.",
        "",
        f"A page user changing the Sectors page's selection meanwhile: {len(busy)} interactions, median "
        f"{stats.millis(stats.median(busy))} (p95 {stats.millis(stats.p95(busy))}), against "
        f"{stats.millis(stats.median(idle))} idle ({len(idle)} interactions): {stats.times(ratio)} — target ≤ 2×: "
        f"{stats.verdict(stats.at_most(ratio, 2.0))}.",
        "",
        load.describe(),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    body = measure(args.quick)
    print(body)
    if not args.quick:
        write_section(RESULTS, "api", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
