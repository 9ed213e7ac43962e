"""Your figures against 2019 through AppTest: upload a partial file (a few regions, one measure) with no name,
then read the change on the Regions page, in words and in a chart."""

from tests.app.conftest import run_page
from tests.app.test_explore import upload

APRIL = (
    "breakdown,category,measure,percent\n"
    "region,London,week_prior,57.2\n"
    "region,Yorkshire and The Humber,week_prior,35.0\n"
    "region,Our own patch,week_prior,40.0\n"
)


def uploaded_then(page: str, query: dict | None = None):
    at = upload(run_page("app_pages/explore.py"), "lms-april-2020.csv", APRIL.encode(), "")
    assert not at.exception and at.success, [e.value for e in at.error]
    assert "lms-april-2020" in at.success[0].value  # no name given: the file's name
    at.switch_page(page)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_the_regions_headline_is_the_change_for_the_chosen_region():
    at = uploaded_then("app_pages/regions.py")
    assert not at.exception
    assert at.header[0].value == (
        "London: 57.2% worked from home in the week before interview (your figures: lms-april-2020), against 18.1% "
        "in 2019: up 39.1 points, 3.2× as many (derived)"
    )
    listed = next(m.value for m in at.markdown if m.value.startswith("- London"))
    assert "Yorkshire & Humber: 35.0%" in listed and "against 10.5% in 2019: up 24.5 points" in listed
    assert "Our own patch: 40.0%" in listed and "no such figure to compare it with" in listed
    change = next(c for c in at.get("plotly_chart") if "against 2019" in c.proto.alt)
    assert "3 regions and nations" in change.proto.alt


def test_a_region_they_did_not_bring_keeps_the_2019_headline_and_the_chart():
    at = uploaded_then("app_pages/regions.py", {"region": "Wales"})
    assert at.header[0].value.startswith("Workers in Wales were")
    assert any(h.value == "Your figures against 2019" for h in at.header)


def test_pages_without_their_figures_say_nothing_of_a_change():
    at = uploaded_then("app_pages/sectors.py")
    assert not any(h.value == "Your figures against 2019" for h in at.header)
