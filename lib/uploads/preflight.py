"""What an uploaded file says about its own size, checked before any of it is decoded.

A 0.4 MB Parquet file can declare 30 million rows, and a 3 MB workbook can hold a sheet
that unpacks to gigabytes: reading such a file is what costs the memory and the time, so
the checks here read only what the file declares about itself: a Parquet file's footer,
a workbook's zip directory and its sheet's `<dimension ref=...>`, a CSV file's header row
and its count of line breaks. Each refusal names the cap, the file's own figure and what
to do instead. A file may also lie about itself; `lib.uploads.parse` checks the rows it really
read, and `lib.uploads.reader` reads every file in a separate process with a memory and time limit.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from lib.data import Problem
from lib.limits import LIMITS, Limits
from lib.uploads import ods, records

PARQUET, ZIP = b"PAR1", b"PK\x03\x04"
ARCHIVES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".xltx", ".docx", ".pptx", ".jar", ".gz", ".7z", ".rar")
CSV_SAMPLE = 64 * 1024  # enough for any header row of at most `max_columns` names
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
XML_ENTITIES = (
    "the workbook declares XML entities, which Excel never writes and which can expand without end: "
    "open it in Excel and save it again, or save it as CSV"
)
NOT_A_WORKBOOK = "the file looks like a zip archive but is not an Excel workbook (.xlsx) that can be read"
TABLE_ADVICE = "copy the table into a spreadsheet and save it as Excel (.xlsx) or CSV"
OTHER_DOCUMENTS = {  # archives people mistake for a table's file: the part that says what each is, and what to do
    "docx": ("word/document.xml", f"this is a Word document, not a spreadsheet: {TABLE_ADVICE}"),
    "pptx": ("ppt/presentation.xml", f"this is a PowerPoint deck, not a spreadsheet: {TABLE_ADVICE}"),
    "numbers": ("Index/Document.iwa", "this is an Apple Numbers file: export it as Excel or CSV (File ▸ Export To)"),
}
CALCULATE_ON_OPEN = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad=\"(?:1|true)\"")
# A cell with a formula, and the result it holds, if any: <c r="D2"><f>B2/C2</f><v>0</v></c>.
FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})(\d+)\"[^>]*>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)"
    rb"\s*(?:<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)?"
)
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def check(data: bytes, limits: Limits = LIMITS) -> list[Problem]:
    """What is over a cap by the file's own declarations (empty: nothing is), in a few milliseconds.

    Nothing is decoded but the declarations, whatever the file's size or shape.
    """
    head = bytes(data[:4])
    if head == PARQUET:
        return _parquet(data, limits)
    if head == ZIP:
        return _workbook(data, limits)
    if records.looks_like_json(bytes(data[:CSV_SAMPLE]).decode("utf-8-sig", errors="ignore")):
        return []  # JSON, whose lines are not rows: lib.uploads.records counts its rows (or, not JSON, csv_sizes)
    return csv_sizes(data, limits)


def _problem(rule: str) -> Problem:
    return Problem(None, None, rule)


def _sizes(what: str, rows: int, columns: int, limits: Limits) -> list[Problem]:
    """The caps every format shares: rows, columns, and cells (rows × columns)."""
    max_rows = limits.max_rows
    problems = []
    if rows > max_rows:
        rule = f"{what} {rows:,} rows; the limit is {max_rows:,}: split it into files of at most {max_rows:,} rows"
        problems.append(_problem(rule))
    if columns > limits.max_columns:
        problems.append(
            _problem(
                f"{what} {columns:,} columns; the limit is {limits.max_columns:,}: keep only the columns breakdown, "
                "category, measure and percent (code and official_name are optional)"
            )
        )
    if not problems and rows * columns > limits.max_cells:
        problems.append(
            _problem(
                f"{what} {rows * columns:,} cells ({rows:,} rows × {columns:,} columns); the limit is "
                f"{limits.max_cells:,}: drop the columns you do not need, or split the rows into several files"
            )
        )
    return problems


def _unpacked(what: str, size: int, limits: Limits) -> list[Problem]:
    if size <= limits.decoded_bytes:
        return []
    rule = (
        f"{what} {size / 2**20:,.0f} MB once unpacked; the limit is {limits.max_decoded_mb:,} MB: "
        "split it into smaller files"
    )
    return [_problem(rule)]


# ---- Parquet: the footer ------------------------------------------------------------------


def _parquet(data: bytes, limits: Limits) -> list[Problem]:
    try:
        meta = pq.ParquetFile(pa.BufferReader(data)).metadata
    except MemoryError:
        raise
    except Exception:  # pyarrow raises several kinds for a damaged footer
        return [_problem("the Parquet file is damaged and could not be read")]
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    what = "the Parquet file declares"
    return _sizes(what, meta.num_rows, meta.num_columns, limits) + _unpacked(what, unpacked, limits)


# ---- Excel workbooks: the zip directory and the sheet's declared range ---------------------


def kind_of_archive(data: bytes) -> str:
    """What a zip archive is, by the parts that say so: "ods", "xlsx", one of OTHER_DOCUMENTS, or "zip"."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        if ods.is_ods(book):
            return "ods"
        names = set(book.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):  # a damaged zip: read as a workbook, and refused there
        return "zip"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return next((kind for kind, (part, _) in OTHER_DOCUMENTS.items() if part in names), "zip")


def _workbook(data: bytes, limits: Limits) -> list[Problem]:
    kind = kind_of_archive(data)
    if kind in OTHER_DOCUMENTS:
        return [_problem(OTHER_DOCUMENTS[kind][1])]
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        members = book.infolist()
        problems = _archive(book, members, limits)
        # An OpenDocument spreadsheet declares no sheet sizes: lib.uploads.ods counts rows and columns as it reads.
        for sheet, path in [] if problems or kind == "ods" else _sheets(book)[: limits.sheets]:
            problems = _dimension(book, sheet, path, limits)
            if problems:
                break
        return problems or _unpacked("the workbook declares", sum(m.file_size for m in members), limits)
    except DefusedXmlException:
        return [_problem(XML_ENTITIES)]
    except MemoryError:
        raise
    except Exception:  # a zip that is not a workbook fails in many ways: no workbook part, no sheet, bad XML
        return [_problem(NOT_A_WORKBOOK)]


def _archive(book: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: Limits) -> list[Problem]:
    """No archive inside the archive, and no part that expands more than a workbook's parts do."""
    for member in members:
        if member.filename.lower().endswith(ARCHIVES) or (member.file_size >= 4 and _starts_like_zip(book, member)):
            rule = (
                f"the workbook holds another archive inside it ({member.filename}): save the sheet on its own as "
                ".xlsx or CSV, without embedded files"
            )
            return [_problem(rule)]
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_zip_ratio:
            rule = (
                f"the workbook's part {member.filename} declares it expands {ratio:,.0f} times "
                f"({member.compress_size / 2**20:,.1f} MB → {member.file_size / 2**20:,.0f} MB); the limit is "
                f"{limits.max_zip_ratio:,} times, and Excel's own files expand about 10 times: open it in Excel and "
                "save it again, or save it as CSV"
            )
            return [_problem(rule)]
    return []


def _starts_like_zip(book: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    with book.open(member) as part:
        return part.read(4) == ZIP


def _sheets(book: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Each sheet's name and its part's path, in the workbook's order, from the workbook's own XML: any of them
    may be the one `lib.uploads.parse` reads (the first with a header row), so each one's declared size counts."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    sheets = [(s.get("name") or "", s.get(REL_ID)) for s in workbook.iter(f"{MAIN}sheet")]
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{RELS}Relationship")}
    return [(name, _part(targets[rel])) for name, rel in sheets]


def uncalculated_formulas(data: bytes, sheet: str) -> list[tuple[int, int]]:
    """(column, row), 1-based, of each cell of `sheet` whose formula's result the workbook does not hold.

    A workbook written by a program (openpyxl, XlsxWriter) and never opened in a spreadsheet asks to be calculated
    on opening (`fullCalcOnLoad`) and holds 0, or nothing, as each formula's result: read as it is, a figure
    would be a silent zero. Excel and LibreOffice save the results they calculated, and do not ask; a result
    other than 0 in a workbook that asks is one something calculated, and is read."""
    book = zipfile.ZipFile(io.BytesIO(data))
    if not CALCULATE_ON_OPEN.search(book.read("xl/workbook.xml")):
        return []
    path = dict(_sheets(book)).get(sheet)
    if path is None:
        return []
    cells = FORMULA_CELL.findall(book.read(path))
    return [(_column_number(c.decode()), int(r)) for c, r, held in cells if _nothing_or_zero(held)]


def _nothing_or_zero(held: bytes) -> bool:
    try:
        return not held.strip() or float(held) == 0
    except ValueError:
        return False


def _part(target: str) -> str:
    """A relationship's target as the path of its part in the archive (relative to xl/ unless absolute)."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _dimension(book: zipfile.ZipFile, sheet: str, path: str, limits: Limits) -> list[Problem]:
    """The range the sheet declares (`<dimension ref="A1:D100001"/>`), read from its first kilobytes only."""
    with book.open(path) as part:
        head = part.read(CSV_SAMPLE)
    found = DIMENSION.search(head)
    if not found:
        return []  # not declared: lib.uploads.parse reads at most the cap's rows and counts them
    first_col, first_row = found.group(1).decode(), found.group(2).decode()
    last_col, last_row = (found.group(3) or found.group(1)).decode(), (found.group(4) or found.group(2)).decode()
    rows = int(last_row) - int(first_row)  # under the header row
    columns = _column_number(last_col) - _column_number(first_col) + 1
    what = f"the workbook's sheet '{sheet}' declares"
    if rows > limits.xlsx_max_rows:
        rule = (
            f"{what} {rows:,} rows; Excel files are read cell by cell, and the limit is {limits.xlsx_max_rows:,} "
            "rows: save it as CSV (which reads a million rows in seconds), or split it"
        )
        return [_problem(rule)]
    return _sizes(what, rows, columns, limits)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


# ---- CSV: the header row and the line breaks ------------------------------------------------


def csv_sizes(data: bytes, limits: Limits) -> list[Problem]:
    """Header width from the first line, rows from the count of line breaks (quoted ones count too)."""
    sample = bytes(data[:CSV_SAMPLE])
    if b"\x00" in sample and sample[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        return []  # binary, not text: lib.uploads.parse says so
    end = sample.find(b"\n")
    header = sample if end == -1 else sample[:end]
    columns = max(header.count(d) for d in (b",", b";", b"\t", b"|")) + 1
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if end == -1 and columns > limits.max_columns:
        rule = (
            f"the header row has more than {columns - 1:,} columns; the limit is {limits.max_columns:,}: keep only "
            "the columns breakdown, category, measure and percent (code and official_name are optional)"
        )
        return [_problem(rule)]
    return _sizes("the file has", max(lines - 1, 0), columns, limits)
