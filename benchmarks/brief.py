"""The PDF brief: the time to draw each page's brief, from its View to the PDF's bytes, with a warm Chromium.

    python benchmarks/brief.py                      # writes its section of benchmarks/results.md
    python benchmarks/brief.py --against 7e055eb    # and the same briefs drawn by that commit's code, in turns
    python benchmarks/brief.py --quick              # a smoke run, printed only

Target (issue 20): a brief takes at most 1.5× as long to draw as before it was made PDF/UA-1 and legible on
paper (commit 7e055eb). Each version runs in its own process with its own warm Chromium, the two taking turns
round by round, so the machine's load falls on both alike. The floor is the floor app's five-bar chart drawn
as SVG by the same kind of exporter and typeset by Typst on one page: the least a Typst brief with a chart costs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import harness, stats  # noqa: E402
from benchmarks.results import write_section  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.md"
UPLOAD = ROOT / "tests" / "fixtures" / "uploads" / "good_survey.csv"
# (label, page, query, with the upload fixture's figures)
CASES = [
    ("Overview", "overview", {}, False),
    ("Sectors", "sectors", {"sector": "Financial and insurance"}, False),
    ("Sectors, with uploaded figures", "sectors", {"sector": "Education"}, True),
    ("Age", "age", {"band": "70 and over"}, False),
    ("Regions", "regions", {"region": "Wales", "other": "Scotland"}, False),
    ("Councils", "councils", {"org": "Norfolk County Council"}, False),
    ("Explore", "explore", {"breakdown": "region"}, False),
]
FLOOR = "floor: five bars as SVG, typeset by Typst"
FLOOR_TEMPLATE = '#set document(title: "Floor")\n#set text(lang: "en")\n= Floor\n#image(bytes(sys.inputs.chart), format: "svg", width: 100%, alt: "Five bars")\n'  # noqa: E501


def worker(root: Path, runs: int) -> dict[str, list[float]]:
    """In this process, with `root`'s `lib`: each case's brief drawn `runs` times after one warm-up."""
    sys.path.insert(0, str(root))
    from datetime import date

    from lib import data, views
    from lib.render import renderer
    from lib.render.images import shared_exporter
    from lib.selections import Tables
    from lib.uploads.parse import read_upload

    tables = Tables(data.load_homeworking(), data.load_councils())
    mine = read_upload(UPLOAD.read_bytes(), UPLOAD.name, "Our staff survey 2021", reference=tables.homeworking).rows
    exporter = shared_exporter()
    jobs = {}
    for label, page, query, uploaded in CASES:
        view = views.for_query(page, tables, query, mine if uploaded else None)
        address = renderer.Address(page, tuple(query.items()))
        files = renderer.Renderer(tables, address, exporter.image, date(2026, 12, 1))
        jobs[label] = lambda files=files, view=view: files.render(view, "pdf")
    jobs[FLOOR] = lambda: floor_brief(exporter)
    times: dict[str, list[float]] = {label: [] for label in jobs}
    for job in jobs.values():
        job()  # warm: the first image starts Chromium, the first brief loads Typst and its fonts
    for _ in range(runs):
        for label, job in jobs.items():
            started = time.perf_counter()
            job()
            times[label].append(time.perf_counter() - started)
    exporter.close()
    return times


def floor_brief(exporter) -> bytes:
    import typst

    from benchmarks.exports import floor_figure

    svg = exporter.image(floor_figure(), "svg", width=504, height=300, scale=1)
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "floor.typ"
        template.write_text(FLOOR_TEMPLATE, encoding="utf-8")
        return typst.compile(str(template), sys_inputs={"chart": svg.decode("utf-8")})


def checkout(commit: str, into: Path) -> Path:
    """The repository's files at `commit`, unpacked (git archive): nothing in the repository changes."""
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def run_worker(root: Path, runs: int) -> dict[str, list[float]]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(root), "--runs", str(runs)]
    out = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True, timeout=1800).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(rounds: int, runs: int, against: str | None) -> tuple[dict[str, dict[str, list[float]]], harness.Load]:
    """Per version ("now", and the commit `against`), per case, every time taken; the versions take turns."""
    with tempfile.TemporaryDirectory() as folder, harness.measuring_load() as load:
        versions = {"now": ROOT}
        if against:
            versions[against] = checkout(against, Path(folder) / "before")
        times: dict[str, dict[str, list[float]]] = {name: {} for name in versions}
        for _ in range(rounds):
            for name, root in versions.items():
                for label, seconds in run_worker(root, runs).items():
                    times[name].setdefault(label, []).extend(seconds)
    return times, load


def report(times: dict[str, dict[str, list[float]]], load: harness.Load, rounds: int, runs: int) -> str:
    before = next((name for name in times if name != "now"), None)
    now = times["now"]
    floor = stats.median(now[FLOOR])
    lines = [
        "## The PDF brief: time to draw",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')}: `benchmarks/brief.py`, in process with a warm Chromium, "
        f"{rounds} rounds of {runs} runs per brief"
        + (f"; this version and commit `{before}` in turns, each in its own process." if before else ".")
        + " Each time is from the View to the PDF's bytes: the chart built and drawn as SVG, then typeset "
        "(now under PDF/UA-1 and PDF/A-2a).",
        "",
        f"| brief | now: median | {'before: median | now ÷ before | ' if before else ''}now ÷ floor |",
        f"|---|---|{'---|---|' if before else ''}---|",
    ]
    for label, _, _, _ in CASES:
        median = stats.median(now[label])
        cells = [label, stats.millis(median)]
        if before:
            earlier = stats.median(times[before][label])
            cells += [stats.millis(earlier), stats.times(stats.ratio(median, earlier))]
        cells.append(stats.times(stats.ratio(median, floor)))
        lines.append("| " + " | ".join(cells) + " |")
    all_now = [s for label, *_ in CASES for s in now[label]]
    summary = f"Every brief now: median {stats.millis(stats.median(all_now))}; the floor {stats.millis(floor)}."
    if before:
        all_before = [s for label, *_ in CASES for s in times[before][label]]
        ratio = stats.ratio(stats.median(all_now), stats.median(all_before))
        summary += (
            f" Before: median {stats.millis(stats.median(all_before))}, floor "
            f"{stats.millis(stats.median(times[before][FLOOR]))}. Now ÷ before: {stats.times(ratio)} — target ≤ 1.5×: "
            f"{stats.verdict(stats.at_most(ratio, 1.5))}."
        )
    lines += ["", summary, "", f"Load: {load.describe()}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one round of two runs; print, leave results.md alone")
    parser.add_argument("--against", help="a commit whose briefs to time in turns with these (e.g. 7e055eb)")
    parser.add_argument("--rounds", type=int, help="turns each version takes (default 4; quick 1)")
    parser.add_argument("--runs", type=int, help="runs of every brief per turn (default 5; quick 2)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 4)
    runs = args.runs or (2 if args.quick else 5)
    if args.worker:
        print(json.dumps(worker(args.worker, runs)))
        return 0
    times, load = measure(rounds, runs, args.against)
    body = report(times, load, rounds, runs)
    print(body)
    if not args.quick:
        write_section(RESULTS, "brief", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
