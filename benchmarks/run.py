"""Run the benchmark suite against the floor and write today's figures to benchmarks/results.md.

    python benchmarks/run.py                          # everything (about 30 minutes on two quiet cores)
    python benchmarks/run.py --only coldstart,server  # some sections
    python benchmarks/run.py --quick                  # a smoke run: few repeats, printed, results.md untouched
    python benchmarks/run.py --only soak              # the 20-minute soak (never part of a default run)

Each section replaces only its own part of results.md (between its markers); `upload` runs
benchmarks/upload_scale.py and `hostile` runs benchmarks/hostile_uploads.py, which write their own parts,
as do `storm` (benchmarks/storm.py), `capacity` and `soak` (benchmarks/capacity.py).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `lib` and `benchmarks` importable
    sys.path.insert(0, str(ROOT))

from benchmarks import (  # noqa: E402
    balanced,
    coldstart,
    exports,
    interaction,
    meeting,
    profiling,
    reruns,
    server,
    static_page,
)
from benchmarks.discover import views  # noqa: E402
from benchmarks.results import write_section  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.md"
UPLOAD_SCRIPT = ROOT / "benchmarks" / "upload_scale.py"
HOSTILE_SCRIPT = ROOT / "benchmarks" / "hostile_uploads.py"
API_SCRIPT = ROOT / "benchmarks" / "api.py"
BRIEF_SCRIPT = ROOT / "benchmarks" / "brief.py"
BRIEF_BEFORE = "7e055eb"  # the brief before issue 20 (PDF/UA-1, legible print): its target is ≤ 1.5× this
STORM_SCRIPT = ROOT / "benchmarks" / "storm.py"
CAPACITY_SCRIPT = ROOT / "benchmarks" / "capacity.py"
SOAK_MINUTES = 20
SECTIONS = (
    "coldstart",
    "interaction",
    "server",
    "profile",
    "exports",
    "meeting",
    "reruns",
    "balanced",
    "upload",
    "hostile",
    "api",
    "brief",
    "static",
    "storm",
    "capacity",
    "soak",
)
DEFAULT_SECTIONS = tuple(s for s in SECTIONS if s != "soak")  # the soak takes 20 minutes: run it by name


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="few repeats; print, and leave results.md alone")
    parser.add_argument("--write", action="store_true", help="with --quick: write results.md all the same")
    parser.add_argument(
        "--only", default=",".join(DEFAULT_SECTIONS), help=f"comma-separated sections: {', '.join(SECTIONS)}"
    )
    parser.add_argument("--runs", type=int, help="cold starts per page, reruns, exports (default 5; quick 1)")
    parser.add_argument("--interactions", type=int, help="selections per page (default 25; quick 3)")
    parser.add_argument("--people", type=int, help="people in the meeting (default 30; quick 5)")
    parser.add_argument("--meetings", type=int, help="meetings per app (default 3; quick 1)")
    parser.add_argument("--crowd", type=int, help="people in the meeting through two replicas (default 100; quick 10)")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    args.sections = [s for s in SECTIONS if s in chosen]
    defaults = {"runs": (5, 1), "interactions": (25, 3), "people": (30, 5), "meetings": (3, 1), "crowd": (100, 10)}
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    args.reruns = max(args.runs, 2 if args.quick else 10)
    return args


def run_coldstart(args) -> str:
    samples, load = coldstart.measure(args.runs)
    return coldstart.report(samples, load, args.runs)


def run_interaction(args) -> str:
    selections, load = interaction.measure(args.interactions)
    return interaction.report(selections, load, args.interactions)


def run_server(args) -> str:
    reruns, memory, load = server.measure(args.reruns)
    return server.report(reruns, memory, load, args.reruns)


def run_profile(args) -> str:
    runs = max(args.runs, 2 if args.quick else 5)
    targets = [None, *views()]
    first = [profiling.first_run(p) for p in targets]
    warm = [profiling.profile_page(p, runs) for p in targets]
    return "\n".join(
        [
            "## Profiles: where a page's time goes",
            "",
            f"Measured {time.strftime('%Y-%m-%d %H:%M')}: pyinstrument (1 ms sampling) on the script thread "
            "under AppTest. Sampling slows the script, so these times are above the unprofiled ones; the split "
            "between whose code runs is what they are for.",
            "",
            "### First run in a fresh process (what a cold start adds once the server is up)",
            "",
            "The page's own script run once in a new Python process that has imported only Streamlit: "
            "imports, loading and validating the data, first figures.",
            "",
            profiling.report(first, per="first run"),
            "",
            f"### Warm rerun ({runs} per page, caches filled)",
            "",
            profiling.report(warm),
        ]
    )


def run_exports(args) -> str:
    timings, load = exports.measure(args.runs, big=not args.quick)
    return exports.report(timings, load, args.runs)


def run_meeting(args) -> str:
    results, load = meeting.measure(args.people, args.meetings)
    return meeting.report(results, load, args.people, args.meetings)


def run_reruns(args) -> str:
    rounds = 1 if args.quick else 3
    medians, load = reruns.measure(rounds, args.people)
    return reruns.report(medians, load, rounds, args.people)


def run_balanced(args) -> str:
    return balanced.report(balanced.measure(args.people, args.crowd, args.runs, rounds=1 if args.quick else 3))


def run_upload(args) -> str | None:
    """benchmarks/upload_scale.py (a colleague's) writes its own section; run it when it exists."""
    if not UPLOAD_SCRIPT.exists():
        print("upload: benchmarks/upload_scale.py does not exist yet; skipped", file=sys.stderr)
        return None
    command = [sys.executable, str(UPLOAD_SCRIPT)]
    if args.quick:
        usage = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd=ROOT, check=False).stdout
        if "--quick" not in usage:
            print("upload: upload_scale.py has no --quick; skipped in a quick run", file=sys.stderr)
            return None
        command.append("--quick")
    subprocess.run(command, cwd=ROOT, check=True)
    return None


def run_hostile(args) -> None:
    """benchmarks/hostile_uploads.py writes its own section (a quick run prints only)."""
    subprocess.run([sys.executable, str(HOSTILE_SCRIPT), *(["--quick"] if args.quick else [])], cwd=ROOT, check=True)


def run_api(args) -> None:
    """benchmarks/api.py writes its own section (a quick run prints only)."""
    subprocess.run([sys.executable, str(API_SCRIPT), *(["--quick"] if args.quick else [])], cwd=ROOT, check=True)


def run_brief(args) -> None:
    """benchmarks/brief.py writes its own section (a quick run prints only): this version against BRIEF_BEFORE."""
    quick = ["--quick"] if args.quick else []
    subprocess.run([sys.executable, str(BRIEF_SCRIPT), "--against", BRIEF_BEFORE, *quick], cwd=ROOT, check=True)


def run_static(args) -> str:
    """The static page against the floor: first chart paint, throughput, size (benchmarks/static_page.py)."""
    return static_page.measure(
        runs=max(args.runs, 2 if args.quick else 15), rounds=1 if args.quick else 3, seconds=2 if args.quick else 5
    )


def run_storm(args) -> None:
    """benchmarks/storm.py writes its own section (a quick run prints only)."""
    subprocess.run([sys.executable, str(STORM_SCRIPT), *(["--quick"] if args.quick else [])], cwd=ROOT, check=True)


def run_capacity(args) -> None:
    """benchmarks/capacity.py's steps and spike write their own section (a quick run prints only)."""
    subprocess.run([sys.executable, str(CAPACITY_SCRIPT), *(["--quick"] if args.quick else [])], cwd=ROOT, check=True)


def run_soak(args) -> None:
    """benchmarks/capacity.py's soak: SOAK_MINUTES (one minute in a quick run, printed only)."""
    minutes = 1 if args.quick else SOAK_MINUTES
    command = [sys.executable, str(CAPACITY_SCRIPT), "--soak", str(minutes), *(["--quick"] if args.quick else [])]
    subprocess.run(command, cwd=ROOT, check=True)


RUNNERS: dict[str, Callable[[argparse.Namespace], str | None]] = {
    "coldstart": run_coldstart,
    "interaction": run_interaction,
    "server": run_server,
    "profile": run_profile,
    "exports": run_exports,
    "meeting": run_meeting,
    "reruns": run_reruns,
    "balanced": run_balanced,
    "upload": run_upload,
    "hostile": run_hostile,
    "api": run_api,
    "brief": run_brief,
    "static": run_static,
    "storm": run_storm,
    "capacity": run_capacity,
    "soak": run_soak,
}


def quiet_streamlit() -> None:
    """AppTest makes Streamlit warn "missing ScriptRunContext" on every run: drop that one warning, keep the rest."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    quiet_streamlit()
    write = not args.quick or args.write
    failed = []
    for name in args.sections:
        print(f"== {name} ({time.strftime('%H:%M:%S')})", file=sys.stderr, flush=True)
        try:
            body = RUNNERS[name](args)
        except Exception as err:  # one broken section must not lose the others' figures
            failed.append(name)
            print(f"{name} failed: {type(err).__name__}: {err}", file=sys.stderr)
            continue
        if body is None:
            continue
        if args.quick:
            body = f"{body}\n\n*Quick smoke run: too few repeats to quote.*"
        print(body + "\n", flush=True)
        if write:
            write_section(RESULTS, name, body)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
