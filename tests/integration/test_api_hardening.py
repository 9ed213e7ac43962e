"""The API against what a public address gets: any path and method under /api/, hostile headers and values, clients
that hang up, and more drawing than one Chromium can do. Never a 500, never HTML, never a link from a header."""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import time
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest

from lib import site
from tests.browser.conftest import start_streamlit
from tests.integration.test_api import get, stop
from tests.unit.conftest import require_browser

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def drawing_log(tmp_path_factory):
    return tmp_path_factory.mktemp("drawing") / "drawing.log"


@pytest.fixture(scope="module")
def server(drawing_log):
    env = {"DASHBOARD_DRAWING_LOG": str(drawing_log)}
    env = {k: v for k, v in {**os.environ, **env}.items() if k != site.BASE_URL_SETTING}
    proc, url = start_streamlit(env=env)
    yield url
    stop(proc)


def raw(url: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict, bytes]:
    """A request as a client writes it: the path exactly as given (no normalising), any method, any Host."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    connection.putrequest(method, parts.path + (f"?{parts.query}" if parts.query else ""), skip_host=True)
    for name, value in {"Host": parts.netloc, **(headers or {})}.items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


@pytest.mark.parametrize(
    "path",
    [
        "/api",
        "/API/sectors.csv",
        "/Api/openapi.json",
        "/api/x/y.csv",
        "/api/sectors.csv/more",
        "/api/%2e%2e%2fetc",
        "/api/..%2F..%2Fetc%2Fpasswd",
        "/api/",
        "/API",
    ],
)
def test_every_path_under_api_answers_problem_json_never_the_apps_html(server, path):
    status, headers, body = raw(server + path)
    assert status == 404, (path, body[:200])
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 404 and problem["title"]
    assert b"<html" not in body.lower()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "TRACE"])
def test_a_wrong_method_is_405_with_allow(server, method):
    status, headers, body = raw(server + "/api/sectors.csv", method)
    assert status == 405 and headers["content-type"] == "application/problem+json"
    assert headers["allow"] == "GET, HEAD"
    assert json.loads(body)["allowed"] == ["GET", "HEAD"]


def test_any_origin_may_read_and_ask_first(server):
    status, headers, _ = raw(server + "/api/sectors.csv")
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    status, headers, _ = raw(server + "/api/sectors.csv", "OPTIONS", {"Origin": "https://elsewhere.example"})
    assert status == 204 and "If-None-Match" in headers["access-control-allow-headers"]


def test_a_problem_is_kept_briefly_and_never_for_an_hour(server):
    _, headers, _ = raw(server + "/api/sectors.csv?sector=Atlantis")
    assert "max-age=3600" not in headers["cache-control"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},
        {"Host": "evil.example:443", "X-Forwarded-Proto": "https"},
        {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
    ],
)
def test_links_in_files_never_come_from_a_header_a_client_sets(server, headers):
    port = urlsplit(server).port
    for path in ("/api/openapi.json", "/api/datapackage.json"):
        status, answered, body = raw(server + path, headers=headers)
        assert status == 200 and b"evil.example" not in body
        assert answered["vary"] == "Host"  # without DASHBOARD_BASE_URL, a file's links depend on the host
    base = f"http://localhost:{port}" if "Host" in headers else f"http://127.0.0.1:{port}"  # loopback is allowed
    servers = json.loads(raw(server + "/api/openapi.json", headers=headers)[2])["servers"]
    assert servers == [{"url": base}]
    package = json.loads(raw(server + "/api/datapackage.json", headers=headers)[2])
    assert all(r["path"].startswith(f"{base}/api/") for r in package["resources"])


def test_an_allowed_host_builds_the_links(server):
    port = urlsplit(server).port
    body = raw(server + "/api/openapi.json", headers={"Host": f"127.0.0.1:{port}"})[2]
    assert json.loads(body)["servers"] == [{"url": f"http://127.0.0.1:{port}"}]


def test_a_brief_asked_for_with_a_strangers_host_links_to_the_dashboard(server):
    require_browser()
    status, _, body = raw(server + "/api/sectors.zip?sector=Education", headers={"Host": "evil.example"})
    assert status == 200
    files = zipfile.ZipFile(io.BytesIO(body))
    readme = files.read("README.md").decode()
    assert "evil.example" not in readme and f"localhost:{urlsplit(server).port}/sectors?" in readme


def test_the_base_url_setting_builds_every_link_and_the_answer_does_not_vary():
    proc, url = start_streamlit(env={**os.environ, site.BASE_URL_SETTING: "https://dashboard.example.org"})
    try:
        _, headers, body = raw(url + "/api/openapi.json", headers={"Host": "evil.example"})
        assert json.loads(body)["servers"] == [{"url": "https://dashboard.example.org"}]
        assert "vary" not in headers
        package = json.loads(raw(url + "/api/datapackage.json")[2])
        assert all(r["path"].startswith("https://dashboard.example.org/api/") for r in package["resources"])
    finally:
        stop(proc)


@pytest.mark.parametrize("value", ["%EF%BF%BF", "%EF%BF%BE", "a%00b", "%E2%80%AEevil"])
def test_characters_xml_forbids_in_a_headline_are_dropped_never_a_500(server, value):
    status, headers, body = raw(server + f"/api/overview.pptx?headline_sector={value}")
    assert status in (200, 503), body[:300]  # 503 only where this machine has no Chromium
    if status == 503:
        assert headers["cache-control"] == "no-store" and "retry-after" in headers


def test_a_value_the_description_does_not_allow_is_a_400(server):
    for path in (
        "/api/overview.csv?vs=AAA",
        "/api/regions.csv?vs=AAA",
        "/api/sectors.csv?vs=AAA",
        "/api/sectors.csv?sector=",
        "/api/explore.csv?org=AAA",
        "/api/explore.csv?page=0",
    ):
        status, _, body = raw(server + path)
        assert status == 400, path
        assert json.loads(body)["parameter"] in ("vs", "sector", "org", "page")


def drawn_lines(log, since: float) -> list[str]:
    if not log.exists():
        return []
    return [line for line in log.read_text().splitlines() if float(line.split()[0]) >= since]


def test_requests_whose_clients_hung_up_are_not_drawn(server, drawing_log):
    require_browser()
    get(f"{server}/api/sectors.png")  # Chromium started
    since = time.time()
    addresses = [
        urlencode({"sector": "Education", "benchmark": b})
        for b in (
            "Manufacturing",
            "Health and social work",
            "Transport and storage",
            "Financial and insurance",
            "Information and communication",
            "Arts, entertainment and recreation",
            "Administration and support services",
            "Professional, scientific and technical",
        )
    ]

    def hang_up(query):
        try:
            urllib.request.urlopen(f"{server}/api/sectors.zip?{query}", timeout=0.5).read()
        except (OSError, TimeoutError):
            return "gone"
        return "answered"

    with ThreadPoolExecutor(len(addresses)) as pool:
        outcomes = list(pool.map(hang_up, addresses))
    assert outcomes.count("gone") >= len(addresses) - 1
    time.sleep(15)  # whatever was under way when they left has finished
    lines = drawn_lines(drawing_log, since)
    drew = [line for line in lines if " drew api sectors.zip" in line]
    skipped = [line for line in lines if " skipped api sectors.zip" in line]
    assert len(drew) <= 2, lines  # at most those already drawing when their clients left (the API's one slot)
    assert len(drew) + len(skipped) + sum(" refused api" in line for line in lines) >= len(addresses) - 1


def test_too_much_drawing_at_once_is_refused_at_once_with_retry_after_and_no_store(server):
    require_browser()
    get(f"{server}/api/sectors.png")
    queries = [
        urlencode({"sector": a, "benchmark": b, "headline_sector": str(i)})
        for i, (a, b) in enumerate([("Education", "Manufacturing"), ("Manufacturing", "Education")] * 30)
    ]

    def ask(query):
        started = time.perf_counter()
        status, headers, _ = get(f"{server}/api/sectors.pptx?{query}")
        return status, {k.lower(): v for k, v in headers.items()}, time.perf_counter() - started

    with ThreadPoolExecutor(60) as pool:
        answers = list(pool.map(ask, queries))
    statuses = [status for status, _, _ in answers]
    assert set(statuses) <= {200, 503}, statuses  # never a 500 or a 504
    refused = [(h, s) for status, h, s in answers if status == 503]
    assert refused, "sixty decks at once were all drawn: the queue has no bound"
    for headers, _seconds in refused:
        assert headers["cache-control"] == "no-store" and int(headers["retry-after"]) >= 1
        assert headers["content-type"] == "application/problem+json"
    assert min(s for _, s in refused) < 2.0  # refused at once, not after waiting
    assert re.fullmatch(r"\d+", refused[0][0]["retry-after"])
