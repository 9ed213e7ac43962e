"""lib.render: one View, every file — the same bytes wherever the same address is asked for on the same day."""

import io
import json
import zipfile
from datetime import date

import pandas as pd
import pyarrow.parquet as pq
import pytest

from lib import data, views
from lib.render import export, formats, renderer
from lib.selections import Tables
from tests.unit.conftest import require_browser

DAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def tables():
    return Tables(data.load_homeworking(), data.load_councils())


def make_renderer(tables, page="sectors", query=(), draw=None):
    return renderer.Renderer(tables, renderer.Address(page, tuple(query), "https://dash.example"), draw, DAY)


def test_data_files_hold_the_rows_behind_the_view(tables):
    shown = views.for_query("sectors", tables, {"sector": "Education"})
    files = make_renderer(tables, query=[("sector", "Education")])
    csv = pd.read_csv(io.BytesIO(files.render(shown, "csv")))
    assert len(csv) == len(shown.rows) == 2 + 2 * 10 + 2 * 5  # UK, ten sectors and five occupations, two measures
    assert csv.set_index(["category", "measure"]).loc[("Education", "week_prior"), "percent"] == 12.8
    assert json.loads(files.render(shown, "json"))[0]["source_file"] == "001_fb8ad442bc8a4fed.txt"
    parquet = pq.read_table(io.BytesIO(files.render(shown, "parquet")))
    provenance = export.read_parquet_provenance(files.render(shown, "parquet"))
    assert parquet.num_rows == len(shown.rows) and provenance["filters"]["sector"] == "Education"
    assert provenance["exported_at"] == "2026-12-01"
    about = pd.read_excel(io.BytesIO(files.render(shown, "xlsx")), sheet_name="About", header=None)
    assert "Filter: sector" in set(about[0])


def test_the_same_address_the_same_day_is_the_same_bytes(tables):
    shown = views.for_query("regions", tables, {"region": "Wales"})
    for fmt in tuple(f.name for f in formats.data_formats()):
        assert make_renderer(tables, "regions").render(shown, fmt) == make_renderer(tables, "regions").render(
            shown, fmt
        ), fmt


def test_file_names_say_what_is_inside(tables):
    assert renderer.file_name(views.for_query("sectors", tables, {}), "pdf") == (
        "homeworking-sectors-education-public-administration-and-defence.pdf"
    )
    explore = views.for_query("explore", tables, {"breakdown": "region"})
    assert renderer.file_name(explore, "csv") == "homeworking-2019-region.csv"


def test_addresses_and_permalinks():
    address = renderer.Address(
        "sectors", (("sector", "Financial and insurance"), ("benchmark", "Education")), "https://d.example/"
    )
    assert address.permalink == "https://d.example/sectors?sector=Financial+and+insurance&benchmark=Education"
    assert address.api("pdf") == "https://d.example/api/sectors.pdf?sector=Financial+and+insurance&benchmark=Education"
    assert renderer.Address("overview").permalink == "http://localhost:8501/"
    assert renderer.Address("councils", (("region", "Wales"), ("region", "London"))).query_dict == {
        "region": ["Wales", "London"]
    }


def test_without_a_browser_drawn_formats_say_how_to_get_one(tables):
    shown = views.for_query("age", tables, {})
    for fmt in ("png", "svg", "pptx", "pdf"):
        with pytest.raises(renderer.Unavailable, match="apt-get install -y chromium"):
            make_renderer(tables, "age").render(shown, fmt)


def test_the_zip_holds_every_format_a_datapackage_and_a_readme(tables):
    require_browser()
    from lib.render.images import shared_exporter

    shown = views.for_query("age", tables, {"band": "70 and over"})
    files = make_renderer(tables, "age", [("band", "70 and over")], shared_exporter().image)
    archive = zipfile.ZipFile(io.BytesIO(files.render(shown, "zip")))
    names = archive.namelist()
    for fmt in ("csv", "json", "parquet", "xlsx", "png", "svg", "pptx", "pdf", "html"):
        assert renderer.file_name(shown, fmt) in names, fmt
    readme = archive.read("README.md").decode()
    assert "https://dash.example/age?band=70+and+over" in readme and shown.headline in readme
    citation = files.citation(shown)
    assert archive.read("CITATION.txt").decode().strip() == citation.reference() and citation.reference() in readme
    assert archive.read("CITATION.bib").decode() == citation.bibtex()
    assert json.loads(archive.read("CITATION.csl.json"))[0]["URL"] == "https://dash.example/age?band=70+and+over"
    page = archive.read(renderer.file_name(shown, "html")).decode()
    assert "<svg" in page and 'src="https://dash.example/api/plotly-' in page  # drawn, and not the 5 MB variant
    package = json.loads(archive.read("datapackage.json"))
    assert package["homeworking_export"]["filters"]["age band"] == "70 and over"
    assert archive.read(renderer.file_name(shown, "csv")) == files.render(shown, "csv")
