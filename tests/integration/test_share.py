"""What lib.share serves, against a real server: the static page (ETag, 304, gzip, embed, standalone, bad input),
plotly.js under its version, oEmbed (good, bad and foreign URLs) and a presentation slide as PNG."""

from __future__ import annotations

import gzip
import json
import struct
import urllib.parse

import lxml.html
import pytest

from lib.render import html
from tests.browser.conftest import start_streamlit
from tests.integration.test_api import get, stop
from tests.unit.conftest import require_browser

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def server():
    proc, url = start_streamlit()
    yield url
    stop(proc)


def test_the_static_page_is_cached_answers_its_etag_and_comes_gzipped(server):
    status, headers, body = get(f"{server}/api/sectors.html?sector=Education")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8", body[:300]
    assert "max-age" in headers["cache-control"] and headers["etag"]
    assert lxml.html.fromstring(body).findtext(".//h1")
    assert get(f"{server}/api/sectors.html?sector=Education", {"If-None-Match": headers["etag"]})[0] == 304
    status, zipped_headers, zipped = get(f"{server}/api/sectors.html?sector=Education", {"Accept-Encoding": "gzip"})
    assert (
        status == 200 and zipped_headers["content-encoding"] == "gzip" and "Accept-Encoding" in zipped_headers["vary"]
    )
    assert gzip.decompress(zipped) == body and zipped_headers["etag"] != headers["etag"]
    assert len(zipped) < len(body) / 3


def test_the_embed_and_the_standalone_page(server):
    status, _, body = get(f"{server}/api/regions.html?region=Wales&embed=1")
    doc = lxml.html.fromstring(body)
    assert status == 200 and doc.find(".//header") is None and doc.find(".//footer[@class='site']") is None
    assert doc.find("body").get("class") == "embed"
    status, headers, body = get(f"{server}/api/regions.html?region=Wales&standalone=1")
    assert status == 200 and f"plotly.js (basic - minified) v{html.PLOTLY_VERSION}".encode() in body
    assert 'filename="homeworking-regions-wales' in headers["content-disposition"]
    assert not [s for s in lxml.html.fromstring(body).iter("script") if s.get("src")]


@pytest.mark.parametrize(
    ("path", "status", "parameter"),
    [
        ("sectors.html?embed=please", 400, "embed"),
        ("sectors.html?standalone=2", 400, "standalone"),
        ("sectors.html?sector=Nope", 400, "sector"),
        ("sectors.html?colour=red", 400, "colour"),
        ("nowhere.html", 404, None),
    ],
)
def test_a_bad_static_page_address_is_a_problem(server, path, status, parameter):
    got, headers, body = get(f"{server}/api/{path}")
    assert got == status and headers["content-type"] == PROBLEM
    assert json.loads(body).get("parameter") == parameter


def test_plotly_js_is_served_once_under_its_version_for_a_year(server):
    page = lxml.html.fromstring(get(f"{server}/api/age.html")[2])
    [src] = [s.get("src") for s in page.iter("script") if s.get("src")]
    assert src == f"{server}/api/plotly-basic-{html.PLOTLY_VERSION}.min.js"
    status, headers, body = get(src)
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert body.startswith(f"/**\n* plotly.js (basic - minified) v{html.PLOTLY_VERSION}".encode())
    assert get(src, {"If-None-Match": headers["etag"]})[0] == 304
    assert get(f"{server}/api/plotly-0.0.1.min.js")[0] == 404
    assert get(f"{server}/api/plotly-basic-0.0.1.min.js")[0] == 404


def oembed(server: str, url: str, **params: str) -> tuple[int, dict, bytes]:
    query = urllib.parse.urlencode({"url": url, **params})
    return get(f"{server}/api/oembed?{query}")


def test_oembed_answers_a_rich_iframe_of_the_embed_page(server):
    status, headers, body = oembed(server, f"{server}/age?band=70+and+over")
    answer = json.loads(body)
    assert status == 200 and headers["content-type"] == "application/json"
    assert answer["version"] == "1.0" and answer["type"] == "rich" and answer["provider_url"] == f"{server}/"
    frame = lxml.html.fromstring(answer["html"])
    assert frame.tag == "iframe" and frame.get("title") == answer["title"]
    assert frame.get("src") == f"{server}/api/age.html?band=70+and+over&embed=1"
    assert int(frame.get("height")) == answer["height"] and int(frame.get("width")) == answer["width"] == 800
    embedded = get(frame.get("src"))
    assert embedded[0] == 200 and lxml.html.fromstring(embedded[2]).findtext(".//h1") == answer["title"]
    small = json.loads(oembed(server, f"{server}/age?band=70+and+over", maxwidth="400", maxheight="300")[2])
    assert small["width"] == 400 and small["height"] == 300


def test_the_static_page_links_its_oembed(server):
    page = lxml.html.fromstring(get(f"{server}/api/councils.html?region=Wales")[2])
    link = page.find(".//link[@type='application/json+oembed']")
    status, _, body = get(link.get("href"))
    assert status == 200 and json.loads(body)["title"] == page.findtext(".//title")


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("https://evil.example/sectors", {}, 404),
        ("{server}/nowhere", {}, 404),
        ("{server}/sectors?sector=Nope", {}, 400),
        ("{server}/sectors?colour=red", {}, 400),
        ("", {}, 400),
        ("{server}/", {"maxwidth": "wide"}, 400),
        ("{server}/", {"format": "xml"}, 501),
    ],
)
def test_bad_or_foreign_oembed_urls_are_problems(server, url, params, status):
    got, headers, body = oembed(server, url.format(server=server), **params)
    assert got == status and headers["content-type"] == PROBLEM
    assert json.loads(body)["status"] == status


def test_a_slide_of_presentation_mode_as_png(server):
    require_browser()
    query = urllib.parse.urlencode({"sector": "Financial and insurance", "deck": "regularity", "slide": "1"})
    status, headers, body = get(f"{server}/api/slide.png?{query}")
    assert status == 200 and headers["content-type"] == "image/png", body[:300]
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", body[16:24]) == (1920, 1080)
    status, headers, _ = get(f"{server}/api/slide.png?deck=nope")
    assert status == 400 and headers["content-type"] == PROBLEM
