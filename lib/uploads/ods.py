"""OpenDocument spreadsheets (.ods): what LibreOffice saves and what GOV.UK publishes statistical tables in.

A sheet is streamed from the file's content.xml through defusedxml (a file that declares XML entities is
refused, not expanded), one row at a time. Rows and cells the file marks as repeated are expanded only
within the caps, and empty ones only where a value follows them (LibreOffice ends every row with a
thousand-odd repeated empty cells). Each cell is read as what it holds: a number as its stored value,
not its rounded display; a percentage cell (stored as 0.205, shown as 20.5%) as the percentage it
shows, exactly; text as its paragraphs, without the comments attached to it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator

import pandas as pd
from defusedxml import ElementTree

from lib.uploads.layout import times_100

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE_NS = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
SHEET, ROW = f"{TABLE_NS}table", f"{TABLE_NS}table-row"
CELLS = (f"{TABLE_NS}table-cell", f"{TABLE_NS}covered-table-cell")
PARAGRAPH = f"{TEXT_NS}p"
VALUE_ATTRIBUTES = {
    "float": "value",
    "percentage": "value",
    "currency": "value",
    "date": "date-value",
    "time": "time-value",
    "boolean": "boolean-value",
}

KIND = ("an OpenDocument spreadsheet (.ods)", "OpenDocument spreadsheets")  # in notes: one file, and the kind
Row = list[str | None]
DAMAGED = (
    "the OpenDocument spreadsheet (.ods) could not be read (it is damaged, or protected by a password): open it and "
    "save it again, without a password"
)


class Percentage(str):
    """A percentage cell's figure, as the percentage it shows: counted, so that the person is told."""


class Uncalculated(str):
    """A formula that holds no result (a program wrote it and nothing calculated it): its formula, to be refused
    where a figure should be, never read as missing without a word."""


class TooBig(ValueError):
    """A sheet with a value past the caps: `what` is 'rows' or 'columns'."""

    def __init__(self, sheet: str, what: str):
        super().__init__(f"the sheet '{sheet}' has more {what} than the limit")
        self.sheet, self.what = sheet, what


def is_ods(book: zipfile.ZipFile) -> bool:
    """Whether a zip is an OpenDocument spreadsheet, by its `mimetype` part (the format's own signature)."""
    try:
        member = book.getinfo("mimetype")
    except KeyError:
        return False
    return member.file_size <= 100 and book.read(member).strip() == MIMETYPE


def tops(data: bytes, rows: int, sheets: int, max_columns: int) -> dict[str, list[Row]]:
    """The first `rows` rows of each of the first `sheets` sheets, by name in the file's order."""
    found: dict[str, list[Row]] = {}
    for sheet, row, repeat in _stream(data, max_columns, lambda sheet, count: count < rows):
        if row is None:
            if len(found) == sheets:
                break
            found[sheet] = []
        else:
            top = found[sheet]
            top += [list(row) for _ in range(min(repeat, rows - len(top)))]
    return found


def sheet_rows(data: bytes, sheet: str, max_rows: int, max_columns: int) -> tuple[list[Row], int]:
    """Every row of `sheet` (TooBig past `max_rows` rows or `max_columns` columns), blank rows kept so that row i
    is the sheet's row i + 1, and how many of its cells were percentages."""
    table: list[Row] = []
    percentages = 0
    seen = False
    for name, row, repeat in _stream(data, max_columns, lambda name, count: name == sheet):
        if name != sheet:
            if seen:
                break
            continue
        seen = True
        if row is None:
            continue
        if len(table) + repeat > max_rows:
            raise TooBig(sheet, "rows")
        table += [list(row) for _ in range(repeat)]
        percentages += repeat * sum(isinstance(cell, Percentage) for cell in row)
    return table, percentages


def table(rows: list[Row], header: int) -> pd.DataFrame:
    """Rows of text cells as a table under the header row `rows[header]`, numbered as the sheet numbers them;
    columns the header does not name are named as pandas names them ("Unnamed: 4")."""
    body = rows[header + 1 :]
    width = max(map(len, rows[header:]), default=0)
    heading = rows[header] + [None] * (width - len(rows[header])) if rows else []
    names = [f"Unnamed: {i}" if name is None else name for i, name in enumerate(heading)]
    frame = pd.DataFrame([row + [None] * (width - len(row)) for row in body], columns=_unique_names(names), dtype="str")
    frame.index += header
    return frame


def _unique_names(names: list[str]) -> list[str]:
    """A name that repeats an earlier one gets ".1", ".2", as pandas' own readers do."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name, 0)
        unique.append(f"{name}.{count}" if count else name)
        seen[name] = count + 1
    return unique


def _stream(data: bytes, max_columns: int, wanted: Callable[[str, int], bool]) -> Iterator[tuple[str, Row | None, int]]:
    """(sheet, None, 0) where a sheet starts, then (sheet, row, times it repeats) as the XML streams by, while
    `wanted(sheet, rows so far)`: other rows are only parsed past. A run of blank rows is held back until a row
    with a value follows it (none ends a sheet); rows read leave the tree."""
    with zipfile.ZipFile(io.BytesIO(data)) as book, book.open("content.xml") as xml:
        parents: list = []
        sheet, blank, count = "", 0, 0
        for event, element in ElementTree.iterparse(xml, events=("start", "end")):
            if event == "start":
                parents.append(element)
                if element.tag == SHEET:
                    sheet, blank, count = element.get(f"{TABLE_NS}name") or "", 0, 0
                    yield sheet, None, 0
                continue
            parents.pop()
            if element.tag != ROW:
                continue
            parents[-1].remove(element)
            if not wanted(sheet, count):
                continue
            row = _cells(element, sheet, max_columns)
            repeat = max(int(element.get(f"{TABLE_NS}number-rows-repeated") or 1), 1)
            if not row:
                blank += repeat
                continue
            if blank:
                yield sheet, [], blank
            count += blank + repeat
            blank = 0
            yield sheet, row, repeat


def _cells(row, sheet: str, max_columns: int) -> Row:
    """A row's values, empty cells as None, without the empty cells that end it."""
    cells: Row = []
    empty = 0
    for cell in row:
        if cell.tag not in CELLS:
            continue
        value = _value(cell)
        repeat = max(int(cell.get(f"{TABLE_NS}number-columns-repeated") or 1), 1)
        if value is None:
            empty += repeat
            continue
        if len(cells) + empty + repeat > max_columns:
            raise TooBig(sheet, "columns")
        cells += [None] * empty + [value] * repeat
        empty = 0
    return cells


def _value(cell) -> str | None:
    kind = cell.get(f"{OFFICE_NS}value-type")
    stored = cell.get(OFFICE_NS + VALUE_ATTRIBUTES.get(kind or "", "value"))
    text = "\n".join("".join(p.itertext()) for p in cell if p.tag == PARAGRAPH)
    formula = cell.get(f"{TABLE_NS}formula")
    # No result at all: no type, or a number's type without its number (a text result, even "", is a result)
    if formula and not text.strip() and (kind is None or (kind in VALUE_ATTRIBUTES and stored is None)):
        return Uncalculated(formula)
    if kind == "percentage":
        return None if stored is None else Percentage(times_100(stored))
    if kind in VALUE_ATTRIBUTES:
        return stored
    return text if text.strip() else None
