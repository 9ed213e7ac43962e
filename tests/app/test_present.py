"""Presentation mode through AppTest: the deck from the URL's selections, moving, editing, leaving.

Expected figures are the source's (ONS APS 2019 via Socitm In Our View 19) and issue 3's worked example.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from tests.app.conftest import run_page

FINANCE = {"present": "1", "sector": "Financial and insurance"}


def slide_title(at) -> str:
    """The one chart's title, as drawn (Plotly breaks long titles with <br>)."""
    charts = at.get("plotly_chart")
    assert len(charts) == 1, "a slide shows exactly one chart"
    title = json.loads(charts[0].proto.spec)["layout"]["title"]["text"]
    return title.replace("<br>", " ").replace("<b>", "").replace("</b>", "")


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_present_link_opens_the_deck_on_the_first_slide_of_the_users_comparison():
    at = run_page(None, FINANCE)
    assert not at.exception
    assert slide_title(at).startswith("Financial and insurance staff were 1.7× as likely as public administration")
    assert at.get("segmented_control")[0].value == 1
    assert not at.title  # no page heading, no selectors on the slide: only the chart and the control bar


def test_next_and_previous_move_and_the_slide_number_follows_in_the_url():
    at = run_page(None, FINANCE)
    button(at, "Next").click().run()
    assert at.query_params["slide"] == "2"
    # Financial and insurance: 22.8 ÷ 38.9; public administration: 13.7 ÷ 29.4 (printed figures).
    assert slide_title(at).startswith(f"{round(22.8 / 38.9 * 100)}% of financial and insurance staff")
    button(at, "Next slide").click().run()  # the clicker's PageDown
    assert at.query_params["slide"] == "3"
    assert slide_title(at).startswith("Workers aged 45-49")
    button(at, "Previous slide").click().run()  # PageUp
    button(at, "Previous").click().run()
    assert "slide" not in at.query_params  # back on slide 1, the default
    button(at, "Previous").click().run()
    assert not at.exception and slide_title(at).startswith("Financial and insurance staff")


def test_slide_number_from_a_link_and_the_last_slide_stops():
    at = run_page(None, {**FINANCE, "slide": "5"})
    assert slide_title(at).startswith("7 of the 13 dated figures fall in the four weeks from the 23 March 2020")
    button(at, "Next").click().run()
    assert at.get("segmented_control")[0].value == 5


def test_edited_headline_becomes_the_slide_title_shown_as_text():
    at = run_page(None, FINANCE)
    at.text_input(key="headline_sector").input("Finance <b>led</b> the way").run()
    assert slide_title(at) == "Finance &lt;b&gt;led&lt;/b&gt; the way"
    at.text_input(key="headline_sector").input("").run()
    assert slide_title(at).startswith("Financial and insurance staff were 1.7×")  # blank: the takeaway again


def test_prepared_link_keeps_its_headline():
    at = run_page(None, {**FINANCE, "headline_sector": "A prepared headline"})
    assert slide_title(at) == "A prepared headline"


def test_presenter_drops_and_reorders_slides():
    at = run_page(None, {**FINANCE, "deck": ["region", "sector"]})
    assert slide_title(at).startswith("Workers in London were 1.5× as likely")
    assert at.get("segmented_control")[0].options == ["1", "2"]
    button(at, "Move later").click().run()
    assert at.multiselect(key="deck").value == ["sector", "region"]
    assert at.get("segmented_control")[0].value == 2
    assert slide_title(at).startswith("Workers in London")
    at.multiselect(key="deck").unselect("region").run()
    assert at.get("segmented_control")[0].options == ["1"]
    assert slide_title(at).startswith("Financial and insurance staff")


def test_headline_edits_survive_moving_between_slides():
    at = run_page(None, FINANCE)
    at.text_input(key="headline_sector").input("Our own words").run()
    button(at, "Next").click().run()
    assert slide_title(at).startswith("59% of financial")
    button(at, "Previous").click().run()
    assert slide_title(at) == "Our own words"
    at.selectbox(key="sector").select("Manufacturing").run()
    assert slide_title(at) == "Our own words"  # a new comparison keeps the presenter's words


def test_drop_this_slide():
    at = run_page(None, {**FINANCE, "slide": "2"})
    button(at, "Drop this slide").click().run()
    assert at.multiselect(key="deck").value == ["sector", "age", "region", "councils"]
    assert slide_title(at).startswith("Workers aged 45-49")  # the next slide takes its place


def test_changing_a_selection_in_the_deck_rebuilds_the_slides():
    at = run_page(None, FINANCE)
    at.selectbox(key="benchmark").select("UK: all in employment").run()
    assert slide_title(at).startswith("Financial and insurance staff were 1.8× as likely as all workers in the UK")


@pytest.mark.parametrize(
    "query",
    [
        {"present": "1", "slide": "99", "sector": "<script>alert(1)</script>", "deck": "nonsense"},
        {"present": "1", "region": "Atlantis", "band": "200 yrs", "org": "<img src=x>", "kind": "spaceship"},
    ],
)
def test_bad_values_in_a_present_link_fall_back_and_never_raise(query):
    at = run_page(None, query)
    assert not at.exception
    assert slide_title(at).startswith("Education staff were less likely than public administration")


def test_without_chromium_the_downloads_say_so(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    at = run_page(None, FINANCE)
    assert not at.exception
    assert any("Image export unavailable: no Chromium found" in w.value for w in at.warning)
    assert not at.get("download_button")


HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "x" * 3000, "", "-1", "1e309", "🦆" * 40]
DECK_KEYS = ["sector", "benchmark", "band", "vs", "region", "other", "kind", "org", "slide", "deck", "headline_sector"]


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    query=hs.dictionaries(
        keys=hs.sampled_from(DECK_KEYS),
        values=hs.lists(hs.one_of(hs.sampled_from(HOSTILE), hs.text(max_size=40)), min_size=1, max_size=3),
        min_size=1,
        max_size=5,
    )
)
def test_hostile_present_links_open_a_deck_and_never_render_url_text_as_html(query):
    query = {k: [v.replace("\x00", "") for v in vs] for k, vs in query.items()}
    at = run_page(None, {"present": "1", **query})
    assert not at.exception, at.exception
    title = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
    assert "<script" not in title and "<img" not in title
    tainted = [v for vs in query.values() for v in vs if "<" in v]
    for element in [*at.markdown, *at.caption]:
        if any(v in element.value for v in tainted):
            assert not element.proto.allow_html, element.value
