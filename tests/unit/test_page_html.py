"""lib/page_html.py: Streamlit's HTML page names the chart library; every other response passes as it was."""

import gzip
from pathlib import Path

import streamlit

from lib.page_html import ChartLibraryFirst, plotly_module, with_chart_library
from tests.event_loop import run_apart

STREAMLIT_PAGE = (Path(streamlit.__file__).parent / "static" / "index.html").read_bytes()
MODULE = "PlotlyChart.Ab12_cd.js"


def test_the_installed_streamlit_has_one_chart_module_and_its_frontend_imports_it_by_that_name():
    module = plotly_module()
    assert module is not None and module.startswith("PlotlyChart.")
    scripts = Path(streamlit.__file__).parent / "static" / "static" / "js"
    assert any(module.encode() in entry.read_bytes() for entry in scripts.glob("index.*.js"))


def test_the_page_imports_the_module_beside_the_frontends_own_address_once_the_browser_is_idle():
    page = with_chart_library(STREAMLIT_PAGE, MODULE).decode()
    head = page[: page.index("</head>")]
    assert f"import('./static/js/{MODULE}')" in head  # as the frontend's own ./static/js/index.*.js
    assert "./static/js/index." in head and head.index("./static/js/index.") < head.index(MODULE)
    assert "requestIdleCallback" in head
    assert page.count(MODULE) == 1


def test_a_page_without_a_head_or_already_naming_the_module_is_left_as_it_is():
    assert with_chart_library(b"<p>no head</p>", MODULE) == b"<p>no head</p>"
    once = with_chart_library(STREAMLIT_PAGE, MODULE)
    assert with_chart_library(once, MODULE) == once


def respond(status: int, headers: list[tuple[bytes, bytes]], chunks: list[bytes], method: str = "GET"):
    """Run the middleware over an app that answers with `chunks`; return what reached the client."""

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for i, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": i < len(chunks) - 1})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "method": method, "path": "/councils", "headers": []}
    run_apart(ChartLibraryFirst(app, MODULE)(scope, receive, send))
    return sent


def test_the_gzipped_html_page_is_sent_whole_with_the_module_and_its_new_length():
    packed = gzip.compress(STREAMLIT_PAGE)
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-encoding", b"gzip"),
        (b"content-length", str(len(packed)).encode()),
        (b"etag", b'"abc"'),
        (b"cache-control", b"no-cache"),
    ]
    start, body = respond(200, headers, [packed[:100], packed[100:]])
    sent = dict(start["headers"])
    assert body["body"] == with_chart_library(STREAMLIT_PAGE, MODULE)
    assert sent[b"content-length"] == str(len(body["body"])).encode()
    assert b"content-encoding" not in sent and b"etag" not in sent  # not the bytes those described
    assert sent[b"cache-control"] == b"no-cache"


def test_other_responses_pass_through_unchanged_and_in_their_chunks():
    script = [(b"content-type", b"application/javascript")]
    assert [m.get("body") for m in respond(200, script, [b"a", b"b"])][1:] == [b"a", b"b"]
    html = [(b"content-type", b"text/html")]
    assert respond(404, html, [b"<head></head>"])[1]["body"] == b"<head></head>"
    assert respond(200, html, [b"<head></head>"], method="HEAD")[1]["body"] == b"<head></head>"


def test_a_page_it_cannot_read_or_change_is_sent_exactly_as_streamlit_sent_it():
    for encoding, body in ((b"br", b"\x1b\x00compressed"), (b"gzip", b"not gzip at all"), (None, b"<p>no head</p>")):
        headers = [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())]
        headers += [(b"content-encoding", encoding)] if encoding else []
        start, sent = respond(200, headers, [body])
        assert start["headers"] == headers and sent["body"] == body
