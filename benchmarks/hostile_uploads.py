"""Hostile uploads: time to the refusal, the server's and the reader's memory, and another person's page meanwhile.

    python benchmarks/hostile_uploads.py           # 3 runs per file; writes the 'hostile' section of results.md
    python benchmarks/hostile_uploads.py --quick   # 1 run per file, printed only

One `streamlit run dashboard.py` and two browser contexts: the first uploads each crafted file on
Explore; the second, on Sectors, changes its selectbox again and again while the file is read, and
five times just before (idle). Times are taken inside the pages: from the press on "Check and add"
to the refusal shown, and from the press on a new option to the changed chart painted. The resident
memory of the server and of its reading processes (the largest; one is always kept ready for the
next file) is sampled every 20 ms. A last part reads the two worst files with the declared-size
checks switched off, to measure the reader's own limits as the backstop. The files are generated
(tests/hostile_files.py), then removed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `lib`, `tests` and `benchmarks` importable
    sys.path.insert(0, str(ROOT))

from benchmarks import harness, stats  # noqa: E402
from benchmarks.interaction import change_selection  # noqa: E402
from benchmarks.results import write_section  # noqa: E402
from lib.limits import LIMITS  # noqa: E402
from tests import hostile_files  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.md"
SECTION = "hostile"
TARGET_MESSAGE_S, TARGET_SERVER_MB, TARGET_RATIO = 30.0, 1536, 2.0
READER_MB = LIMITS.worker_memory_gb * 1024
IDLE_INTERACTIONS = 5
SOURCE = "Benchmark survey"
# Resolves the press on "Check and add" and the first answer shown (a refusal or "Added"), in performance.now ms.
ARM_MESSAGE_JS = """() => {
    const m = window.__upload = {start: null, shown: null};
    document.addEventListener('pointerdown', () => { m.start ??= performance.now(); }, {capture: true, once: true});
    const answered = () => [...document.querySelectorAll('[data-testid="stAlert"]')]
        .some(e => /was not added|Added [0-9,]+ rows/.test(e.textContent));
    const watch = new MutationObserver(() => {
        if (m.start !== null && m.shown === null && answered()) { m.shown = performance.now(); watch.disconnect(); }
    });
    watch.observe(document.body, {childList: true, subtree: true, characterData: true});
}"""
ANSWERED_JS = "() => window.__upload && window.__upload.shown !== null"
MESSAGE_MS_JS = "() => window.__upload.shown - window.__upload.start"


@dataclass(frozen=True)
class Hostile:
    name: str
    what: str
    make: object
    expected: str  # words the refusal must contain


REFERENCE = "not_a_number.csv"
FILES = [
    Hostile(
        REFERENCE,
        "reference: an ordinary file with one bad cell",
        lambda: (ROOT / "tests" / "fixtures" / "uploads" / "not_a_number.csv").read_bytes(),
        "must be a number",
    ),
    Hostile(
        "parquet_bomb.parquet",
        "Parquet: 30,000,000 identical rows",
        hostile_files.parquet_bomb,
        "declares 30,000,000 rows",
    ),
    Hostile(
        "zip_bomb.xlsx",
        "workbook whose sheet unpacks to 256 MB",
        hostile_files.xlsx_zip_bomb,
        "declares it expands",
    ),
    Hostile(
        "two_million_rows.xlsx",
        "workbook of 2,000,000 real rows",
        lambda: hostile_files.workbook_of(2_000_000),
        "declares 2,000,000 rows",
    ),
    Hostile(
        "two_million_columns.csv",
        "CSV: a header of 2,000,000 columns",
        lambda: hostile_files.csv_of_columns(2_000_000),
        "columns; the limit is 100",
    ),
    Hostile(
        "billion_laughs.xlsx",
        "workbook with XML entity expansion",
        hostile_files.entity_expansion_workbook,
        "declares XML entities",
    ),
    Hostile(
        "zip_in_a_zip.xlsx",
        "workbook holding a zip named as an image",
        hostile_files.zip_inside_a_workbook,
        "holds another archive",
    ),
    Hostile(
        "lying_workbook.xlsx",
        f"workbook declaring 3 rows, holding {LIMITS.xlsx_max_rows + 20_000:,}",
        lambda: hostile_files.workbook_of(LIMITS.xlsx_max_rows + 20_000, declared_rows=3),
        f"has more than {LIMITS.xlsx_max_rows:,} rows",
    ),
    Hostile(
        "slow_workbook.xlsx",
        "workbook declaring 3 rows, holding 100,001 × 40 columns",
        lambda: hostile_files.workbook_of(100_001, declared_rows=3, columns=40),
        "took longer than 25 s",
    ),
]
# Read with the declared-size checks off, by `lib.uploads.reader` directly: its memory limit is what stops them.
BACKSTOP = ("parquet_bomb.parquet", "two_million_columns.csv")


@dataclass
class Run:
    seconds: float
    message: str
    server_mb: float
    reader_mb: float
    idle: list[float]
    during: list[float]
    healthy: bool


@dataclass
class Outcome:
    file: Hostile
    size_mb: float
    runs: list[Run] = field(default_factory=list)


def readers_of(server_pid: int):
    """A callable: the pids of the server's reading processes (the one reading a file, the one kept ready)."""

    def reading(process: psutil.Process) -> bool:
        try:
            return "from lib.uploads.reader import serve" in " ".join(process.cmdline())
        except psutil.Error:  # ended (or a zombie) since it was listed
            return False

    def pids() -> list[int]:
        try:
            return [c.pid for c in psutil.Process(server_pid).children() if reading(c)]
        except psutil.Error:
            return []

    return pids


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


def open_page(browser, url: str):
    context = browser.new_context(viewport=harness.VIEWPORT)
    page = context.new_page()
    page.goto(url, wait_until="commit")
    if page.evaluate(harness.FIRST_CHART_PAINTED_JS, 90_000) is None:
        raise RuntimeError(f"{url}: no chart within 90 s")
    harness.wait_until_idle(page)
    return page


def interact(page) -> float:
    seconds, _ = change_selection(page, "Your sector")
    harness.wait_until_idle(page)
    return seconds


def upload(mine, theirs, server: harness.Server, path: Path) -> Run:
    """One upload of `path` on Explore while the other page keeps changing its selection."""
    idle = [interact(theirs) for _ in range(IDLE_INTERACTIONS)]
    mine.reload(wait_until="commit")  # no answer from the last upload left on the page
    mine.evaluate(harness.FIRST_CHART_PAINTED_JS, 90_000)
    harness.wait_until_idle(mine)
    mine.locator('.st-key-upload-file input[type="file"]').set_input_files(str(path))
    mine.locator('.st-key-upload-file [data-testid="stFileChip"]').wait_for(timeout=120_000)
    mine.wait_for_function(
        "() => !document.querySelector('.st-key-upload-file [data-testid=\"stFileChipIconSpinner\"]')",
        timeout=120_000,
    )
    mine.locator(".st-key-upload-source input").fill(SOURCE)
    mine.evaluate(ARM_MESSAGE_JS)
    during = []
    with (
        harness.PeakRss(lambda: [server.pid], 0.02) as server_peak,
        harness.PeakRss(readers_of(server.pid), 0.02) as reader_peak,
    ):
        mine.get_by_role("button", name=re.compile("Check and add")).click()
        started = time.monotonic()
        while not during or not mine.evaluate(ANSWERED_JS):
            during.append(interact(theirs))
            if time.monotonic() - started > 120:
                break
        mine.wait_for_function(ANSWERED_JS, polling=50, timeout=120_000)
    harness.wait_until_idle(mine)
    message = mine.locator('[data-testid="stAlert"]').first.inner_text()
    return Run(
        seconds=mine.evaluate(MESSAGE_MS_JS) / 1000,
        message=message,
        server_mb=server_peak.peak_mb,
        reader_mb=reader_peak.peak_mb,
        idle=idle,
        during=during,
        healthy=healthy(server.url),
    )


def measure(files: list[Hostile], runs: int, folder: Path) -> tuple[list[Outcome], float, harness.Load]:
    outcomes = [Outcome(f, 0.0) for f in files]
    for outcome in outcomes:
        path = folder / outcome.file.name
        path.write_bytes(outcome.file.make())
        outcome.size_mb = path.stat().st_size / 2**20
        print(f"made {outcome.file.name}: {outcome.size_mb:.1f} MB", flush=True)
    with harness.measuring_load() as load, sync_playwright() as pw, harness.serving("dashboard.py") as server:
        browser = harness.launch_browser(pw)
        open_page(browser, server.url)  # the root first: a fresh server's first request must not be a deep link
        theirs = open_page(browser, f"{server.url}/sectors")
        mine = open_page(browser, f"{server.url}/explore")
        for _ in range(2):
            interact(theirs)  # warm-up, not counted
        warm = folder / "warm.csv"
        warm.write_bytes((ROOT / "tests" / "fixtures" / "uploads" / "good_survey.csv").read_bytes())
        upload(mine, theirs, server, warm)
        for _ in range(runs):
            for outcome in outcomes:
                run = upload(mine, theirs, server, folder / outcome.file.name)
                outcome.runs.append(run)
                print(
                    f"{outcome.file.name}: {run.seconds:.2f} s, server {run.server_mb:,.0f} MB, reader "
                    f"{run.reader_mb:,.0f} MB, idle {stats.median(run.idle) * 1000:.0f} ms, during "
                    f"{stats.median(run.during) * 1000:.0f} ms (n={len(run.during)})",
                    flush=True,
                )
        server_hwm = _high_water_mb(server.pid)
        browser.close()
    return outcomes, server_hwm, load


def _high_water_mb(pid: int) -> float:
    """The most resident memory the process has had since it started (Linux VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def backstop(folder: Path) -> list[tuple[str, float, float, str]]:
    """The worst files read with the declared-size caps lifted: the reader's 2 GB limit ends them."""
    from lib.data import load_homeworking
    from lib.uploads.parse import UploadError
    from lib.uploads.reader import Reader

    trusting = Reader(replace(LIMITS, max_rows=10**12, max_columns=10**9, max_cells=10**15, max_decoded_mb=10**6))
    hw = load_homeworking()
    trusting.read((ROOT / "tests" / "fixtures" / "uploads" / "good_survey.csv").read_bytes(), "w.csv", SOURCE)
    rows = []
    for name in BACKSTOP:
        data = (folder / name).read_bytes()
        started = time.monotonic()
        with harness.PeakRss(lambda: trusting.pids, 0.01) as peak:
            try:
                trusting.read(data, name, SOURCE, reference=hw)
                message = "read (not refused)"
            except UploadError as err:
                message = err.problems[0].rule
        rows.append((name, time.monotonic() - started, peak.peak_mb, message))
        print(f"backstop {name}: {rows[-1][1]:.1f} s, reader {peak.peak_mb:,.0f} MB: {message}", flush=True)
    return rows


def report(outcomes: list[Outcome], server_hwm: float, backstops: list, load: harness.Load, runs: int) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Hostile uploads: refused in words, with the server and other people's pages unharmed",
        "",
        f"Measured {when} by `python benchmarks/hostile_uploads.py`: {runs} run(s) per file on one "
        "`streamlit run dashboard.py`. One browser context uploads each file on Explore; another, on Sectors, "
        f"changes its selectbox {IDLE_INTERACTIONS} times just before (idle) and again and again from the press on "
        "'Check and add' until the answer is shown (during; at least once, so a refusal faster than one "
        "interaction still counts one). Times are taken inside the pages. Memory is resident memory sampled "
        "every 20 ms: the server process, and the processes reading files (the largest of them; one is "
        "always kept ready, warmed up, for the next file). Targets: message ≤ 30 s, server ≤ 1.5 GB, reader ≤ "
        "its limit "
        f"({LIMITS.worker_memory_gb:g} GB), the other page's median during ≤ 2× its idle median.",
        "",
        "| file | what it is | size | time to the message (median; worst) | the message begins | server peak "
        "| reader peak | other page idle | other page during (n) | during ÷ idle | targets |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    misses = []
    for o in outcomes:
        seconds = [r.seconds for r in o.runs]
        idle = [t for r in o.runs for t in r.idle]
        during = [t for r in o.runs for t in r.during]
        server_mb = max(r.server_mb for r in o.runs)
        reader_mb = max(r.reader_mb for r in o.runs)
        ratio = stats.ratio(stats.median(during), stats.median(idle))
        said = all(o.file.expected in r.message for r in o.runs)
        checks = {
            "message": max(seconds) <= TARGET_MESSAGE_S and said,
            "server": server_mb <= TARGET_SERVER_MB,
            "reader": reader_mb <= READER_MB,
            "other page": ratio <= TARGET_RATIO,
            "health": all(r.healthy for r in o.runs),
        }
        missed = [k for k, ok in checks.items() if not ok]
        misses += [f"{o.file.name}: {k}" for k in missed]
        first = o.runs[0].message.split("the first: ", 1)[-1].replace("\n", " ").removeprefix("the table: ")
        lines.append(
            f"| `{o.file.name}` | {o.file.what} | {o.size_mb:,.1f} MB | {stats.seconds(statistics.median(seconds))}; "
            f"{stats.seconds(max(seconds))} | {first[:110]}… | {server_mb:,.0f} MB | {reader_mb:,.0f} MB "
            f"| {stats.millis(stats.median(idle))} | {stats.millis(stats.median(during))} ({len(during)}) "
            f"| {stats.times(ratio)} | {'all met' if not missed else '**missed: ' + ', '.join(missed) + '**'} |"
        )
    reference = next((o for o in outcomes if o.file.name == REFERENCE), None)
    if reference:
        idle = stats.median([t for r in reference.runs for t in r.idle])
        during = stats.median([t for r in reference.runs for t in r.during])
        lines += [
            "",
            "For a file refused in under a second, 'during' is the one or two selections that coincide with the "
            "uploader's own rerun of the Explore page, which pressing 'Check and add' starts whatever the file: the "
            f"ordinary file in the first row costs the other page {stats.times(stats.ratio(during, idle))} too. For "
            "the files read for seconds in the reading process, the other page's selections run beside it.",
        ]
    lines += [
        "",
        f"The server's own high-water mark over the whole run (Linux VmHWM, every upload above included): "
        f"**{server_hwm:,.0f} MB** (target ≤ {TARGET_SERVER_MB:,} MB). The health endpoint answered after every "
        f"upload: {'yes' if all(r.healthy for o in outcomes for r in o.runs) else '**no**'}.",
        "",
        "### The reader's limits as the backstop",
        "",
        "The same reader with the declared-size caps lifted (rows, columns, cells, unpacked size), called directly: "
        "the files are decoded, and the reader's address-space limit is what ends them.",
        "",
        "| file | time to the message | reader peak | message |",
        "|---|---:|---:|---|",
        *(
            f"| `{name}` | {stats.seconds(seconds)} | {mb:,.0f} MB | {message} |"
            for name, seconds, mb, message in backstops
        ),
        "",
        f"**{'Every target met.' if not misses else 'Missed: ' + '; '.join(misses) + '.'}**",
        "",
        f"Machine: {load.describe()}",
    ]
    return "\n".join(lines)


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one run per file; print only")
    parser.add_argument("--runs", type=int, default=3, help="uploads of each file (default 3)")
    parser.add_argument("--only", help="comma-separated file names (default: every file); print only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    runs = 1 if args.quick else args.runs
    files = [f for f in FILES if not args.only or f.name in args.only.split(",")]
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as folder:
        outcomes, server_hwm, load = measure(files, runs, Path(folder))
        backstops = backstop(Path(folder)) if not args.only else []
    text = report(outcomes, server_hwm, backstops, load, runs)
    print(text)
    if not args.quick and not args.only:
        write_section(RESULTS, SECTION, text)
        print(f"wrote the '{SECTION}' section of {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
