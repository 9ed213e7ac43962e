"""Councils page through AppTest: filters (set by URL or by hand) change the table and charts; bad URLs fall back."""

import json

from lib import data
from tests.app.conftest import open_table, run_page

PAGE = "../pages/councils.py"


def chart_specs(at) -> dict:
    """Each Plotly chart's figure, by its key's last part (timeline, speed, baseline)."""
    return {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def chart_title(at) -> str:
    """The timeline's title as drawn, without its line breaks and bold."""
    title = chart_specs(at)["timeline"]["layout"]["title"]["text"]
    return title.replace("<br>", " ").replace("<b>", "").replace("</b>", "")


def lanes(at) -> list[str]:
    """The timeline's lanes by name (a long name is wrapped onto lines)."""
    return [name.replace("<br>", " ") for name in chart_specs(at)["timeline"]["layout"]["yaxis"]["ticktext"]]


def table(at):
    """The table of every figure, opened as a person would: it is sent only while its expander is open."""
    if not at.session_state["councils-figures"]:
        at.session_state["councils-figures"] = True
        at.run()
    return at.dataframe[-1].value


def test_every_figure_table_is_sent_only_when_opened():
    at = run_page(PAGE)
    assert not at.exception
    expander = at.expander[-1]
    assert expander.label == "Show all 42 figures with their quotes, sources and licences"
    assert not at.dataframe  # the charts' tables are lazy tabs, and this one is closed
    assert len(table(at)) == 42
    assert not at.exception


def test_all_figures_three_charts_and_the_traceable_table():
    at = run_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "How fast councils moved staff home in spring 2020"
    assert at.header[0].value.startswith("Fastest: Welsh Government (vendor claim), 6,000 council staff")
    assert "at least 857 staff a day" in at.header[0].value
    assert len(at.get("plotly_chart")) == 3
    figures = table(at)
    assert len(figures) == 42  # every rollout figure; the 23 March instruction is drawn, not listed
    welsh = figures[figures["organisation"] == "Welsh Government"].iloc[0]
    assert welsh["quote"] == "the Welsh Government which rolled out Teams to 6,000 council staff within a week"
    assert welsh["source"] == "004_535077cdee380919.txt:6"
    assert welsh["derived"] == "at least 857 staff a day (derived)"
    assert welsh["claimant"] == "vendor claim (advertorial)"
    assert welsh["publication"].startswith("Microsoft, guest blog post on the Socitm website")
    dwp = figures[figures["quote"].str.startswith("Despite an unprecedented surge")].iloc[0]
    assert "marked 'Official - Sensitive'" in dwp["licence"] and "none is claimed" in dwp["licence"]
    assert not figures["licence"].str.contains("Open Government Licence").any()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Fastest rollout, staff a day (derived)"] == "≥ 857"
    assert "Department for Work and Pensions" in lanes(at)


def test_region_in_the_url_filters_table_and_charts():
    at = run_page(PAGE, {"region": "East of England"})
    assert not at.exception
    assert at.multiselect(key="region").value == ["East of England"]
    assert set(table(at)["organisation"]) == {"Norfolk County Council", "Hertfordshire County Council"}
    assert lanes(at) == ["Norfolk County Council", "Hertfordshire County Council"]
    assert "Norfolk County Council" in at.header[0].value and "at least 214 users a day" in at.header[0].value
    baseline = chart_specs(at)["baseline"]
    assert baseline["layout"]["yaxis"]["ticktext"][1] == "East of England, 2019 (ONS)"
    links = at.get("page_link")
    assert [link.proto.query_string for link in links] == ["region=East+of+England"]
    assert links[0].proto.page == "regions"


def test_choosing_a_kind_by_hand_changes_table_and_charts():
    at = run_page(PAGE)
    before = len(table(at))
    at.multiselect(key="kind").set_value(["unitary council"]).run()
    assert not at.exception
    rows = table(at)
    assert len(rows) < before and set(rows["kind"]) == {"unitary council"}
    unitary = {"Durham County Council", "Wiltshire Council", "Swindon Borough Council", "Cornwall Council"}
    assert set(lanes(at)) == unitary
    speed = chart_specs(at)["speed"]
    assert "Wiltshire Council (vendor claim): at least 571 staff a day (derived)" in speed["layout"]["title"][
        "text"
    ].replace("<br>", " ")
    # Neither Norfolk nor Dudley is a unitary council: no share at home to set against a baseline.
    assert "baseline" not in chart_specs(at)
    assert any("No organisation in this selection reports a share" in i.value for i in at.info)


def test_your_organisation_stands_out_in_every_chart():
    at = run_page(PAGE, {"org": "Norfolk County Council"})
    assert not at.exception
    for name, spec in chart_specs(at).items():
        assert "<b>Norfolk County Council</b> (yours)" in json.dumps(spec), name


def test_your_organisation_answers_how_fast_it_moved_in_its_own_figures():
    at = run_page(PAGE, {"org": "Norfolk County Council"})
    figures = data.load_councils().set_index("id")
    late_march, april = figures.loc["norfolk-working-from-home"], figures.loc["norfolk-office-start-of-april"]
    headline = at.header[0].value
    assert headline.startswith("Norfolk County Council: ")  # not the fastest elsewhere
    assert f"{late_march['value_text']} {late_march['measure']} in late March" in headline  # "more than 5,000 …"
    assert f"{april['measure']} at the start of April" in headline
    assert "Welsh Government" not in headline
    sentence = at.markdown[0].value
    assert sentence.startswith("Norfolk County Council (county council, East of England) also reports")
    assert figures.loc["norfolk-contact-centre-live", "measure"] in sentence  # mid-April, in time order
    first = at.metric[0]
    assert first.label == "Yours: users a day (derived)" and first.value == "≥ 214"
    assert first.proto.help.startswith("Norfolk County Council: more than 3,000 further users")
    assert chart_title(at) == headline  # the timeline (and so the slide and the image) says the same


def test_an_organisation_left_out_by_the_filters_does_not_take_the_headline():
    at = run_page(PAGE, {"org": "Norfolk County Council", "region": "Wales"})
    assert at.header[0].value.startswith("Welsh Government (vendor claim): 6,000 council staff")
    assert any("Norfolk County Council has no figures in this selection" in i.value for i in at.info)


def test_nonsense_url_values_fall_back_to_everything():
    at = run_page(PAGE, {"region": "Atlantis", "kind": "<script>", "org": "Nobody"})
    assert not at.exception
    assert at.multiselect(key="region").value == []
    assert at.multiselect(key="kind").value == []
    assert at.selectbox(key="org").value is None
    assert len(table(at)) == 42


def test_a_region_without_figures_says_so_and_links_to_its_2019_figures():
    at = run_page(PAGE, {"region": "Scotland"})
    assert not at.exception
    assert "no council or public-body figures" in at.warning[0].value
    assert not at.get("plotly_chart")
    assert [link.proto.query_string for link in at.get("page_link")] == ["region=Scotland"]


def test_vendor_claims_are_named_in_the_timeline_and_its_table():
    at = run_page(PAGE, {"kind": "unitary council"})
    assert not at.exception
    labels = [a["text"].replace("<br>", " ") for a in chart_specs(at)["timeline"]["layout"]["annotations"]]
    marked = sorted(label for label in labels if "(vendor claim)" in label)
    assert marked == [  # Durham, Wiltshire and Swindon's two: the Microsoft and Jadu advertorials
        "4,000 staff within a week (vendor claim)",
        "583 hours a month (vendor claim)",
        "6,000 users (vendor claim)",
        "9.6 hours a month (vendor claim)",
    ]
    assert "630% increase" in labels  # Cornwall's figure, from the Local Government Association: not marked
    timeline_table = open_table(at, "councils-timeline").dataframe[0].value
    durham = timeline_table[timeline_table["organisation"] == "Durham County Council"].iloc[0]
    assert durham["label"] == "6,000 users (vendor claim)" and durham["claimant"] == "vendor claim (advertorial)"
    assert any("'Vendor claim' marks a figure from a supplier's advertorial" in c.value for c in at.caption)
