"""lib.render: one View, every file — the same bytes wherever the same address is asked for on the same day."""

import io
import json
import time
import zipfile
from datetime import UTC, date, datetime

import pandas as pd
import pyarrow.parquet as pq
import pytest
from defusedxml import ElementTree

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


class Clock(datetime):
    """datetime, with `now` set by the test."""

    moment = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):
        return cls.moment if tz is None else cls.moment.astimezone(tz)


def files_made_at(tables, shown, moment: datetime, monkeypatch) -> dict[str, bytes]:
    """Every file of the view but the drawn ones, made by a renderer with no day of its own at `moment`."""
    Clock.moment = moment
    for module in (renderer, export):
        monkeypatch.setattr(module, "datetime", Clock)
    files = renderer.Renderer(tables, renderer.Address("regions", (("region", "Wales"),), "https://dash.example"))
    made = {fmt.name: files.render(shown, fmt.name) for fmt in formats.FORMATS.values() if fmt.data}
    made["zip"] = files.render(shown, "zip")  # with no browser: the data files and notes on what is missing
    return made


def test_the_same_address_the_same_day_is_the_same_bytes(tables, monkeypatch):
    shown = views.for_query("regions", tables, {"region": "Wales"})
    morning = files_made_at(tables, shown, datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC), monkeypatch)
    time.sleep(1.1)  # anything stamped by the second from another clock differs too
    evening = files_made_at(tables, shown, datetime(2026, 12, 1, 17, 59, 59, tzinfo=UTC), monkeypatch)
    next_day = files_made_at(tables, shown, datetime(2026, 12, 2, 9, 0, 0, tzinfo=UTC), monkeypatch)
    assert morning == evening
    # The files that carry their day of export change with it: the test would see a stamp finer than a day.
    for fmt in ("parquet", "xlsx", "datapackage.json", "zip"):
        assert morning[fmt] != next_day[fmt], fmt


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
    assert f"Alternative text: {shown.main.alt}" in readme  # the pictures' words travel beside them
    pictures = {r["path"]: r for r in package["resources"] if r.get("mediatype", "").startswith("image/")}
    assert set(pictures) == {renderer.file_name(shown, "png"), renderer.file_name(shown, "svg")}
    assert all(p["description"] == shown.main.alt and p["title"] == shown.main.title for p in pictures.values())


SVG = 'xmlns="http://www.w3.org/2000/svg"'


def test_an_svg_is_named_by_its_charts_title_and_described_by_its_alt_text(tables):
    shown = views.for_query("sectors", tables, {"sector": "Education"})
    files = make_renderer(tables, draw=lambda fig, fmt, **size: f'<svg {SVG} width="10"><rect/></svg>'.encode())
    root = ElementTree.fromstring(files.render(shown, "svg", chart="sectors-regularity"))
    chart = shown.chart("sectors-regularity")
    ns = "{http://www.w3.org/2000/svg}"
    assert [child.tag for child in root][:2] == [f"{ns}title", f"{ns}desc"]  # first: what a reader meets first
    assert root.find(f"{ns}title").text == chart.title and root.find(f"{ns}desc").text == chart.alt
    assert root.get("role") == "img" and root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.get("width") == "10" and root.find(f"{ns}rect") is not None  # the drawing itself untouched
    assert files.render(shown, "png") == files.chart_image(shown, "", "png")  # a PNG is left as drawn


def test_svg_words_are_text_not_markup():
    described = renderer.described_svg(f"<svg {SVG}/>".encode(), "A & B <b>bold</b>", 'Says "5 < 6"')
    root = ElementTree.fromstring(described)
    assert root.find("{http://www.w3.org/2000/svg}title").text == "A & B <b>bold</b>"
    assert root.find("{http://www.w3.org/2000/svg}desc").text == 'Says "5 < 6"'


def test_a_png_carries_the_charts_title_and_alt_text_in_its_text_chunks(tables):
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(picture, "PNG")
    shown = views.for_query("regions", tables, {"region": "Wales"})
    files = make_renderer(tables, "regions", draw=lambda fig, fmt, **size: picture.getvalue())
    read = Image.open(io.BytesIO(files.render(shown, "png")))
    read.load()  # a damaged chunk (a wrong CRC) fails here
    assert read.size == (4, 3) and read.text == {"Title": shown.main.title, "Description": shown.main.alt}
