"""Thirty simultaneous reruns on one process, the server alone: the floor, the app with nothing built yet, and
the app as a started server runs it (after `ui.warm`, the warm-up `dashboard.py` starts with the server).

Each measurement runs in a fresh Python process, since a view built once stays built for the life of a
process: `concurrent_reruns` (benchmarks/meeting.py) opens thirty AppTest sessions on the shared link, then
each changes the selection at the same moment, in a thread of its own as the server runs each browser
session's script. The three take turns, round after round, so the machine's load falls on all of them alike.

    python -m benchmarks.reruns one {floor,cold,served}   # one measurement: JSON seconds on stdout
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from benchmarks import harness, stats
from benchmarks.discover import FLOOR_SCRIPT, ROOT, SESSION_SCRIPT

TARGET_RATIO = 2.0
PEOPLE = 30
KINDS = {
    "floor": "floor (`benchmarks/floor_app.py`)",
    "cold": "the app, nothing built yet (a server's first seconds, before its warm-up)",
    "served": "the app as a server runs it (after `ui.warm`)",
}


def one(kind: str, people: int = PEOPLE) -> list[float]:
    """In this process: thirty people change their selection at once; each one's seconds."""
    from benchmarks.meeting import APP_LINK, concurrent_reruns, pages

    if kind == "floor":
        return concurrent_reruns(FLOOR_SCRIPT, None, "category", people)
    if kind == "served":
        import ui

        ui.warm(pause_s=0)
    script = next(p.navigation_path for p in pages() if p.path == APP_LINK[0].split("?")[0])
    return concurrent_reruns(SESSION_SCRIPT, script, "sector", people)


def _in_fresh_process(kind: str, people: int) -> list[float]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.reruns", "one", kind, str(people)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(rounds: int, people: int = PEOPLE) -> tuple[dict[str, list[float]], harness.Load]:
    """Each kind's median per round."""
    medians: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with harness.measuring_load() as load:
        for _ in range(rounds):
            for kind in KINDS:
                medians[kind].append(stats.median(_in_fresh_process(kind, people)))
    return medians, load


def report(medians: dict[str, list[float]], load: harness.Load, rounds: int, people: int = PEOPLE) -> str:
    floor = stats.median(medians["floor"])
    lines = [
        "## Thirty simultaneous reruns, one process, the server alone",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')}: {rounds} rounds; in each, a fresh process per kind opens "
        f"{people} AppTest sessions on the shared link (`/sectors?sector=Education` for the app) and every session "
        "changes its selection at the same moment, each in its own thread, person after person taking the next "
        f"of the other sectors. The figure is the median of the rounds' medians. Target: ≤ {TARGET_RATIO:.0f}× "
        "the floor.",
        "",
        "| app | median rerun | ratio to floor | target | each round's median |",
        "|---|---|---|---|---|",
    ]
    for kind, name in KINDS.items():
        value = stats.median(medians[kind])
        r = stats.ratio(value, floor)
        target = "—" if kind == "floor" else stats.verdict(stats.at_most(r, TARGET_RATIO))
        rounds_text = ", ".join(stats.millis(v) for v in medians[kind])
        lines.append(f"| {name} | {stats.millis(value)} | {stats.times(r)} | {target} | {rounds_text} |")
    lines += [
        "",
        "*Nothing built yet*: every sector asked for is built while everyone waits (each once: "
        "Streamlit's cache lets one session build a value and the others wait for it). *As a server runs it*: "
        "`dashboard.py` starts `ui.warm` five seconds after the server, which builds every page's default view and "
        "each value of its first key in the gaps between visitors' scripts.",
        "",
        f"Load: {load.describe()}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "one" and sys.argv[2] in KINDS:
        from benchmarks.run import quiet_streamlit

        quiet_streamlit()
        print(json.dumps(one(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else PEOPLE)))
    else:
        sys.exit(__doc__)
