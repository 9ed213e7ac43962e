"""Uploads: the corpus of bad files and what each must say, files from Excel, label matching, and fuzzing."""

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.data import load_homeworking
from lib.render import export
from lib.uploads import parse
from lib.uploads.parse import UploadError, read_upload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"
EXPECTED = {
    k: v for k, v in json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8")).items() if k[0] != "_"
}
SOURCE = "Our staff survey 2021"


@pytest.fixture(scope="module")
def hw():
    return load_homeworking()


def read_fixture(name, hw, **kw):
    return read_upload((FIXTURES / name).read_bytes(), name, SOURCE, reference=hw, **kw)


def test_every_fixture_has_its_expected_message():
    on_disk = {p.name for p in FIXTURES.iterdir() if p.name != "expected.json"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if "problems" in e])
def test_bad_file_gets_its_specific_message(name, hw):
    expected = EXPECTED[name]
    with pytest.raises(UploadError) as err:
        read_fixture(name, hw, **({"max_bytes": expected["max_bytes"]} if "max_bytes" in expected else {}))
    said = [str(p) for p in err.value.problems]
    for message in expected["problems"]:
        assert message in said
    assert err.value.file == name


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if "notes" in e])
def test_files_from_excel_and_elsewhere_are_read_and_say_how(name, hw):
    result = read_fixture(name, hw)
    for note in EXPECTED[name]["notes"]:
        assert note in result.notes
    assert (result.rows["source"] == SOURCE).all()


def test_semicolons_and_decimal_commas_give_the_figures_typed_in_the_file(hw):
    rows = read_fixture("semicolon_excel.csv", hw).rows.set_index("measure")
    assert rows.loc["week_prior", "percent"] == 15.2
    assert rows.loc["ever", "percent"] == 30.5
    assert set(rows["category"]) == {"Yorkshire & Humber"}


def test_windows_1252_text_is_decoded_exactly(hw):
    rows = read_fixture("windows_1252.csv", hw).rows
    assert rows["category"].tolist() == ["Café and hospitality – front of house", "Education"]
    assert rows["percent"].tolist() == [4.5, 41.0]


def test_known_label_in_another_spelling_gets_the_built_in_label_and_codes(hw):
    rows = read_fixture("good_survey.csv", hw).rows
    yorkshire = rows[rows["breakdown"] == "region"]
    assert set(yorkshire["category"]) == {"Yorkshire & Humber"}
    assert set(yorkshire["code"]) == {"E12000003"}  # the ONS GSS code of Yorkshire and The Humber
    assert set(yorkshire["official_name"]) == {"Yorkshire and The Humber"}
    assert set(rows.loc[rows["category"] == "Public administration and defence", "code"]) == {"O"}  # SIC section
    new = rows[rows["category"] == "Local government"]
    assert new["code"].isna().all() and new["percent"].tolist() == [38.0]
    assert list(rows.columns) == list(parse.COLUMNS)


def test_upload_never_changes_the_built_in_figures(hw):
    before = hw.copy()
    read_fixture("good_survey.csv", hw)
    pd.testing.assert_frame_equal(hw, before)
    assert load_homeworking().equals(before)


@pytest.mark.parametrize(
    ("text", "built_in"),
    [
        ("Yorkshire and The Humber", "Yorkshire & Humber"),
        ("yorkshire & the humber", "Yorkshire & Humber"),
        ("E12000007", "London"),
        ("north east", "North East"),
    ],
)
def test_region_spellings_match(text, built_in, hw):
    csv = f"breakdown,category,measure,percent\nregion,{text},ever,30\n".encode()
    assert read_upload(csv, "r.csv", SOURCE, reference=hw).rows["category"].tolist() == [built_in]


def test_age_band_spellings_match(hw):
    csv = b"breakdown,category,measure,percent\nage,Aged 16-19 years,ever,5\nage,70 and over,ever,40\n"
    assert read_upload(csv, "a.csv", SOURCE, reference=hw).rows["category"].tolist() == ["16-19 yrs", "70 and over"]


def test_a_label_is_only_matched_within_its_own_breakdown(hw):
    csv = b"breakdown,category,measure,percent\nsector,London,ever,30\n"
    result = read_upload(csv, "s.csv", SOURCE, reference=hw)
    assert result.rows["category"].tolist() == ["London"]
    assert "Not in the 2019 tables, kept as your own categories: London." in result.notes


def test_headers_case_spaces_percent_signs_and_extra_columns(hw):
    csv = (
        b"Breakdown , Category,MEASURE,Percent,Comment\n"
        b"Sector, Education ,Week_Prior, 12.8% ,first\n"
        b"sector,Education,ever,38.3,\n"
    )
    result = read_upload(csv, "mixed.csv", SOURCE, reference=hw)
    assert result.rows[["breakdown", "category", "measure", "percent"]].values.tolist() == [
        ["sector", "Education", "week_prior", 12.8],
        ["sector", "Education", "ever", 38.3],
    ]
    assert "Columns not used: Comment." in result.notes
    assert "Percent signs after the figures were dropped (12.4% → 12.4)." in result.notes


def test_empty_percent_is_missing_not_zero(hw):
    csv = b"breakdown,category,measure,percent\noccupation,Media professionals,week_prior,\n"
    rows = read_upload(csv, "o.csv", SOURCE, reference=hw).rows
    assert rows["percent"].isna().all()


def test_utf16_and_utf8_with_bom_are_read(hw):
    text = "breakdown,category,measure,percent\nsector,Education,ever,41.5\n"
    for data in (text.encode("utf-16"), text.encode("utf-8-sig")):
        assert read_upload(data, "u.csv", SOURCE, reference=hw).rows["percent"].tolist() == [41.5]


def test_excel_and_parquet_give_the_same_rows_as_csv(hw, tmp_path):
    csv_rows = read_fixture("good_survey.csv", hw).rows
    table = pd.read_csv(FIXTURES / "good_survey.csv")
    table.to_excel(tmp_path / "survey.xlsx", index=False)
    table.to_parquet(tmp_path / "survey.parquet", index=False)
    for name in ("survey.xlsx", "survey.parquet"):
        rows = read_upload((tmp_path / name).read_bytes(), name, SOURCE, reference=hw).rows
        pd.testing.assert_frame_equal(rows, csv_rows)


def test_an_explore_export_can_be_uploaded_back(hw):
    view = hw[hw["breakdown"] == "region"][["breakdown", "category", "measure", "percent", "code", "source"]]
    prov = export.provenance(view, "homeworking_2019", {"breakdown": "region"})
    for data, name in ((export.to_xlsx(view, prov), "back.xlsx"), (export.to_csv(view, bom=True), "back.csv")):
        rows = read_upload(data, name, SOURCE, reference=hw).rows
        assert rows["percent"].tolist() == view["percent"].tolist()
        assert rows.loc[rows["category"] == "London", "percent"].tolist() == [18.1, 34.3]


def test_the_real_size_limit(hw):
    with pytest.raises(UploadError) as err:
        read_upload(b"x" * (101 * 1024 * 1024), "huge.csv", SOURCE, reference=hw)
    assert str(err.value.problems[0]) == (
        "the table: the file is 101.0 MB; the limit is 100.0 MB: upload a smaller file or split it"
    )


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("x" * 81, "the name of your figures is at most 80 characters"),
        (
            "ONS Annual Population Survey 2019, via Socitm In Our View issue 19",
            "choose another name: this one belongs to the built-in ONS figures",
        ),
    ],
)
def test_the_figures_must_be_named_and_not_as_the_ons(source, rule, hw):
    with pytest.raises(UploadError) as err:
        read_upload((FIXTURES / "good_survey.csv").read_bytes(), "g.csv", source, reference=hw)
    assert [p.rule for p in err.value.problems] == [rule]


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_figures_left_unnamed_take_the_files_name(blank, hw):
    read = read_upload((FIXTURES / "good_survey.csv").read_bytes(), "lms-april-2020.csv", blank, reference=hw)
    assert set(read.rows["source"]) == {"lms-april-2020"}


def test_progress_is_reported_up_to_done(hw):
    seen = []
    read_fixture("good_survey.csv", hw, progress=lambda fraction, message: seen.append((fraction, message)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert seen[-1][1] == "5 rows ready"


def test_problem_table_is_text_with_row_numbers(hw):
    with pytest.raises(UploadError) as err:
        read_fixture("not_a_number.csv", hw)
    table = parse.problem_table(err.value.problems)
    assert table.to_dict("records") == [{"row": 3, "column": "percent", "rule": "must be a number", "found": "twelve"}]


def test_template_lists_every_2019_category_with_empty_percent(hw):
    template = parse.template(hw)
    assert len(template) == 80  # 40 categories on two measures
    assert template["percent"].isna().all()
    assert list(template.columns) == ["breakdown", "category", "measure", "percent", "code", "official_name"]


# ---- whatever the bytes, only UploadError -----------------------------------------------

HEADER = "breakdown,category,measure,percent\n"
cell = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
row = st.lists(st.one_of(cell, st.floats(allow_nan=True).map(str), st.sampled_from(["sector", "ever", ""])), max_size=6)


def outcome(data, name, hw):
    try:
        return read_upload(data, name, SOURCE, reference=hw)
    except UploadError as err:
        assert err.problems, "an UploadError always says what is wrong"
        return err


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), name=st.sampled_from(["f.csv", "f.xlsx", "f.parquet", "f", ""]))
def test_any_bytes_give_rows_or_an_upload_error(data, name, hw):
    outcome(data, name, hw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(magic=st.sampled_from([b"PAR1", b"PK\x03\x04", b"\xff\xfe", b"\xef\xbb\xbf"]), tail=st.binary(max_size=2000))
def test_bytes_that_start_like_a_known_format_still_only_raise_upload_error(magic, tail, hw):
    outcome(magic + tail, "f.bin", hw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    codec=st.sampled_from(["utf-8", "cp1252"]),
)
def test_csv_shaped_text_gives_rows_or_an_upload_error(rows, delimiter, codec, hw):
    text = HEADER.replace(",", delimiter) + "\n".join(delimiter.join(r) for r in rows)
    data = text.encode(codec, errors="replace")
    result = outcome(data, "f.csv", hw)
    if isinstance(result, parse.Upload):
        percent = result.rows["percent"].dropna()
        assert ((percent >= 0) & (percent <= 100)).all()
        assert not result.rows.duplicated(["breakdown", "category", "measure"]).any()


def test_the_fixture_bytes_are_read_from_memory_not_disk(hw, monkeypatch):
    """The upload path never opens a file: an upload is never written anywhere."""
    data = (FIXTURES / "good_survey.csv").read_bytes()

    def refuse(*args, **kwargs):
        raise AssertionError("read_upload tried to open a file")

    monkeypatch.setattr("builtins.open", refuse)
    monkeypatch.setattr(io, "open", refuse)
    assert len(read_upload(data, "g.csv", SOURCE, reference=hw).rows) == 5
