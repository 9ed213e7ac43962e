"""The drawing service: single flight and kept files, a bounded wait, pages first with a slot of their own, one
client's turn after another's, and abandoned requests never drawn."""

import threading
import time
from collections import deque
from dataclasses import replace

import pytest

from lib import selections
from lib.limits import DRAWING
from lib.render import drawing
from lib.render.drawing import API, PAGE, Abandoned, Busy, DrawingService
from tests.event_loop import run_apart


class Gate:
    """A drawing that waits until released, and the keys drawn, in order."""

    def __init__(self):
        self.open = threading.Event()
        self.drawn: list[str] = []
        self.began: list[str] = []
        self.started = threading.Semaphore(0)

    def make(self, name: str):
        def draw():
            self.began.append(name)
            self.started.release()
            self.open.wait(10)
            self.drawn.append(name)
            return name.encode()

        return draw


def service(**limits) -> DrawingService:
    return DrawingService(replace(DRAWING, **limits))


def wait_for(condition, timeout=5):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_the_same_file_asked_for_at_once_is_drawn_once_and_then_kept():
    gate, drawer = Gate(), service()
    flights = [drawer.submit("brief", gate.make("brief"), lane=API, client=f"c{i}") for i in range(30)]
    assert len({id(f) for f in flights}) == 1 and flights[0].waiters == 30
    gate.open.set()
    assert flights[0].done.wait(5)
    assert {drawer.run("brief", gate.make("again")) for _ in range(3)} == {b"brief"}  # kept: not drawn again
    assert [f.outcome() for f in flights] == [b"brief"] * 30
    assert gate.drawn == ["brief"]
    assert drawer.counts["drawn"] == 1 and drawer.counts["shared"] == 29 and drawer.counts["kept"] == 3


def test_a_file_made_while_something_failed_is_handed_over_but_not_kept():
    from lib.share import Encoded

    made: list[bool] = []

    def page_without_its_chart():
        made.append(True)
        return Encoded.of(b"<p>the chart is missing this time</p>", lasting=False)

    drawer = service()
    first = drawer.run("age.html", page_without_its_chart)
    assert not first.lasting and b"missing" in first.body
    drawer.run("age.html", page_without_its_chart)
    assert len(made) == 2 and drawer.counts["kept"] == 0  # the next asker gets a fresh try


def test_a_file_of_a_sessions_own_figures_is_never_shared():
    gate, drawer = Gate(), service()
    gate.open.set()
    drawer.run(None, gate.make("mine"))
    drawer.run(None, gate.make("mine"))
    assert gate.drawn == ["mine", "mine"]


def test_requests_whose_clients_left_are_not_drawn():
    gate, drawer = Gate(), service(slots=1, page_slots=0, max_wait_s=60, queued_per_client=50)
    first = drawer.submit("first", gate.make("first"), lane=API, client="a")
    gate.started.acquire(timeout=5)  # the one slot is busy
    left = [drawer.submit(f"zip{i}", gate.make(f"zip{i}"), lane=API, client=f"c{i}") for i in range(20)]
    stays = drawer.submit("stays", gate.make("stays"), lane=API, client="b")
    for flight in left:
        drawer.abandon(flight)  # `curl --max-time 1`
    assert all(f.done.is_set() and isinstance(f.error, Abandoned) for f in left)
    gate.open.set()
    assert first.done.wait(5) and stays.done.wait(5)
    assert gate.drawn == ["first", "stays"]
    assert drawer.counts["skipped"] == 20


def test_a_flight_others_still_wait_for_is_drawn_when_one_of_them_leaves():
    gate, drawer = Gate(), service(slots=1, page_slots=0)
    drawer.submit("busy", gate.make("busy"), lane=API, client="a")
    gate.started.acquire(timeout=5)
    one = drawer.submit("shared", gate.make("shared"), lane=API, client="b")
    drawer.submit("shared", gate.make("shared"), lane=API, client="c")
    drawer.abandon(one)
    gate.open.set()
    wait_for(lambda: "shared" in gate.drawn)


def test_the_wait_is_bounded_and_a_refusal_says_when_to_come_back():
    gate, drawer = Gate(), service(slots=1, page_slots=0, queued=3, queued_per_client=10, max_wait_s=1000)
    drawer.submit("busy", gate.make("busy"), lane=API, client="a")
    gate.started.acquire(timeout=5)
    for i in range(3):
        drawer.submit(f"q{i}", gate.make(f"q{i}"), lane=API, client="a")
    started = time.monotonic()
    with pytest.raises(Busy) as refused:
        drawer.submit("one-too-many", gate.make("x"), lane=API, client="b")
    assert time.monotonic() - started < 0.1  # at once, never after waiting
    assert refused.value.retry_after_s >= 1 and "try again in" in str(refused.value)
    gate.open.set()


def test_a_request_that_would_wait_longer_than_the_bound_is_refused_at_once():
    gate, drawer = Gate(), service(slots=1, page_slots=0, max_wait_s=2.5, queued_per_client=50)
    drawer._lengths["png"] = deque([1.0] * 5)  # images have been taking 1 s
    drawer.submit("busy", gate.make("busy"), lane=API, client="a", kind="png")
    gate.started.acquire(timeout=5)
    drawer.submit("next", gate.make("next"), lane=API, client="b", kind="png")  # 1 s ahead, 1 s its own: admitted
    with pytest.raises(Busy, match="drawing for many people"):
        drawer.submit("later", gate.make("later"), lane=API, client="c", kind="png")  # 2 s ahead + 1 s: over 2.5 s
    with pytest.raises(Busy):
        drawer.submit("zip", gate.make("zip"), lane=API, client="d", kind="zip")  # a zip is guessed at 8 s
    gate.open.set()


def test_one_client_fills_its_own_share_of_the_queue_not_everyones():
    gate, drawer = Gate(), service(slots=1, page_slots=0, queued_per_client=2, max_wait_s=1000)
    drawer.submit("busy", gate.make("busy"), lane=API, client="loop")
    gate.started.acquire(timeout=5)
    drawer.submit("l1", gate.make("l1"), lane=API, client="loop")
    drawer.submit("l2", gate.make("l2"), lane=API, client="loop")
    with pytest.raises(Busy, match="already has 2 drawings waiting"):
        drawer.submit("l3", gate.make("l3"), lane=API, client="loop")
    drawer.submit("other", gate.make("other"), lane=API, client="someone")
    gate.open.set()
    wait_for(lambda: len(gate.drawn) == 4)
    assert gate.drawn == ["busy", "l1", "other", "l2"]  # served client by client, in turn


def test_pages_go_first_and_the_api_never_takes_their_slot():
    gate, drawer = Gate(), service(slots=2, page_slots=1, max_wait_s=1000, queued_per_client=10)
    for i in range(4):
        drawer.submit(f"api{i}", gate.make(f"api{i}"), lane=API, client=f"c{i}")
    gate.started.acquire(timeout=5)
    time.sleep(0.2)
    assert gate.started.acquire(timeout=0) is False  # a second API drawing did not take the page's slot
    page = drawer.submit("page", gate.make("page"), lane=PAGE)
    assert gate.started.acquire(timeout=5)  # the page's drawing began at once, beside the API's
    gate.open.set()
    assert page.done.wait(5)
    wait_for(lambda: len(gate.drawn) == 5)
    assert gate.began[:2] == ["api0", "page"]


def test_a_flight_that_waited_past_the_bound_is_refused():
    gate, drawer = Gate(), service(slots=1, page_slots=0, max_wait_s=0.3)
    drawer._lengths[""] = deque([0.01])  # so that admission lets the second in
    drawer.submit("busy", gate.make("busy"), lane=API, client="a")
    waiting = drawer.submit("waits", gate.make("waits"), lane=API, client="b")
    assert waiting.done.wait(3)
    assert isinstance(waiting.error, Busy) and "within 0.3 s" in str(waiting.error)
    gate.open.set()


def test_the_api_stops_waiting_as_soon_as_its_client_has_gone():
    gate, drawer = Gate(), service(slots=1, page_slots=0)
    drawer.submit("busy", gate.make("busy"), lane=API, client="a")
    flight = drawer.submit("gone", gate.make("gone"), lane=API, client="b")
    calls = []

    async def gone():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Abandoned):
        run_apart(drawer.wait_async(flight, gone, poll_s=0.01))
    assert flight.state == "skipped"
    gate.open.set()
    wait_for(lambda: gate.drawn == ["busy"])


def test_the_canonical_address_keeps_only_the_keys_a_file_uses_sorted_and_once():
    keys = drawing.file_keys("sectors", "pdf")
    given = [("present", "1"), ("sector", "Education"), ("benchmark", "Education"), ("sector", "Manufacturing")]
    assert drawing.canonical_query(keys, given) == (("benchmark", "Education"), ("sector", "Manufacturing"))
    deck = drawing.file_keys("councils", "pptx")
    assert selections.PRESENT not in deck and any(s.key == "deck" for s in deck)
    again = [("deck", "age"), ("deck", "sector"), ("deck", "age"), ("region", "Wales")]
    assert drawing.canonical_query(deck, again) == (("deck", "age"), ("deck", "sector"), ("region", "Wales"))


@pytest.mark.parametrize(
    "key", [("slide.png", (("deck", "x"),), "http://h", "2026-01-01"), ("a", "b", 3), ("a", "b", ("x",))]
)
def test_a_key_of_any_shape_is_drawn_and_the_worker_goes_on(key):
    drawer = service(slots=1, page_slots=0)
    for asked, answer in ((key, b"first"), (("next", "png", ()), b"second")):
        flight = drawer.submit(asked, lambda answer=answer: answer, lane=API, client="c")
        assert flight.done.wait(5) and flight.outcome() == answer
