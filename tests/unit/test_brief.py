"""The one-page brief: what it says (pdftotext), that it is one A4 page with embedded fonts (pdfinfo,
pdffonts), and how it looks (pdftoppm → tests/browser/screenshots/brief-*.png, to open and judge)."""

import subprocess
from datetime import date

import pandas as pd
import pytest

from lib import data, views
from lib.render import renderer
from lib.selections import Tables
from tests.browser.conftest import SCREENSHOTS
from tests.unit.conftest import require_browser

DAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def tables():
    return Tables(data.load_homeworking(), data.load_councils())


@pytest.fixture(scope="module")
def exporter():
    require_browser("pdftotext", "pdfinfo", "pdffonts", "pdftoppm")
    from lib.render.images import shared_exporter

    return shared_exporter()


def brief(tables, exporter, tmp_path, page, query):
    shown = views.for_query(page, tables, dict(query))
    files = renderer.Renderer(tables, renderer.Address(page, tuple(query), "https://dash.example"), exporter.image, DAY)
    path = tmp_path / f"{page}.pdf"
    path.write_bytes(files.render(shown, "pdf"))
    return shown, path


def run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("overview", ()),
        ("sectors", (("sector", "Financial and insurance"),)),
        ("age", (("band", "70 and over"),)),
        ("regions", (("region", "Wales"), ("other", "Scotland"))),
        ("councils", (("org", "Norfolk County Council"),)),
        ("explore", (("breakdown", "region"),)),
    ],
)
def test_brief_is_one_a4_page_with_the_headline_figures_source_and_permalink(tables, exporter, tmp_path, page, query):
    shown, path = brief(tables, exporter, tmp_path, page, query)
    info = run("pdfinfo", str(path))
    assert "Pages:           1" in info
    assert "595.276 x 841.89 pts (A4)" in info
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert " ".join(shown.headline.split()) in text
    assert "Source:" in text and "Licence:" in text
    assert renderer.Address(page, query, "https://dash.example").permalink in text
    assert "2026-12-01" in text
    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    run("pdftoppm", "-png", "-r", "110", "-singlefile", str(path), str(SCREENSHOTS / f"brief-{page}"))


def test_sector_brief_prints_the_figures_and_the_table(tables, exporter, tmp_path):
    _, path = brief(tables, exporter, tmp_path, "sectors", (("sector", "Financial and insurance"),))
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "22.8%" in text and "13.7%" in text and "+9.1 points" in text  # the printed figures and the gap
    assert "Transport and storage" in text  # the table's last sector: the chart's table is printed whole
    assert "derived" in text


def test_a_long_table_says_how_many_more_rows_the_data_files_hold(tables, exporter, tmp_path):
    _, path = brief(tables, exporter, tmp_path, "explore", ())
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "more rows, in the data files" in text


def test_a_brief_of_a_change_prints_the_caution_on_comparing_with_2019(tables, exporter, tmp_path):
    from lib.comparability import Basis, verdict

    rows = Basis(survey="ONS Labour Market Survey", period="April 2020").on_rows(
        pd.DataFrame(
            {
                "breakdown": ["region"],
                "category": ["London"],
                "measure": ["week_prior"],
                "percent": [57.2],
                "source": ["ONS LMS April 2020"],
            }
        )
    )
    shown = views.for_query("regions", tables, {}, rows)
    files = renderer.Renderer(tables, renderer.Address("regions", (), "https://dash.example"), exporter.image, DAY)
    path = tmp_path / "change.pdf"
    path.write_bytes(files.render(shown, "pdf"))
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "Not one series" in text and "period (April 2020, against 2019)" in text, text[:800]
    assert verdict(Basis()).caution() not in text  # the declared basis, not the general words
