"""`python -m lib.report URL OUTFILE`: any format for a page address, no server; a bad address exits 2."""

import io
import json
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from lib.render import formats
from lib.report import parse_address
from tests.unit.conftest import require_browser


def report(url: str, out) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib.report", url, str(out)], capture_output=True, text=True, timeout=300
    )


def test_addresses_in_any_of_their_forms():
    assert parse_address("https://d.example/sectors?sector=Education") == (
        "sectors",
        {"sector": ["Education"]},
        "https://d.example",
    )
    assert parse_address("/regions?region=Wales&region=London")[:2] == ("regions", {"region": ["Wales", "London"]})
    assert parse_address("https://d.example/")[0] == "overview"
    assert parse_address("councils")[0] == "councils"


@pytest.mark.parametrize("fmt", tuple(f.name for f in formats.data_formats()))
def test_data_formats_without_a_browser(tmp_path, fmt):
    out = tmp_path / f"regions.{fmt}"
    run = report("https://d.example/regions?region=Wales", out)
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 0
    if fmt == "csv":
        assert set(pd.read_csv(out)["breakdown"]) == {"all", "region"}
    if fmt == "datapackage.json":  # the longest format its name ends in, not JSON
        assert json.loads(out.read_text(encoding="utf-8"))["title"].endswith("(exported view)")


@pytest.mark.parametrize("fmt", ["png", "svg", "pptx", "pdf", "zip"])
def test_drawn_formats(tmp_path, fmt):
    require_browser()
    out = tmp_path / f"sectors.{fmt}"
    run = report("/sectors?sector=Education", out)
    assert run.returncode == 0, run.stderr
    head = out.read_bytes()[:8]
    assert head.startswith({"png": b"\x89PNG", "svg": b"<svg", "pptx": b"PK", "pdf": b"%PDF", "zip": b"PK"}[fmt])
    if fmt == "zip":
        assert "README.md" in zipfile.ZipFile(io.BytesIO(out.read_bytes())).namelist()


def test_a_web_page_is_written_standalone(tmp_path):
    out = tmp_path / "wales.html"
    run = report("https://d.example/regions?region=Wales", out)
    assert run.returncode == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    assert "<table>" in page and "https://d.example/regions?region=Wales" in page
    assert "plotly.js (basic - minified) v" in page  # inlined: no server needed
    assert 'src="https://d.example/api/plotly-' not in page


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/sectors?sector=Nope", "'sector' cannot be 'Nope'"),
        ("/atlantis", "There is no page 'atlantis'"),
        ("/sector?sector=Education", "There is no page 'sector'. Did you mean 'sectors'?"),
        ("/age?colour=red", "'colour' is not a parameter of the age page"),
        ("/age?bands=25-34+yrs", "'bands' is not a parameter of the age page. Did you mean 'band'?"),
        ("/explore?min=lots", "'min' cannot be 'lots'"),
    ],
)
def test_a_bad_address_exits_2_and_says_why(tmp_path, url, words):
    out = tmp_path / "x.csv"
    run = report(url, out)
    assert run.returncode == 2 and words in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()


def test_an_unknown_suffix_exits_2(tmp_path):
    run = report("/sectors", tmp_path / "x.docx")
    assert run.returncode == 2 and "pdf" in run.stderr


def test_a_file_that_cannot_be_written_exits_4_and_says_why(tmp_path):
    run = report("/sectors", tmp_path / "no-such-folder" / "x.csv")
    assert run.returncode == 4 and "No such file or directory" in run.stderr and "Traceback" not in run.stderr


def test_help_is_the_whole_usage_with_every_format_and_exit_status():
    run = subprocess.run([sys.executable, "-m", "lib.report", "--help"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    assert "education.pdf" in run.stdout and "exits with status 4" in run.stdout
    assert all(name in run.stdout for name in formats.FORMATS)
