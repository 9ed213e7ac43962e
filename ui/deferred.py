"""Parts a page places where they belong but builds once the page is out.

The Share menu's button stands under the headline, but its insides (copy, embed, cite, download) are built after
the page's charts, so that a first visit paints its chart before them. app/navigation.py runs each page inside
`after_page()`; called outside one (a part shown on its own, as in a test), `later` does the work at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_run = threading.local()  # each session's script runs on its own thread


def later(work: Callable[[], None]) -> None:
    """Do `work` once the page has run, or now outside a page."""
    queued = getattr(_run, "queued", None)
    if queued is None:
        work()
    else:
        queued.append(work)


@contextmanager
def after_page() -> Iterator[None]:
    """Run the page, then the work it left for later; a page that stops or fails leaves none behind."""
    _run.queued = []
    try:
        yield
        while _run.queued:
            _run.queued.pop(0)()
    finally:
        _run.queued = None
