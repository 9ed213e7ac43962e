"""How many uploaded rows one server holds across every session, bounded by `Limits.held_rows`.

Each session keeps its own figures in its own state; nothing else in the server knows how many
there are in all, and thirty people each uploading a million rows would end the replica. `HeldRows`
counts the rows of every upload a session keeps, and lets each go when its table does (the
session ends, or replaces or removes its figures: `weakref.finalize`), so the count needs no
bookkeeping from the pages beyond asking before they keep a new table.
"""

from __future__ import annotations

import threading
import weakref

import pandas as pd

from lib.limits import LIMITS, Limits


class TooManyRowsHeld(RuntimeError):
    """The server holds as many uploaded rows as it may; the message says so in words a page can show."""


class HeldRows:
    """The count of uploaded rows held by every session of one server."""

    def __init__(self, limits: Limits = LIMITS):
        self.limits = limits
        self._lock = threading.Lock()
        self._held = 0

    @property
    def held(self) -> int:
        with self._lock:
            return self._held

    def keep(self, rows: pd.DataFrame, replacing: pd.DataFrame | None = None) -> None:
        """Count `rows` as held until they are let go (garbage-collected); TooManyRowsHeld if they would take the
        server past its cap. The session's own figures they replace are not counted against them."""
        count = len(rows)
        with self._lock:
            freed = len(replacing) if replacing is not None else 0
            if self._held - freed + count > self.limits.held_rows:
                raise TooManyRowsHeld(
                    f"this server already holds {self._held:,} uploaded rows for the people using it, and may hold "
                    f"{self.limits.held_rows:,}: your {count:,} rows would go past that. Try again when others have "
                    "finished, or upload fewer rows"
                )
            self._held += count
        weakref.finalize(rows, self._let_go, count)

    def _let_go(self, count: int) -> None:
        with self._lock:
            self._held -= count
