"""OpenDocument spreadsheets (.ods): read exactly as they hold their figures, and never past the caps.

The real file from LibreOffice is in the fixtures' corpus (titled_table.ods, with its notes in expected.json);
these build content.xml by hand, to hold each thing LibreOffice and a crafted file can put in one.
"""

import io
import zipfile
from dataclasses import replace

import pytest

from lib.limits import LIMITS
from lib.uploads import ods, preflight
from lib.uploads.parse import UploadError, read_upload
from tests.hostile_files import HEADER, ODS_NAMESPACES, ROW, ods_empty, ods_number, ods_of, ods_row, ods_sheet, ods_text

HEADER_ROW = ods_row(*map(ods_text, HEADER))


def figures_row(category: str, measure: str, cell: str) -> str:
    return ods_row(ods_text("region"), ods_text(category), ods_text(measure), cell)


def read(data: bytes, **limits):
    return read_upload(data, "mine.ods", "Mine", limits=replace(LIMITS, **limits))


def problems(data: bytes, **limits) -> list[str]:
    with pytest.raises(UploadError) as err:
        read(data, **limits)
    return [str(p) for p in err.value.problems]


def test_a_percentage_cell_is_the_percentage_it_shows_and_a_number_its_stored_value():
    data = ods_of(
        ods_sheet(
            "Data",
            HEADER_ROW,
            figures_row("London", "week_prior", ods_number("0.1234", "12%", kind="percentage")),
            figures_row("London", "ever", ods_number("40.456", "40.5")),  # shown rounded; stored exactly
        )
    )
    upload = read(data)
    assert upload.rows.set_index("measure")["percent"].to_dict() == {"week_prior": 12.34, "ever": 40.456}
    assert "1 figure formatted as a percentage was read as the percentage it shows" in " ".join(upload.notes)


def test_libreoffice_padding_is_not_expanded_and_a_comment_is_not_the_cell():
    """LibreOffice ends each row with ~1,000 repeated empty cells and each sheet with ~a million repeated
    empty rows; a cell's comment (office:annotation) holds paragraphs of its own."""
    commented = (
        '<table:table-cell office:value-type="string"><office:annotation><text:p>checked by HR</text:p>'
        "</office:annotation><text:p>Wales</text:p></table:table-cell>"
    )
    data = ods_of(
        ods_sheet(
            "Data",
            ods_row(*map(ods_text, HEADER), ods_empty(1020)),
            ods_row(ods_text("region"), commented, ods_text("ever"), ods_number("29.9", "29.9"), ods_empty(1020)),
            ods_row(ods_empty(1024), repeat=1_048_574),
        )
    )
    rows = read(data).rows
    assert rows[["category", "percent"]].values.tolist() == [["Wales", 29.9]]


def test_rows_are_numbered_as_the_sheet_numbers_them_past_a_title_and_blank_rows():
    data = ods_of(
        ods_sheet(
            "Table_1",
            ods_row(ods_text("Homeworking by region, 2025")),
            ods_row(ods_empty(4), repeat=2),
            HEADER_ROW,
            figures_row("London", "ever", ods_number("40.1", "40.1")),
            ods_row(ods_empty(4), repeat=3),
            figures_row("Wales", "ever", ods_text("forty")),
        )
    )
    assert problems(data) == ["row 9, column 'percent': must be a number (found 'forty')"]


def test_a_repeated_figure_past_the_column_cap_is_refused_in_words_not_expanded():
    data = ods_of(ods_sheet("Data", HEADER_ROW, ods_row(ods_number("1", "1", repeat=1_000_000_000))))
    assert problems(data) == [
        "the table: the sheet 'Data' has more than 100 columns: keep only the columns breakdown, category, "
        "measure and percent (code and official_name are optional)"
    ]


@pytest.mark.parametrize("blank_first", [False, True])
def test_a_row_repeated_a_billion_times_is_refused_in_words_not_expanded(blank_first):
    rows = [HEADER_ROW]
    if blank_first:  # a billion blank rows, then one figure: the figure's row is past the cap
        rows += [ods_row(ods_empty(4), repeat=1_000_000_000), ods_row(*map(ods_text, ROW))]
    else:
        rows += [ods_row(*map(ods_text, ROW), repeat=1_000_000_000)]
    said = problems(ods_of(ods_sheet("Data", *rows)), xlsx_max_rows=1_000)
    assert said == [
        "the table: the sheet 'Data' has more than 1,000 rows; OpenDocument spreadsheets are read cell by cell, "
        "and the limit is 1,000 rows: save it as CSV (which reads a million rows in seconds), or split it"
    ]


def test_the_first_sheet_with_a_header_is_read_and_only_the_first_sheets_are_looked_at():
    cover = ods_sheet("Cover", ods_row(ods_text("Homeworking in our council")))
    table = ods_sheet("Table_1", HEADER_ROW, figures_row("London", "ever", ods_number("40.1", "40.1")))
    upload = read(ods_of(cover, table))
    assert "Read the sheet 'Table_1', the first with a header row." in upload.notes
    assert problems(ods_of(cover, table), sheets=1) == ["the table: the file has a header row but no figures under it"]


def test_a_spreadsheet_that_declares_entities_is_refused_not_expanded():
    bomb = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    uses = '<table:table-cell office:value-type="string"><text:p>&b;</text:p></table:table-cell>'
    data = ods_of(ods_sheet("Data", HEADER_ROW, ods_row(uses)), doctype=bomb)
    assert problems(data) == [f"the table: {preflight.XML_ENTITIES}"]


@pytest.mark.parametrize(
    "content",
    [
        "this is not XML",
        f'<office:document-content {ODS_NAMESPACES}><office:body><office:spreadsheet><table:table table:name="D">'
        '<table:table-row table:number-rows-repeated="many"><table:table-cell office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>",
    ],
    ids=["not XML", "a repeat that is no number"],
)
def test_a_damaged_spreadsheet_says_so(content):
    assert problems(ods_of(content=content)) == [f"the table: {ods.DAMAGED}"]


def test_a_spreadsheet_whose_parts_expand_like_a_bomb_is_refused_before_it_is_read():
    padding = ods_row(ods_text("x" * 1000), repeat=1) * 20_000  # 20 MB of XML that deflates ~1,000 times
    said = problems(ods_of(ods_sheet("Data", HEADER_ROW, padding)))
    assert len(said) == 1 and "content.xml declares it expands" in said[0]


def test_other_documents_in_a_zip_are_named_with_what_to_do():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("Index/Document.iwa", b"\x00" * 10)
    assert problems(out.getvalue()) == [
        "the table: this is an Apple Numbers file: export it as Excel or CSV (File ▸ Export To)"
    ]


def formula(expression: str, result: str | None, kind: str | None = "float") -> str:
    typed = f' office:value-type="{kind}"' if kind else ""
    held = f' office:value="{result}"' if result is not None else ""
    shown = f"<text:p>{result}</text:p>" if result is not None else ""
    return f'<table:table-cell table:formula="of:={expression}"{typed}{held}>{shown}</table:table-cell>'


def test_a_figure_written_as_a_formula_with_no_result_is_refused_and_one_with_its_result_is_read():
    """LibreOffice keeps each formula's result; a program that writes .ods may write the formula alone."""
    unset = ods_of(ods_sheet("Data", HEADER_ROW, figures_row("Wales", "ever", formula("[.B2]/2", None, kind=None))))
    said = problems(unset)
    assert len(said) == 1 and said[0].startswith("the table, column 'percent': row 2: formulas whose results")
    calculated = ods_of(ods_sheet("Data", HEADER_ROW, figures_row("Wales", "ever", formula("61/2", "30.5"))))
    assert read(calculated).rows["percent"].tolist() == [30.5]
    text_result = (
        '<table:table-cell table:formula="of:=&quot;&quot;" office:value-type="string"><text:p/></table:table-cell>'
    )
    blank = ods_of(ods_sheet("Data", HEADER_ROW, figures_row("Wales", "ever", text_result)))
    assert read(blank).rows["percent"].isna().all()  # a formula whose result is "" is an empty cell, as shown
