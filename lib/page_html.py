"""The app's HTML page asks for the chart library from the start, not when the first chart arrives.

Streamlit's frontend loads Plotly's code (one 4.7 MB module) when a page first holds a chart, and running it took
a second of a two-core machine: a first visit's chart painted a second after its data was in. With this
middleware, the HTML page Streamlit serves for every page's address names that module beside the frontend's own,
so the browser loads and runs it while the server is still building the page; the frontend's later import of
the same address finds it done. Measured in benchmarks/results.md ("The cold start, a third look").

Only Streamlit's HTML page is changed, and only when its chart module is found and the page has a `</head>`;
every other response passes through as it was, and a Streamlit that names its module differently is served
unchanged (its charts load as they always did).
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What described the page as Streamlit sent it, not as it is sent now.
DROPPED_HEADERS = {b"content-length", b"content-encoding", b"etag", b"last-modified"}


def plotly_module() -> str | None:
    """The file name of Streamlit's Plotly chart module (hashed per release), or None where there is not one."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.submodule_search_locations:
        return None
    scripts = Path(next(iter(spec.submodule_search_locations))) / "static" / "static" / "js"
    found = sorted(scripts.glob("PlotlyChart.*.js"))
    return found[0].name if len(found) == 1 else None


def with_chart_library(html: bytes, module: str) -> bytes:
    """`html` with a module script for the chart library after the frontend's own, or unchanged."""
    address = f"./static/js/{module}"
    # Once the frontend has started (its own module runs first) and the browser is idle, waiting for the server's
    # first run: not before, where it would hold up the frontend. Safari has no requestIdleCallback.
    tag = (
        '<script type="module">const later = window.requestIdleCallback || (run => setTimeout(run, 200));'
        f"addEventListener('DOMContentLoaded', () => later(() => import('{address}').catch(() => null), "
        "{timeout: 1000}));</script>"
    ).encode()
    if b"</head>" not in html or module.encode() in html:
        return html
    return html.replace(b"</head>", tag + b"</head>", 1)


class ChartLibraryFirst:
    """ASGI middleware: Streamlit's HTML page, with the chart library named in it (`with_chart_library`)."""

    def __init__(self, app: ASGIApp, module: str | None = None):
        self.app = app
        self.module = module or plotly_module()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        module = self.module
        if scope["type"] != "http" or scope["method"] != "GET" or module is None:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = bytearray()

        async def send_page_changed(message: Message) -> None:
            """Hold back an HTML page's start and body until it is whole; pass everything else on at once."""
            nonlocal start
            if message["type"] == "http.response.start" and _is_html_page(message):
                start = message
            elif start is not None and message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body"):
                    await _send_page(send, start, bytes(body), module)
            else:
                await send(message)

        await self.app(scope, receive, send_page_changed)


def _is_html_page(start: Message) -> bool:
    content_type = dict(start.get("headers", [])).get(b"content-type", b"")
    return start["status"] == 200 and content_type.startswith(b"text/html")


async def _send_page(send: Send, start: Message, body: bytes, module: str) -> None:
    """The page with the module named in it, or exactly as Streamlit sent it where it cannot be read or changed."""
    headers = start.get("headers", [])
    page = _changed(body, dict(headers).get(b"content-encoding"), module)
    if page is None:
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return
    kept = [(k, v) for k, v in headers if k.lower() not in DROPPED_HEADERS]
    await send({**start, "headers": [*kept, (b"content-length", str(len(page)).encode())]})
    await send({"type": "http.response.body", "body": page})


def _changed(body: bytes, encoding: bytes | None, module: str) -> bytes | None:
    if encoding not in (None, b"identity", b"gzip"):
        return None
    try:
        html = gzip.decompress(body) if encoding == b"gzip" else body
    except (OSError, EOFError):
        return None
    page = with_chart_library(html, module)
    return None if page == html else page
