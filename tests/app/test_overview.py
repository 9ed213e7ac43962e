"""Overview page through AppTest: headline figures, takeaway, chart with alt text and table."""

from tests.app.conftest import open_table, run_page


def test_overview_shows_headline_figures_and_chart():
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "Homeworking in the UK before the pandemic"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["UK: week before interview"] == "12.4%"
    assert metrics["UK: ever worked from home"] == "26.7%"
    assert metrics["Public administration: week before"] == "13.7%"
    assert at.metric[2].proto.delta == "+1.3 pts vs the UK (derived)"  # short enough for the badge at 1280 px
    takeaway = at.header[0].value
    assert (
        "13.7%" in takeaway and "12.4%" in takeaway and "19.1 points behind information and communication" in takeaway
    )
    chart = at.get("plotly_chart")[0]
    assert "ten sectors" in chart.proto.alt
    table = open_table(at, "overview-sectors").dataframe[0].value
    assert table.set_index("category").loc["Public administration and defence", "ever"] == 29.4
    assert any(c.value == "Data is shown for selected economic sectors only." for c in at.caption)
    assert [link.proto.page for link in at.get("page_link")] == ["sectors", "age", "regions", "councils", "explore"]
