"""Uploads at scale: time and peak memory to read, validate and filter 10k, 100k and 1M rows of the user's figures.

    python benchmarks/upload_scale.py           # CSV, Parquet, JSON at 10k/100k/1M; spreadsheets at 10k/50k
    python benchmarks/upload_scale.py --quick   # 10k and 100k, one run each, printed only

Each run is a fresh Python process standing for the server (so its peak memory is its own): it reads the
file's bytes as Streamlit holds an upload, then times `lib.uploads.reader.Reader.read` as the page calls it (the
file read, tidied, matched and validated by `lib.uploads.parse` in a separate, limited process, the rows brought
back) and the Explore page's work on the result (`lib.explore.combine`, `filter_view` with a search,
`percent_bands`). The reading process's own peak is sampled apart. Figures are medians over the runs; the
target is 1,000,000 rows in 5 s or less and 1.5 GB or less in the server, the reader within its limit.
The synthetic files are written to a temporary folder and removed; they hold no one's data.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `lib` and `benchmarks` importable
    sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402
from benchmarks.results import write_section  # noqa: E402
from lib.limits import LIMITS  # noqa: E402
from tests import hostile_files  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.md"
SECTION = "upload"
SIZES = (10_000, 100_000, 1_000_000)
EXCEL_SIZES = (10_000, LIMITS.xlsx_max_rows)  # the most rows a workbook may have (lib/limits.py)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")  # writes the .xls files; without it, none
TARGET_S, TARGET_MB = 5.0, 1536
READER_MB = 2048  # the reading process's own limit (lib.limits: worker_memory_gb)
REGIONS = [
    "North East",
    "North West",
    "Yorkshire and The Humber",  # matched to the 2019 label "Yorkshire & Humber"
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
    "Scotland",
    "Northern Ireland",
]


def synthetic(rows: int, seed: int = 6) -> pd.DataFrame:
    """A valid upload of `rows` rows: the twelve regions in the ONS's own spelling, then numbered sites.

    Two measures per category, week before never above ever, one decimal like the source.
    """
    rng = np.random.default_rng(seed)
    categories = rows // 2
    names = REGIONS + [f"Site {i:07d}" for i in range(categories - len(REGIONS))]
    breakdown = ["region"] * len(REGIONS) + list(np.resize(["sector", "age", "region"], categories - len(REGIONS)))
    week = rng.uniform(0, 40, categories).round(1)
    ever = np.minimum(week + rng.uniform(0, 50, categories), 100).round(1)
    return pd.DataFrame(
        {
            "breakdown": np.repeat(breakdown, 2),
            "category": np.repeat(names, 2),
            "measure": np.tile(["week_prior", "ever"], categories),
            "percent": np.column_stack([week, ever]).ravel(),
        }
    )


def write_file(frame: pd.DataFrame, folder: Path, fmt: str) -> Path:
    path = folder / f"upload-{len(frame)}.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    elif fmt == "json":  # as the JSON download and pandas write rows: an array of objects
        frame.to_json(path, orient="records", force_ascii=False)
    elif fmt == "ods":  # as LibreOffice holds a sheet: text cells, and figures as float cells with their display
        rows = [frame.columns, *frame.astype(str).itertuples(index=False)]
        cells = [[hostile_files.ods_text(c) for c in row] for row in rows]
        for row, (_, percent) in zip(cells[1:], frame["percent"].items(), strict=True):
            row[-1] = hostile_files.ods_number(str(percent), f"{percent:.1f}")
        sheet = hostile_files.ods_sheet("Data", *(hostile_files.ods_row(*r) for r in cells))
        path.write_bytes(hostile_files.ods_of(sheet))
    elif fmt == "xls":  # Excel 97–2003, as LibreOffice saves the .xlsx (nothing in Python writes one now)
        xlsx = write_file(frame, folder, "xlsx")
        convert = [SOFFICE, "--headless", "--convert-to", "xls", "--outdir", str(folder), str(xlsx)]
        subprocess.run(convert, check=True, capture_output=True, timeout=600)
        xlsx.unlink()
    else:
        frame.to_excel(path, index=False)
    return path


def rss_mb() -> float:
    """Resident memory of this process now (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_run(path: Path) -> dict:
    """In this (fresh) process: the upload and the page's filtering, timed; peak memory at the end."""
    from lib import explore
    from lib.data import load_homeworking
    from lib.uploads.reader import Reader

    built_in = load_homeworking()
    reader = Reader()
    reader.read(
        synthetic(100).to_csv(index=False).encode(), "warm.csv", "Warm-up", reference=built_in
    )  # as on a server
    data = path.read_bytes()
    before_mb = rss_mb()
    marks = {}
    cpu_started = time.process_time()
    started = time.perf_counter()

    def progress(fraction: float, message: str) -> None:
        marks.setdefault(fraction, time.perf_counter() - started)

    with harness.PeakRss(lambda: reader.pids) as reading:
        result = reader.read(data, path.name, "Benchmark survey", reference=built_in, progress=progress)
    upload_s = time.perf_counter() - started
    begun = time.perf_counter()
    table = explore.combine(explore.HOMEWORKING, built_in, result.rows)
    combine_s = time.perf_counter() - begun
    begun = time.perf_counter()
    view = explore.filter_view(
        table, explore.HOMEWORKING, explore.Filters(groups=("region",), search="site 00", sort="percent (descending)")
    )
    explore.percent_bands(view)
    filter_s = time.perf_counter() - begun
    cpu_s = time.process_time() - cpu_started
    return {
        "rows": len(result.rows),
        "read_s": marks.get(0.35, float("nan")),
        "tidy_match_s": marks.get(0.6, float("nan")) - marks.get(0.35, float("nan")),
        "validate_s": marks.get(0.95, float("nan")) - marks.get(0.6, float("nan")),
        "upload_s": upload_s,
        "combine_s": combine_s,
        "filter_s": filter_s,
        "total_s": upload_s + combine_s + filter_s,
        "cpu_s": cpu_s,
        "filtered_rows": len(view),
        "before_mb": before_mb,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "reader_mb": reading.peak_mb,
    }


def measure(path: Path, runs: int) -> list[dict]:
    """`runs` fresh processes, one after another, each reading `path`."""
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(path)], capture_output=True, text=True, cwd=ROOT, check=True
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return results


def summarise(fmt: str, size_mb: float, runs: list[dict]) -> dict:
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k not in ("rows", "filtered_rows")}
    return {
        "format": fmt,
        "rows": runs[0]["rows"],
        "size_mb": size_mb,
        "runs": len(runs),
        "worst_total_s": max(r["total_s"] for r in runs),
        "worst_peak_mb": max(r["peak_mb"] for r in runs),
        "worst_reader_mb": max(r["reader_mb"] for r in runs),
        **med,
    }


def table(rows: list[dict]) -> str:
    head = (
        "| rows | format | file | read | tidy + match labels | validate | upload | combine with the 2019 table "
        "(once per upload) | filter + search + sort + bands (each change) | **file to filtered view** (worst) "
        "| CPU time, this process | **server peak** (worst) | server before the upload | **reader peak** (worst) |\n"
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = [
        f"| {r['rows']:,} | {r['format']} | {r['size_mb']:.1f} MB | {r['read_s']:.2f} s | {r['tidy_match_s']:.2f} s "
        f"| {r['validate_s']:.2f} s | {r['upload_s']:.2f} s | {r['combine_s']:.2f} s | {r['filter_s']:.2f} s "
        f"| **{r['total_s']:.2f} s** ({r['worst_total_s']:.2f} s) | {r['cpu_s']:.2f} s "
        f"| **{r['peak_mb']:,.0f} MB** ({r['worst_peak_mb']:,.0f} MB) | {r['before_mb']:,.0f} MB "
        f"| **{r['reader_mb']:,.0f} MB** ({r['worst_reader_mb']:,.0f} MB) |"
        for r in rows
    ]
    return head + "\n".join(lines)


def verdict(rows: list[dict]) -> str:
    million = [r for r in rows if r["rows"] == 1_000_000]
    if not million:
        return "The million-row files were not measured in this run."
    parts = []
    for r in million:
        ok = r["total_s"] <= TARGET_S and r["worst_peak_mb"] <= TARGET_MB and r["worst_reader_mb"] <= READER_MB
        parts.append(
            f"{r['format']}: {r['total_s']:.2f} s from file to filtered view (median), server peak "
            f"{r['worst_peak_mb']:,.0f} MB and reader peak {r['worst_reader_mb']:,.0f} MB (worst run) — "
            f"{'within' if ok else 'OUTSIDE'} the target of {TARGET_S:.0f} s, {TARGET_MB:,} MB and {READER_MB:,} MB"
        )
    return "1,000,000 rows — " + "; ".join(parts) + "."


def report(rows: list[dict], load: harness.Load, runs: int) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "## Uploads: reading, validating and filtering the user's own figures\n\n"
        f"Measured {when} by `python benchmarks/upload_scale.py`: medians of {runs} runs, each in a fresh "
        "process standing for the server ('server peak' is that whole process: Python, pandas, the file's bytes as "
        "Streamlit holds them, the validated rows brought back and the combined table). 'Upload' is "
        "`lib.uploads.reader.Reader.read`, as the page calls it: the file sent to a separate reading process (started "
        "and "
        "warmed up before the file arrives, limited to 2 GB and 25 s), read, tidied, matched and validated there, "
        "the rows brought back as Arrow IPC; 'reader peak' is that process's resident memory, sampled every 10 ms. "
        "Then the Explore page's work on them: the uploaded rows put beside the "
        "2019 table (once per upload; the page keeps the result in the session), then filtered to one breakdown "
        "with a search and a "
        "sort and counted into the chart's 5-point bands (on every change of a filter). 'File to filtered view' is "
        "the sum, the wait after pressing 'Check and add' before drawing. On a shared machine wall-clock times "
        "grow with other people's load (see the last line); the CPU time this process used is less affected.\n\n"
        "Synthetic files: the twelve regions in the ONS's own spelling (so label matching runs), "
        "then numbered sites on both measures.\n\n"
        f"{table(rows)}\n\n"
        f"**{verdict(rows)}** Spreadsheets at 1,000,000 rows are not measured: Excel and OpenDocument files are "
        f"read cell by cell (see the {LIMITS.xlsx_max_rows:,}-row figures, the most a spreadsheet may have), so the "
        "page points large uploads to CSV or Parquet.\n\n"
        f"Machine: {load.describe()}"
    )


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10k and 100k rows, one run each; print only")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per file (default 3)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: one measured run in this process
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if args.one:
        print(json.dumps(one_run(args.one)))
        return
    sizes = SIZES[:2] if args.quick else SIZES
    runs = 1 if args.quick else args.runs
    rows = []
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as folder, harness.measuring_load() as load:
        for size in sorted({*sizes, *EXCEL_SIZES}):
            frame = synthetic(size)
            spreadsheets = ["xlsx", "ods", *(["xls"] if SOFFICE else [])] if size in EXCEL_SIZES else []
            formats = [f for f in ("csv", "parquet", "json") if size in sizes] + spreadsheets
            for fmt in formats:
                path = write_file(frame, Path(folder), fmt)
                summary = summarise(fmt, path.stat().st_size / 1024 / 1024, measure(path, runs))
                print(
                    f"{size:>9,} {fmt:<8} upload {summary['upload_s']:.2f} s, combine {summary['combine_s']:.2f} s, "
                    f"filter {summary['filter_s']:.2f} s, "
                    f"peak {summary['peak_mb']:,.0f} MB",
                    flush=True,
                )
                rows.append(summary)
                path.unlink()
    text = report(rows, load, runs)
    if args.quick:
        print(text)
    else:
        write_section(RESULTS, SECTION, text)
        print(f"wrote the '{SECTION}' section of {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
