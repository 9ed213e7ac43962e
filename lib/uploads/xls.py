"""Excel 97–2003 workbooks (.xls) → rows of text cells, as lib.uploads.ods gives an OpenDocument sheet's.

xlrd reads the binary format with each cell's number format (`formatting_info`), so a cell shown as a percentage
is read as the percentage shown, as in the newer formats. Numbers are written as pandas' Excel readers write
them (36.0 → "36", 0.205 → "0.205"), dates as ISO text, an error cell as Excel shows it (#DIV/0!). The format holds
every formula's result, so there is nothing uncalculated to refuse. A sheet holds at most 65,536 rows.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import xlrd

from lib.uploads.layout import scales_by_100, times_100
from lib.uploads.ods import Percentage, Row, TooBig

# An OOXML file (.xlsx, .docx) protected by a password is an OLE2 file holding this stream (in UTF-16).
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
KIND = ("an Excel 97–2003 workbook (.xls)", "Excel files")  # in notes: one file, and the kind


def open_book(data: bytes) -> Any:
    """The workbook, its sheets loaded only when asked for. xlrd writes what it finds odd in a damaged file to
    standard output unless given a log of its own: here, one that is thrown away."""
    return xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())


def other_document(data: bytes, streams: Iterable[str]) -> str | None:
    """Which of `streams` (one naming what an OLE2 file is: "WordDocument") the file holds, if any."""
    return next((s for s in streams if s.encode("utf-16-le") in data), None)


def tops(book: Any, rows: int, sheets: int, max_columns: int) -> dict[str, list[Row]]:
    """The first `rows` rows of each of the first `sheets` sheets; a sheet wider than `max_columns` is TooBig."""
    return {name: _rows(book, _sheet(book, name, max_columns), rows) for name in book.sheet_names()[:sheets]}


def sheet_rows(book: Any, name: str, max_rows: int, max_columns: int) -> tuple[list[Row], int]:
    """(the sheet's rows as text; how many cells were percentages). A sheet of more than `max_rows` is TooBig."""
    sheet = _sheet(book, name, max_columns)
    if sheet.nrows > max_rows:
        raise TooBig(name, "rows")
    rows = _rows(book, sheet, sheet.nrows)
    while rows and all(cell is None for cell in rows[-1]):
        rows.pop()
    return rows, sum(isinstance(cell, Percentage) for row in rows for cell in row)


def _sheet(book: Any, name: str, max_columns: int) -> Any:
    sheet = book.sheet_by_name(name)
    if sheet.ncols > max_columns:
        raise TooBig(name, "columns")
    return sheet


def _rows(book: Any, sheet: Any, count: int) -> list[Row]:
    return [[_text(book, sheet, r, c) for c in range(sheet.row_len(r))] for r in range(min(count, sheet.nrows))]


def _text(book: Any, sheet: Any, row: int, column: int) -> str | None:
    cell = sheet.cell(row, column)
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value if cell.value.strip() else None
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        text = str(int(cell.value)) if float(cell.value).is_integer() else repr(float(cell.value))
        key = book.xf_list[cell.xf_index].format_key
        shown = book.format_map[key].format_str if key in book.format_map else None
        return Percentage(times_100(text)) if scales_by_100(shown) else text
    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode).isoformat(sep=" ")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if cell.ctype == xlrd.XL_CELL_ERROR:  # as Excel shows it, so that the check names it where a figure should be
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    return None  # empty or blank
