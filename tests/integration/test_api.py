"""The API against a real server on a free port: every route and format, problem+json on bad input, ETags,
the OpenAPI document, and a server without Chromium answering 503 with the fix in words."""

from __future__ import annotations

import io
import json
import os
import subprocess
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest
from openapi_spec_validator import validate

from lib import views
from lib.render import formats
from tests.browser.conftest import start_streamlit
from tests.unit.conftest import require_browser


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server():
    proc, url = start_streamlit()
    yield url
    stop(proc)


@pytest.mark.parametrize("page", list(views.PAGES))
@pytest.mark.parametrize("fmt", tuple(f.name for f in formats.data_formats()))
def test_every_page_as_data(server, page, fmt):
    status, headers, body = get(f"{server}/api/{page}.{fmt}")
    assert status == 200, body[:500]
    assert headers["content-type"].startswith(formats.FORMATS[fmt].mime.split(";")[0])
    assert headers["etag"] and "max-age" in headers["cache-control"]
    if fmt == "csv":
        rows = pd.read_csv(io.BytesIO(body))
        assert {"source_file", "source_line"} <= set(rows.columns)


@pytest.mark.parametrize("page", list(views.PAGES))
@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_every_page_drawn(server, page, fmt):
    require_browser()
    status, headers, body = get(f"{server}/api/{page}.{fmt}")
    assert status == 200, body[:500]
    assert headers["content-type"] == formats.FORMATS[fmt].mime
    assert body.startswith(b"\x89PNG" if fmt == "png" else b"%PDF")


@pytest.mark.parametrize("fmt", ["png", "svg", "pptx", "pdf", "zip"])
def test_drawn_formats(server, fmt):
    require_browser()
    status, headers, body = get(f"{server}/api/regions.{fmt}?region=Wales&other=Scotland")
    assert status == 200, body[:500]
    assert headers["content-type"] == formats.FORMATS[fmt].mime
    assert 'filename="homeworking-regions-wales-scotland.' in headers["content-disposition"]
    if fmt == "zip":
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        assert "datapackage.json" in names and "README.md" in names and "CITATION.bib" in names
        drawn_and_data = [f for f in formats.FORMATS if f not in ("zip", "datapackage.json")]
        assert len(names) == len(drawn_and_data) + 5  # datapackage.json, README.md and three CITATION files


def test_same_query_same_bytes_and_304_on_its_etag(server):
    url = f"{server}/api/sectors.xlsx?sector=Manufacturing"
    _, first, body = get(url)
    _, second, again = get(url)
    assert body == again and first["etag"] == second["etag"]
    status, _, empty = get(url, {"If-None-Match": first["etag"]})
    assert status == 304 and empty == b""


@pytest.mark.parametrize(
    ("path", "status", "parameter"),
    [
        ("/api/atlantis.csv", 404, None),
        ("/api/sectors.docx", 404, None),
        ("/api/sectors.csv?sector=%3Cscript%3Ealert(1)%3C/script%3E", 400, "sector"),
        ("/api/councils.json?region=Wales&region=Atlantis", 400, "region"),
        ("/api/explore.csv?min=lots", 400, "min"),
        ("/api/age.csv?colour=red", 400, "colour"),
        ("/api/sectors.pptx?deck=nonsense", 400, "deck"),
    ],
)
def test_bad_input_is_problem_json_naming_the_parameter_and_allowed_values(server, path, status, parameter):
    code, headers, body = get(f"{server}{path}")
    assert code == status
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert problem["allowed"], problem
    if parameter:
        assert problem["parameter"] == parameter
    assert b"<script>" not in body or headers["content-type"] != "text/html"


def test_a_bad_value_that_is_an_allowed_one_in_another_case_or_spelling_is_named(server):
    code, _, body = get(f"{server}/api/regions.csv?region=wales")
    problem = json.loads(body)
    assert code == 400 and problem["did_you_mean"] == "Wales"
    assert problem["detail"] == "'region' cannot be 'wales'. Did you mean 'Wales'?"
    assert "did_you_mean" not in json.loads(get(f"{server}/api/regions.csv?region=Atlantis")[2])


def test_a_page_or_parameter_that_is_nearly_one_is_named(server):
    """As a value is: a page, format or parameter typed a letter off."""
    page = json.loads(get(f"{server}/api/region.csv?region=Wales")[2])
    assert page["did_you_mean"] == "regions" and page["detail"].endswith("Did you mean 'regions'?")
    key = json.loads(get(f"{server}/api/regions.csv?regoin=Wales")[2])
    assert key["did_you_mean"] == "region" and key["parameter"] == "regoin"
    assert "did_you_mean" not in json.loads(get(f"{server}/api/regions.csv?colour=red")[2])


def test_openapi_document_is_valid_and_lists_every_page(server):
    status, _, body = get(f"{server}/api/openapi.json")
    document = json.loads(body)
    validate(document)
    assert status == 200
    for page in views.PAGES:
        assert f"/api/{page}.{{format}}" in document["paths"]
    sector = document["components"]["parameters"]["sectors.sector"]
    assert "Education" in sector["schema"]["enum"]


def test_datapackage_describes_the_files_the_api_serves(server):
    package = json.loads(get(f"{server}/api/datapackage.json")[2])
    for resource in package["resources"]:
        status, _, body = get(resource["path"])
        assert status == 200
        columns = list(pd.read_csv(io.BytesIO(body)).columns)
        assert columns == [field["name"] for field in resource["schema"]["fields"]]


def test_pages_keep_answering_while_ten_briefs_are_drawn(server):
    require_browser()
    with ThreadPoolExecutor(10) as pool:
        briefs = [pool.submit(get, f"{server}/api/sectors.pdf?sector={s}") for s in ["Education", "Manufacturing"] * 5]
        health = [get(f"{server}/_stcore/health")[0] for _ in range(5)]
        page = get(f"{server}/sectors")[0]
        statuses = [b.result()[0] for b in briefs]
    assert health == [200] * 5 and page == 200
    # One client's ten at once: its share of the drawing queue is drawn, the rest refused at once to come back later.
    assert set(statuses) <= {200, 503} and statuses.count(200) >= 4, statuses
    assert all("retry-after" in {k.lower() for k in b.result()[1]} for b in briefs if b.result()[0] == 503)


def test_without_chromium_drawn_formats_answer_503_with_the_fix():
    proc, url = start_streamlit(env={**os.environ, "BROWSER_PATH": "/nonexistent/chromium"})
    try:
        status, headers, body = get(f"{url}/api/age.pdf")
        assert status == 503 and headers["content-type"] == "application/problem+json"
        assert headers["cache-control"] == "no-store" and headers["retry-after"]  # a passing 503 is never kept
        assert "apt-get install -y chromium" in json.loads(body)["detail"]
        assert get(f"{url}/api/age.csv")[0] == 200  # data needs no browser
        status, _, body = get(f"{url}/api/age.zip")  # as the page's button: the data, and why the rest is missing
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        assert status == 200 and "homeworking-age-45-49-yrs-uk-all-in-employment.csv" in names, names
        assert "homeworking-age-45-49-yrs-uk-all-in-employment.pdf.unavailable.txt" in names
        status, _, page = get(f"{url}/api/age.html")  # the static page without its drawn chart, saying so
        assert status == 200 and b'class="no-drawing"' in page and b"<table>" in page
    finally:
        stop(proc)
