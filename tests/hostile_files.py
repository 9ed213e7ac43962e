"""Crafted upload files, generated when a test or benchmark asks (nothing big is committed).

The shapes of the files that once stopped the server (a Parquet file of 30 million identical
rows in under 1 MB, a workbook that unpacks to gigabytes, a CSV of a million columns), the
XML and zip tricks a reader of untrusted files must refuse, and valid files one past each
cap of `lib.limits`. Each generator returns the file's bytes, cheaply: dictionary-encoded
Parquet columns, and workbooks written as their few XML parts by hand.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lib.limits import LIMITS

HEADER = ("breakdown", "category", "measure", "percent")
ROW = ("sector", "Education", "ever", "38.3")


# ---- Parquet -----------------------------------------------------------------------------


def parquet_of_identical_rows(rows: int, columns: int = 4) -> bytes:
    """`rows` copies of one valid row, dictionary-encoded: the file stays small whatever `rows` is."""
    indices = pa.array(np.zeros(rows, dtype=np.int8))
    names = [*HEADER, *(f"extra_{i}" for i in range(columns - len(HEADER)))][:columns]
    values = [*ROW, *("x" for _ in range(columns - len(ROW)))]
    columns = {n: pa.DictionaryArray.from_arrays(indices, pa.array([v])) for n, v in zip(names, values, strict=True)}
    table = pa.table(columns)
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=rows, compression="zstd", write_statistics=False)
    return sink.getvalue()


def parquet_bomb() -> bytes:
    """The issue's 0.4 MB Parquet file: 30 million identical rows, once read past 24 GB."""
    return parquet_of_identical_rows(30_000_000)


def parquet_unpacking_to(megabytes: int) -> bytes:
    """A valid-looking Parquet file whose column chunks declare `megabytes` MB uncompressed (1 MB cells)."""
    cell = "x" * 2**20
    table = pa.table({"breakdown": ["sector"] * megabytes, "category": [cell] * megabytes})
    sink = io.BytesIO()
    pq.write_table(table, sink, use_dictionary=False, compression="lz4", write_statistics=False)
    return sink.getvalue()


# ---- Excel workbooks, written part by part --------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
        f'xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET = "xl/worksheets/sheet1.xml"


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _row(number: int, cells) -> str:
    inner = "".join(
        f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
        for i, v in enumerate(cells, start=1)
    )
    return f'<row r="{number}">{inner}</row>'


def sheet_xml(rows, *, dimension: str | None = None, doctype: str = "") -> bytes:
    """A worksheet of inline-string cells; `dimension` is what it declares (None: nothing)."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(_row(n, cells) for n, cells in enumerate(rows, start=1))
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}<worksheet xmlns="{MAIN}">'
        f"{declared}<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def workbook(sheet: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """An .xlsx of one sheet named Data, with `extra` parts beside it."""
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in PARTS.items():
            book.writestr(name, text)
        book.writestr(SHEET, sheet)
        for name, data in (extra or {}).items():
            book.writestr(name, data)
    return sink.getvalue()


def valid_rows(count: int, columns: int = 4) -> list[tuple[str, ...]]:
    """The header, then `count` valid rows of distinct categories (and numbered extra columns, if asked)."""
    extras = tuple(f"extra_{i}" for i in range(columns - len(HEADER)))
    return [
        (*HEADER, *extras),
        *(("sector", f"Team {i:07d}", "ever", f"{i % 1000 / 10:.1f}", *(str(i) for _ in extras)) for i in range(count)),
    ]


def workbook_of(rows: int, *, declared_rows: int | None = None, columns: int = 4) -> bytes:
    """A workbook of `rows` valid rows under a header, declaring `declared_rows` (default: the truth)."""
    declared = rows if declared_rows is None else declared_rows
    return workbook(sheet_xml(valid_rows(rows, columns), dimension=f"A1:{_column(columns)}{declared + 1}"))


def long_workbook() -> bytes:
    """A workbook that declares two million rows (the issue's 28 MB workbook kept the server a minute)."""
    return workbook_of(10, declared_rows=2_000_000)


def xlsx_zip_bomb(megabytes: int = 256) -> bytes:
    """A workbook whose sheet unpacks to `megabytes` MB of identical rows, packed about 170 to 1."""
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in PARTS.items():
            book.writestr(name, text)
        with book.open(SHEET, "w") as part:
            part.write(sheet_xml([HEADER], dimension="A1:D1")[: -len(b"</sheetData></worksheet>")])
            chunk = _row(2, ROW).encode() * 10_000
            for _ in range(megabytes * 2**20 // len(chunk)):
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
    return sink.getvalue()


BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1 if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def entity_expansion_workbook() -> bytes:
    """'Billion laughs': ten levels of entities, each ten of the one before, in the sheet's XML."""
    rows = [HEADER, ("sector", "&lol9;", "ever", "1")]
    sheet = sheet_xml(rows, dimension="A1:D2", doctype=BILLION_LAUGHS).replace(b"&amp;lol9;", b"&lol9;")
    return workbook(sheet)


def zip_inside_a_workbook() -> bytes:
    """A valid workbook holding another archive, under a name that hides it (an image)."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("inner.txt", "a zip inside a zip")
    return workbook(sheet_xml(valid_rows(2), dimension="A1:D3"), extra={"xl/media/image1.png": inner.getvalue()})


# ---- CSV ------------------------------------------------------------------------------------


def csv_of_columns(columns: int) -> bytes:
    """A header of `columns` names (breakdown, category, measure, percent, then extras) and one row."""
    extras = [f"extra_{i}" for i in range(columns - len(HEADER))]
    return (",".join([*HEADER, *extras]) + "\n" + ",".join([*ROW, *("x" for _ in extras)]) + "\n").encode()


def csv_of_rows(rows: int) -> bytes:
    """A header and `rows` identical valid rows."""
    return (",".join(HEADER) + "\n").encode() + (",".join(ROW) + "\n").encode() * rows


# ---- OpenDocument spreadsheets, written part by part -----------------------------------------

ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_of(*sheets: str, doctype: str = "", content: str | None = None) -> bytes:
    """An .ods holding `sheets` (each from `ods_sheet`), or exactly `content` as its content.xml."""
    xml = content or (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<office:document-content {ODS_NAMESPACES}>'
        f"<office:body><office:spreadsheet>{''.join(sheets)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        book.writestr("content.xml", xml)
        book.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def ods_sheet(name: str, *rows: str) -> str:
    return f'<table:table table:name="{escape(name)}">{"".join(rows)}</table:table>'


def ods_row(*cells: str, repeat: int = 1) -> str:
    times = f' table:number-rows-repeated="{repeat}"' if repeat != 1 else ""
    return f"<table:table-row{times}>{''.join(cells)}</table:table-row>"


def ods_text(value: str, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat != 1 else ""
    return f'<table:table-cell office:value-type="string"{times}><text:p>{escape(value)}</text:p></table:table-cell>'


def ods_number(stored: str, shown: str, kind: str = "float", repeat: int = 1) -> str:
    """A cell that stores `stored` and shows `shown` (kind "percentage": 0.205 shown as 20.5%)."""
    times = f' table:number-columns-repeated="{repeat}"' if repeat != 1 else ""
    return (
        f'<table:table-cell office:value-type="{kind}" office:value="{stored}"{times}>'
        f"<text:p>{escape(shown)}</text:p></table:table-cell>"
    )


def ods_empty(repeat: int = 1) -> str:
    return f'<table:table-cell table:number-columns-repeated="{repeat}"/>'


def ods_repeating(times: int) -> bytes:
    """A spreadsheet of a few hundred bytes whose one row of figures says it repeats `times` times."""
    figures = ods_row(*map(ods_text, ROW), repeat=times)
    return ods_of(ods_sheet("Data", ods_row(*map(ods_text, HEADER)), figures))


def ods_zip_bomb(megabytes: int = 256) -> bytes:
    """A spreadsheet whose content.xml unpacks to `megabytes` MB of identical rows."""
    row = ods_row(*map(ods_text, ROW))
    return ods_of(ods_sheet("Data", ods_row(*map(ods_text, HEADER)), row * (megabytes * 2**20 // len(row))))


# ---- the corpus: each file and the words it must produce ------------------------------------

CAPS = LIMITS


def corpus() -> dict[str, tuple]:
    """name → (make the bytes, a text the refusal must contain). Valid files one past each cap included."""
    return {
        "parquet_bomb.parquet": (parquet_bomb, "the Parquet file declares 30,000,000 rows; the limit is 1,048,575"),
        "xlsx_zip_bomb.xlsx": (xlsx_zip_bomb, "the workbook's part xl/worksheets/sheet1.xml declares it expands"),
        "long_workbook.xlsx": (
            long_workbook,
            "the workbook's sheet 'Data' declares 2,000,000 rows; Excel files are read cell by cell, and the limit "
            f"is {CAPS.xlsx_max_rows:,} rows: save it as CSV",
        ),
        "million_columns.csv": (
            lambda: csv_of_columns(1_000_000),
            f"columns; the limit is {CAPS.max_columns}",  # "more than" as many as the first 64 KB hold
        ),
        "billion_laughs.xlsx": (entity_expansion_workbook, "the workbook declares XML entities"),
        "zip_in_a_zip.xlsx": (
            zip_inside_a_workbook,
            "the workbook holds another archive inside it (xl/media/image1.png)",
        ),
        "rows_one_past.csv": (
            lambda: csv_of_rows(CAPS.max_rows + 1),
            f"the file has {CAPS.max_rows + 1:,} rows; the limit is {CAPS.max_rows:,}",
        ),
        "rows_one_past.parquet": (
            lambda: parquet_of_identical_rows(CAPS.max_rows + 1),
            f"the Parquet file declares {CAPS.max_rows + 1:,} rows; the limit is {CAPS.max_rows:,}",
        ),
        "columns_one_past.csv": (
            lambda: csv_of_columns(CAPS.max_columns + 1),
            f"the file has {CAPS.max_columns + 1:,} columns; the limit is {CAPS.max_columns:,}",
        ),
        "cells_one_past.parquet": (
            lambda: parquet_of_identical_rows(CAPS.max_cells // CAPS.max_columns + 1, CAPS.max_columns),
            f"the Parquet file declares {(CAPS.max_cells // CAPS.max_columns + 1) * CAPS.max_columns:,} cells",
        ),
        "unpacked_one_past.parquet": (
            lambda: parquet_unpacking_to(CAPS.max_decoded_mb + 1),
            f"MB once unpacked; the limit is {CAPS.max_decoded_mb:,} MB",
        ),
        "workbook_rows_one_past.xlsx": (
            lambda: workbook_of(10, declared_rows=CAPS.xlsx_max_rows + 1),
            f"declares {CAPS.xlsx_max_rows + 1:,} rows; Excel files are read cell by cell",
        ),
        "ods_row_repeated_a_billion_times.ods": (
            lambda: ods_repeating(1_000_000_000),
            f"the sheet 'Data' has more than {CAPS.xlsx_max_rows:,} rows; OpenDocument spreadsheets are read cell by "
            "cell",
        ),
        "ods_rows_one_past.ods": (
            lambda: ods_repeating(CAPS.xlsx_max_rows + 1),
            f"the sheet 'Data' has more than {CAPS.xlsx_max_rows:,} rows",
        ),
        "ods_zip_bomb.ods": (ods_zip_bomb, "the workbook's part content.xml declares it expands"),
        "json_nested_ten_million_deep.json": (
            lambda: b"[" * 10_000_000 + b"]" * 10_000_000,
            "the JSON is nested too deeply to be a table",
        ),
        "json_lines_one_past.json": (
            lambda: b'{"percent": 1}\n' * (CAPS.max_rows + 1),
            f"the file has {CAPS.max_rows + 1:,} rows; the limit is {CAPS.max_rows:,}",
        ),
        "json_million_keys.json": (
            lambda: ("[{" + ",".join(f'"k{i}": 1' for i in range(1_000_000)) + "}]").encode(),
            f"the rows have 1,000,000 different columns; the limit is {CAPS.max_columns}",
        ),
    }
