"""Fresh `streamlit run` servers (alone, or N behind HAProxy with `deploy/serve.py`), the one headless Chromium,
and the load the machine was under meanwhile."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}
START_TIMEOUT_S = 90
# A page's first chart: a Plotly figure whose SVG holds a drawn trace (bars, markers, shapes).
CHART = ".js-plotly-plot .main-svg .trace"
CHART_TEXT = ".js-plotly-plot .main-svg"
EXCEPTION = '[data-testid="stException"]'
STATUS_WIDGET = '[data-testid="stStatusWidget"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running `streamlit run`: its process, URL, and when it was launched and first answered (epoch s)."""

    proc: subprocess.Popen
    url: str
    launched_at: float
    healthy_at: float
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid


def launch(script: str, env: dict[str, str] | None = None) -> Server:
    """Start `streamlit run script` headless on a free loopback port; return once its health check answers.

    `launched_at` is taken just before the process is created, so a cold start counts the interpreter,
    Streamlit's imports and the server's start-up. The health check is polled every 20 ms.
    """
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="bench-streamlit-", suffix=".log")[1])
    command = [
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
    ]
    launched_at = time.time()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit run {script} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(proc, url, launched_at, time.time(), log)
        except OSError:
            time.sleep(0.02)
    stop(Server(proc, url, launched_at, 0.0, log))
    raise RuntimeError(f"streamlit run {script} did not answer its health check within {START_TIMEOUT_S} s")


def stop(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()
    server.log.unlink(missing_ok=True)


@contextmanager
def serving(script: str) -> Iterator[Server]:
    server = launch(script)
    try:
        yield server
    finally:
        stop(server)


@dataclass
class Balanced:
    """A running `deploy/serve.py`: its process, what it has printed so far, and where HAProxy listens."""

    proc: subprocess.Popen
    port: int
    lines: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_output(self, pattern: str, timeout: float = START_TIMEOUT_S) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output)
            if found:
                return found
            if self.proc.poll() is not None:
                raise RuntimeError(f"deploy/serve.py exited with {self.proc.returncode}:\n{self.output}")
            time.sleep(0.1)
        raise RuntimeError(f"deploy/serve.py did not print {pattern!r} within {timeout} s:\n{self.output}")

    @property
    def stats_socket(self) -> str:
        return self.wait_for_output(r"HAProxy runtime API: (\S+)").group(1)

    def runtime(self, command: str) -> str:
        """HAProxy's answer to one command of its runtime API."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.stats_socket)
            s.sendall(command.encode() + b"\n")
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        return answer.decode()

    def servers(self) -> dict[str, dict]:
        """HAProxy's view of each replica (`show servers state`): its port and whether it is in service."""
        lines = self.runtime("show servers state replicas").splitlines()
        header = next(line for line in lines if line.startswith("# be_id")).lstrip("# ").split()
        rows = [dict(zip(header, line.split(), strict=False)) for line in lines if line[:1].isdigit()]
        return {
            r["srv_name"]: {"port": int(r["srv_port"]), "up": r["srv_op_state"] == "2"} for r in rows if "srv_name" in r
        }

    def open_connections(self, address: str = "127.0.0.1") -> int:
        """How many connections from `address` HAProxy counts as open (its per-client limit counts these)."""
        found = re.search(rf"key={re.escape(address)} .*?conn_cur=(\d+)", self.runtime("show table dashboard"))
        return int(found.group(1)) if found else 0

    def wait_until(self, condition, what: str, timeout: float = 60) -> float:
        """Poll `condition(self.servers())` until it holds; the seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if condition(self.servers()):
                return time.monotonic() - started
            time.sleep(0.05)
        raise RuntimeError(f"{what}: not within {timeout} s; HAProxy says {self.servers()}\n{self.output}")

    def wait_replaced(self, name: str, old_pid: int, timeout: float = 90) -> float:
        """Until a new process listens on the replica's port and HAProxy has had it in service for longer than
        its checks take to notice a failure (fall 2 × inter 1 s); the seconds it took."""
        started = time.monotonic()
        while self.replica_pid(name) in (None, old_pid):
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"{name} not restarted within {timeout} s\n{self.output}")
            time.sleep(0.05)
        steady_since = None
        while time.monotonic() - started < timeout:
            if not self.servers()[name]["up"]:
                steady_since = None
            elif steady_since is None:
                steady_since = time.monotonic()
            elif time.monotonic() - steady_since > 2.5:
                return steady_since - started
            time.sleep(0.05)
        raise RuntimeError(f"{name} not back in service within {timeout} s; HAProxy says {self.servers()}")

    def replica_pid(self, name: str) -> int | None:
        """The process listening on the replica's port, whoever started it."""
        port = self.servers()[name]["port"]
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                return conn.pid
        return None

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []


def launch_balanced(replicas: int = 2, *, port: int | None = None, extra: Sequence[str] = ()) -> Balanced:
    """`deploy/serve.py --replicas N` on free loopback ports (or HAProxy on `port`), with any `extra` arguments;
    return once it says where to open."""
    port = port or free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "deploy/serve.py",
            "--replicas",
            str(replicas),
            "--port",
            str(port),
            "--address",
            "127.0.0.1",
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    balanced = Balanced(proc, port)

    def read() -> None:
        for line in proc.stdout:
            balanced.lines.append(line)

    threading.Thread(target=read, name="serve-output", daemon=True).start()
    try:
        balanced.wait_for_output(r"Open http://\S+")
    except RuntimeError:
        stop_balanced(balanced, timeout=15)
        raise
    return balanced


def stop_balanced(balanced: Balanced, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
    """Signal the launcher and wait; if it does not stop, kill it and everything it started, and say so."""
    if balanced.proc.poll() is None:
        balanced.proc.send_signal(signum)
    try:
        return balanced.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        for p in [*balanced.descendants(), psutil.Process(balanced.proc.pid)]:
            p.kill()
        name = signal.Signals(signum).name
        raise RuntimeError(f"deploy/serve.py did not stop within {timeout} s of {name}") from None


def kill_group(pid: int) -> None:
    """A replica's crash: SIGKILL to it and everything in its process group."""
    os.killpg(os.getpgid(pid), signal.SIGKILL)


def rss_mb(pid: int, *, children: bool = False) -> float:
    """Resident memory of a process (and, if asked, of its children too), in MB."""
    proc = psutil.Process(pid)
    procs = [proc, *(proc.children(recursive=True) if children else [])]
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


class PeakRss(threading.Thread):
    """The largest resident memory of any of `pids()` (sampled every `interval` s), in MB, while in a `with`.

    Resident memory counts the pages a forked process still shares with its parent.
    """

    def __init__(self, pids: Callable[[], Iterable[int]], interval: float = 0.01):
        super().__init__(name="peak-rss", daemon=True)
        self.pids, self.interval, self.peak_mb = pids, interval, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            try:
                pids = self.pids()
            except psutil.Error:
                continue
            for pid in pids:
                try:
                    self.peak_mb = max(self.peak_mb, psutil.Process(pid).memory_info().rss / 2**20)
                except psutil.Error:
                    continue

    def __enter__(self) -> PeakRss:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.join()


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)


def wait_until_idle(page, timeout_ms: float = 60_000) -> None:
    """Until Streamlit shows no running script, then a short settle so the next action starts from rest."""
    page.wait_for_function(IDLE_JS, polling=100, timeout=timeout_ms)
    page.wait_for_timeout(200)


IDLE_JS = f"() => !document.querySelector('{STATUS_WIDGET}')"

# Event-driven, never a polling loop: thirty pages polling every animation frame keep one browser's CPUs busy
# on their own. "Painted" is taken the usual way: after the next animation frame, in a task queued from it.
_AFTER_PAINT = "requestAnimationFrame(() => setTimeout(() => {action}, 0))"

# Resolves, or null after `timeoutMs`, to epoch ms: when the first chart had been painted, and (with the
# WebSocket hook installed) when the server's first message arrived and its last one before the chart appeared.
# Evaluate it right after the navigation commits.
FIRST_CHART_PAINTED_JS = f"""(timeoutMs) => new Promise(resolve => {{
    const now = () => performance.timeOrigin + performance.now();
    const epoch = t => t === undefined ? null : performance.timeOrigin + t;
    const painted = () => {{
        const messages = {{first: epoch(window.__benchFirstMessageAt), chart: epoch(window.__benchMessageAt)}};
        {_AFTER_PAINT.format(action="resolve({painted: now(), ...messages})")};
    }};
    if (document.querySelector('{CHART}')) return painted();
    const watch = new MutationObserver(() => {{
        if (document.querySelector('{CHART}')) {{ watch.disconnect(); painted(); }}
    }});
    watch.observe(document, {{childList: true, subtree: true}});
    setTimeout(() => {{ watch.disconnect(); resolve(null); }}, timeoutMs);
}})"""

# Armed after a selectbox is opened and before its option is clicked: the time of the pointer press, then
# the time after the first paint following a change of any chart's text (titles, labels, values), in
# performance.now ms, and the time of the server's last WebSocket message before that change.
ARM_INTERACTION_JS = f"""() => {{
    const text = () => [...document.querySelectorAll('{CHART_TEXT}')].map(e => e.textContent).join('|');
    const b = window.__bench = {{start: null, seen: null, painted: null, message: null, before: text()}};
    document.addEventListener('pointerdown', () => {{ b.start ??= performance.now(); }}, {{capture: true, once: true}});
    const watch = new MutationObserver(() => {{
        if (b.start === null || b.seen !== null || text() === b.before) return;
        b.seen = performance.now();
        b.message = window.__benchMessageAt ?? null;
        watch.disconnect();
        {_AFTER_PAINT.format(action="{ b.painted = performance.now(); }")};
    }});
    watch.observe(document.body, {{childList: true, subtree: true, characterData: true}});
}}"""
INTERACTION_DONE_JS = "() => window.__bench && window.__bench.painted !== null"
INTERACTION_MS_JS = "() => window.__bench.painted - window.__bench.start"
# Milliseconds from the press to the last message the server sent before the chart changed (null if none).
SERVER_MS_JS = "() => window.__bench.message === null ? null : window.__bench.message - window.__bench.start"
# Installed before a page loads: remembers when the last WebSocket message from the server arrived.
WEBSOCKET_HOOK_JS = """(() => {
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', () => {
                window.__benchMessageAt = performance.now();
                window.__benchFirstMessageAt ??= window.__benchMessageAt;
            });
        }
    };
})();"""


@dataclass
class Load:
    """How busy the machine was while a section ran: load average, CPU pressure, other processes' CPU use."""

    cores: int = field(default_factory=lambda: os.cpu_count() or 1)
    wall_s: float = 0.0
    load_before: float = 0.0
    load_after: float = 0.0
    pressure_before: float | None = None
    pressure_after: float | None = None
    others_cpu_s: float = 0.0
    busiest: list[str] = field(default_factory=list)

    def describe(self) -> str:
        share = self.others_cpu_s / self.wall_s if self.wall_s else 0.0
        busiest = f" (busiest: {', '.join(self.busiest)})" if self.busiest else ""
        pressure = ""
        if self.pressure_before is not None and self.pressure_after is not None:
            pressure = (
                f"; runnable tasks waiting for a CPU {self.pressure_before:.0f}% → {self.pressure_after:.0f}% "
                "of the last minute (Linux CPU pressure)"
            )
        return (
            f"{self.cores} cores, shared. 1-minute load average {self.load_before:.1f} at the start, "
            f"{self.load_after:.1f} at the end{pressure}; other processes (colleagues' tests and servers) used "
            f"at least {share:.2f} cores on average over the {self.wall_s:.0f} s{busiest}."
        )


def cpu_pressure() -> float | None:
    """Share of the last minute in which some runnable task waited for a CPU (Linux PSI), or None."""
    try:
        first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return None
    return float(dict(part.split("=") for part in first.split()[1:])["avg60"])


class _CpuSampler(threading.Thread):
    """Samples every process's CPU time twice a second, so short-lived ones (a colleague's test run) count too."""

    def __init__(self):
        super().__init__(name="load-sampler", daemon=True)
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.done = threading.Event()
        self._sample(initial=True)

    def _sample(self, *, initial: bool = False) -> None:
        me = psutil.Process()
        mine = {me.pid, *(c.pid for c in me.children(recursive=True))}
        for p in psutil.process_iter(["name", "cpu_times"]):
            t = p.info["cpu_times"]
            if p.pid in mine or t is None:
                continue
            cpu = t.user + t.system
            # A process first seen after the start counts from zero.
            self.first.setdefault(p.pid, cpu if initial else 0.0)
            self.last[p.pid] = (p.info["name"] or "?", cpu)

    def run(self) -> None:
        while not self.done.wait(0.5):
            self._sample()

    def used_by_name(self) -> dict[str, float]:
        used: dict[str, float] = {}
        for pid, (name, cpu) in self.last.items():
            used[name] = used.get(name, 0.0) + max(cpu - self.first.get(pid, 0.0), 0.0)
        return used


@contextmanager
def measuring_load() -> Iterator[Load]:
    """Record the load around a block; processes this benchmark started are not counted as others'."""
    load = Load(load_before=os.getloadavg()[0], pressure_before=cpu_pressure())
    sampler = _CpuSampler()
    sampler.start()
    started = time.monotonic()
    try:
        yield load
    finally:
        sampler.done.set()
        sampler.join()
        load.wall_s = time.monotonic() - started
        load.load_after = os.getloadavg()[0]
        load.pressure_after = cpu_pressure()
        used = sampler.used_by_name()
        load.others_cpu_s = sum(used.values())
        top = sorted(used.items(), key=lambda kv: -kv[1])[:3]
        load.busiest = [f"{name} {cpu / load.wall_s:.2f}" for name, cpu in top if load.wall_s and cpu > 1]
