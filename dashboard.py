"""Entry point: `streamlit run dashboard.py` serves the pages and, on the same port, the API (/api/…).

`streamlit run` imports this module and serves `app`: an st.App whose session script is
app/navigation.py (the navigation and presentation mode), with the API's routes and a warm-up.
"""

import threading
import time
from contextlib import asynccontextmanager

import streamlit as st
from starlette.routing import Route


async def api(request):
    """The API loads with its first request, or with the warm-up below, whichever comes first."""
    from lib.api import answer

    return await answer(request)


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


app = st.App("app/navigation.py", routes=[Route("/api/{file:path}", api, methods=["GET"])], lifespan=warm_up)
