"""Coroutines run to the end in a thread of their own.

Playwright's sync API keeps an event loop running in the main thread of a pytest-xdist worker for the rest of its
session, so a unit test placed after a browser test in that worker cannot call `asyncio.run` there.
"""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def run_apart(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """`asyncio.run(coroutine)` in a fresh thread; its result, or its exception raised here."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
