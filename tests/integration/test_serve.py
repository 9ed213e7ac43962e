"""deploy/serve.py with real processes: HAProxy in front of two `streamlit run` replicas on free loopback ports.

The browser side of a failover (the page gets its view back) is in tests/browser/test_failover.py.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import psutil
import pytest

from benchmarks.harness import kill_group, launch_balanced, stop_balanced
from deploy import serve
from tests.integration.launcher import require_haproxy

pytestmark = pytest.mark.integration


def get(url: str, cookie: str | None = None) -> tuple[int, str | None, bytes]:
    """Status, the replica cookie HAProxy set (`dashboard_replica=r1`) if any, and the body."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            status, headers, body = r.status, r.headers, r.read()
    except urllib.error.HTTPError as err:
        status, headers, body = err.code, err.headers, err.read()
    cookies = [c.split(";")[0] for c in headers.get_all("Set-Cookie") or []]
    return status, next((c for c in cookies if c.startswith(f"{serve.COOKIE}=")), None), body


def test_the_configuration_is_the_template_with_this_runs_ports_and_haproxy_accepts_it(tmp_path):
    haproxy = require_haproxy()
    replicas = [serve.Replica(f"r{i}", 40000 + i) for i in (1, 2, 3)]
    config = serve.render_config(address="127.0.0.1", port=8765, replicas=replicas, stats_socket=tmp_path / "s.sock")
    assert "bind 127.0.0.1:8765" in config
    for r in replicas:
        assert f"server {r.name} 127.0.0.1:{r.port} cookie {r.name}" in config
    assert "http-check send meth GET uri /_stcore/health" in config
    assert "option redispatch" in config and "balance leastconn" in config
    path = tmp_path / "haproxy.cfg"
    path.write_text(config)
    check = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_without_haproxy_it_says_the_apt_command_and_fails(monkeypatch, capsys):
    monkeypatch.setattr(serve, "haproxy_path", lambda: None)
    assert serve.main(["--replicas", "2", "--port", "8599"]) != 0
    assert "apt-get install -y haproxy" in capsys.readouterr().err


def test_a_port_in_use_is_named_before_anything_starts(capsys):
    require_haproxy()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert serve.main(["--port", str(port), "--address", "127.0.0.1"]) != 0
    assert f"Port {port} is already in use" in capsys.readouterr().err


def test_every_path_reaches_the_replica_its_cookie_names():
    require_haproxy()
    served = launch_balanced(replicas=2)
    try:
        assert served.servers().keys() == {"r1", "r2"}
        assert all(s["up"] for s in served.servers().values())
        assert f"Open http://localhost:{served.port}" in served.output

        status, replica, page = get(served.url + "/sectors?sector=Education")
        assert status == 200 and b'id="root"' in page
        name = replica.split("=")[1]  # dashboard_replica=r1 or r2
        direct = f"http://127.0.0.1:{served.servers()[name]['port']}"
        # Any path, the API's included, gets what the replica itself answers, and stays there.
        for path in ("/_stcore/health", "/_stcore/host-config", "/api/sectors.csv?sector=Education", "/no/such"):
            status, cookie, body = get(served.url + path, replica)
            assert (status, body) == get(direct + path)[::2], path
            assert cookie is None, path
    finally:
        stop_balanced(served)


def test_a_hung_replica_is_taken_out_its_people_sent_on_and_it_is_put_back_when_it_answers():
    """A stopped process still accepts connections but never answers: only the health checks can tell."""
    require_haproxy()
    served = launch_balanced(replicas=2)
    try:
        replica = get(served.url + "/_stcore/health")[1]
        name = replica.split("=")[1]
        hung = served.replica_pid(name)
        os.killpg(hung, signal.SIGSTOP)
        try:
            out_after = served.wait_until(lambda s: not s[name]["up"], f"{name} taken out", timeout=10)
            status, moved_to, _ = get(served.url + "/_stcore/health", replica)
            assert status == 200
            assert moved_to not in (None, replica)  # sent to the other replica, which its cookie now names
        finally:
            os.killpg(hung, signal.SIGCONT)
        back_after = served.wait_until(lambda s: s[name]["up"], f"{name} back in service", timeout=10)
        assert served.replica_pid(name) == hung  # the launcher left a live process alone
        # HAProxy's log, relayed to the launcher's output: a line may arrive after the runtime API says so.
        served.wait_for_output(rf"Server replicas/{name} is DOWN", timeout=10)
        served.wait_for_output(rf"Server replicas/{name} is UP", timeout=10)
        print(f"{name} out of service {out_after:.1f} s after it hung, back {back_after:.1f} s after it answered")
    finally:
        stop_balanced(served)


def test_a_dead_replica_is_started_again_and_back_in_service():
    require_haproxy()
    served = launch_balanced(replicas=2)
    try:
        old_pid = served.replica_pid("r1")
        kill_group(old_pid)
        back_after = served.wait_replaced("r1", old_pid)
        assert "replica r1 (pid " + str(old_pid) + ") exited with signal 9" in served.output
        assert get(served.url + "/_stcore/health", f"{serve.COOKIE}=r1")[:2] == (200, None)
        print(f"r1 restarted and steady in service {back_after:.1f} s after the kill")
    finally:
        stop_balanced(served)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_signal_stops_everything_it_started(signum):
    require_haproxy()
    served = launch_balanced(replicas=2)
    started = served.descendants()
    ports = [served.port, *(s["port"] for s in served.servers().values())]
    assert len(started) >= 3  # HAProxy and two replicas, with whatever they started
    code = stop_balanced(served, signum)
    assert code == 0, served.output
    time.sleep(0.5)
    alive = [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], [p.cmdline() for p in alive]
    listening = {c.laddr.port for c in psutil.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN}
    assert not listening & set(ports)
    assert "stopped" in served.output


def test_restarts_back_off_over_a_sliding_window_however_long_a_replica_lived(tmp_path):
    launcher = serve.Launcher(replicas=1, address="127.0.0.1", port=1, haproxy="haproxy")
    replica = launcher.replicas[0]
    replica.started_at = -3600.0  # it had lived an hour before each death: that buys it no quick restart
    delays = []
    now = 10_000.0
    for _ in range(8):
        replica.proc = subprocess.Popen(["true"])
        replica.proc.wait()
        launcher.schedule_restart(replica, now, "exited with code 1")
        delays.append(replica.restart_at - now)
        now += 20  # each dies 20 s after its restart: more than any fixed "crash loop" threshold
    assert delays == [0, 1, 2, 4, 8, 16, 30, 30]
    now += serve.RESTART_WINDOW_S + 1  # a quiet window forgets the past restarts
    launcher.schedule_restart(replica, now, "exited with code 1")
    assert replica.restart_at == now
    launcher.stop_all()


def test_after_kill_9_of_the_launcher_its_children_go_and_the_next_start_works():
    require_haproxy()
    served = launch_balanced(replicas=1)
    started = served.descendants()
    assert len(started) >= 2  # HAProxy and the replica
    served.proc.kill()  # SIGKILL: no handler runs, the launcher cannot clean up
    served.proc.wait()
    gone = psutil.wait_procs(started, timeout=20)[1]
    assert gone == [], [p.cmdline() for p in gone]  # every child died with it: the kernel's parent-death signal
    again = launch_balanced(replicas=1, port=served.port)  # the same port is free again
    try:
        assert get(again.url + "/_stcore/health")[0] == 200
    finally:
        stop_balanced(again)


def test_a_replica_alive_but_hung_is_restarted_after_failing_its_checks_in_a_row():
    require_haproxy()
    served = launch_balanced(replicas=1)
    try:
        hung = served.replica_pid("r1")
        os.killpg(hung, signal.SIGSTOP)  # alive, holding its port, answering nothing
        served.wait_for_output(rf"replica r1 \(pid {hung}\) failed its health check {serve.HEALTH_FAILURES} times")
        back_after = served.wait_replaced("r1", hung)
        assert not psutil.pid_exists(hung) or psutil.Process(hung).status() == psutil.STATUS_ZOMBIE
        assert get(served.url + "/_stcore/health")[0] == 200
        print(f"a hung replica was replaced and back in service {back_after:.1f} s after it was restarted")
    finally:
        stop_balanced(served)


def test_haproxy_limits_each_client_address_in_connections_and_api_requests():
    require_haproxy()
    served = launch_balanced(replicas=1, extra=["--client-connections", "4", "--client-api-requests", "5"])
    try:
        requests = [urllib.request.Request(served.url + "/api/sectors.csv") for _ in range(9)]
        statuses, limited = [], None
        for request in requests:
            try:
                with urllib.request.urlopen(request, timeout=30) as r:
                    statuses.append(r.status)
            except urllib.error.HTTPError as err:
                statuses.append(err.code)
                limited = err
        assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}, statuses
        assert limited.headers["Retry-After"] == "10" and limited.headers["Content-Type"] == "application/problem+json"
        assert get(served.url + "/_stcore/health")[0] == 200  # a page's own requests are not the API's
        # The connections above are closed, but HAProxy may still count one for a moment: start from none.
        assert within(10, lambda: served.open_connections() == 0), served.runtime("show table dashboard")
        held = []
        # Each kept open while the next opens, and the next opened only once HAProxy counts this one: it may take
        # connections in out of the order they were made (CI saw the fourth refused and the fifth answered).
        for opened in range(1, 7):
            held.append(connect(served.port))
            within(10, lambda: served.open_connections() >= min(opened, 4))  # noqa: B023 — called at once
        time.sleep(0.5)
        answers = [health_over(conn) for conn in held]
        assert answers == ["answered"] * 4 + ["refused"] * 2, answers  # the fifth and sixth of one address
    finally:
        stop_balanced(served)


def within(seconds: float, condition) -> bool:
    """Whether `condition()` comes true within `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def connect(port: int) -> socket.socket | None:
    """A connection to the balancer, or None where it was refused as it opened."""
    try:
        return socket.create_connection(("127.0.0.1", port), timeout=30)
    except ConnectionError:
        return None


def health_over(conn: socket.socket | None) -> str:
    """ "answered" where the health check is answered over `conn`, "refused" where HAProxy closed it unanswered
    (a slow answer fails the test with its timeout, not counted as a refusal)."""
    if conn is None:
        return "refused"
    with conn:
        try:
            conn.sendall(b"GET /_stcore/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            return "answered" if conn.recv(100) else "refused"
        except (ConnectionResetError, BrokenPipeError):
            return "refused"
