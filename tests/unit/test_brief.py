"""The one-page brief: what it says (pdftotext), that it is one A4 page with embedded fonts (pdfinfo,
pdffonts), and how it looks (pdftoppm → tests/browser/screenshots/brief-*.png, to open and judge)."""

import subprocess
from datetime import date

import pandas as pd
import pytest

from lib import data, views
from lib.render import brief as briefs
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


# ---- What the brief is given (issue 21): the users' words, labels, whole tables, both charts with uploads ---------

UPLOAD = pd.DataFrame(
    {
        "breakdown": ["region", "region", "sector"],
        "category": ["Wales", "Wales", "Education"],
        "measure": ["week_prior", "ever", "week_prior"],
        "percent": [45.0, 55.0, 30.0],
        "code": [None, None, None],
        "official_name": [None, None, None],
        "source": "Our survey 2020",
    }
)
PAGES_WITH = [("overview", {}), ("sectors", {"sector": "Education"}), ("age", {}), ("regions", {"region": "Wales"})]


def content(shown):
    layout = briefs.layouts(shown, {c.key: 100.0 for c in shown.printed})[0]
    return briefs.brief_content(shown, layout, permalink="https://dash.example", day=DAY)


@pytest.mark.parametrize(("page", "query"), [*PAGES_WITH, ("councils", {}), ("explore", {})])
@pytest.mark.parametrize("uploads", [False, True])
def test_the_brief_prints_no_maintainers_note_and_no_measure_code(tables, page, query, uploads):
    shown = views.for_query(page, tables, query, UPLOAD if uploads else None)
    printed = content(shown)
    maintainers = data.load_package()["resources"][0]["maintainer_notes"].values()
    assert not [note for note in printed["notes"] if any(m in note for m in maintainers)]
    cells = [cell for row in (printed["table"] or {"rows": []})["rows"] for cell in row]
    assert not {"week_prior", "ever"} & set(cells), page
    assert not {"week_prior", "ever"} & set((printed["table"] or {"columns": []})["columns"]), page


def test_the_region_caveat_keeps_its_words_for_users_and_the_maintainers_note_apart():
    region = data.load_package()["resources"][0]
    assert region["caveats"]["region"].startswith("Location of workplace")
    assert "PDF text extraction" in region["maintainer_notes"]["region"]
    assert "PDF text extraction" not in region["caveats"]["region"]


def test_every_region_is_in_the_regions_table(tables):
    table = content(views.for_query("regions", tables, {"region": "Wales"}))["table"]
    regions = tables.homeworking.loc[tables.homeworking["breakdown"] == "region", "category"].unique()
    assert len(table["rows"]) == len(regions) == 12 and table["more"] == 0


def test_with_uploads_the_brief_offers_both_charts_then_the_2019_chart_with_the_change_table(tables):
    shown = views.for_query("regions", tables, {"region": "Wales"}, UPLOAD)
    assert [c.key for c in shown.printed] == ["regions-change", "regions-bars"]  # the headline is the change
    both, bare, fallback = briefs.layouts(shown, {"regions-change": 90.0, "regions-bars": 220.0})
    assert [c.key for c in both.charts] == [c.key for c in bare.charts] == ["regions-change", "regions-bars"]
    assert both.heights_mm == (90.0, briefs.MAX_CHART_MM) and both.table.key == "regions-change" and bare.table is None
    assert [c.key for c in fallback.charts] == ["regions-bars"] and fallback.table.key == "regions-change"
    alone = views.for_query("regions", tables, {"region": "London"}, UPLOAD)  # London is not in their figures
    assert [c.key for c in alone.printed] == ["regions-bars", "regions-change"]
    assert [c.key for c in briefs.layouts(views.for_query("regions", tables, {}), {"regions-bars": 1.0})[0].charts] == [
        "regions-bars"
    ]


def test_a_brief_with_uploads_keeps_the_2019_chart_and_one_page(tables, exporter, tmp_path):
    shown = views.for_query("regions", tables, {"region": "Wales"}, UPLOAD)
    files = renderer.Renderer(tables, renderer.Address("regions", (("region", "Wales"),)), exporter.image, DAY)
    path = tmp_path / "regions-uploads.pdf"
    path.write_bytes(files.render(shown, "pdf"))
    assert "Pages:           1" in run("pdfinfo", str(path))
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert shown.chart("regions-bars").title in text  # the 2019 chart, titled
    assert "Week before interview" in text and "up 35.0 points" in text  # the change, in words and labels
    assert "week_prior" not in text and "PDF text extraction" not in text
    run("pdftoppm", "-png", "-r", "110", "-singlefile", str(path), str(SCREENSHOTS / "brief-regions-with-uploads"))
