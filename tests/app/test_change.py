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
    at = upload(run_page("../pages/explore.py"), "lms-april-2020.csv", APRIL.encode(), "")
    assert not at.exception and at.success, [e.value for e in at.error]
    assert "lms-april-2020" in at.success[0].value  # no name given: the file's name
    at.switch_page(page)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_the_regions_headline_is_the_change_for_the_chosen_region():
    at = uploaded_then("../pages/regions.py")
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
    at = uploaded_then("../pages/regions.py", {"region": "Wales"})
    assert at.header[0].value.startswith("Workers in Wales were")
    assert any(h.value == "Your figures against 2019" for h in at.header)


def test_pages_without_their_figures_say_nothing_of_a_change():
    at = uploaded_then("../pages/sectors.py")
    assert not any(h.value == "Your figures against 2019" for h in at.header)


def test_a_bundle_brings_the_figures_back_and_offers_the_saved_view():
    from datetime import UTC, datetime

    from lib import data
    from lib.uploads import bundle
    from lib.uploads import parse as reading

    rows = reading.read_upload(APRIL.encode(), "lms-april-2020.csv", "", reference=data.load_homeworking()).rows
    zipped = bundle.make_bundle(
        rows, "lms-april-2020", datetime(2026, 11, 30, tzinfo=UTC), "http://x/regions?region=Wales&evil=1"
    )
    at = upload(run_page("../pages/explore.py"), "lms-april-2020-bundle.zip", zipped, "")
    assert not at.exception and "as **lms-april-2020**" in at.success[0].value
    assert any("Restored from your bundle: 3 rows" in c.value for c in at.caption)
    (link,) = [p for p in at.get("page_link") if p.proto.label == "Open the view you saved"]
    assert link.proto.page == "regions" and link.proto.query_string == "region=Wales"  # unknown keys dropped
    at.switch_page("../pages/regions.py")
    at.query_params["region"] = "Wales"
    at.run()
    assert any(h.value == "Your figures against 2019" for h in at.header)


def test_a_tampered_bundle_and_a_foreign_zip_get_their_messages():
    import io
    import zipfile

    def zipped(files):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        return buffer.getvalue()

    foreign = upload(run_page("../pages/explore.py"), "photos.zip", zipped({"a.jpg": "x", "b.jpg": "y"}))
    assert "this zip is not a bundle of your figures" in foreign.error[0].value
    assert "was not added, and nothing else changed" in foreign.error[0].value
    tampered = zipped(
        {
            "datapackage.json": '{"profile": "homeworking-dashboard-bundle", "homeworking_bundle": '
            '{"figures_name": "x", "uploaded_at": "2026-11-30T00:00:00Z", "permalink": "/"}}',
            "your-figures.csv": "breakdown,category,measure,percent\nregion,London,week_prior,157.2\n",
        }
    )
    edited = upload(run_page("../pages/explore.py"), "edited-bundle.zip", tampered, "")
    assert "percent is between 0 and 100" in edited.error[0].value


def test_where_the_figures_come_from_is_asked_and_the_pages_say_which_points_differ():
    at = run_page("../pages/explore.py")
    at.text_input(key="basis-survey").input("ONS Labour Market Survey")
    at.text_input(key="basis-period").input("April 2020")
    at.selectbox(key="basis-geography").select("Great Britain")
    at = upload(at, "lms-april-2020.csv", APRIL.encode(), "")
    assert not at.exception and at.success
    said = " ".join(c.value for c in at.caption)
    assert "Compared with 2019: Not one series" in said and "period (April 2020, against 2019)" in said
    at.switch_page("../pages/regions.py").run()
    captions = [c.value for c in at.caption if "Comparing with 2019" in c.value]
    assert captions and "survey (ONS Labour Market Survey, against Annual Population Survey)" in captions[0]
    assert "geography (Great Britain, against United Kingdom)" in captions[0]
    assert any("Coronavirus and homeworking in the UK" in c.value for c in at.caption)  # ONS's guidance, cited


def test_without_a_declared_basis_the_change_still_carries_the_general_caution():
    at = uploaded_then("../pages/regions.py")
    caution = next(c.value for c in at.caption if "Comparing with 2019" in c.value)
    assert "may come from another survey, question, population or period" in caution
    page_captions = [c.value for c in at.caption if ":material/compare_arrows:" in c.value]
    assert len(page_captions) == 1  # said once on the page, under the headline (the chart carries its own)
