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


# ---- A deck that starts where you are (issue 21) --------------------------------------------------------------


def present_from(at):
    """Press the sidebar's "Present these charts", as a person on that page would."""
    return button(at, "Present these charts").click().run()


def test_presenting_from_a_chosen_region_opens_a_deck_whose_first_slide_is_that_region():
    at = run_page("../pages/regions.py", {"region": "North West"})
    present_from(at)
    assert not at.exception
    assert at.query_params["present"] == "1"
    assert at.multiselect(key="deck").value == ["region"]  # only the page visited: no untouched defaults
    assert at.get("segmented_control")[0].value == 1
    assert slide_title(at).startswith("Workers in the North West were less likely than all workers in the UK")


def test_the_deck_holds_the_pages_visited_with_the_one_presented_from_first():
    at = run_page("../pages/sectors.py", {"sector": "Financial and insurance"})
    at.switch_page("../pages/age.py").run()
    at.switch_page("../pages/regions.py").run()
    present_from(at)
    assert at.multiselect(key="deck").value == ["region", "sector", "regularity", "age"]
    assert slide_title(at).startswith("Workers in London")
    # "Add a slide" offers the one page not visited.
    assert [b.label for b in at.button if b.key and b.key.startswith("add-")] == ["The councils timeline"]


def test_a_link_without_a_deck_holds_every_slide_and_opens_on_its_pages_own():
    at = run_page("../pages/regions.py", {"present": "1", "region": "Wales"})
    assert not at.exception
    assert at.get("segmented_control")[0].value == 4  # sector, regularity, age, region: the fourth
    assert slide_title(at).startswith("Workers in Wales")
    button(at, "Previous").click().run()
    assert slide_title(at).startswith("Workers aged 45-49")  # the address's slide only opens the deck


def test_presenting_from_a_page_without_slides_and_nothing_visited_gives_the_whole_deck():
    at = run_page()  # the Overview
    present_from(at)
    assert "deck" not in at.query_params  # no deck key: every slide, as a prepared link without one
    assert at.get("segmented_control")[0].options == [str(n) for n in range(1, 6)]


def test_the_last_slide_says_it_is_the_end_and_a_further_press_says_so_again():
    at = run_page(None, {**FINANCE, "slide": "4"})
    counter = " ".join(m.value for m in at.markdown if "of 5" in m.value)
    assert counter == "4 of 5"
    button(at, "Next").click().run()
    assert "5 of 5 · End of the deck" in " ".join(m.value for m in at.markdown)
    assert not at.toast
    button(at, "Next").click().run()
    assert at.get("segmented_control")[0].value == 5
    assert [t.value for t in at.toast] == ["That was the last slide. Esc leaves the deck."]


def test_the_headline_box_starts_with_the_generated_headline_to_tweak():
    at = run_page(None, FINANCE)
    field = at.text_input(key="headline_sector")
    assert field.value == slide_title(at)  # the takeaway, as editable text
    assert "headline_sector" not in at.query_params  # not copied into the address until it is edited
    field.input(field.value.replace("Financial and insurance staff", "Our finance staff")).run()
    assert slide_title(at).startswith("Our finance staff were 1.7× as likely")
    assert at.query_params["headline_sector"].startswith("Our finance staff")
    at.text_input(key="headline_sector").input("").run()
    assert "headline_sector" not in at.query_params
    assert at.text_input(key="headline_sector").value.startswith("Financial and insurance staff")


def test_an_untouched_headline_follows_a_new_choice():
    at = run_page(None, FINANCE)
    at.selectbox(key="sector").select("Manufacturing").run()
    assert at.text_input(key="headline_sector").value == slide_title(at)
    assert slide_title(at).startswith("Manufacturing staff")


def test_add_a_slide_puts_it_after_this_one_and_goes_to_it():
    at = run_page(None, {**FINANCE, "deck": ["sector", "region"]})
    offered = [b.label for b in at.button if b.key and b.key.startswith("add-")]
    assert offered == ["How regular homeworking was", "Your age band", "The councils timeline"]
    button(at, "Your age band").click().run()
    assert at.multiselect(key="deck").value == ["sector", "age", "region"]
    assert at.get("segmented_control")[0].value == 2
    assert slide_title(at).startswith("Workers aged 45-49")


def test_a_councils_slide_for_a_region_without_councils_says_so_on_the_slide():
    at = run_page(None, {"present": "1", "region": "North West", "deck": "councils"})
    subtitle = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["subtitle"]["text"]
    assert subtitle.replace("<br>", " ").startswith(
        "The sources report no North West council or public body; all organisations shown"
    )


def test_a_deck_address_typed_in_another_case_opens_the_slides_it_spells():
    at = run_page("../pages/sectors.py", {"present": "1", "sector": "financial and insurance", "band": "Walse"})
    assert not at.exception
    assert at.selectbox(key="sector").value == "Financial and insurance"
    assert at.query_params["sector"] == "Financial and insurance"
    assert not [i for i in at.info if i.value.startswith("The address asks for")]  # no notice over a slide
