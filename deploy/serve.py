"""Serve the dashboard to many people: N Streamlit replicas on loopback ports behind HAProxy.

    python deploy/serve.py --replicas 2 --port 8501

Runs in the foreground. A replica that dies, or fails its health check HEALTH_FAILURES times in a
row (alive but hung), is started again on its port, after a pause that grows with the restarts in
the last RESTART_WINDOW_S however long it lived; HAProxy's health checks take it out and put it
back. SIGTERM or Ctrl-C stops every process it started. Each child runs in its own process group:
the group gets SIGTERM, and SIGKILL for whatever is left of it ten seconds later. Each child also
gets SIGKILL from the kernel if the launcher itself dies (Linux's parent-death signal), so a
`kill -9` of the launcher leaves no replica or HAProxy holding the ports for the next start. (The
Chromium a replica starts for image exports runs in a session of its own and ends with its
replica, killed or stopped: tests/browser/test_failover.py checks it.) See docs/deploy.md.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import ctypes
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("haproxy.cfg.template")
APP = "dashboard.py"
COOKIE = "dashboard_replica"
INSTALL_HAPROXY = "apt-get install -y haproxy"
INSTALL_APP = "python -m pip install -r requirements.txt"
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 10
POLL_S = 0.5
# Restarts back off over a sliding window: the nth restart of a replica within RESTART_WINDOW_S waits
# 2^(n-2) s (the first is at once), up to MAX_BACKOFF_S, however long the replica lived each time.
RESTART_WINDOW_S = 300
MAX_BACKOFF_S = 30
# A replica that is alive but does not answer its health check this many times in a row, HEALTH_EVERY_S apart
# (each check waiting up to 2 s), is killed and restarted: about 15 s of answering nothing.
HEALTH_FAILURES = 5
HEALTH_EVERY_S = 1.0
# Per client address, in HAProxy's stick-table (deploy/haproxy.cfg.template): open connections (a tab holds one
# WebSocket and the browser opens up to six more for a page's files) and API requests in 10 s.
CLIENT_CONNECTIONS = 100
CLIENT_API_REQUESTS_10S = 100
PR_SET_PDEATHSIG = 1


@dataclass
class Replica:
    """One `streamlit run` on a fixed loopback port; `name` is HAProxy's server name and the cookie's value."""

    name: str
    port: int
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: collections.deque = field(default_factory=collections.deque, repr=False)  # when, in the window
    restart_at: float | None = field(default=None, repr=False)
    answered: bool = False  # has answered its health check since it was started
    failures: int = 0  # health checks failed in a row since it last answered

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def haproxy_path() -> str | None:
    """Debian installs haproxy in /usr/sbin, which is not on every user's PATH."""
    found = shutil.which("haproxy")
    if found:
        return found
    return "/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(address: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError:
            return True
    return False


def render_config(
    *,
    address: str,
    port: int,
    replicas: list[Replica],
    stats_socket: Path,
    client_connections: int = CLIENT_CONNECTIONS,
    client_api_requests: int = CLIENT_API_REQUESTS_10S,
) -> str:
    """The HAProxy configuration: the template with this run's address, ports, socket and limits filled in."""
    servers = "\n".join(f"    server {r.name} 127.0.0.1:{r.port} cookie {r.name}" for r in replicas)
    return Template(TEMPLATE.read_text()).substitute(
        address=address,
        port=port,
        cookie=COOKIE,
        stats_socket=stats_socket,
        servers=servers,
        client_connections=client_connections,
        client_api_requests=client_api_requests,
    )


def replica_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        APP,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        # Its own URL is not the one to open: the launcher says where to go.
        "--logger.hideWelcomeMessage",
        "true",
    ]


def start_group(command: list[str], stderr=None) -> subprocess.Popen:
    """A child in its own session and process group (a signal to the group reaches its children too), which the
    kernel kills if the launcher dies."""
    return subprocess.Popen(
        command, cwd=ROOT, stderr=stderr, start_new_session=True, preexec_fn=die_with_parent(os.getpid())
    )


def die_with_parent(parent: int):
    """In the child, before it runs: ask Linux for SIGKILL when the launcher's thread that started it ends (the
    launcher starts every child from its main thread), and end at once if the launcher is already gone. Elsewhere,
    nothing: stop the launcher with SIGTERM there."""

    prctl = _prctl()  # looked up here: between fork and exec, the child only calls it

    def arrange() -> None:
        if prctl is None:
            return
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)

    return arrange


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.CDLL(None, use_errno=True).prctl


def signal_group(proc: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has gone already
        os.killpg(proc.pid, signum)


def stop_group(proc: subprocess.Popen, timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM to the child's group, SIGKILL to whatever of it is left after `timeout`."""
    signal_group(proc, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=timeout)
    signal_group(proc, signal.SIGKILL)
    proc.wait()


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 (loopback http)
            return response.status == 200
    except OSError:
        return False


def say(message: str) -> None:
    print(f"[serve {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Launcher:
    def __init__(
        self,
        *,
        replicas: int,
        address: str,
        port: int,
        haproxy: str,
        client_connections: int = CLIENT_CONNECTIONS,
        client_api_requests: int = CLIENT_API_REQUESTS_10S,
    ):
        self.address = address
        self.port = port
        self.haproxy = haproxy
        self.limits = {"client_connections": client_connections, "client_api_requests": client_api_requests}
        self.replicas = [Replica(f"r{i + 1}", free_port()) for i in range(replicas)]
        self.run_dir = Path(tempfile.mkdtemp(prefix="dashboard-serve-"))
        self.config = self.run_dir / "haproxy.cfg"
        self.stats_socket = self.run_dir / "haproxy.sock"
        self.balancer_errors = self.run_dir / "haproxy.stderr"
        self.balancer: subprocess.Popen | None = None
        self.stopping = threading.Event()

    @property
    def local_url(self) -> str:
        return f"http://{'localhost' if self.everywhere or self.address == '127.0.0.1' else self.address}:{self.port}"

    @property
    def balancer_url(self) -> str:
        """Where this machine reaches HAProxy, for the launcher's own health check."""
        return f"http://{'127.0.0.1' if self.everywhere else self.address}:{self.port}"

    @property
    def everywhere(self) -> bool:
        return self.address in ("0.0.0.0", "::")  # noqa: S104

    def request_stop(self, signum: int, _frame) -> None:
        say(f"{signal.Signals(signum).name}: stopping")
        self.stopping.set()

    def run(self) -> int:
        try:
            self.config.write_text(
                render_config(
                    address=self.address,
                    port=self.port,
                    replicas=self.replicas,
                    stats_socket=self.stats_socket,
                    **self.limits,
                )
            )
            check = subprocess.run([self.haproxy, "-c", "-q", "-f", str(self.config)], capture_output=True, text=True)
            if check.returncode:
                say(f"the HAProxy configuration {self.config} is not valid:\n{check.stdout}{check.stderr}")
                return 1
            for replica in self.replicas:
                self.start(replica)
            if not self.wait_for(lambda: all(healthy(r.url) for r in self.replicas), "the replicas"):
                return 0 if self.stopping.is_set() else 1
            for replica in self.replicas:
                replica.answered = True
            # Its log (servers going down and up) goes to our output; its stderr repeats the same lines,
            # so it is kept in a file and shown only if HAProxy stops.
            with self.balancer_errors.open("wb") as errors:
                self.balancer = start_group([self.haproxy, "-db", "-f", str(self.config)], stderr=errors)
            if not self.wait_for(lambda: healthy(self.balancer_url), "HAProxy"):
                return 0 if self.stopping.is_set() else 1
            threading.Thread(target=self.watch_health, name="health", daemon=True).start()
            say(f"HAProxy runtime API: {self.stats_socket}")
            say(f"Open {self.local_url} ({len(self.replicas)} replicas behind HAProxy). Ctrl-C stops everything.")
            return self.supervise()
        finally:
            self.stop_all()

    def start(self, replica: Replica) -> None:
        replica.answered, replica.failures = False, 0
        replica.proc = start_group(replica_command(replica.port))
        replica.started_at = time.monotonic()
        replica.restart_at = None
        say(f"replica {replica.name} on {replica.url} (pid {replica.proc.pid})")

    def wait_for(self, ready, what: str) -> bool:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.stopping.is_set():
            if self.balancer is not None and self.balancer.poll() is not None:
                self.balancer_exited()
                return False
            for replica in self.replicas:
                if replica.proc.poll() is not None:
                    say(f"replica {replica.name} exited with code {replica.proc.returncode} while starting")
                    return False
            if ready():
                return True
            if time.monotonic() > deadline:
                say(f"{what} did not answer the health check within {START_TIMEOUT_S} s")
                return False
            self.stopping.wait(0.2)
        return False

    def supervise(self) -> int:
        """Restart replicas that die or hang until asked to stop; HAProxy dying ends the run."""
        while not self.stopping.wait(POLL_S):
            if self.balancer.poll() is not None:
                self.balancer_exited()
                return 1
            now = time.monotonic()
            for replica in self.replicas:
                if replica.restart_at is not None:
                    if now >= replica.restart_at:
                        self.start(replica)
                elif replica.proc.poll() is not None:
                    code = replica.proc.returncode
                    self.schedule_restart(
                        replica, now, f"exited with {f'signal {-code}' if code < 0 else f'code {code}'}"
                    )
                elif replica.failures >= HEALTH_FAILURES:
                    self.schedule_restart(replica, now, f"failed its health check {replica.failures} times in a row")
        return 0

    def watch_health(self) -> None:
        """Check every running replica's health, HEALTH_EVERY_S apart, counting the failures in a row of each
        one that has answered since it started (a starting replica has START_TIMEOUT_S to answer first)."""
        while not self.stopping.wait(HEALTH_EVERY_S):
            for replica in list(self.replicas):
                proc = replica.proc
                if proc is None or proc.poll() is not None or replica.restart_at is not None:
                    continue
                if healthy(replica.url):
                    replica.answered, replica.failures = True, 0
                elif replica.answered or time.monotonic() - replica.started_at > START_TIMEOUT_S:
                    replica.failures += 1

    def balancer_exited(self) -> None:
        said = self.balancer_errors.read_text(errors="replace").strip()[-2000:]
        say(f"HAProxy exited with code {self.balancer.returncode}; stopping the replicas\n{said}".strip())

    def schedule_restart(self, replica: Replica, now: float, cause: str) -> None:
        """Clear what is left of its process group, then start it again after the pause its recent restarts set."""
        stop_group(replica.proc, timeout=0)
        while replica.restarts and replica.restarts[0] < now - RESTART_WINDOW_S:
            replica.restarts.popleft()
        delay = backoff_s(len(replica.restarts))
        replica.restarts.append(now)
        replica.restart_at = now + delay
        say(f"replica {replica.name} (pid {replica.proc.pid}) {cause}; restarting in {delay:.0f} s")

    def stop_all(self) -> None:
        children = [p for p in [self.balancer, *(r.proc for r in self.replicas)] if p is not None]
        for proc in children:  # all at once, then wait for each
            signal_group(proc, signal.SIGTERM)
        for proc in children:
            stop_group(proc)
        shutil.rmtree(self.run_dir, ignore_errors=True)
        say("stopped")


def backoff_s(recent_restarts: int) -> float:
    """The pause before a restart, given how many this replica had within RESTART_WINDOW_S: 0, 1, 2, 4 … 30 s."""
    return 0.0 if recent_restarts == 0 else float(min(2 ** (recent_restarts - 1), MAX_BACKOFF_S))


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=2, help="Streamlit processes to run (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the port people open (default 8501)")
    parser.add_argument(
        "--address",
        default="0.0.0.0",  # noqa: S104 (serving other people is the point; HAProxy is what listens)
        help="where HAProxy listens (default 0.0.0.0, every interface; 127.0.0.1 for this machine only)",
    )
    parser.add_argument(
        "--client-connections",
        type=int,
        default=CLIENT_CONNECTIONS,
        help=f"open connections one client address may hold (default {CLIENT_CONNECTIONS}); more are refused",
    )
    parser.add_argument(
        "--client-api-requests",
        type=int,
        default=CLIENT_API_REQUESTS_10S,
        help=f"/api/ requests one client address may make in 10 s (default {CLIENT_API_REQUESTS_10S}); more get 429",
    )
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if importlib.util.find_spec("streamlit") is None:
        print(f"Streamlit is not installed for {sys.executable}: {INSTALL_APP}", file=sys.stderr)
        return 2
    haproxy = haproxy_path()
    if haproxy is None:
        print(f"HAProxy is not installed. On Debian or Ubuntu: {INSTALL_HAPROXY}", file=sys.stderr)
        return 2
    if port_in_use(args.address, args.port):
        print(
            f"Port {args.port} is already in use on {args.address}: another program (or another launcher) listens "
            f"there. Stop it (`ss -ltnp 'sport = :{args.port}'` shows which), or choose another port with --port.",
            file=sys.stderr,
        )
        return 2
    launcher = Launcher(
        replicas=args.replicas,
        address=args.address,
        port=args.port,
        haproxy=haproxy,
        client_connections=args.client_connections,
        client_api_requests=args.client_api_requests,
    )
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, launcher.request_stop)
    return launcher.run()


if __name__ == "__main__":
    sys.exit(main())
