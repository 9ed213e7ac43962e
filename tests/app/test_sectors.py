"""Sectors page through AppTest: selections change the numbers; URLs open the same view; bad URLs fall back."""

from tests.app.conftest import open_table, run_page

PAGE = "../pages/sectors.py"


def metrics(at):
    return [(m.label, m.value, m.proto.delta) for m in at.metric]


def test_default_view_is_education_against_public_administration():
    at = run_page(PAGE)
    assert not at.exception
    assert at.selectbox(key="sector").value == "Education"
    assert at.selectbox(key="benchmark").value == "Public administration and defence"
    assert ("Yours (vs 13.7%)", "12.8%", "−0.9 pts (derived)") in metrics(at)


def test_changing_sector_changes_the_numbers_and_words():
    at = run_page(PAGE)
    before = metrics(at)
    at.selectbox(key="sector").set_value("Financial and insurance").run()
    assert not at.exception
    after = metrics(at)
    assert after != before
    assert ("Yours (vs 13.7%)", "22.8%", "+9.1 pts (derived)") in after
    assert ("Yours (vs 29.4%)", "38.9%", "+9.5 pts (derived)") in after
    assert ("Ratio (derived)", f"{22.8 / 13.7:.1f}×", "") in after  # the headline's precision
    assert ("Rank (derived)", "3rd of 10", "") in after
    assert at.header[0].value.startswith("Financial and insurance staff were 1.7× as likely")
    assert "59% of their ever-homeworkers" in at.markdown[0].value


def test_benchmark_can_be_the_uk():
    at = run_page(PAGE, {"sector": "Transport and storage", "benchmark": "UK: all in employment"})
    assert not at.exception
    assert ("Yours (vs 12.4%)", "3.4%", "−9.0 pts (derived)") in metrics(at)


def test_link_opens_the_same_view():
    at = run_page(PAGE, {"sector": "Information and communication", "benchmark": "Education"})
    assert at.selectbox(key="sector").value == "Information and communication"
    assert at.selectbox(key="benchmark").value == "Education"
    assert ("Rank (derived)", "1st of 10", "") in metrics(at)


def test_nonsense_in_the_url_falls_back_to_the_default_view():
    at = run_page(PAGE, {"sector": "<script>alert(1)</script>", "benchmark": "Nowhere"})
    assert not at.exception
    assert at.selectbox(key="sector").value == "Education"
    assert at.selectbox(key="benchmark").value == "Public administration and defence"
    assert all("<script>" not in m.value for m in at.markdown)


def test_chart_has_alt_text_table_and_caveat_near_it():
    at = run_page(PAGE)
    chart = at.get("plotly_chart")[0]
    assert "Education highlighted" in chart.proto.alt
    assert any(c.value.startswith("Data is shown for selected economic sectors only.") for c in at.caption)
    assert "week-before figure is not published" in at.caption[-1].value
    occupations = open_table(at, "sectors-occupations").dataframe[0].value.set_index("category")
    assert occupations.loc["Media professionals", "ever"] == 58
    assert occupations["week_prior"].isna().all()
    assert "week-before figure is not published" in at.caption[-1].value


def test_uploaded_rows_appear_beside_the_baseline_marked_as_yours():
    import pandas as pd

    at = run_page(PAGE)
    at.session_state["user_rows"] = pd.DataFrame(
        {
            "breakdown": "sector",
            "category": ["Education"],
            "measure": ["ever"],
            "percent": [61.0],
            "source": "Our staff survey 2021",
        }
    )
    at.run()
    assert not at.exception
    assert any("Our staff survey 2021" in c.value and "not ONS" in c.value for c in at.caption)
    assert ("Yours (vs 29.4%)", "38.3%", "+8.9 pts (derived)") in metrics(at)


def test_a_figure_with_uploaded_rows_is_never_shared_with_another_session():
    import pandas as pd

    mine = run_page(PAGE)
    mine.session_state["user_rows"] = pd.DataFrame(
        {"breakdown": "sector", "category": ["Education"], "measure": ["ever"], "percent": [61.0], "source": "Ours"}
    )
    mine.run()
    assert "Your data: Ours" in mine.get("plotly_chart")[0].proto.spec
    theirs = run_page(PAGE)  # same selections, so the shared figure is asked for
    assert "Your data" not in theirs.get("plotly_chart")[0].proto.spec
    assert "Your data: Ours" in mine.run().get("plotly_chart")[0].proto.spec


def test_without_chromium_the_page_offers_what_the_api_serves(monkeypatch, tmp_path):
    """The page and the API agree (tests/integration/test_api.py): drawn files wait for a browser, the zip does not
    (it holds the data files and says which drawn ones are missing)."""
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    at = run_page("../pages/sectors.py")
    assert not at.exception
    disabled = {
        b.proto.id.rsplit("view-sectors-", 1)[-1]: b.proto.disabled
        for b in at.get("download_button")
        if "view-sectors-" in b.proto.id
    }
    assert disabled["pdf"] is True
    assert disabled["zip"] is False and disabled["csv"] is False
