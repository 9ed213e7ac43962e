"""No label overprints another, or runs off the edge, in any chart as it is drawn for any of its frames.

Every chart of every page (and the change charts uploaded figures add) is drawn as SVG by the app's own Chromium
(lib.render.images) for each place it is shown — a page's column on a phone, a narrow window, a laptop (as
ui.viewport sizes it), the PNG and SVG files, the PDF brief, the presentation slide and the PowerPoint picture —
through the same functions those places call; Playwright then measures every text's box (tests/browser/overlaps.py).
"""

from __future__ import annotations

import pandas as pd
import pytest

from lib import views
from lib.charts import NORMAL, for_size
from lib.charts.sizing import screen_width
from lib.data import load_councils, load_homeworking
from lib.render import brief, powerpoint
from lib.render.images import shared_exporter
from lib.render.renderer import CHART_IMAGE, image_figure
from lib.selections import Tables
from lib.views import deck
from tests.browser.overlaps import svg_problems

pytestmark = pytest.mark.browser

# A page's main column in px, as Streamlit lays it out (measured): a 390 px phone, a 1024 px window with the
# sidebar, a column just under the wide layout, and a 1280 px window; the Regions map takes 3/5 of its row.
COLUMNS = {"phone": 358, "1024 window": 564, "narrow laptop": 780, "1280 window": 820}
MAP_SHARE = 3 / 5
QUERIES = {
    "overview": {},
    "sectors": {"sector": "Education"},
    "age": {"band": "25-29 yrs"},
    "regions": {"region": "North West"},
    "councils": {"org": "Norfolk County Council"},
    "explore": {},
}
UPLOADED = pd.DataFrame(
    {
        "breakdown": ["region", "region", "region", "sector", "age"],
        "category": ["London", "Wales", "Our own patch", "Education", "25-29 yrs"],
        "measure": ["week_prior"] * 5,
        "percent": [57.2, 31.0, 40.0, 50.0, 40.0],
        "code": [None] * 5,
        "official_name": [None] * 5,
        "source": ["lms-april-2020"] * 5,
    }
)


@pytest.fixture(scope="module")
def tables() -> Tables:
    return Tables(load_homeworking(), load_councils())


@pytest.fixture(scope="module")
def measure(browser):
    """SVG → the problems Playwright finds in it, drawn by the app's exporter."""
    page = browser.new_page()
    exporter = shared_exporter()

    def problems(figure, width: int, height: int | None = None) -> list[str]:
        svg = exporter.image(figure, "svg", width=width, height=height or int(figure.layout.height), scale=1)
        return svg_problems(page, svg.decode("utf-8"))

    yield problems
    page.close()


def charts_of_every_page(tables: Tables):
    """(name, view, chart): every chart of every page, and the charts uploaded figures add or change."""
    for name, query in QUERIES.items():
        view = views.for_query(name, tables, query)
        yield from ((f"{name}:{chart.key}", view, chart) for chart in view.charts)
        if name in ("sectors", "age", "regions"):
            mine = views.for_query(name, tables, query, UPLOADED)
            for chart in mine.charts:
                if chart.key.endswith("-change") or chart.key in ("sectors-all", "age-profile", "regions-bars"):
                    yield f"{name} with uploads:{chart.key}", mine, chart


def test_no_chart_overprints_on_any_page_column(tables, measure):
    found = {}
    for name, _, chart in charts_of_every_page(tables):
        share = MAP_SHARE if chart.key == "regions-map" else 1
        for column_name, column in COLUMNS.items():
            width = screen_width(column * share)
            theme = NORMAL if width is None else for_size(NORMAL, width)
            if theme.stacked and chart.as_list is not None:
                continue  # a phone shows it as a list (ui.show_chart)
            problems = measure(chart.figure(theme), int(column * share))
            if problems:
                found[f"{name} in a {column_name} column"] = problems
    assert not found, found


def test_no_chart_overprints_in_its_files(tables, measure):
    """The PNG and SVG files (1280×720 at 1.5×, taller where a chart needs it) and the PDF brief's chart."""
    found = {}
    for name, view, chart in charts_of_every_page(tables):
        image = image_figure(chart)
        assert int(image.layout.height) >= CHART_IMAGE["height"]
        if problems := measure(image, CHART_IMAGE["width"]):
            found[f"{name} as PNG"] = problems
        if chart is view.main and (problems := measure(brief.chart_figure(chart), brief.CHART_WIDTH)):
            found[f"{name} in the brief"] = problems
    assert not found, found


def test_no_slide_overprints_on_screen_or_in_powerpoint(tables, measure):
    found = {}
    query = {**QUERIES["regions"], **QUERIES["councils"], **QUERIES["sectors"]}
    for slide in deck.build_deck(tables, query, user_rows=UPLOADED):
        assert slide.figure.layout.height == 1080  # the slide's frame, filled, not squeezed past it
        if problems := measure(slide.figure, 1920, 1080):
            found[f"slide {slide.key}"] = problems
        body, width, height, _ = powerpoint.body_figure(slide, powerpoint.BODY_ASPECT)
        if problems := measure(body, width, height):
            found[f"PowerPoint {slide.key}"] = problems
    assert not found, found
