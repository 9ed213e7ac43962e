"""What lib.share decides before it serves anything: which page an oEmbed URL is, the static page's own options,
gzip negotiation, the files it keeps, and its routes in the OpenAPI document."""

from __future__ import annotations

import gzip

import pytest
from openapi_spec_validator import validate
from starlette.requests import Request
from starlette.responses import Response

from lib import api, share
from lib.render import html
from lib.render.images import ImageExportUnavailable
from tests.event_loop import run_apart

BASE = "https://dash.example"


def request(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw, "query_string": b""})


@pytest.mark.parametrize(
    ("url", "page", "query"),
    [
        (f"{BASE}/", "overview", {}),
        (f"{BASE}", "overview", {}),
        (f"{BASE}/sectors?sector=Education&benchmark=UK", "sectors", {"sector": ["Education"], "benchmark": ["UK"]}),
        (f"{BASE}/api/regions.html?region=Wales&embed=1&standalone=0", "regions", {"region": ["Wales"]}),
        ("http://DASH.example/councils?region=Wales&region=London", "councils", {"region": ["Wales", "London"]}),
    ],
)
def test_an_address_of_this_dashboard_is_its_page_and_query(url, page, query):
    assert share.page_of(url, BASE) == (page, query)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("https://evil.example/sectors", 404),
        ("https://dash.example.evil.example/sectors", 404),
        ("javascript:alert(1)//dash.example/", 404),
        ("ftp://dash.example/sectors", 404),
        (f"{BASE}/nope", 404),
        (f"{BASE}/api/sectors.pdf", 404),
        (f"{BASE}/sectors/deeper", 404),
    ],
)
def test_foreign_or_unknown_addresses_are_problems(url, status):
    with pytest.raises(api.Problem) as problem:
        share.page_of(url, BASE)
    assert problem.value.status == status and problem.value.fields["parameter"] == "url"


def test_a_base_path_is_part_of_this_dashboard():
    assert share.page_of("https://d.example/dash/age?band=16-19", "https://d.example/dash") == (
        "age",
        {"band": ["16-19"]},
    )


def test_the_pages_options_come_out_of_the_query_and_a_bad_value_is_a_400():
    query = {"sector": ["Education"], "embed": ["1"], "standalone": ["false"]}
    assert share.page_options(query) == {"embed": True, "standalone": False}
    assert query == {"sector": ["Education"]}
    with pytest.raises(api.Problem) as problem:
        share.page_options({"embed": ["yes please"]})
    assert problem.value.status == 400 and problem.value.fields["allowed"] == ["1", "0"]


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
    ],
)
def test_gzip_only_where_the_client_takes_it(header, gzipped):
    assert share.accepts_gzip(request({"Accept-Encoding": header} if header else {})) is gzipped


def test_a_file_is_kept_with_its_gzip_form_and_the_oldest_goes_first():
    kept = share.Kept(2)
    first = kept.put("a", share.Encoded.of(b"first" * 100))
    assert gzip.decompress(first.gzipped) == first.body
    kept.put("b", share.Encoded.of(b"b"))
    assert kept.get("a") is first  # now the most recent
    kept.put("c", share.Encoded.of(b"c"))
    assert kept.get("b") is None and kept.get("a") is first and kept.get("c") is not None


class FlakyBrowser:
    """A drawing browser that fails while `failing` is set, as the server's Chromium did under load."""

    available = True
    failing = True

    def image(self, figure, fmt, **size) -> bytes:
        if self.failing:
            raise ImageExportUnavailable("image export unavailable: Chromium at /usr/bin/chromium did not start")
        return b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def static_page(path: str) -> Response:
    scope = {"type": "http", "method": "GET", "path": path, "headers": [(b"host", b"localhost")], "query_string": b""}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    return run_apart(share.static_page(Request(scope, receive)))


def test_a_static_page_whose_drawing_failed_says_so_and_is_neither_kept_nor_cached(monkeypatch):
    browser = FlakyBrowser()
    monkeypatch.setattr(share, "shared_exporter", lambda: browser)
    monkeypatch.setattr(share, "PAGES", share.Kept(share.PAGES_KEPT))

    failed = static_page("/api/age.html")
    assert failed.status_code == 200 and failed.headers["cache-control"] == "no-store"
    assert b'class="no-drawing"' in failed.body and b"could not draw the chart" in failed.body
    assert b"<table>" in failed.body
    assert b"<svg" not in failed.body.split(b'id="chart"')[1].split(b"</figure>")[0]

    browser.failing = False  # the next visitor gets the page with its chart, and it is kept for the day
    drawn = static_page("/api/age.html")
    assert drawn.status_code == 200 and drawn.headers["cache-control"] == api.CACHE_CONTROL
    assert b'class="no-drawing"' not in drawn.body and b"<rect" in drawn.body
    browser.failing = True
    assert static_page("/api/age.html").body == drawn.body  # from the day's pages: not drawn again


def test_the_openapi_document_describes_the_new_routes_and_stays_valid():
    document = api.openapi(BASE)
    validate(document)
    assert {"/api/oembed", "/api/slide.png", f"/api/{html.PLOTLY_FILE}"} <= set(document["paths"])
    embed = {"$ref": "#/components/parameters/html.embed"}
    static = document["paths"]["/api/sectors.html"]["get"]["parameters"]
    assert embed in static and {"$ref": "#/components/parameters/sectors.sector"} in static
    assert embed not in document["paths"]["/api/sectors.{format}"]["get"]["parameters"]  # a CSV has no embed
    assert "html" in document["components"]["parameters"]["format"]["schema"]["enum"]
