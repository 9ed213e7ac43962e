"""Excel 97–2003 workbooks (.xls): read as a newer workbook is, and refused in words when they are something else.

titled_table.xls is the corpus's titled_table.ods saved by LibreOffice as .xls, and password_protected.xlsx a
LibreOffice workbook encrypted by msoffcrypto-tool: real files, with their notes and messages in expected.json.
"""

import random
from dataclasses import replace
from pathlib import Path

import pytest

from lib.limits import LIMITS
from lib.uploads.parse import OLE2, UploadError, read_upload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"
XLS = (FIXTURES / "titled_table.xls").read_bytes()


def problems(data: bytes, **limits) -> list[str]:
    with pytest.raises(UploadError) as err:
        read_upload(data, "old.xls", "Mine", limits=replace(LIMITS, **limits))
    return [str(p) for p in err.value.problems]


def test_an_xls_gives_the_same_figures_as_the_same_table_saved_as_ods():
    old = read_upload(XLS, "old.xls", "Mine").rows
    new = read_upload((FIXTURES / "titled_table.ods").read_bytes(), "new.ods", "Mine").rows
    assert old.equals(new)
    figures = old.set_index(["category", "measure"])["percent"]
    assert figures["London", "week_prior"] == 20.5  # a cell formatted 0.0%, stored as 0.205
    assert figures.isna().sum() == 1  # '[x]': missing, not zero


def test_an_xls_is_held_to_the_caps_of_a_workbook():
    assert problems(XLS, xlsx_max_rows=3) == [
        "the table: the sheet 'Table_1' has more than 3 rows; Excel files are read cell by cell, and the limit is "
        "3 rows: save it as CSV (which reads a million rows in seconds), or split it"
    ]
    assert "more than 2 columns" in problems(XLS, max_columns=2)[0]  # region, week before, ever


def test_older_office_files_that_hold_no_workbook_say_what_they_are():
    word = OLE2 + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(1024)
    assert problems(word) == [
        "the table: this is a Word document, not a spreadsheet: copy the table into a spreadsheet and save it as "
        "Excel (.xlsx) or CSV"
    ]
    assert "could not be read (it is damaged)" in problems(OLE2 + bytes(2048))[0]


def test_a_damaged_xls_is_refused_in_words_never_with_another_error():
    """xlrd parses a binary format: each of these damaged copies is read, or refused with a message."""
    chance = random.Random(19)  # noqa: S311 (the same damage on every run)
    for _ in range(60):
        data = bytearray(XLS)
        for _ in range(chance.randint(1, 8)):
            data[chance.randrange(len(data))] = chance.randrange(256)
        try:
            read_upload(bytes(data), "old.xls", "Mine")
        except UploadError as err:
            assert err.problems
