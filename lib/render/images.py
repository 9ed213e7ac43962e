"""Server-side images of Plotly figures at slide size, drawn by kaleido in a headless Chromium.

Starting Chromium takes seconds and drawing an image a fraction of one, so an
`ImageExporter` opens one browser on first use and keeps it warm for every later image.
The app holds one exporter per process (`st.cache_resource` in ui.py); a notebook makes
its own. Without a browser, `ImageExportUnavailable` says so in words a page can show.

kaleido's own `start_sync_server` is not used: it hangs forever when the browser fails
to start, and its one result queue can hand one caller another caller's image.

A drawing that runs past its time (`Drawing.timeout_s`) is not only abandoned here: the browser's
whole process group is killed and the next image starts a fresh one, so the next person's drawing
does not queue behind a stuck one inside Chromium. A figure holding a text longer than
`Drawing.text_chars` is refused before it reaches the browser. Who may draw when is
lib.render.drawing's business.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from concurrent.futures import CancelledError as FutureCancelled
from concurrent.futures import TimeoutError as FutureTimeout
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from lib.charts import IMAGE_HEIGHT, IMAGE_WIDTH
from lib.limits import DRAWING

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
DEBIAN_CHROMIUM = "/usr/bin/chromium"
START_S = 60  # Chromium starts in a second or two; on a busy machine, much longer
START_ATTEMPTS = 2  # a start that hangs is tried once more, in a fresh process: the next one starts


class ImageExportUnavailable(RuntimeError):
    """No browser to draw images with; the message is fit to show on a page as it is."""


def find_browser() -> str | None:
    """The Chromium kaleido will use: BROWSER_PATH if set, else the first on PATH, else Debian's."""
    path = os.environ.get("BROWSER_PATH") or _browser_on(os.environ.get("PATH", "")) or DEBIAN_CHROMIUM
    return path if Path(path).is_file() else None


@lru_cache(maxsize=4)
def _browser_on(search_path: str) -> str | None:
    """Searched once per PATH: choreographer tries a dozen names in every folder, and every page run asks
    (each chart's image buttons), which cost thirty people changing a selection at once 15% of the CPU."""
    from choreographer.browsers.chromium import Chromium  # kaleido's browser finder, loaded when first asked

    return Chromium.find_browser(skip_local=False)


@cache
def shared_exporter() -> ImageExporter:
    """The process's one exporter: the pages and the API draw with the same warm browser."""
    return ImageExporter()


class ImageExporter:
    """One warm Chromium drawing PNG and SVG images of figures; safe to share between threads.

    The browser runs on its own event loop in a daemon thread, opened on the first
    image; kaleido queues concurrent requests onto its tab, so callers never mix results.
    """

    def __init__(
        self, browser_path: str | None = None, *, timeout: float = DRAWING.timeout_s, tabs: int = DRAWING.slots
    ):
        self._browser_path = browser_path
        self._timeout = timeout
        self._tabs = tabs
        self.restarts = 0  # browsers killed after a drawing ran out of time
        self._jobs: set = set()  # drawings under way in the current browser
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    @property
    def browser(self) -> str | None:
        """The browser this exporter would start, or None when there is none."""
        if self._browser_path is not None:
            return self._browser_path if Path(self._browser_path).is_file() else None
        return find_browser()

    @property
    def available(self) -> bool:
        return self.browser is not None

    def image(
        self,
        fig: go.Figure,
        fmt: str = "png",
        *,
        width: int = IMAGE_WIDTH,
        height: int = IMAGE_HEIGHT,
        scale: float = 1,
    ) -> bytes:
        """The figure as PNG or SVG bytes, `width`×`height` layout pixels times `scale`."""
        if fmt not in FORMATS:
            raise ValueError(f"format is one of {', '.join(FORMATS)} (got {fmt!r})")
        from choreographer.errors import BrowserClosedError, ChannelClosedError

        longest = longest_text(fig.to_plotly_json())
        if longest > DRAWING.text_chars:
            raise ImageExportUnavailable(
                f"this chart holds a text of {longest:,} characters, and no text over {DRAWING.text_chars:,} is drawn: "
                "shorten the labels or the name of the figures"
            )
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        try:
            return self._draw(fig, opts)
        except FutureCancelled:  # another drawing ran out of time in the same browser, which was restarted
            return self._draw(fig, opts)
        except (BrowserClosedError, ChannelClosedError):
            # The browser died between images (killed, out of memory): start a fresh one, once.
            self._forget()
            return self._draw(fig, opts)

    def _draw(self, fig: go.Figure, opts: dict) -> bytes:
        kaleido, loop = self._open()
        job = asyncio.run_coroutine_threadsafe(kaleido.calc_fig(fig, opts=opts), loop)
        with self._lock:
            self._jobs.add(job)
        try:
            return job.result(self._timeout)
        except FutureTimeout:
            self.restart(kaleido)
            raise ImageExportUnavailable(
                f"image export unavailable: Chromium did not draw the image within {self._timeout:.0f} s, so it was "
                "restarted"
            ) from None
        finally:
            with self._lock:
                self._jobs.discard(job)

    def png(self, fig: go.Figure, **size) -> bytes:
        return self.image(fig, "png", **size)

    def svg(self, fig: go.Figure, **size) -> bytes:
        return self.image(fig, "svg", **size)

    def _open(self):
        """Start the browser once; later calls reuse it (kaleido loads with the first image, off a page's path)."""
        with self._lock:
            if self._kaleido is not None:
                return self._kaleido, self._loop
            path = self.browser
            if path is None:
                raise ImageExportUnavailable("image export unavailable: no Chromium found")
            tries_left = START_ATTEMPTS
            while True:
                try:
                    self._loop, self._thread, self._kaleido = self._start(path)
                    return self._kaleido, self._loop
                except FutureTimeout as err:  # a start that hangs (seen once in some hundreds, under load)
                    tries_left -= 1
                    if not tries_left:
                        raise ImageExportUnavailable(
                            f"image export unavailable: Chromium at {path} did not start within "
                            f"{self._start_s:.0f} s, {START_ATTEMPTS} times"
                        ) from err
                except Exception as err:  # a browser that exits at once would do so again
                    raise ImageExportUnavailable(
                        f"image export unavailable: Chromium at {path} did not start ({type(err).__name__})"
                    ) from err

    @property
    def _start_s(self) -> float:
        return max(self._timeout, START_S)

    def _start(self, path: str):
        """One try at starting Chromium on a loop of its own; a try that fails leaves no process or thread."""
        import kaleido

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido-browser", daemon=True)
        thread.start()
        # No MathJax: our charts use none, and its default comes from a CDN.
        browser = kaleido.Kaleido(path=path, n=self._tabs, mathjax=False, timeout=self._start_s)
        try:
            asyncio.run_coroutine_threadsafe(browser.open(), loop).result(self._start_s)
        except BaseException:
            _kill(browser)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            raise
        return loop, thread, browser

    def close(self) -> None:
        """Close the browser (a later image opens a new one)."""
        with self._lock:
            if self._kaleido is None:
                return
            asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(self._timeout)
            self._stop_loop()

    def restart(self, stuck=None) -> None:
        """Kill the browser's whole process group (it runs in a session of its own) and forget it: the next
        image starts a fresh one. Chromium working on a stuck drawing would otherwise go on with it. The other
        drawings waiting in that browser are cancelled, and each starts again in the new one. `stuck`: only if
        the browser is still that one (another thread may have restarted it already)."""
        with self._lock:
            if self._kaleido is None or (stuck is not None and stuck is not self._kaleido):
                return
            for job in self._jobs:
                job.cancel()
            _kill(self._kaleido)
            self._stop_loop(wait_s=0)  # its thread ends when the loop stops; the process is gone already
            self.restarts += 1
        # A fresh browser now, not when the next person asks: they find it warm.
        threading.Thread(target=self._open_quietly, name="kaleido-restart", daemon=True).start()

    def _open_quietly(self) -> None:
        with contextlib.suppress(ImageExportUnavailable):
            self._open()

    @property
    def browser_pid(self) -> int | None:
        """The running browser's process id, or None (for tests and benchmarks)."""
        process = getattr(self._kaleido, "subprocess", None)
        return None if process is None else process.pid

    def _forget(self) -> None:
        """Drop a browser that has died, without asking it to close."""
        with self._lock:
            if self._kaleido is not None:
                self._stop_loop()

    def _stop_loop(self, wait_s: float = 5) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(wait_s)
        self._loop, self._thread, self._kaleido = None, None, None

    def __enter__(self) -> ImageExporter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _kill(browser) -> None:
    """Kill a kaleido browser's whole process group (Chromium runs in a session of its own)."""
    process = getattr(browser, "subprocess", None)
    if process is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def longest_text(value: object) -> int:
    """The length of the longest string anywhere in a figure's JSON (titles, labels, hover text, annotations)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max((longest_text(v) for v in value.values()), default=0)
    if isinstance(value, list | tuple):
        return max((longest_text(v) for v in value), default=0)
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":  # a numpy array of text
        return longest_text(value.tolist())
    return 0
