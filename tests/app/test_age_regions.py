"""Age and Regions pages through AppTest: selections change the numbers, links open views, bad URLs fall back."""

from tests.app.conftest import open_table, run_page


def metrics(at):
    return [(m.label, m.value, m.proto.delta) for m in at.metric]


def test_age_default_and_change():
    at = run_page("../pages/age.py")
    assert not at.exception
    assert at.selectbox(key="band").value == "45-49 yrs"
    assert ("Yours (vs 12.4%)", "16.2%", "+3.8 pts (derived)") in metrics(at)
    at.selectbox(key="band").set_value("70 and over").run()
    assert ("Yours (vs 12.4%)", "24.7%", "+12.3 pts (derived)") in metrics(at)
    assert ("Rank (derived)", "1st of 12", "") in metrics(at)


def test_age_compares_two_bands_from_a_link():
    at = run_page("../pages/age.py", {"band": "70 and over", "vs": "16-19 yrs"})
    assert not at.exception
    assert at.header[0].value.startswith("Workers aged 70 and over were 20.6× as likely as workers aged 16-19")
    assert ("Yours (vs 1.2%)", "24.7%", "+23.5 pts (derived)") in metrics(at)


def test_age_caption_says_what_the_shape_shows():
    at = run_page("../pages/age.py")
    caption = next(c.value for c in at.caption if c.value.startswith("The share who worked"))
    assert "to 16.2% (45-49), dips to 13.1% (60-64), then rises again to 24.7% (70 and over)" in caption
    assert "45-49 yrs highlighted" in at.get("plotly_chart")[0].proto.alt


def test_age_shows_how_regular_homeworking_was_at_each_age():
    at = run_page("../pages/age.py", {"band": "70 and over"})
    assert "How regular homeworking was" in [h.value for h in at.header]
    alts = [chart.proto.alt for chart in at.get("plotly_chart")]
    assert len(alts) == 2 and "by age of worker, 70 and over highlighted" in alts[1]
    assert "59% of workers aged 70 and over who had ever worked from home" in alts[1]


def test_regions_default_change_and_link():
    at = run_page("../pages/regions.py")
    assert not at.exception
    assert at.selectbox(key="region").value == "London"
    assert ("Yours (vs 12.4%)", "18.1%", "+5.7 pts (derived)") in metrics(at)
    at.selectbox(key="region").set_value("Northern Ireland").run()
    assert ("Rank (derived)", "12th of 12", "") in metrics(at)
    linked = run_page("../pages/regions.py", {"region": "East of England", "other": "Wales", "map": "Ever"})
    assert ("Yours (vs 10.0%)", "11.3%", "+1.3 pts (derived)") in metrics(linked)
    assert linked.radio(key="map").value == "ever"  # the URL holds the label, the widget the measure
    assert "Workers in the East of England" in linked.header[0].value


def test_regions_list_the_councils_in_the_region():
    at = run_page("../pages/regions.py", {"region": "East of England"})
    text = " ".join(m.value for m in at.markdown)
    assert "**Norfolk County Council** (county council)" in text
    assert "more than 5,000 staff working from home, late March 2020" in text
    wales = " ".join(m.value for m in run_page("../pages/regions.py", {"region": "Wales"}).markdown)
    assert "6,000 council staff given Microsoft Teams, within a week" in wales
    assert "(date not given) (vendor claim)" in wales
    none = run_page("../pages/regions.py", {"region": "Scotland"})
    assert any("no council rollout figures for Scotland" in m.value for m in none.markdown)


def test_regions_table_has_gss_codes_and_official_names():
    at = open_table(run_page("../pages/regions.py"), "regions-map")
    table = at.dataframe[0].value.set_index("official_name")
    assert table.loc["Yorkshire and The Humber", "code"] == "E12000003"
    assert table.loc["Yorkshire and The Humber", "category"] == "Yorkshire & Humber"
    assert table.loc["Wales", "week_prior"] == 10.0


def test_bad_values_fall_back():
    for page, query, key, default in [
        ("../pages/age.py", {"band": "200-300", "vs": "<b>x</b>"}, "band", "45-49 yrs"),
        ("../pages/regions.py", {"region": "Atlantis", "map": "Sometimes"}, "region", "London"),
    ]:
        at = run_page(page, query)
        assert not at.exception
        assert at.selectbox(key=key).value == default


def test_regions_link_to_the_councils_in_the_region():
    at = run_page("../pages/regions.py", {"region": "East of England"})
    link = at.get("page_link")[0]
    assert link.proto.page == "councils"
    assert link.proto.query_string == "region=East+of+England"


def test_uploaded_rows_are_drawn_and_named_on_age_and_regions():
    import pandas as pd

    for page, breakdown, category in [
        ("../pages/age.py", "age", "45-49 yrs"),
        ("../pages/regions.py", "region", "London"),
    ]:
        at = run_page(page)
        at.session_state["user_rows"] = pd.DataFrame(
            {
                "breakdown": breakdown,
                "category": [category],
                "measure": ["ever"],
                "percent": [61.0],
                "source": "*Our* survey",
            }
        )
        at.run()
        assert not at.exception
        note = next(c.value for c in at.caption if "your own uploaded figures" in c.value)
        assert r"\*Our\* survey" in note  # file text is shown as text, not Markdown
        figures = [chart.proto.spec for chart in at.get("plotly_chart")]
        assert any("Your data: *Our* survey" in figure for figure in figures)  # the 2019 chart that draws them


def test_a_hand_typed_address_in_another_case_opens_the_view_it_spells():
    at = run_page("../pages/regions.py", {"region": "wales", "other": " LONDON "})
    assert not at.exception
    assert at.selectbox(key="region").value == "Wales" and at.selectbox(key="other").value == "London"
    assert at.header[0].value.startswith("Workers in Wales")
    assert at.query_params["region"] == "Wales"  # opened again as the page offers it: the address bar is the view


def test_an_address_value_like_no_option_still_falls_back_to_the_default_and_says_so_without_repeating_it():
    at = run_page("../pages/regions.py", {"region": "<b>Atlantis</b>"})
    assert not at.exception and at.selectbox(key="region").value == "London"
    told = [i.value for i in at.info if i.value.startswith("The address asks for")]
    assert told == [
        "The address asks for a value of *Your region or nation* that this page does not offer, so it shows its own "
        "choice."
    ]


def test_an_address_value_like_an_option_offers_it_until_a_choice_is_made():
    at = run_page("../pages/regions.py", {"region": "Walse"})
    assert at.selectbox(key="region").value == "London"
    assert any(i.value.endswith("Did you mean Wales?") for i in at.info)
    at.run()  # the page's own rerun (it measures its width): the notice stays
    assert any(i.value.endswith("Did you mean Wales?") for i in at.info)
    at.button(key="address-meant-region").click().run()
    assert at.selectbox(key="region").value == "Wales" and at.query_params["region"] == "Wales"
    assert not [i for i in at.info if i.value.startswith("The address asks for")]
