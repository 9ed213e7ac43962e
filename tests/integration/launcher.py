"""Drive `python deploy/serve.py` as a user would: start it on free ports, read what it says, ask HAProxy's
runtime API which replicas are up, find a replica's process by the port it listens on, stop it with a signal.

Without haproxy the tests that need it skip with the apt command, unless REQUIRE_BROWSER=1 (as in CI),
where they fail instead.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from deploy import serve

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120


def require_haproxy() -> str:
    path = serve.haproxy_path()
    if path:
        return path
    reason = f"no haproxy (Debian: {serve.INSTALL_HAPROXY})"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Launched:
    """A running `deploy/serve.py`: its process, its output so far and where HAProxy listens."""

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
                raise AssertionError(f"serve.py exited with {self.proc.returncode}:\n{self.output}")
            time.sleep(0.1)
        raise AssertionError(f"serve.py did not print {pattern!r} within {timeout} s:\n{self.output}")

    @property
    def stats_socket(self) -> str:
        return self.wait_for_output(r"HAProxy runtime API: (\S+)").group(1)

    def servers(self) -> dict[str, dict]:
        """HAProxy's view of each replica: its port and whether it is in service (`show servers state`)."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.stats_socket)
            s.sendall(b"show servers state replicas\n")
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        lines = answer.decode().splitlines()
        header = next(line for line in lines if line.startswith("# be_id")).lstrip("# ").split()
        rows = [dict(zip(header, line.split(), strict=False)) for line in lines if line and line[0].isdigit()]
        rows = [r for r in rows if "srv_name" in r]
        return {r["srv_name"]: {"port": int(r["srv_port"]), "up": r["srv_op_state"] == "2"} for r in rows}

    def wait_until(self, condition, what: str, timeout: float = 60) -> float:
        """Poll `condition(self.servers())` until true; return the seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if condition(self.servers()):
                return time.monotonic() - started
            time.sleep(0.1)
        raise AssertionError(f"{what} within {timeout} s; HAProxy says {self.servers()}\n{self.output}")

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

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Signal the launcher and wait for it; if it does not stop, kill it and all it started, and fail."""
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for p in [*self.descendants(), psutil.Process(self.proc.pid)]:
                p.kill()
            raise AssertionError(f"serve.py did not stop within {timeout} s of {signal.Signals(signum).name}") from None


def launch(replicas: int = 2) -> Launched:
    """Start serve.py on free loopback ports; return once it says where to open."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--replicas", str(replicas), "--port", str(port), "--address", "127.0.0.1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so that a failed test can clear up the launcher and everything it started
    )
    launched = Launched(proc, port)

    def read() -> None:
        for line in proc.stdout:
            launched.lines.append(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        launched.wait_for_output(r"Open http://\S+")
    except AssertionError:
        launched.stop(timeout=15)
        raise
    return launched


def kill_group(pid: int) -> None:
    """A replica's crash: SIGKILL to it and everything in its process group."""
    os.killpg(os.getpgid(pid), signal.SIGKILL)
