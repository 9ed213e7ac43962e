"""The API does what its OpenAPI description says, checked by others' tools against a running server.

- Schemathesis (an independent OpenAPI fuzzer) with all its checks, a fixed seed and a bounded number of examples
  per operation: schema-violating requests refused, valid ones accepted, every answer as documented, no 5xx.
  (Its coverage phase, every boundary value of every parameter, takes six minutes or more here: run it by hand
  with the same command and `--phases coverage,fuzzing`.)
- A property test (Hypothesis) over every page, format and parameter, with valid and hostile values: no answer
  is a 5xx other than 503, and every answer that is not the file is problem+json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import views
from lib.api import allowed_keys
from lib.render import formats
from tests.browser.conftest import start_streamlit
from tests.integration.test_api import get, stop

pytestmark = pytest.mark.integration
CONFIG = Path(__file__).with_name("schemathesis.toml")  # a 503 with Retry-After is a documented answer
SEED = 18
EXAMPLES = 8  # per operation: about 50 requests, 30 s on two shared cores


@pytest.fixture(scope="module")
def server():
    proc, url = start_streamlit()
    yield url
    stop(proc)


def test_schemathesis_with_all_its_checks_finds_nothing(server, tmp_path):
    command = shutil.which("schemathesis") or shutil.which("st")
    assert command, "schemathesis is in requirements-dev.txt"
    run = subprocess.run(
        [
            command,
            "--config-file",
            str(CONFIG),
            "run",
            f"{server}/api/openapi.json",
            "--checks",
            "all",
            "--phases",
            "fuzzing",
            "--seed",
            str(SEED),
            "--max-examples",
            str(EXAMPLES),
            "--workers",
            "2",
            "--request-timeout",
            "60",
            "--max-response-time",
            "30",  # a zip drawn on two busy cores; the default 10 s measures the machine, not the API
            "--report-dir",
            str(tmp_path),
        ],
        env={**os.environ, "DASHBOARD_OEMBED_URL": f"{server}/regions?region=Wales"},  # schemathesis.toml reads it
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout


def _queries():
    """A page, a format, and a query of its own keys (valid values, or anything at all), sometimes an unknown one."""

    def for_page(page: str):
        keys = allowed_keys(page)
        hostile = st.one_of(
            st.text(max_size=40),
            st.sampled_from(["", "\uffff", "\x00", "\u202e", "1e400", "-1", "NaN", "x" * 300, "%2e%2e%2f"]),
        )
        valid = st.sampled_from(_valid_values(page))
        pairs = st.lists(st.tuples(st.sampled_from([*keys, "unknown"]), st.one_of(valid, hostile)), max_size=4)
        return st.tuples(st.just(page), st.sampled_from(list(formats.FORMATS)), pairs)

    return st.sampled_from(list(views.PAGES)).flatmap(for_page)


def _valid_values(page: str) -> list[str]:
    from lib.api import tables

    values = []
    for selection in views.PAGES[page].keys:
        values += [selection.shown(o) for o in selection.choices(tables(), {})][:5]
    return values or ["1"]


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_queries())
def test_no_address_gets_a_server_error_other_than_503_and_every_problem_is_problem_json(server, asked):
    page, fmt, pairs = asked
    status, headers, body = get(f"{server}/api/{page}.{fmt}?{urllib.parse.urlencode(pairs)}")
    headers = {k.lower(): v for k, v in headers.items()}
    assert status < 500 or status == 503, (page, fmt, pairs, body[:300])
    if status >= 400:
        assert headers["content-type"] == "application/problem+json", (page, fmt, pairs)
        assert json.loads(body)["status"] == status
    if status >= 500:
        assert headers["cache-control"] == "no-store" and "retry-after" in headers
