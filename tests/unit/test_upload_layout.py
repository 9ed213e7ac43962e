"""Files laid out as people lay them out: a title above the table, Excel's percentage cells, measures in words."""

import io
import re
import zipfile

import openpyxl
import pytest

from lib.data import load_homeworking
from lib.uploads.parse import UploadError, read_upload

SOURCE = "Our staff survey 2021"
HEADER = ["breakdown", "category", "measure", "percent"]


@pytest.fixture(scope="module")
def hw():
    return load_homeworking()


def workbook(rows, percent_formats=()):
    """An .xlsx whose first sheet holds `rows`; cells named in `percent_formats` (e.g. "D5") shown as 0.0%."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cell in percent_formats:
        sheet[cell].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def figures(upload):
    return {(r.category, r.measure): r.percent for r in upload.rows.itertuples()}


def refused(data: bytes, hw, name: str = "survey.csv") -> list:
    """The problems a file is refused with (it must be refused)."""
    with pytest.raises(UploadError) as raised:
        read_upload(data, name, SOURCE, reference=hw)
    return raised.value.problems


def test_a_csv_with_a_title_above_its_header_is_read_from_the_header_and_says_what_it_left_out(hw):
    text = "Homeworking, our staff survey 2021\nSource: HR\n\n" + ",".join(HEADER) + "\nregion,Wales,ever,30.5\n"
    upload = read_upload(text.encode(), "survey.csv", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "ever"): 30.5}
    assert any("header is on line 4" in n and "'Homeworking, our staff survey 2021'" in n for n in upload.notes)


def test_a_bad_row_under_a_title_is_named_by_its_line_in_the_file(hw):
    text = "Our survey\n" + ";".join(HEADER) + "\nregion;Wales;ever;30\nregion;London;ever;lots\n"
    problems = refused(text.encode(), hw)
    assert [(p.row, p.column) for p in problems] == [(4, "percent")]


@pytest.mark.parametrize(
    ("body", "row"), [("region,Wales,ever,30,extra\n", 5), ('region,"Wales,ever,30\nregion,London,ever,3\n', 5)]
)
def test_a_row_that_does_not_line_up_under_a_title_is_named_by_its_line_in_the_file(hw, body, row):
    text = "Our survey\n\n" + ",".join(HEADER) + "\nregion,London,ever,30\n" + body
    problems = refused(text.encode(), hw)
    assert [p.row for p in problems] == [row]


def test_a_header_further_down_than_twenty_lines_is_not_guessed(hw):
    text = "note\n" * 20 + ",".join(HEADER) + "\nregion,Wales,ever,30\n"
    with pytest.raises(UploadError):
        read_upload(text.encode(), "survey.csv", SOURCE, reference=hw)


def test_a_workbook_with_title_rows_and_a_table_starting_in_column_b_is_read_with_sheet_row_numbers(hw):
    rows = [["Staff survey"], [], [None, *HEADER], [None, "region", "Wales", "ever", 30], [None, "region", "X", "?", 1]]
    problems = refused(workbook(rows), hw, "survey.xlsx")
    assert [(p.row, p.column) for p in problems] == [(5, "measure")]
    upload = read_upload(workbook(rows[:4]), "survey.xlsx", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "ever"): 30.0}
    assert any("header is on row 3" in n and "'Staff survey'" in n for n in upload.notes)
    assert not any("Columns not used" in n for n in upload.notes)  # column A is empty, not a column of the table


def test_excel_percentage_cells_are_read_as_the_percentages_they_show_cell_by_cell(hw):
    rows = [HEADER, ["region", "Wales", "ever", 0.305], ["region", "London", "ever", 41.2]]
    rows.append(["sector", "Education", "ever", 0.1])
    upload = read_upload(workbook(rows, percent_formats=("D2", "D4")), "survey.xlsx", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "ever"): 30.5, ("London", "ever"): 41.2, ("Education", "ever"): 10.0}
    assert any(n.startswith("2 figures formatted as percentages were read") for n in upload.notes)


def test_percentage_cells_past_the_first_thousand_rows_are_read_as_shown_too(hw):
    regions = hw.loc[hw["breakdown"] == "region", "category"].unique()
    rows = [HEADER, *(["region", f"Place {i}", "ever", 0.25] for i in range(1_200)), ["region", regions[0], "ever", 1]]
    formats = [f"D{n}" for n in range(2, len(rows) + 1)]
    upload = read_upload(workbook(rows, percent_formats=formats), "survey.xlsx", SOURCE, reference=hw)
    assert set(upload.rows["percent"]) == {25.0, 100.0}


def test_measures_named_as_the_pages_and_the_source_name_them_are_read_by_their_keys(hw):
    text = (
        "breakdown,category,measure,percent\n"
        "region,Wales,Week before interview,10\n"
        "region,London,% that worked at home in the week prior to interview,20\n"
        "region,Wales,Ever worked from home,30\n"
        "region,London,EVER,40\n"
    )
    upload = read_upload(text.encode(), "survey.csv", SOURCE, reference=hw)
    assert figures(upload) == {
        ("Wales", "week_prior"): 10.0,
        ("London", "week_prior"): 20.0,
        ("Wales", "ever"): 30.0,
        ("London", "ever"): 40.0,
    }
    renamed = next(n for n in upload.notes if n.startswith("Measures named in words"))
    assert "'Week before interview' → week_prior" in renamed and "EVER" not in renamed


def test_a_measure_that_names_neither_is_still_refused(hw):
    text = "breakdown,category,measure,percent\nregion,Wales,last month,10\n"
    problems = refused(text.encode(), hw)
    assert problems[0].column == "measure"


def test_figures_that_are_all_one_or_less_are_kept_as_given_with_a_warning(hw):
    text = "breakdown,category,measure,percent\nregion,Wales,ever,0.305\nregion,London,ever,0.412\n"
    upload = read_upload(text.encode(), "survey.csv", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "ever"): 0.305, ("London", "ever"): 0.412}
    assert any("Every figure is 1 or less (the largest is 0.412)" in n for n in upload.notes)
    usual = read_upload(text.replace("0.412", "41.2").encode(), "survey.csv", SOURCE, reference=hw)
    assert not any("1 or less" in n for n in usual.notes)


PRINTED = (
    "Region,% that worked at home in the week prior to interview,% that have ever worked from home\n"
    "Wales,10.0,20.1\nLondon,18.1,\nTotal,12.4,26.7\n"
)


def test_a_table_as_printed_with_a_column_per_measure_is_read_one_figure_per_measure(hw):
    upload = read_upload(PRINTED.encode(), "april.csv", SOURCE, reference=hw)
    got = {(r.breakdown, r.category, r.measure): r.percent for r in upload.rows.itertuples()}
    assert {k: v for k, v in got.items() if v == v} == {
        ("region", "Wales", "week_prior"): 10.0,
        ("region", "London", "week_prior"): 18.1,
        ("all", "All in employment", "week_prior"): 12.4,
        ("region", "Wales", "ever"): 20.1,
        ("all", "All in employment", "ever"): 26.7,
    }
    assert got[("region", "London", "ever")] != got[("region", "London", "ever")]  # the empty cell is missing, not 0
    note = next(n for n in upload.notes if n.startswith("Your table has a column per measure"))
    assert "'% that have ever worked from home' → ever" in note


@pytest.mark.parametrize(
    ("header", "breakdown"),
    [
        ("Location of workplace", "region"),
        ("Age of worker", "age"),
        ("Industry (SIC 2007)", "sector"),
        ("Nation", "region"),
    ],
)
def test_the_label_columns_header_says_its_breakdown_in_the_words_tables_use(hw, header, breakdown):
    text = f'"{header}",Ever\nSomewhere,30\n'
    upload = read_upload(text.encode(), "t.csv", SOURCE, reference=hw)
    assert upload.rows["breakdown"].tolist() == [breakdown]


def test_a_problem_in_a_table_as_printed_names_the_files_own_row_and_column(hw):
    text = "Sector,Week before interview,Ever\nEducation,12.8,38.3\nInformation and communication,abc,53.1\n"
    problems = refused(text.encode(), hw)
    assert [(p.row, p.column) for p in problems] == [(3, "Week before interview")]


def test_a_workbook_as_printed_under_a_title_with_percentage_cells_and_its_own_age_labels(hw):
    rows = [["Homeworking by age"], [], ["Age band", "Week before interview", "Ever"]]
    rows += [["16 to 19", 0.05, 0.1], ["All workers", 0.124, 0.267]]
    data = workbook(rows, percent_formats=("B4", "C4", "B5", "C5"))
    upload = read_upload(data, "age.xlsx", SOURCE, reference=hw)
    assert figures(upload) == {
        ("16-19 yrs", "week_prior"): 5.0,
        ("16-19 yrs", "ever"): 10.0,
        ("All in employment", "week_prior"): 12.4,
        ("All in employment", "ever"): 26.7,
    }
    assert any("'All workers' → 'All in employment'" in n for n in upload.notes)


def test_a_breakdown_column_beside_columns_per_measure_gives_each_rows_breakdown(hw):
    text = "breakdown,category,week_prior,ever\nregion,Wales,10,20\nsector,Education,5,30\n"
    upload = read_upload(text.encode(), "mixed.csv", SOURCE, reference=hw)
    assert {(r.breakdown, r.category, r.measure) for r in upload.rows.itertuples()} == {
        ("region", "Wales", "week_prior"),
        ("region", "Wales", "ever"),
        ("sector", "Education", "week_prior"),
        ("sector", "Education", "ever"),
    }


def test_a_long_table_with_a_column_named_as_a_measure_stays_long(hw):
    text = "breakdown,category,measure,percent,ever\nregion,Wales,week_prior,10,99\n"
    upload = read_upload(text.encode(), "long.csv", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "week_prior"): 10.0}
    assert any("Columns not used: ever" in n for n in upload.notes)


def test_a_workbook_with_a_cover_sheet_is_read_from_its_first_sheet_with_a_table_and_names_the_others(hw):
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append(["Coronavirus and homeworking in the UK"])
    by_region = book.create_sheet("Table 1")
    for row in (["Table 1: by region"], ["Region", "Week before interview"], ["Wales", 20]):
        by_region.append(row)
    by_age = book.create_sheet("Table 2")
    for row in (["Age band", "Ever"], ["16 to 19", 20]):
        by_age.append(row)
    out = io.BytesIO()
    book.save(out)
    upload = read_upload(out.getvalue(), "ons.xlsx", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "week_prior"): 20.0}
    assert "Read the sheet 'Table 1', the first with a header row." in upload.notes
    assert any(n.startswith("Only the sheet 'Table 1' was read: 'Table 2' also holds a table") for n in upload.notes)
    assert any(
        n.startswith("The header is on row 2: the row above it, read as a title, was left out") for n in upload.notes
    )


def test_a_table_as_printed_whose_columns_name_no_measure_is_told_how_to_head_them(hw):
    text = "Region,Percentage who did some work from home\nWales,20\n"
    problems = refused(text.encode(), hw)
    first = problems[0].rule  # the one the page's message quotes
    assert "named under 'Region', but no column is headed by a measure" in first and "'Week before interview'" in first


def test_every_sheet_that_could_be_read_is_held_to_the_declared_size_cap(hw):
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append(["A cover sheet"])
    book.create_sheet("Table 1").append(HEADER)
    out = io.BytesIO()
    book.save(out)
    swollen = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(swollen, "w") as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                part = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:D2000001"', part)
            target.writestr(item, part)
    problems = refused(swollen.getvalue(), hw, "swollen.xlsx")
    assert "the workbook's sheet 'Table 1' declares 2,000,000 rows" in problems[0].rule


def test_cells_a_statistical_table_marks_as_having_no_figure_are_missing_never_zero(hw):
    text = "Region,Week before interview,Ever\nWales,..,20.1\nLondon,[x],25\nScotland,12,30\n"
    upload = read_upload(text.encode(), "ons.csv", SOURCE, reference=hw)
    got = {(r.category, r.measure): r.percent for r in upload.rows.itertuples()}
    assert got[("Scotland", "week_prior")] == 12.0 and got[("Wales", "ever")] == 20.1
    assert all(got[k] != got[k] for k in (("Wales", "week_prior"), ("London", "week_prior")))  # NaN: missing
    assert any(
        n.startswith("2 cells marked as having no figure ('..', '[x]') were read as empty") for n in upload.notes
    )


def test_a_dash_is_not_taken_for_a_missing_figure(hw):
    text = "breakdown,category,measure,percent\nregion,Wales,ever,-\n"
    problems = refused(text.encode(), hw)
    assert problems[0].value == "-"


PRINTED_WITH_NOTES = (
    "Homeworking by location of workplace 2019\n,,\n"
    "Region,% that worked at home in the week prior to interview,% that ever work at home\n"
    "Wales,11.1,25.9\nTotal,12.4,26.7\n,,\n"
    '"Source: Office for National Statistics - Annual Population Survey",,\nNotes:,,\n1. People in employment,,\n'
)


def test_the_notes_a_publisher_prints_under_a_table_are_left_out_and_named(hw):
    upload = read_upload(PRINTED_WITH_NOTES.encode(), "table.csv", SOURCE, reference=hw)
    assert figures(upload) == {
        ("Wales", "week_prior"): 11.1,
        ("Wales", "ever"): 25.9,
        ("All in employment", "week_prior"): 12.4,
        ("All in employment", "ever"): 26.7,
    }
    said = next(n for n in upload.notes if "under the table" in n)
    assert said.startswith("The 3 lines under the table, after a blank line, were read as its notes and left out")
    assert "'Notes:'" in said and "'1. People in employment'" in said


def test_notes_under_a_sheet_s_table_are_left_out_too(hw):
    rows = [HEADER, ["region", "Wales", "ever", 30.5], [], ["Source: HR survey, March 2021"]]
    upload = read_upload(workbook(rows), "survey.xlsx", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "ever"): 30.5}
    assert any(n.startswith("The line under the table, after a blank line, was read") for n in upload.notes)


@pytest.mark.parametrize(
    "tail",
    ["\n,,,\nregion,London,ever,40.1\n", "\n,,,\n,,,\n"],
    ids=["figures after a blank row are rows", "blank rows at the end are only blank"],
)
def test_rows_after_a_blank_row_are_kept_when_they_are_not_notes(hw, tail):
    text = ",".join(HEADER) + "\nregion,Wales,ever,30.5" + tail
    upload = read_upload(text.encode(), "survey.csv", SOURCE, reference=hw)
    assert ("Wales", "ever") in figures(upload)
    assert ("London", "ever") in figures(upload) or "London" not in tail
    assert not any("under the table" in n for n in upload.notes)


def test_footnote_marks_in_a_header_and_after_figures_are_read_past_and_named(hw):
    text = "Region [note 1],Week before interview [note 2],Ever [note 3]\nLondon,14.7 [u],36.1\nWales,11.1*,25.9\n"
    upload = read_upload(text.encode(), "table.csv", SOURCE, reference=hw)
    assert figures(upload) == {
        ("London", "week_prior"): 14.7,
        ("London", "ever"): 36.1,
        ("Wales", "week_prior"): 11.1,
        ("Wales", "ever"): 25.9,
    }
    assert "2 figures had a mark after them ('[u]', '*') and were read as the figures" in " ".join(upload.notes)
    tidy = "breakdown [note 1],category,measure,percent [note 2]\nregion,London,ever,36.1 (3)\n"
    assert figures(read_upload(tidy.encode(), "tidy.csv", SOURCE, reference=hw)) == {("London", "ever"): 36.1}


def test_a_row_of_figures_is_never_taken_for_the_header(hw):
    """'region,London,ever,36.1' names a breakdown and a measure, as a printed table's header does: with a header
    the reader does not know above it, the problem is that header's, not 'no figures under' a row of figures."""
    said = [str(p) for p in refused(b"breakdownx,category,measure,percent\nregion,London,ever,36.1\n", hw)]
    assert "the table: a column named 'breakdown' is required" in said
    assert not any("no figures" in s for s in said)


def xlsxwriter_book(rows) -> bytes:
    """A workbook as XlsxWriter writes it (a script's output): a cell given as '=…' is a formula it never
    calculates, held with 0 as its result."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, tuple):  # (formula, the result the program worked out and stored)
                sheet.write_formula(number, column, value[0], None, value[1])
            elif isinstance(value, str) and value.startswith("="):
                sheet.write_formula(number, column, value)
            else:
                sheet.write(number, column, value)
    book.close()
    return out.getvalue()


def test_figures_a_program_wrote_as_formulas_and_never_calculated_are_refused_not_read_as_zero(hw):
    rows = [HEADER, ["region", "London", "ever", "=41/2"], ["region", "Wales", "ever", "=30+0.5"]]
    problems = refused(xlsxwriter_book(rows), hw, name="script.xlsx")
    assert [(p.row, p.column) for p in problems] == [(None, "percent")]
    assert str(problems[0]).startswith("the table, column 'percent': rows 2, 3: formulas whose results this file")
    printed = [["Region", "Ever", "Note"], ["Wales", "=30+0.5", "x"]]
    assert "rows" not in str(refused(xlsxwriter_book(printed), hw, name="printed.xlsx")[0])  # "row 2: …"


def test_a_formula_whose_result_a_program_did_store_is_read(hw):
    rows = [HEADER, ["region", "Wales", "ever", ("=30+0.5", 30.5)]]
    upload = read_upload(xlsxwriter_book(rows), "script.xlsx", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "ever"): 30.5}


def test_a_program_written_workbook_of_values_is_read_and_a_formula_outside_the_figures_is_no_matter(hw):
    rows = [[*HEADER, "checked"], ["region", "London", "ever", 20.5, "=1+1"], ["region", "Wales", "ever", 30.5, ""]]
    upload = read_upload(xlsxwriter_book(rows), "script.xlsx", SOURCE, reference=hw)
    assert figures(upload) == {("London", "ever"): 20.5, ("Wales", "ever"): 30.5}


def test_excel_s_separator_line_is_left_out_and_said_to_be_one(hw):
    text = "sep=;\r\n" + ";".join(HEADER) + "\r\nregion;Wales;ever;30,5\r\n"
    upload = read_upload(text.encode("utf-8-sig"), "excel.csv", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "ever"): 30.5}
    assert "The first line, 'sep=;', is Excel's note of the separator; it was left out." in upload.notes


@pytest.mark.parametrize("number_format", ['0.0"%"', "0.0\\%"])
def test_a_typed_figure_shown_with_a_literal_percent_sign_is_not_scaled(hw, number_format):
    """People who type 20.5 and want '20.5%' on screen give the cell a format that prints the sign as text: the
    figure is 20.5, not 2050 (which the range check would refuse, naming a figure the person never typed)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["region", "Wales", "ever", 20.5])
    sheet["D2"].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    upload = read_upload(out.getvalue(), "typed.xlsx", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "ever"): 20.5}
    assert not any("formatted as percentages" in n for n in upload.notes)


def test_a_header_with_a_year_for_a_column_name_is_still_the_header_under_a_title(hw):
    text = "Our survey\n" + ",".join(HEADER) + ",2019\nregion,Wales,ever,30.5,x\n"
    upload = read_upload(text.encode(), "survey.csv", SOURCE, reference=hw)
    assert figures(upload) == {("Wales", "ever"): 30.5}
