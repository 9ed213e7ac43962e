"""How many people one replica serves: steps of steady load, a tenfold spike, and a 20-minute soak.

    python benchmarks/capacity.py                 # steps and spike: writes the `capacity` section of results.md
    python benchmarks/capacity.py --soak 20       # the soak alone (20 minutes): writes the `soak` section
    python benchmarks/capacity.py --quick         # a smoke run, printed only

One fresh replica (`streamlit run dashboard.py`), warmed as it warms itself. People are real Streamlit sessions
driven over the WebSocket protocol (benchmarks/balanced.py's `Person`): each opens the Sectors page's link and
then, every THINK_S seconds (± half of it, at random), picks another sector, which reruns the page; a person's
page change is timed from the pick to the end of their rerun. An error is a rerun that fails, shows an
exception, or does not finish within RUN_TIMEOUT_S.

- **Steps**: 2, 3, 5, 8, 10, 20, 40, 80 … people, each step STEP_S seconds of steady use; the people per replica is the
  largest step whose page-change p95 is at most 1 s, and the point where errors or timeouts begin is the first
  step that has any (or the last step run, if none did).
- **Spike**: 5 people in steady use; 45 more open the link within 60 s (tenfold), then all go on for 60 s.
- **Soak**: 10 people in steady use for 20 minutes, one leaving and a new one arriving every 30 s, an API CSV
  every 10 s and a PNG of a new address every 30 s; the replica's memory (and its Chromium's) every 30 s. Growth
  is taken from the end of the third minute (caches filled, Chromium started) to the end.

The people are driven from this machine's two cores too, so the server has less than two cores: the figures
are a floor for a replica with cores of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import harness, stats  # noqa: E402
from benchmarks.api import SECTORS  # noqa: E402
from benchmarks.balanced import LINK, Person  # noqa: E402
from benchmarks.results import write_section  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.md"
THINK_S = 5.0
STEP_S = 30.0
RUN_TIMEOUT_S = 30.0
STEPS = (2, 3, 5, 8, 10, 20, 40, 80, 120, 160)
P95_TARGET_S = 1.0


@dataclass
class Tally:
    """Page changes and errors of one stretch of time."""

    name: str
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    people: int = 0
    cpu_s: float = 0.0  # the server process's CPU time over the stretch

    @property
    def cpu_per_change(self) -> float:
        return self.cpu_s / len(self.seconds) if self.seconds else float("nan")

    @property
    def p95(self) -> float:
        return stats.p95(self.seconds)


async def open_person(url: str, tally: Tally) -> Person | None:
    person = Person(url, LINK)
    try:
        async with asyncio.timeout(RUN_TIMEOUT_S * 2):
            await person.open()
    except Exception as err:  # could not even open the page: an error of this stretch
        tally.errors.append(f"open: {type(err).__name__}: {err}"[:160])
        await person.close()
        return None
    return person


async def keep_changing(person: Person, tally: Tally, until: float, rng: random.Random) -> None:
    """Pick another sector every THINK_S (± half) until `until`; each change is timed."""
    turn = rng.randrange(100)
    while True:
        await asyncio.sleep(THINK_S * rng.uniform(0.5, 1.5))
        if time.monotonic() >= until:
            return
        turn += 1
        try:
            async with asyncio.timeout(RUN_TIMEOUT_S):
                tally.seconds.append(await person.change(person.another_option(turn)))
        except Exception as err:
            tally.errors.append(f"change: {type(err).__name__}: {err}"[:160])
            return


async def steady(url: str, people: int, seconds: float, rng: random.Random) -> Tally:
    tally = Tally(f"{people} people", people=people)
    crowd = [p for p in await asyncio.gather(*(open_person(url, tally) for _ in range(people))) if p]
    until = time.monotonic() + seconds
    await asyncio.gather(*(keep_changing(p, tally, until, rng) for p in crowd))
    await asyncio.gather(*(p.close() for p in crowd))
    return tally


async def spike(url: str, base: int, factor: int, within_s: float, then_s: float, rng: random.Random) -> Tally:
    """`base` people in steady use; `base × (factor − 1)` more arrive evenly within `within_s`, then all go on."""
    tally = Tally(f"{base} → {base * factor} people within {within_s:.0f} s", people=base * factor)
    end = time.monotonic() + within_s + then_s
    crowd = [p for p in await asyncio.gather(*(open_person(url, tally) for _ in range(base))) if p]
    tasks = [asyncio.create_task(keep_changing(p, tally, end, rng)) for p in crowd]
    arrivals = base * (factor - 1)
    for _ in range(arrivals):
        await asyncio.sleep(within_s / arrivals)
        person = await open_person(url, tally)
        if person:
            crowd.append(person)
            tasks.append(asyncio.create_task(keep_changing(person, tally, end, rng)))
    await asyncio.gather(*tasks)
    await asyncio.gather(*(p.close() for p in crowd))
    return tally


def warm(server: harness.Server) -> None:
    """As a started replica warms itself (dashboard.py's warm-up), plus Chromium's first start."""
    time.sleep(25)
    with urllib.request.urlopen(f"{server.url}/api/sectors.png", timeout=120) as r:
        r.read()


def measure_capacity(quick: bool) -> tuple[list[Tally], Tally, harness.Load]:
    rng = random.Random(18)
    steps = STEPS[:2] if quick else STEPS
    with harness.measuring_load() as load:
        server = harness.launch("dashboard.py")
        try:
            warm(server)
            tallies = []
            for people in steps:
                before = _cpu_s(server.pid)
                tally = asyncio.run(steady(server.url, people, 10 if quick else STEP_S, rng))
                tally.cpu_s = _cpu_s(server.pid) - before
                tallies.append(tally)
                print(f"{tally.name}: p95 {stats.seconds(tally.p95)}, errors {len(tally.errors)}", file=sys.stderr)
                if tally.errors:  # where errors or timeouts begin: the last step
                    break
            surge = asyncio.run(spike(server.url, 2 if quick else 5, 10, 20 if quick else 60, 10 if quick else 60, rng))
        finally:
            harness.stop(server)
    return tallies, surge, load


def _cpu_s(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def report_capacity(tallies: list[Tally], surge: Tally, load: harness.Load, quick: bool) -> str:
    within = [t for t in tallies if not t.errors and t.p95 <= P95_TARGET_S]
    people = max((t.people for t in within), default=0)
    failing = next((t for t in tallies if t.errors), None)
    rows = [
        "| people | page changes | median | p95 | server CPU per change | errors or timeouts |",
        "|---|---|---|---|---|---|",
    ]
    rows += [
        f"| {t.people} | {len(t.seconds)} | {stats.seconds(stats.median(t.seconds))} | {stats.seconds(t.p95)} | "
        f"{stats.millis(t.cpu_per_change)} | {len(t.errors)}{': ' + t.errors[0] if t.errors else ''} |"
        for t in tallies
    ]
    light = [t for t in tallies if t.people <= 10 and t.seconds]
    cpu = stats.median([t.cpu_per_change for t in light]) if light else float("nan")
    onset = (
        f"errors or timeouts began at {failing.people} people ({len(failing.errors)}: {failing.errors[0]})"
        if failing
        else f"no errors or timeouts up to {tallies[-1].people} people, the last step run"
    )
    return "\n".join(
        [
            "## Capacity of one replica (issue 18)",
            "",
            f"Measured {time.strftime('%Y-%m-%d %H:%M')} by `benchmarks/capacity.py`{' (quick)' if quick else ''}: "
            f"one replica, warmed; people are Streamlit sessions over the WebSocket protocol, each picking another "
            f"sector on the Sectors page every {THINK_S:g} s (± half), for {STEP_S:g} s a step. The people are "
            "driven from the same two shared cores.",
            "",
            *rows,
            "",
            f"**People per replica at a page-change p95 ≤ {P95_TARGET_S:g} s: {people}**; {onset}.",
            "",
            f"A page change costs the server {stats.millis(cpu)} of CPU (median over the steps of up to ten people): "
            f"one core's worth does about {1 / cpu if cpu == cpu else float('nan'):.1f} a second, which at one change "
            f"per person every {THINK_S:g} s is about {THINK_S / cpu if cpu == cpu else float('nan'):.0f} people. The "
            "replica here had the machine's two cores, shared with the people's own client and others' work (its "
            "native code runs beside the GIL), and its cost per change rises with the crowd (the table).",
            "",
            f"**A tenfold spike** ({surge.name}, then {surge.people} in steady use for a minute): {len(surge.seconds)} "
            f"page changes, p95 {stats.seconds(surge.p95)}, median {stats.seconds(stats.median(surge.seconds))}, "
            f"**{len(surge.errors)} errors**{': ' + surge.errors[0] if surge.errors else ''} "
            f"({stats.verdict(not surge.errors)}).",
            "",
            load.describe(),
        ]
    )


@dataclass
class Soak:
    minutes: float
    tally: Tally
    memory: list[tuple[float, float, float]] = field(default_factory=list)  # (minute, server MB, Chromium MB)
    api_errors: list[str] = field(default_factory=list)
    api_requests: int = 0


async def soak_people(url: str, minutes: float, rng: random.Random, tally: Tally) -> None:
    end = time.monotonic() + minutes * 60
    crowd = [p for p in await asyncio.gather(*(open_person(url, tally) for _ in range(10))) if p]
    tasks = {p: asyncio.create_task(keep_changing(p, tally, end, rng)) for p in crowd}
    while time.monotonic() < end - 30:
        await asyncio.sleep(30)
        leaving = crowd.pop(0)  # someone closes their tab; someone new opens the link
        tasks.pop(leaving).cancel()
        await leaving.close()
        newcomer = await open_person(url, tally)
        if newcomer:
            crowd.append(newcomer)
            tasks[newcomer] = asyncio.create_task(keep_changing(newcomer, tally, end, rng))
    await asyncio.gather(*tasks.values(), return_exceptions=True)
    await asyncio.gather(*(p.close() for p in crowd))


async def soak_api(url: str, minutes: float, soak: Soak) -> None:
    end, turn = time.monotonic() + minutes * 60, 0
    pairs = [(a, b) for a in SECTORS for b in SECTORS if a != b]
    while time.monotonic() < end:
        await asyncio.sleep(10)
        turn += 1
        a, b = pairs[turn % len(pairs)]
        fmt = "png" if turn % 3 == 0 else "csv"
        address = f"{url}/api/sectors.{fmt}?{urlencode({'sector': a, 'benchmark': b, 'headline_sector': str(turn)})}"
        soak.api_requests += 1
        try:
            await asyncio.to_thread(_fetch, address)
        except Exception as err:
            soak.api_errors.append(f"{fmt}: {type(err).__name__}: {err}"[:160])


def _fetch(url: str) -> None:
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()


async def sample_memory(server: harness.Server, minutes: float, soak: Soak) -> None:
    import psutil

    started, end = time.monotonic(), time.monotonic() + minutes * 60
    while time.monotonic() < end:
        own = harness.rss_mb(server.pid)
        total = harness.rss_mb(server.pid, children=True)
        browser = sum(
            p.memory_info().rss for p in psutil.Process(server.pid).children(recursive=True) if "chrom" in p.name()
        )
        soak.memory.append(((time.monotonic() - started) / 60, own, browser / 2**20 if browser else total - own))
        await asyncio.sleep(30)


def measure_soak(minutes: float) -> tuple[Soak, harness.Load]:
    rng = random.Random(18)
    soak = Soak(minutes, Tally("soak", people=10))
    with harness.measuring_load() as load:
        server = harness.launch("dashboard.py")
        try:
            warm(server)

            async def everything() -> None:
                await asyncio.gather(
                    soak_people(server.url, minutes, rng, soak.tally),
                    soak_api(server.url, minutes, soak),
                    sample_memory(server, minutes, soak),
                )

            asyncio.run(everything())
        finally:
            harness.stop(server)
    return soak, load


def report_soak(soak: Soak, load: harness.Load) -> str:
    settled = [m for m in soak.memory if m[0] >= min(3.0, soak.minutes / 4)]
    start, end = (settled[0], settled[-1]) if settled else ((0, float("nan"), 0), (0, float("nan"), 0))
    growth = (end[1] - start[1]) / start[1] * 100 if start[1] == start[1] else float("nan")
    errors = len(soak.tally.errors) + len(soak.api_errors)
    trace = ", ".join(f"{m:.0f} min {own:.0f} MB" for m, own, _ in soak.memory[:: max(len(soak.memory) // 8, 1)])
    return "\n".join(
        [
            "## A 20-minute soak of one replica (issue 18)",
            "",
            f"Measured {time.strftime('%Y-%m-%d %H:%M')} by `benchmarks/capacity.py --soak {soak.minutes:g}` "
            "(run by hand, never in CI): one replica, 10 people each picking another sector every "
            f"{THINK_S:g} s (± half), one leaving and a new one arriving every 30 s, an API CSV every 10 s and a PNG "
            "of a new address every 30 s.",
            "",
            "| | measured | target | verdict |",
            "|---|---|---|---|",
            f"| errors | {errors} ({len(soak.tally.seconds)} page changes, {soak.api_requests} API files)"
            f"{': ' + (soak.tally.errors + soak.api_errors)[0] if errors else ''} | 0 | {stats.verdict(errors == 0)} |",
            f"| the server's memory, minute {start[0]:.0f} → {end[0]:.0f} | {start[1]:.0f} MB → {end[1]:.0f} MB: "
            f"{growth:+.1f}% | under +10% | {stats.verdict(growth < 10 if growth == growth else None)} |",
            f"| Chromium's memory, the same minutes | {start[2]:.0f} MB → {end[2]:.0f} MB | (reported) | |",
            f"| page change p95 / median | {stats.seconds(soak.tally.p95)} / "
            f"{stats.seconds(stats.median(soak.tally.seconds))} | | |",
            "",
            f"The server's memory over the run: {trace}.",
            "",
            load.describe(),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--soak", type=float, metavar="MINUTES", help="run the soak alone, this many minutes")
    args = parser.parse_args(argv)
    if args.soak:
        soak, load = measure_soak(args.soak)
        body, name = report_soak(soak, load), "soak"
    else:
        tallies, surge, load = measure_capacity(args.quick)
        body, name = report_capacity(tallies, surge, load, args.quick), "capacity"
    print(body)
    if not args.quick:
        write_section(RESULTS, name, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
