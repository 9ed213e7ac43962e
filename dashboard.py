"""Entry point: `streamlit run dashboard.py` serves the pages and, on the same port, the API (/api/…).

`streamlit run` imports this module and serves `app`: an st.App whose session script is
app/navigation.py (the navigation and presentation mode), with the API in front of it, an HTML page that
has the browser load the chart library from the start (lib/page_html.py), and a warm-up.
The API is a middleware rather than a route: a route would see only `/api/…` in that case, and every
other spelling (`/API/sectors.csv`, `/api`) would reach Streamlit's catch-all and get the app's HTML
page; the middleware runs before Streamlit's own and answers every method and path under /api/.
"""

import threading
import time
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request

from lib.page_html import ChartLibraryFirst


class Api:
    """Every HTTP request whose path is under /api/, in any case, goes to lib.api; the rest to Streamlit."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _under_api(scope):
            from lib.api import answer  # the API loads with its first request, or with the warm-up below

            response = await answer(Request(scope, receive))
            await response(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _under_api(scope) -> bool:
    for path in (scope.get("path", ""), scope.get("raw_path", b"").decode("latin-1")):
        lowered = path.lower()
        if lowered == "/api" or lowered.startswith(("/api/", "/api%2f")):
            return True
    return False


WARM_UP_AFTER_S = 5  # a restarted replica's first visitor loads the page and runs its script undisturbed


def warm_later() -> None:
    time.sleep(WARM_UP_AFTER_S)
    import ui

    ui.warm()


@asynccontextmanager
async def warm_up(server):
    """The server answers at once; a few seconds later, a thread loads the API and builds every page's
    default view in the gaps between visitors' scripts (ui.warm), so a meeting finds the work done."""
    threading.Thread(target=warm_later, name="warm-up", daemon=True).start()
    yield


app = st.App("app/navigation.py", middleware=[Middleware(Api), Middleware(ChartLibraryFirst)], lifespan=warm_up)
