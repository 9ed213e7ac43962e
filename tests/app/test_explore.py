"""Explore page through AppTest: filters change the rows, URLs open views, uploads are checked and kept apart."""

import json
from pathlib import Path

import numpy as np
import pandas as pd

from lib.data import load_councils
from lib.limits import LIMITS
from tests import hostile_files
from tests.app.conftest import run_page

PAGE = "../pages/explore.py"
ONS = "ONS Annual Population Survey 2019, via Socitm In Our View issue 19"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"


def table(at) -> pd.DataFrame:
    """The main table (the last dataframe on the page; the chart's own table tab comes first)."""
    return at.dataframe[-1].value


def upload(at, name: str, data: bytes, source: str = "Our staff survey 2021"):
    at.file_uploader(key="upload-file").upload(name, data, "text/csv")
    at.text_input(key="upload-source").input(source)
    at.form_submit_button[0].click().run()
    return at


def test_default_view_is_every_figure_with_the_sector_chart_help_and_downloads():
    at = run_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "Explore the figures"
    rows = table(at)
    assert len(rows) == 80 and set(rows["breakdown"]) == {"all", "sector", "age", "region", "occupation"}
    assert at.segmented_control(key="chart").value == "sector"
    week = rows[(rows["category"] == "Public administration and defence") & (rows["measure"] == "week_prior")]
    assert week["percent"].tolist() == [13.7]
    columns = json.loads(at.dataframe[-1].proto.columns)
    assert columns["percent"]["help"].startswith("The published percentage")
    assert columns["code"]["help"].startswith("SIC 2007 section letter")
    chart = at.get("plotly_chart")[0]
    assert "Information and communication had the highest share" in chart.proto.alt
    labels = [at.get_by_key(f"download-{fmt}").label for fmt in ("csv", "xlsx", "parquet", "json", "datapackage")]
    assert labels == ["CSV", "Excel (.xlsx)", "Parquet", "JSON", "Provenance (datapackage.json)"]


def test_filters_change_the_rows():
    at = run_page(PAGE)
    at.multiselect(key="breakdown").set_value(["region"]).run()
    at.multiselect(key="measure").set_value(["week_prior"]).run()
    at.number_input(key="min").set_value(15.0).run()
    assert not at.exception
    rows = table(at)
    assert dict(zip(rows["category"], rows["percent"], strict=True)) == {"London": 18.1, "South East": 16.5}
    at.selectbox(key="sort").set_value("percent (ascending)").run()
    assert table(at)["category"].tolist() == ["South East", "London"]
    at.text_input(key="q").input("lond").run()
    assert table(at)["category"].tolist() == ["London"]
    assert "1 row" in [h.value for h in at.header]  # not "1 rows"


def test_a_link_opens_the_same_view():
    at = run_page(PAGE, {"table": "Councils", "kind": "county council", "unit": "staff"})
    assert not at.exception
    rows = table(at)
    assert set(rows["organisation"]) == {"Norfolk County Council"}
    assert sorted(rows["value"]) == [3500, 5000, 5000, 5000]
    assert "Norfolk County Council has the largest figure in staff" in at.get("plotly_chart")[0].proto.alt


def test_council_figures_filter_by_region_and_by_who_says_so_in_the_councils_pages_words():
    at = run_page(PAGE, {"table": "Councils"})
    assert at.multiselect(key="region").label == "Region or nation"  # as on the Councils page
    assert at.multiselect(key="claimant").label == "Who says so"  # as its table's column
    at.multiselect(key="region").set_value(["East of England"]).run()
    assert not at.exception
    rows = table(at)
    figures = load_councils()
    assert set(rows["region"]) == {"East of England"} and len(rows) == (figures["region"] == "East of England").sum()
    at.multiselect(key="claimant").set_value(["organisation itself"]).run()
    rows = table(at)
    assert set(rows["claimant"]) == {"organisation itself"} and set(rows["organisation"]) == {"Norfolk County Council"}
    assert (
        at.get_by_key("download-csv").proto.file_name
        if hasattr(at.get_by_key("download-csv").proto, "file_name")
        else True
    )


def test_a_link_filters_councils_by_region_and_claim():
    """The address holds both filters (the browser test sees the page write them there)."""
    at = run_page(
        PAGE, {"table": "Councils", "region": ["Wales", "South West"], "claimant": "vendor claim (advertorial)"}
    )
    assert not at.exception
    rows = table(at)
    assert set(rows["organisation"]) == {"Welsh Government", "Wiltshire Council", "Swindon Borough Council"}
    assert at.multiselect(key="org").options == ["Welsh Government", "Wiltshire Council", "Swindon Borough Council"]


def test_bad_link_values_fall_back_without_error():
    at = run_page(PAGE, {"table": "Nope", "breakdown": "nonsense", "min": "abc", "sort": "bogus", "page": "-4"})
    assert not at.exception
    assert len(table(at)) == 80


def test_an_empty_breakdown_parameter_means_all_breakdowns():
    at = run_page(PAGE, {"breakdown": ""})
    assert not at.exception
    assert at.multiselect(key="breakdown").value == [] and len(table(at)) == 80


def test_empty_view_says_so():
    at = run_page(PAGE, {"breakdown": "region", "min": "90"})
    assert not at.exception
    assert any("No rows match these filters" in w.value for w in at.warning)
    assert all(at.get_by_key(f"download-{fmt}").proto.disabled for fmt in ("csv", "xlsx", "parquet", "json"))


def test_bad_upload_shows_its_problem_and_changes_nothing():
    at = run_page(PAGE, {"breakdown": "region"})
    before = table(at).copy()
    upload(at, "not_a_number.csv", (FIXTURES / "not_a_number.csv").read_bytes())
    assert not at.exception
    assert "was not added, and nothing else changed" in at.error[0].value
    problems = at.dataframe[-1].value
    assert problems.to_dict("records") == [
        {"row": 3, "column": "percent", "rule": "must be a number", "found": "twelve"}
    ]
    pd.testing.assert_frame_equal(at.dataframe[-2].value, before)
    assert "user_rows" not in at.session_state or at.session_state["user_rows"] is None


def test_binary_and_empty_files_get_messages_not_exceptions():
    for name in ("binary.csv", "empty.csv", "ragged_row.csv"):
        at = upload(run_page(PAGE), name, (FIXTURES / name).read_bytes())
        assert not at.exception, name
        assert at.error, name


def test_good_upload_appears_beside_the_2019_figures():
    at = upload(run_page(PAGE, {"breakdown": "region"}), "survey.csv", (FIXTURES / "good_survey.csv").read_bytes())
    assert not at.exception
    assert at.success[0].value == "Added 5 rows as **Our staff survey 2021**."
    rows = table(at)
    yorkshire = rows[rows["category"] == "Yorkshire & Humber"]
    assert yorkshire[["measure", "percent", "source"]].values.tolist() == [
        ["week_prior", 10.5, ONS],
        ["week_prior", 15.2, "Our staff survey 2021"],
        ["ever", 24.0, ONS],
        ["ever", 30.5, "Our staff survey 2021"],
    ]
    alt = at.get("plotly_chart")[0].proto.alt
    assert "Your figure (Our staff survey 2021) for Yorkshire & Humber is above its 2019 figure" in alt
    assert len(at.session_state["user_rows"]) == 5


def test_uploads_stay_in_their_own_session():
    upload(run_page(PAGE), "survey.csv", (FIXTURES / "good_survey.csv").read_bytes())
    other = run_page(PAGE, {"breakdown": "region"})
    assert "Our staff survey 2021" not in set(table(other)["source"])
    assert "user_rows" not in other.session_state or other.session_state["user_rows"] is None


def test_markdown_in_the_name_shows_as_text():
    at = upload(run_page(PAGE), "survey.csv", (FIXTURES / "good_survey.csv").read_bytes(), "**Mine** [x](http://e)")
    assert (
        at.success[0].value == "Added 5 rows as **\\*\\*Mine\\*\\* \\[x\\](http:\u2060//e)**."
    )  # no link: a word joiner


def test_removing_your_figures_brings_back_the_2019_table():
    at = upload(run_page(PAGE), "survey.csv", (FIXTURES / "good_survey.csv").read_bytes())
    at.run()  # a rerun that is not an upload (a filter, the address) keeps what was added said
    assert [s.value for s in at.success] == ["Added 5 rows as **Our staff survey 2021**."]
    at.button(key="remove-upload").click().run()
    assert not at.exception
    assert set(table(at)["source"]) == {ONS}
    assert not at.success  # the rows it spoke of are gone


def test_a_big_upload_is_charted_in_bands_and_the_table_paged():
    n = 6_000
    rng = np.random.default_rng(6)
    big = pd.DataFrame(
        {
            "breakdown": "sector",
            "category": np.repeat([f"Team {i:04d}" for i in range(n // 2)], 2),
            "measure": ["week_prior", "ever"] * (n // 2),
            "percent": np.column_stack([rng.uniform(0, 40, n // 2), rng.uniform(40, 90, n // 2)]).ravel().round(1),
        }
    )
    at = upload(run_page(PAGE, {"breakdown": "sector"}), "big.csv", big.to_csv(index=False).encode())
    assert not at.exception
    assert at.header[0].value == "6,020 rows"
    assert len(table(at)) == 1_000
    chart = at.get("plotly_chart")[0]
    assert "figures fall in each 5-point band" in chart.proto.alt
    at.number_input(key="page").set_value(7).run()
    assert len(table(at)) == 20
    assert "Rows 6,001–6,020 of 6,020" in " ".join(c.value for c in at.caption)


def test_the_stated_upload_limit_is_the_one_enforced():
    uploader = run_page(PAGE).file_uploader(key="upload-file")
    assert f"up to {LIMITS.upload_mb} MB" in uploader.label
    assert uploader.proto.max_upload_size_mb == LIMITS.upload_mb


def test_a_parquet_bomb_is_refused_with_its_declared_rows_and_nothing_else_changes():
    at = run_page(PAGE, {"breakdown": "region"})
    before = table(at).copy()
    upload(at, "bomb.parquet", hostile_files.parquet_bomb())
    assert not at.exception
    assert at.error[0].value == (  # file text is shown as text: Markdown's characters escaped
        "**bomb.parquet** was not added, and nothing else changed. The problem: the "
        "Parquet file declares 30,000,000 rows; the limit is 1,048,575: split it into files of at most 1,048,575 rows"
    )
    assert at.status[0].proto.label == "bomb.parquet could not be used"
    pd.testing.assert_frame_equal(at.dataframe[-2].value, before)
    assert "user_rows" not in at.session_state or at.session_state["user_rows"] is None


def test_a_file_with_thousands_of_problems_says_how_many_and_lists_the_first():
    rows = "".join(f"sector,Team {i},ever,lots\n" for i in range(3_000))
    at = upload(run_page(PAGE), "many.csv", ("breakdown,category,measure,percent\n" + rows).encode())
    assert not at.exception
    assert "3,000 problems; the first: row 2, column 'percent': must be a number (found 'lots')" in at.error[0].value
    assert len(at.dataframe[-1].value) == LIMITS.max_problems
    assert any("The first 1,000 are listed" in c.value for c in at.caption)


TYPO = b"breakdown,category,measure,percent\nregion,Walse,week_prior,31.0\nregion,Our own patch,week_prior,40.0\n"


def test_a_label_like_a_known_one_is_asked_about_before_anything_is_added():
    at = upload(run_page(PAGE), "april.csv", TYPO)
    assert not at.exception
    assert "user_rows" not in at.session_state or at.session_state["user_rows"] is None  # nothing added yet
    assert not at.success
    question = at.radio(key="upload-review-0")
    assert question.label == "Walse: did you mean Wales?"
    assert len(at.radio) == 1  # "Our own patch" is close to no region: plainly meant as new, not asked about
    at.form_submit_button(key="FormSubmitter:upload-review-form-Add my figures").click().run()
    assert at.success[0].value == "Added 2 rows as **Our staff survey 2021**."
    assert list(at.session_state["user_rows"]["category"]) == ["Wales", "Our own patch"]
    assert at.session_state["user_rows"]["code"].iloc[0] == "W92000004"
    notes = [c.value for c in at.caption]
    assert any("Changed at your word: 'Walse' → 'Wales'" in n for n in notes)
    links = [(link.proto.label, link.proto.query_string) for link in at.get("page_link")]
    assert ("Regions: Wales", "region=Wales") in links  # the success leads to where the figures show


def test_a_typo_can_be_kept_as_a_category_of_ones_own():
    at = upload(run_page(PAGE), "april.csv", TYPO)
    at.radio(key="upload-review-0").set_value(False)
    at.form_submit_button(key="FormSubmitter:upload-review-form-Add my figures").click().run()
    assert list(at.session_state["user_rows"]["category"]) == ["Walse", "Our own patch"]
    assert not at.get("page_link")  # no page opens on a category of one's own
