"""Many people through `deploy/serve.py`: HAProxy in front of two replicas, against the single-process floor.

- **Thirty at once**: thirty sessions are open on the shared link; everyone changes the selection at the
  same moment, and each waits for their own rerun. The same for the floor app in one process, the app in
  one process, and the app through HAProxy with two replicas, taking turns round by round.
- **A meeting of 100** through the two replicas: a hundred sessions open the link, then all change at once;
  an error is a run that fails, shows an exception, or does not finish within the timeout. And
  benchmarks/meeting.py's meeting of thirty in Chromium, through the two replicas.
- **Failover**: a Chromium tab on the link; the replica serving it is killed (SIGKILL to its process group),
  and the time is taken until the tab has reconnected through HAProxy and the other replica's run of the
  page has reached it and been painted. The other replica is warm, as it would be mid-meeting.

The sessions of the first two are real Streamlit sessions driven over the WebSocket protocol (`BackMsg`
in, `ForwardMsg` out), as the browser's frontend drives them, without a browser: thirty or a hundred
Chromium pages on the same two cores measure the browser, not the server (see the meeting section). Each
person first loads the page over HTTP, as a browser does, and keeps HAProxy's cookie, so their WebSocket
goes to the replica the cookie names.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from playwright.async_api import async_playwright
from playwright.sync_api import sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

from benchmarks import harness, meeting, stats
from benchmarks.discover import FLOOR_SCRIPT
from deploy.serve import COOKIE

LINK = ("sectors", "sector=Education", "Your sector")  # page, query, the selectbox each person changes
FLOOR_LINK = ("", "", "Category")
RUN_TIMEOUT_S = 180
ROUNDS = 3


class Person:
    """One browser's worth of Streamlit session, spoken to over the WebSocket protocol."""

    def __init__(self, url: str, link: tuple[str, str, str], replica: str | None = None):
        self.url = url
        self.page, self.query, self.label = link
        self.cookie = f"{COOKIE}={replica}" if replica else None
        self.ws = None
        self.widget_id = ""
        self.options: list[str] = []
        self.value = ""

    async def open(self) -> None:
        """Load the page over HTTP (which sets HAProxy's cookie), open the WebSocket, run the page once."""
        self.cookie = self.cookie or await asyncio.to_thread(self._page_cookie)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await connect(
            self.url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
        )
        await self._run([])

    def _page_cookie(self) -> str | None:
        with urllib.request.urlopen(f"{self.url}/{self.page}?{self.query}", timeout=RUN_TIMEOUT_S) as r:
            cookies = [c.split(";")[0] for c in r.headers.get_all("Set-Cookie") or []]
        return next((c for c in cookies if c.startswith(f"{COOKIE}=")), None)

    @property
    def replica(self) -> str:
        return self.cookie.split("=")[1] if self.cookie else "direct"

    async def change(self, option: str) -> float:
        """Pick `option` in the selectbox; the seconds until this person's rerun has finished."""
        started = time.perf_counter()
        await self._run([WidgetState(id=self.widget_id, string_value=option)])
        self.value = option
        return time.perf_counter() - started

    async def _run(self, widgets: list[WidgetState]) -> None:
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_name = self.page
        msg.rerun_script.widget_states.widgets.extend(widgets)
        await self.ws.send(msg.SerializeToString())
        async with asyncio.timeout(RUN_TIMEOUT_S):
            while True:
                forward = ForwardMsg.FromString(await self.ws.recv())
                kind = forward.WhichOneof("type")
                if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    self._note(forward.delta.new_element)
                elif kind == "script_finished":
                    if forward.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                        raise RuntimeError(f"script finished with status {forward.script_finished}")
                    return

    def _note(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            raise RuntimeError(f"exception on the page: {element.exception.message[:120]}")
        if kind == "selectbox" and element.selectbox.label == self.label:
            self.widget_id = element.selectbox.id
            self.options = list(element.selectbox.options)
            box = element.selectbox
            self.value = self.value or (box.raw_value if box.set_value else self.options[box.default])

    def another_option(self, turn: int) -> str:
        others = [o for o in self.options if o != self.value]
        return others[turn % len(others)]

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


@dataclass
class Crowd:
    name: str
    people: list[Person] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    open_seconds: list[float] = field(default_factory=list)

    by_replica: dict[str, list[float]] = field(default_factory=dict)

    def split(self) -> str:
        """Sessions on each replica, and the median of their reruns there."""
        counts: dict[str, int] = {}
        for p in self.people:
            counts[p.replica] = counts.get(p.replica, 0) + 1
        return ", ".join(
            f"{name} {n} ({stats.millis(stats.median(self.by_replica.get(name, [])))})"
            for name, n in sorted(counts.items())
        )


async def gather_crowd(crowd: Crowd, url: str, link: tuple[str, str, str], people: int) -> None:
    """`people` sessions open the link one after another (a link clicked around a room), each until run once."""
    for _ in range(people):
        person = Person(url, link)
        started = time.perf_counter()
        try:
            await person.open()
        except Exception as err:  # a person who could not open the page is an error, not the end of the run
            crowd.errors.append(f"open: {type(err).__name__}: {err}"[:160])
            await person.close()
            continue
        crowd.open_seconds.append(time.perf_counter() - started)
        crowd.people.append(person)


async def everyone_changes(crowd: Crowd, turn: int) -> None:
    """Everyone picks another option at the same moment; each person's time is their own rerun's."""

    async def change(i: int, person: Person) -> None:
        try:
            took = await person.change(person.another_option(turn + i))
            crowd.seconds.append(took)
            crowd.by_replica.setdefault(person.replica, []).append(took)
        except Exception as err:
            crowd.errors.append(f"change: {type(err).__name__}: {err}"[:160])

    await asyncio.gather(*(change(i, p) for i, p in enumerate(crowd.people)))


async def _at_once(floor_url: str, app_url: str, balanced_url: str, people: int, rounds: int) -> list[Crowd]:
    crowds = [
        (Crowd("floor (`benchmarks/floor_app.py`), one process"), floor_url, FLOOR_LINK),
        (Crowd("the app, one process"), app_url, LINK),
        (Crowd("the app, HAProxy + 2 replicas"), balanced_url, LINK),
    ]
    for crowd, url, link in crowds:
        await gather_crowd(crowd, url, link, people)
    for turn in range(rounds):
        for crowd, _, _ in crowds:  # taking turns, so that a change in the machine's load falls on all three
            await everyone_changes(crowd, turn)
    for crowd, _, _ in crowds:
        await asyncio.gather(*(p.close() for p in crowd.people))
    return [c for c, _, _ in crowds]


async def _meeting(url: str, people: int) -> Crowd:
    crowd = Crowd(f"the app, HAProxy + 2 replicas, {people} people")
    await gather_crowd(crowd, url, LINK, people)
    await everyone_changes(crowd, 0)
    await asyncio.gather(*(p.close() for p in crowd.people))
    return crowd


async def _browser_meeting(balanced: harness.Balanced, people: int) -> meeting.Meeting:
    """benchmarks/meeting.py's meeting (Chromium contexts, one second apart, then all change at once) through
    HAProxy: what a browser sees, with the browser itself on the same two cores."""
    held = meeting.Meeting("the app, HAProxy + 2 replicas", *meeting.APP_LINK)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_FLAGS, headless=True)
        await meeting._hold(browser, balanced, held, people)
        await browser.close()
    return held


async def _warm(url: str, link: tuple[str, str, str], replicas: list[str | None]) -> None:
    """A server that has been up a while: every replica has run the page once."""
    for replica in replicas:
        person = Person(url, link, replica)
        await person.open()
        await person.close()


@dataclass
class Failover:
    reconnected_s: float = float("nan")  # kill → the new WebSocket open
    rerun_s: float = float("nan")  # kill → the new replica's run finished reaching the page
    shown_s: float = float("nan")  # kill → the first frame painted after that
    error: str = ""


def failovers(balanced: harness.Balanced, runs: int) -> list[Failover]:
    results = []
    with sync_playwright() as pw:
        browser = harness.launch_browser(pw)
        for _ in range(runs):
            # Playwright's sync API holds this thread's event loop: the warm-up runs in a thread of its own.
            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, _warm(balanced.url, LINK, list(balanced.servers()))).result()
            results.append(_one_failover(browser, balanced))
        browser.close()
    return results


def _one_failover(browser, balanced: harness.Balanced) -> Failover:
    result = Failover()
    context = browser.new_context(viewport=harness.VIEWPORT)
    tab = context.new_page()
    sockets: list[dict] = []

    def opened(ws) -> None:
        seen = {"opened": time.monotonic(), "finished": None}
        sockets.append(seen)

        def frame(payload) -> None:
            if ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
                seen["finished"] = seen["finished"] or time.monotonic()

        ws.on("framereceived", frame)

    tab.on("websocket", opened)
    try:
        tab.goto(f"{balanced.url}/{LINK[0]}?{LINK[1]}", wait_until="commit")
        if tab.evaluate(harness.FIRST_CHART_PAINTED_JS, 90_000) is None:
            raise RuntimeError("no chart before the kill")
        harness.wait_until_idle(tab)
        name = next(c["value"] for c in context.cookies() if c["name"] == COOKIE)
        pid = balanced.replica_pid(name)
        killed = time.monotonic()
        harness.kill_group(pid)
        deadline = killed + 60
        while not (len(sockets) >= 2 and sockets[1]["finished"]):
            if time.monotonic() > deadline:
                raise RuntimeError("no rerun on a new connection within 60 s")
            tab.wait_for_timeout(10)
        tab.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
        result.shown_s = time.monotonic() - killed
        result.reconnected_s = sockets[1]["opened"] - killed
        result.rerun_s = sockets[1]["finished"] - killed
        if tab.locator(harness.EXCEPTION).count():
            result.error = "exception box"
    except Exception as err:
        result.error = f"{type(err).__name__}: {err}"[:160]
        return result
    finally:
        context.close()
    balanced.wait_replaced(name, pid)  # the launcher restarts it: the next run starts from two replicas again
    return result


@dataclass
class Measured:
    at_once: list[Crowd]
    meeting: Crowd
    browser_meeting: meeting.Meeting
    failovers: list[Failover]
    people: int
    rounds: int
    load: harness.Load


def measure(people: int, meeting_size: int, failover_runs: int, rounds: int = ROUNDS) -> Measured:
    """`people` at once (and as many in Chromium), a meeting of `meeting_size`, `failover_runs` failovers."""
    with harness.measuring_load() as load:
        floor = harness.launch(FLOOR_SCRIPT)
        app = harness.launch("dashboard.py")
        balanced = harness.launch_balanced(2)
        try:
            asyncio.run(_warm(floor.url, FLOOR_LINK, [None]))
            asyncio.run(_warm(app.url, LINK, [None]))
            asyncio.run(_warm(balanced.url, LINK, list(balanced.servers())))
            at_once = asyncio.run(_at_once(floor.url, app.url, balanced.url, people, rounds))
            harness.stop(floor)  # the meeting and the failovers are the two replicas' alone
            harness.stop(app)
            crowd = asyncio.run(_meeting(balanced.url, meeting_size))
            # Chromium hosts as many people as benchmarks/meeting.py's meeting, not the hundred: a hundred
            # pages on these two cores never painted (all 100 past 180 s on 2026-12-01, load average 12-45).
            in_browsers = asyncio.run(_browser_meeting(balanced, people))
            failed_over = failovers(balanced, failover_runs)
        finally:
            harness.stop(floor)  # again is harmless: a stopped server is left as it is
            harness.stop(app)
            harness.stop_balanced(balanced)
    return Measured(at_once, crowd, in_browsers, failed_over, people, rounds, load)


def _errors(errors: list[str]) -> str:
    return f"{len(errors)} ({'; '.join(sorted(set(errors))[:3])})" if errors else "0"


def report(m: Measured) -> str:
    floor, balanced = m.at_once[0], m.at_once[-1]
    floor_median = stats.median(floor.seconds)
    lines = [
        "## Many people: two replicas behind HAProxy (`deploy/serve.py`)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')}. Sessions driven over Streamlit's WebSocket protocol, no "
        "browser (see the top of `benchmarks/balanced.py`); each person loads the page over HTTP first and keeps "
        f"HAProxy's cookie. Link: `/{LINK[0]}?{LINK[1]}` (the floor: its only page).",
        "",
        f"**{m.people} people change the selection at the same moment** ({m.rounds} rounds, the three set-ups "
        "taking turns; each time is one person's, from sending the change to their rerun finished). Target: "
        "through HAProxy with two replicas, median ≤ the floor's in one process.",
        "",
        "| set-up | median | p95 | slowest | ratio (median) to floor | target | "
        "sessions per replica (their median) | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for crowd in m.at_once:
        median = stats.median(crowd.seconds)
        target = stats.verdict(stats.at_most(median, floor_median)) if crowd is balanced else "—"
        lines.append(
            f"| {crowd.name} | {stats.millis(median)} | {stats.millis(stats.p95(crowd.seconds))} | "
            f"{stats.millis(max(crowd.seconds, default=float('nan')))} | "
            f"{stats.times(stats.ratio(median, floor_median))} | {target} | {crowd.split()} | {_errors(crowd.errors)} |"
        )
    crowd, held = m.meeting, m.browser_meeting
    lines += [
        "",
        f"**A meeting of {len(crowd.people) + sum(e.startswith('open') for e in crowd.errors)} through the "
        "two replicas**: everyone opens the link one after another, then all change the selection at once "
        "(no browser: the server's side). Target: 0 errors; p95 recorded.",
        "",
        "| set-up | errors | change: median | p95 | slowest | opening the link: median (p95) | "
        "sessions per replica (their median) |",
        "|---|---|---|---|---|---|---|",
        f"| {crowd.name} | {_errors(crowd.errors)} | {stats.millis(stats.median(crowd.seconds))} | "
        f"{stats.millis(stats.p95(crowd.seconds))} | {stats.millis(max(crowd.seconds, default=float('nan')))} | "
        f"{stats.millis(stats.median(crowd.open_seconds))} ({stats.millis(stats.p95(crowd.open_seconds))}) | "
        f"{crowd.split()} |",
        "",
        f"**The meeting of {m.people} in Chromium, through the two replicas**: as `benchmarks/meeting.py` holds "
        "it (one Chromium context a person, one second apart, then everyone picks a new option; timed in the page "
        "from the press to the chart repainted), to set beside that section's one-process figures. The browser "
        "shares the two cores with both replicas.",
        "",
        "| set-up | errors | p95 interaction | median | server's part, median | link open, median (p95) |",
        "|---|---|---|---|---|---|",
        f"| {held.name} | {_errors(held.errors)} | {stats.millis(stats.p95(held.interaction_seconds))} | "
        f"{stats.millis(stats.median(held.interaction_seconds))} | {stats.millis(stats.median(held.server_seconds))} | "
        f"{stats.seconds(stats.median(held.open_seconds))} ({stats.seconds(stats.p95(held.open_seconds))}) |",
    ]
    good = [f for f in m.failovers if not f.error]
    errors = [f.error for f in m.failovers if f.error]
    lines += [
        "",
        f"**Failover** ({len(m.failovers)} runs): a Chromium tab on the link; SIGKILL to the process group of the "
        "replica serving it; times from the kill. *Reconnected*: the tab's new WebSocket, through HAProxy to "
        "the other replica, is open. *Rerun*: that replica's run of the page has finished reaching the tab. "
        "*Shown*: the next frame painted. Each run starts with both replicas in service and warm.",
        "",
        "| | reconnected | rerun | shown |",
        "|---|---|---|---|",
        "| median | "
        + " | ".join(
            stats.seconds(stats.median([getattr(f, a) for f in good])) for a in ("reconnected_s", "rerun_s", "shown_s")
        )
        + " |",
        "| each run (shown) | " + ", ".join(stats.seconds(f.shown_s) for f in good) + " | | |",
        "",
        f"Errors: {_errors(errors)}.",
        "",
        f"Load: {m.load.describe()}",
    ]
    return "\n".join(lines)
