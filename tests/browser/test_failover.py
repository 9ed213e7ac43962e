"""Through `deploy/serve.py --replicas 2` in Chromium: the replica serving a page dies, the page gets its view
back from a live one with no error on screen, and the dead replica is started again; uploaded figures,
which lived in the dead session, are said to be gone; two browsers keep their own sessions."""

import re
import time
from urllib.parse import parse_qs, urlparse

import psutil
import pytest
from playwright.sync_api import expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

import ui
from benchmarks.harness import kill_group, launch_balanced, stop_balanced
from deploy import serve
from tests.browser.conftest import (
    _require_browser,
    assert_no_exception,
    metric_values,
    screenshot,
    selected,
    wait_for_app,
    wait_until_idle,
)
from tests.browser.test_explore import FIXTURES, MINE, table_on_screen, upload_file
from tests.integration.launcher import require_haproxy

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SECTORS = "/sectors?sector=Information+and+communication&benchmark=Financial+and+insurance"
BACK_WITHIN_MS = 30_000  # a behaviour guard, not a speed target: benchmarks/failover.py times it


@pytest.fixture(scope="module")
def balanced():
    _require_browser()
    require_haproxy()
    served = launch_balanced(replicas=2)
    yield served
    assert stop_balanced(served) == 0, served.output


@pytest.fixture
def lb(balanced):
    """The launcher, with both replicas in service (an earlier test may have killed one)."""
    balanced.wait_until(lambda s: all(r["up"] for r in s.values()), "both replicas in service", timeout=90)
    return balanced


class Runs:
    """What each WebSocket of a page received, decoded: one list of ForwardMsg types per connection."""

    def __init__(self, page):
        self.page = page
        self.sockets: list[list[str]] = []
        page.on("websocket", self._opened)

    def _opened(self, ws) -> None:
        received: list[str] = []
        self.sockets.append(received)

        def frame(payload) -> None:
            msg = ForwardMsg.FromString(payload)
            kind = msg.WhichOneof("type")
            if kind == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                kind = "script_finished_successfully"
            received.append(kind)

        ws.on("framereceived", frame)

    def wait_for_rerun_on_a_new_connection(self, connections: int, timeout_ms: float = BACK_WITHIN_MS) -> None:
        """Until the page's `connections`-th WebSocket has carried a whole new session's run, without a click."""
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            if len(self.sockets) >= connections:
                latest = self.sockets[connections - 1]
                if "new_session" in latest and "script_finished_successfully" in latest:
                    return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"no rerun on WebSocket {connections} within {timeout_ms / 1000:.0f} s: {self.sockets}")


def replica_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == serve.COOKIE)


def new_tab(browser, lb, replica: str | None = None):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    if replica:
        context.add_cookies([{"name": serve.COOKIE, "value": replica, "url": lb.url}])
    page = context.new_page()
    return context, page, Runs(page)


def the_view(page) -> dict:
    return {
        "query": parse_qs(urlparse(page.url).query),
        "sector": selected(page, "Your sector"),
        "benchmark": selected(page, "Compare with"),
        "headline": page.locator("h2").first.inner_text(),
        "metrics": metric_values(page),
    }


def kill_the_replica_serving(lb, context) -> tuple[str, int]:
    name = replica_of(context)
    pid = lb.replica_pid(name)
    kill_group(pid)
    return name, pid


def test_the_view_comes_back_from_a_live_replica_and_the_dead_one_is_restarted(browser, lb):
    context, page, runs = new_tab(browser, lb)
    page.goto(lb.url + SECTORS)
    wait_for_app(page, charts=2)
    before = the_view(page)
    assert before["sector"] == "Information and communication" and before["benchmark"] == "Financial and insurance"
    screenshot(page, "failover-before")

    name, pid = kill_the_replica_serving(lb, context)
    killed = time.monotonic()
    page.wait_for_timeout(300)
    screenshot(page, "failover-during", whole_page=False)  # what people see meanwhile
    runs.wait_for_rerun_on_a_new_connection(2)
    wait_for_app(page, charts=2)
    print(f"view rerun on the other replica {time.monotonic() - killed:.1f} s after the kill")

    assert replica_of(context) != name
    assert the_view(page) == before
    assert_no_exception(page)
    assert page.get_by_text(re.compile("Connection error|Is Streamlit still running")).count() == 0
    screenshot(page, "failover-after")

    # The page is live on its new replica: a change reruns there.
    page.get_by_role("combobox", name="Compare with").click()
    page.get_by_role("option", name="UK: all in employment", exact=True).click()
    expect(page.locator("h2").first).not_to_have_text(before["headline"])
    assert parse_qs(urlparse(page.url).query)["benchmark"] == ["UK: all in employment"]

    lb.wait_replaced(name, pid)
    assert f"replica {name} (pid {pid}) exited with signal 9" in lb.output
    context.close()


def test_uploaded_figures_lost_with_their_replica_are_said_to_be_gone(browser, lb):
    context, page, runs = new_tab(browser, lb)
    page.goto(lb.url + "/explore?breakdown=region")
    wait_for_app(page)
    upload_file(page, FIXTURES / "good_survey.csv")
    assert parse_qs(urlparse(page.url).query)[ui.OWN_FIGURES_KEY] == [MINE]
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Sectors").click()  # not the upload's link
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_contain_text(f"Your data: {MINE}")
    wait_for_app(page, charts=2)
    assert parse_qs(urlparse(page.url).query)[ui.OWN_FIGURES_KEY] == [MINE]  # every page keeps the marker

    connections = len(runs.sockets)
    name, pid = kill_the_replica_serving(lb, context)
    runs.wait_for_rerun_on_a_new_connection(connections + 1)
    wait_for_app(page, charts=2)

    assert_no_exception(page)
    notice = page.locator(".st-key-own-figures-gone")
    assert f"Your own figures (“{MINE}”) are not in this view." in notice.inner_text()
    assert "upload your file or its bundle again" in notice.inner_text()
    assert MINE not in page.locator('[data-testid="stPlotlyChart"]').first.inner_text()
    assert "your own uploaded figures" not in page.locator('[data-testid="stMain"]').inner_text()
    screenshot(page, "failover-uploads-gone")

    notice.get_by_role("button", name="Dismiss").click()
    notice.wait_for(state="detached")
    wait_until_idle(page)
    assert ui.OWN_FIGURES_KEY not in parse_qs(urlparse(page.url).query)

    # As the notice says: upload again on Explore, now on the live replica.
    page.get_by_role("link", name="Explore").click()
    wait_for_app(page)
    upload_file(page, FIXTURES / "good_survey.csv")
    assert "Added 5 rows as" in page.locator('[data-testid="stAlert"]').filter(has_text="Added").inner_text()
    assert parse_qs(urlparse(page.url).query)[ui.OWN_FIGURES_KEY] == [MINE]
    assert_no_exception(page)
    context.close()
    lb.wait_replaced(name, pid)


@pytest.mark.parametrize("replicas", [("r1", "r1"), ("r1", "r2")], ids=["same replica", "different replicas"])
def test_two_browsers_keep_their_own_sessions(browser, lb, replicas):
    mine, page, _ = new_tab(browser, lb, replicas[0])
    theirs, other, _ = new_tab(browser, lb, replicas[1])
    page.goto(lb.url + "/explore?breakdown=region")
    other.goto(lb.url + "/explore?breakdown=region")
    wait_for_app(page)
    wait_for_app(other)
    upload_file(page, FIXTURES / "good_survey.csv")
    assert table_on_screen(page)[0] == 24 + 2

    other.reload()
    wait_for_app(other)
    assert table_on_screen(other)[0] == 24
    assert MINE not in other.locator('[data-testid="stMain"]').inner_text()
    assert ui.OWN_FIGURES_KEY not in parse_qs(urlparse(other.url).query)
    assert (replica_of(mine), replica_of(theirs)) == replicas
    assert_no_exception(other)
    mine.close()
    theirs.close()


def test_the_chromium_a_replica_starts_for_exports_ends_with_it_killed_or_stopped(browser):
    """Kaleido's Chromium runs in a session of its own, out of reach of a signal to the replica's group."""
    require_haproxy()
    served = launch_balanced(replicas=1)
    try:
        context, page, _ = new_tab(browser, served)
        page.goto(served.url + "/sectors")
        wait_for_app(page)
        with page.expect_download(timeout=60_000):
            page.locator(".st-key-sectors-all-png").get_by_role("button").first.click()
        context.close()
        replica = psutil.Process(served.replica_pid("r1"))
        exporters = [p for p in replica.children(recursive=True) if p.name() == "chromium"]
        assert exporters, "the PNG download started no Chromium"

        kill_group(replica.pid)
        assert wait_gone(exporters), [p.cmdline()[:2] for p in exporters if alive(p)]
        served.wait_replaced("r1", replica.pid)

        context, page, _ = new_tab(browser, served)
        page.goto(served.url + "/sectors")
        wait_for_app(page)
        with page.expect_download(timeout=60_000):
            page.locator(".st-key-sectors-all-png").get_by_role("button").first.click()
        context.close()
        everything = served.descendants()
        assert any(p.name() == "chromium" for p in everything)
    finally:
        code = stop_balanced(served)
    assert code == 0
    assert wait_gone(everything), [p.cmdline()[:2] for p in everything if alive(p)]


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_gone(processes: list[psutil.Process], timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in processes):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True
