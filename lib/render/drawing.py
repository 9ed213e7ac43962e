"""Drawing as a bounded, fair service: one queue in front of the replica's one Chromium.

Images, decks, briefs and zips take a browser and up to seconds each; a link sent to a meeting, a
scheduled job or a loop of `curl --max-time 1` can ask for dozens at once. Every drawn file, from a
page's button or from the API, is a `Flight` through one `DrawingService`:

- **Single flight, kept.** A file is known by its canonical address (`file_key`: the page, the
  format, the keys that format uses, sorted and deduplicated, the base of its links and the day).
  Asked for while it is being drawn, the asker joins that drawing; once drawn, it is kept
  (`Drawing.files_kept`) and answered without waiting; a file that says it is not `lasting` (made
  while a drawing failed: a static page without its chart) is handed to its askers and not kept.
- **Bounded.** A request that would wait longer than `Drawing.max_wait_s` for a slot, or that
  finds the queue full, or its client with `Drawing.queued_per_client` drawings already waiting,
  is refused at once (`Busy`, with the seconds after which to try again): the API answers 503 and
  `Retry-After`, a page says to try again shortly.
- **Fair.** The pages' own buttons draw first and have `Drawing.page_slots` slots the API never
  takes; API requests are served client by client in turn, so one loop waits behind itself.
- **Abandoned requests are not drawn.** A request whose client has gone leaves its flight; a
  flight nobody waits for any more leaves the queue before it is drawn. A drawing already under
  way is not waited for: it finishes and is kept for whoever asks next.

Pure Python and threads (a page's button waits in Streamlit's thread, the API in the event loop
with `wait_async`); the browser itself is lib.render.images.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import statistics
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from lib import selections, views
from lib.limits import DRAWING, Drawing
from lib.render import formats
from lib.views import deck

PAGE, API = "page", "api"
log = logging.getLogger(__name__)  # one line per drawing and per refusal: what benchmarks/storm.py counts
# A format's drawing length before one has been timed here (benchmarks/api.py: a PNG 0.2 s, a brief 0.2 s, a deck
# 1.2 s on a quiet machine; a zip holds all of them): deliberately high, so that a first storm is not let in.
FIRST_GUESS_S = {"png": 1.0, "svg": 1.0, "pdf": 1.5, "pptx": 4.0, "zip": 8.0}
OTHER_GUESS_S = 2.0


class Busy(RuntimeError):
    """Drawing is refused for now; `retry_after_s` says when trying again is worth it."""

    def __init__(self, retry_after_s: float, why: str):
        self.retry_after_s = max(1, math.ceil(retry_after_s))
        super().__init__(f"{why}: try again in {self.retry_after_s} s")


class Abandoned(RuntimeError):
    """Nobody waits for this drawing any more, so it was not drawn."""


@dataclass(eq=False)
class Flight:
    """One file being drawn (or waiting to be) and everyone waiting for it."""

    key: Hashable | None  # None: not shared (a file made with a session's own uploads)
    make: Callable[[], Any] = field(repr=False)
    lane: str
    client: str
    queued_at: float
    kind: str = ""  # the format: what its drawing is expected to take
    started_at: float = 0.0
    waiters: int = 1
    state: str = "queued"  # queued → drawing → done; or skipped / expired while queued
    result: Any = field(default=None, repr=False)
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


def finished(result: Any) -> Flight:
    flight = Flight(None, lambda: result, PAGE, "", time.monotonic(), state="done", result=result)
    flight.done.set()
    return flight


class DrawingService:
    """The queue, its slots and the files kept; one per server process (`shared_service`)."""

    def __init__(self, limits: Drawing = DRAWING):
        self.limits = limits
        self.counts: Counter[str] = Counter()  # drawn, kept, shared, skipped, refused, expired, failed
        self._lock = threading.Condition()
        self._pages: deque[Flight] = deque()
        self._api: OrderedDict[str, deque[Flight]] = OrderedDict()  # client → their flights, served in turn
        self._flights: dict[Hashable, Flight] = {}  # queued or drawing, by key
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
        self._drawing: Counter[str] = Counter()  # lane → drawings under way
        self._lengths: dict[str, deque[float]] = {}  # format → its last drawings' seconds
        self._running: set[Flight] = set()
        self._workers: list[threading.Thread] = []

    # ---- asking -------------------------------------------------------------------------------
    def submit(
        self, key: Hashable | None, make: Callable[[], Any], *, lane: str = PAGE, client: str = "", kind: str = ""
    ) -> Flight:
        """The flight that will bring `make()`'s file: one already kept or under way for `key`, or a new one
        in the queue. Busy when it would wait too long."""
        with self._lock:
            if key is not None and key in self._kept:
                self._kept.move_to_end(key)
                self.counts["kept"] += 1
                return finished(self._kept[key])
            if key is not None and key in self._flights:
                flight = self._flights[key]
                flight.waiters += 1
                self.counts["shared"] += 1
                return flight
            self._admit(lane, client, kind)
            flight = Flight(key, make, lane, client, time.monotonic(), kind)
            if lane == PAGE:
                self._pages.append(flight)
            else:
                self._api.setdefault(client, deque()).append(flight)
            if key is not None:
                self._flights[key] = flight
            self._start_workers()
            self._lock.notify_all()  # a worker, not only the expiry watch, must hear of it
            return flight

    def abandon(self, flight: Flight) -> None:
        """One waiter has gone; a queued flight nobody waits for leaves the queue undrawn."""
        with self._lock:
            flight.waiters -= 1
            if flight.waiters <= 0 and flight.state == "queued":
                self._leave_queue(flight, "skipped", Abandoned("the client went away before its drawing began"))

    def run(
        self, key: Hashable | None, make: Callable[[], Any], *, lane: str = PAGE, client: str = "", kind: str = ""
    ) -> Any:
        """Draw (or share, or take the kept file) and wait: for a page's button and other blocking callers."""
        flight = self.submit(key, make, lane=lane, client=client, kind=kind)
        flight.done.wait()
        return flight.outcome()

    async def wait_async(self, flight: Flight, gone: Callable[[], Awaitable[bool]], poll_s: float = 0.05) -> Any:
        """The flight's file, awaited without holding a thread; Abandoned as soon as `gone()` says the client
        has left (the drawing, if under way, goes on and is kept)."""
        while not flight.done.is_set():
            if await gone():
                self.abandon(flight)
                raise Abandoned("the client went away")
            await asyncio.sleep(poll_s)
        return flight.outcome()

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._pages) + sum(len(q) for q in self._api.values())

    # ---- the queue ----------------------------------------------------------------------------
    def _admit(self, lane: str, client: str, kind: str) -> None:
        """Busy unless this request can expect to be drawn within max_wait_s (called under the lock)."""
        limits = self.limits  # each lane's queue has its own bound: the API filling its own never refuses a page
        waiting = len(self._pages) if lane == PAGE else sum(len(q) for q in self._api.values())
        mine = len(self._api.get(client, ())) if lane == API else 0
        wait_s = self.expected_wait_s(lane, mine)
        why = ""
        if waiting >= limits.queued:
            why = f"{waiting} drawings are already waiting"
        elif mine >= limits.queued_per_client:
            why = f"this client already has {limits.queued_per_client} drawings waiting"
        elif wait_s + self.expected_s(kind) > limits.max_wait_s:
            why = f"the server is drawing for many people (about {wait_s:.0f} s of work ahead)"
        if why:
            self.counts["refused"] += 1
            log.info("refused %s %s: %s", lane, client, why)
            raise Busy(max(wait_s, 1.0), why)

    def expected_wait_s(self, lane: str, mine: int = 0) -> float:
        """Roughly how long a new flight would wait for its slot: the work queued ahead of it, shared among the
        slots its lane may use, after the first of those slots comes free. Pages go first; an API client waits for
        each other client's turn as many times as it has flights of its own waiting."""
        now = time.monotonic()
        api_slots = max(self.limits.slots - self.limits.page_slots, 1)
        if lane == PAGE:
            ahead, slots, running = list(self._pages), self.limits.slots, self._running
        else:
            turns = [f for q in self._api.values() for f in list(q)[: mine + 1]]
            ahead, slots = [*self._pages, *turns], api_slots
            running = {f for f in self._running if f.lane == API}
        free_in = 0.0
        if len(running) >= slots:
            free_in = min(max(self.expected_s(f.kind) - (now - f.started_at), 0.0) for f in running)
        return free_in + sum(self.expected_s(f.kind) for f in ahead) / slots

    def expected_s(self, kind: str) -> float:
        """How long a drawing of this format takes: the median of its last ones here and, while they are few, the
        first guess (a first drawing, which waits for Chromium to start, does not set the pace)."""
        lengths = self._lengths.get(kind)
        return statistics.median(lengths) if lengths else FIRST_GUESS_S.get(kind, OTHER_GUESS_S)

    def _next(self) -> Flight | None:
        """The next flight to draw (under the lock): the pages' first, then each API client's in turn while the
        API holds fewer than its share of the slots. Flights past their wait are refused on the way."""
        self._expire()
        if self._pages and self._drawing[PAGE] + self._drawing[API] < self.limits.slots:
            return self._pages.popleft()
        free = self._drawing[PAGE] + self._drawing[API] < self.limits.slots
        if self._api and free and self._drawing[API] < max(self.limits.slots - self.limits.page_slots, 1):
            client, flights = next(iter(self._api.items()))
            flight = flights.popleft()
            del self._api[client]
            if flights:
                self._api[client] = flights  # to the back of the line
            return flight
        return None

    def _expire(self) -> None:
        deadline = time.monotonic() - self.limits.max_wait_s
        for flight in [*self._pages, *(f for q in self._api.values() for f in q)]:
            if flight.queued_at < deadline:
                busy = Busy(
                    self.expected_s(flight.kind), f"no drawing slot came free within {self.limits.max_wait_s:g} s"
                )
                self._leave_queue(flight, "expired", busy)

    def _leave_queue(self, flight: Flight, state: str, error: BaseException) -> None:
        if flight.lane == PAGE:
            self._pages.remove(flight)
        else:
            flights = self._api[flight.client]
            flights.remove(flight)
            if not flights:
                del self._api[flight.client]
        if flight.key is not None:
            self._flights.pop(flight.key, None)
        flight.state, flight.error = state, error
        self.counts[state] += 1
        log.info("%s %s %s", state, flight.lane, _named(flight.key))
        flight.done.set()

    # ---- the workers --------------------------------------------------------------------------
    def _start_workers(self) -> None:
        if not self._workers:  # flights past their wait are refused even while every slot is busy
            threading.Thread(target=self._expire_forever, name="drawing-expiry", daemon=True).start()
        while len(self._workers) < self.limits.slots:
            worker = threading.Thread(target=self._work, name=f"drawing-{len(self._workers) + 1}", daemon=True)
            self._workers.append(worker)
            worker.start()

    def _expire_forever(self) -> None:
        while True:
            with self._lock:
                self._expire()
                self._lock.wait(timeout=0.2)

    def _work(self) -> None:
        while True:
            with self._lock:
                flight = self._next()
                while flight is None:
                    self._lock.wait(timeout=1.0)
                    flight = self._next()
                flight.state, flight.started_at = "drawing", time.monotonic()
                self._drawing[flight.lane] += 1
                self._running.add(flight)
            self._draw(flight)

    def _draw(self, flight: Flight) -> None:
        started = time.monotonic()
        try:
            result, error = flight.make(), None
        except BaseException as err:  # handed to every waiter, who says it in words
            result, error = None, err
        took = time.monotonic() - started
        with self._lock:
            guess = FIRST_GUESS_S.get(flight.kind, OTHER_GUESS_S)  # twice, as a prior: one slow first drawing
            self._lengths.setdefault(flight.kind, deque([guess, guess], maxlen=16)).append(took)  # (Chromium starting)
            self._drawing[flight.lane] -= 1
            self._running.discard(flight)
            if flight.key is not None:
                self._flights.pop(flight.key, None)
                if error is None and getattr(result, "lasting", True):
                    self._kept[flight.key] = result
                    while len(self._kept) > self.limits.files_kept:
                        self._kept.popitem(last=False)
            flight.result, flight.error, flight.state = result, error, "done"
            self.counts["drawn" if error is None else "failed"] += 1
            flight.done.set()
            self._lock.notify_all()
        log.info("%s %s %s in %.2f s", "drew" if error is None else "failed", flight.lane, _named(flight.key), took)


def _named(key: Hashable | None) -> str:
    """A flight's key in a log line: page, format and canonical query (a session's own: 'own')."""
    if not isinstance(key, tuple) or len(key) < 3:
        return "own"
    page, fmt, canonical = key[:3]
    try:
        return f"{page}.{fmt}?" + "&".join(f"{k}={v}" for k, v in canonical)
    except (TypeError, ValueError):  # a key of another shape is named as it is: a log line never stops the worker
        return repr(key)[:200]


LOG_SETTING = "DASHBOARD_DRAWING_LOG"  # a file to append the queue's lines to (benchmarks and tests read it)


@cache
def shared_service() -> DrawingService:
    """The process's one service: the pages and the API queue for the same browser."""
    path = os.environ.get(LOG_SETTING)
    if path:
        handler = logging.FileHandler(path)
        handler.setFormatter(logging.Formatter("%(created).3f %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return DrawingService()


# ---- what a file is --------------------------------------------------------------------------------


def needs_drawing(fmt: str) -> bool:
    """Whether a format takes the browser, where there is one (lib.render.formats)."""
    made = formats.get(fmt)
    return made.needs_browser or made.uses_browser


def file_keys(page: str, fmt: str) -> tuple[selections.Selection, ...]:
    """The keys a file of this format depends on: the page's, and for a deck the deck's too (not presentation
    mode's place in it, nor the marker of uploaded figures)."""
    own = views.PAGES[page].keys
    if fmt != "pptx":
        return tuple(own)
    return (*own, *(s for s in deck.KEYS if s not in (selections.PRESENT, selections.SLIDE)))


def canonical_query(
    keys: Sequence[selections.Selection], query: Iterable[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """The pairs of an address that a file depends on: only the keys it uses, sorted; a single key's last value
    (as a page reads it), a multiple key's values once each, in their order (a deck's order is its slides')."""
    multiple = {s.key for s in keys if s.multiple}
    used = {s.key for s in keys}
    values: dict[str, list[str]] = {}
    for key, value in query:
        if key in used:
            values.setdefault(key, []).append(value)
    pairs = []
    for key in sorted(values):
        given = values[key]
        pairs += [(key, v) for v in (dict.fromkeys(given) if key in multiple else given[-1:])]
    return tuple(pairs)


def file_key(
    page: str, fmt: str, canonical: tuple, base: str, day: date, options: Mapping[str, Any] | None = None
) -> tuple:
    """What a drawn file is known by: never the raw query, never a client's header beyond the chosen base."""
    return (page, fmt, canonical, base, day.isoformat(), tuple(sorted(dict(options or {}).items())))
