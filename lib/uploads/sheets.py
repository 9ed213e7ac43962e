"""Spreadsheets (Excel .xlsx and .xls, OpenDocument .ods) → the table of text cells under the header row of the
sheet that holds it, and notes on how it was read.

A statistical workbook opens with a cover, contents and notes: the sheet read is "Data" (as our own exports
have), else the first with a header row (`_sheet_to_read`, one rule for every kind). Cells shown as
percentages are read as the percentages shown; figures a program wrote as formulas and never calculated are
refused, never read as zeros. A file that cannot be read raises `Refused` with its problems, which
`lib.uploads.parse` turns into the UploadError that names the file.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import pandas as pd
from defusedxml.common import DefusedXmlException

from lib.data import Problem
from lib.limits import Limits
from lib.uploads import layout, ods, preflight, xls

PROTECTED = "this workbook is protected by a password: open it, and save it without one as Excel (.xlsx) or CSV"
OLD_EXCEL_DAMAGED = (
    "this Excel 97–2003 workbook (.xls) could not be read (it is damaged): open it in Excel or LibreOffice and "
    "save it as .xlsx or CSV"
)
OLE_DOCUMENTS = {  # the older Office files people mistake for a table's file, by the stream that says what each is
    "WordDocument": f"this is a Word document, not a spreadsheet: {preflight.TABLE_ADVICE}",
    "PowerPoint Document": f"this is a PowerPoint deck, not a spreadsheet: {preflight.TABLE_ADVICE}",
}


class Refused(ValueError):
    """A spreadsheet that cannot be used: each problem (a rule, or a Problem naming its column) says why."""

    def __init__(self, *problems: str | Problem):
        self.problems = [p if isinstance(p, Problem) else Problem(None, None, p) for p in problems]
        super().__init__("; ".join(str(p) for p in self.problems))


def read_xlsx(data: bytes, limits: Limits) -> tuple[pd.DataFrame, list[str]]:
    """The sheet with the table (`_sheet_to_read`), every cell as text, from its header row (lines of title above
    it are left out) and with percentage cells as the percentages they show.

    openpyxl parses the workbook's XML through defusedxml (installed, so used): a workbook
    that declares XML entities is refused, not expanded. At most one row past `max_rows`
    is read, whatever size the sheet declared.
    """
    max_rows = limits.xlsx_max_rows
    options = dict(dtype=str, keep_default_na=False, na_values=[""])
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
        tops = {
            str(sheet): pd.read_excel(book, sheet_name=sheet, header=None, nrows=layout.HEADER_SEARCH_ROWS, **options)
            for sheet in book.sheet_names[: limits.sheets]
        }
        sheet, header, notes = _sheet_to_read({s: top.values.tolist() for s, top in tops.items()})
        table = pd.read_excel(book, sheet_name=sheet, header=header, nrows=max_rows + 1, **options)
        notes += [layout.skipped_note(tops[sheet].iloc[:header].values.tolist(), line="row")] if header else []
        table.index += header
        values = {at + 1: table.columns[at] for at in layout.value_columns(table.columns)}  # sheet column → name
        scaled = 0
        for number, column in values.items() if len(table) else ():
            formats = layout.cell_formats(book.book[sheet], header + 2, number, len(table))
            table[column], count = layout.shown_as_percentages(table[column], formats)
            scaled += count
        notes += [_percentages_note(scaled)] if scaled else []
        formulas = [(values[c], r) for c, r in preflight.uncalculated_formulas(data, sheet) if c in values]
    except MemoryError:
        raise
    except Exception as err:  # openpyxl raises many kinds for a zip that is not a workbook
        rule = preflight.XML_ENTITIES if _caused_by(err, DefusedXmlException) else preflight.NOT_A_WORKBOOK
        raise Refused(rule) from None
    if formulas:
        raise Refused(*_uncalculated(formulas))
    if len(table) > max_rows:
        raise Refused(_too_many(sheet, "rows", max_rows, "Excel files"))
    return table, notes


def _uncalculated(formulas: list[tuple[str, int]]) -> list[Problem]:
    """One problem for each column of figures that holds formulas the file never calculated, naming their rows."""
    problems = []
    for column in dict.fromkeys(c for c, _ in formulas):
        rows = [r for c, r in formulas if c == column]
        named = ", ".join(map(str, rows[:5])) + (f" … ({len(rows):,} in all)" if len(rows) > 5 else "")
        rule = (
            f"{'row' if len(rows) == 1 else 'rows'} {named}: formulas whose results this file does not hold (it was "
            "written by a program and never calculated): open it in Excel or LibreOffice and save it, or write the "
            "figures as values"
        )
        problems.append(Problem(None, str(column), rule))
    return problems


def _percentages_note(count: int) -> str:
    if count == 1:
        return "1 figure formatted as a percentage was read as the percentage it shows (0.205 shown as 20.5% → 20.5)."
    return (
        f"{count:,} figures formatted as percentages were read as the percentages they show "
        "(0.205 shown as 20.5% → 20.5)."
    )


def _too_many(sheet: str, what: str, limit: int, kind: str) -> str:
    if what == "columns":
        return (
            f"the sheet '{sheet}' has more than {limit:,} columns: keep only the columns breakdown, category, "
            "measure and percent (code and official_name are optional)"
        )
    return (
        f"the sheet '{sheet}' has more than {limit:,} rows; {kind} are read cell by cell, and the limit is "
        f"{limit:,} rows: save it as CSV (which reads a million rows in seconds), or split it"
    )


def _sheet_to_read(tops: Mapping[str, Sequence[Sequence[object]]]) -> tuple[str, int, list[str]]:
    """(sheet, its header's index, notes), from each sheet's top rows: "Data" (as our own exports have), else the
    first sheet with a header row (a statistical workbook starts with a cover and contents), else the first sheet."""
    order = sorted(tops, key=lambda n: n != "Data")
    headers = {name: layout.header_row(tops[name], layout.REQUIRED) for name in order}
    found = [(name, header) for name, header in headers.items() if header is not None]
    if not found:
        return order[0], 0, []
    sheet, header = found[0]
    notes = [] if sheet == order[0] else [f"Read the sheet '{sheet}', the first with a header row."]
    if len(found) > 1:
        others = ", ".join(f"'{n}'" for n, _ in found[1:])
        holds = "also holds a table" if len(found) == 2 else "also hold tables"
        notes.append(
            f"Only the sheet '{sheet}' was read: {others} {holds}, and one sheet is read from a workbook. To add "
            "those figures too, put all your figures in one sheet, in the template's columns."
        )
    return sheet, header, notes


def read_ods(data: bytes, limits: Limits) -> tuple[pd.DataFrame, list[str]]:
    """An OpenDocument spreadsheet, its sheet chosen as a workbook's is, every cell as text (lib.uploads.ods)."""
    try:
        rows, header, notes = _chosen_sheet(partial(ods.tops, data), partial(ods.sheet_rows, data), limits, ods.KIND)
    except (Refused, MemoryError):
        raise
    except Exception as err:  # a damaged file fails in many ways: no content part, bad XML, a repeat that is no number
        raise Refused(preflight.XML_ENTITIES if _caused_by(err, DefusedXmlException) else ods.DAMAGED) from None
    table = ods.table(rows, header)
    values = set(layout.value_columns(table.columns))
    formulas = [
        (table.columns[at], header + 2 + number)
        for number, row in enumerate(rows[header + 1 :])
        for at, cell in enumerate(row)
        if at in values and isinstance(cell, ods.Uncalculated)
    ]
    if formulas:
        raise Refused(*_uncalculated(formulas))
    return table, notes


def read_xls(data: bytes, limits: Limits) -> tuple[pd.DataFrame, list[str]]:
    """An Excel 97–2003 workbook, its sheet chosen as a newer workbook's is, every cell as text (lib.uploads.xls);
    or what an OLE2 file that is no such workbook is: protected by a password, a Word document, damaged."""
    if xls.ENCRYPTED_PACKAGE in data:
        raise Refused(PROTECTED)
    try:
        book = xls.open_book(data)
        rows, header, notes = _chosen_sheet(partial(xls.tops, book), partial(xls.sheet_rows, book), limits, xls.KIND)
    except (Refused, MemoryError):
        raise
    except Exception as err:  # xlrd raises its own errors, and struct and index errors, for a damaged file
        if "encrypted" in str(err).casefold():
            raise Refused(PROTECTED) from None
        other = xls.other_document(data, OLE_DOCUMENTS)
        raise Refused(OLE_DOCUMENTS[other] if other else OLD_EXCEL_DAMAGED) from None
    return ods.table(rows, header), notes


def _chosen_sheet(
    tops: Callable[[int, int, int], Mapping[str, Sequence[Sequence[object]]]],
    sheet_rows: Callable[[str, int, int], tuple[list[ods.Row], int]],
    limits: Limits,
    kind: tuple[str, str],
) -> tuple[list[ods.Row], int, list[str]]:
    """(rows, header's index, notes) of the sheet `_sheet_to_read` chooses, for a reader of rows as text: `tops`
    gives each sheet's top rows, `sheet_rows` one sheet's rows and how many were percentage cells; `kind` names
    the file ("an OpenDocument spreadsheet (.ods)") and its kind ("OpenDocument spreadsheets")."""
    try:
        sheet, header, chosen = _sheet_to_read(tops(layout.HEADER_SEARCH_ROWS, limits.sheets, limits.max_columns))
        rows, percentages = sheet_rows(sheet, limits.xlsx_max_rows + header + 1, limits.max_columns)
    except ods.TooBig as big:
        limit = limits.max_columns if big.what == "columns" else limits.xlsx_max_rows
        raise Refused(_too_many(big.sheet, big.what, limit, kind[1])) from None
    notes = [f"Read as {kind[0]}.", *chosen]
    notes += [layout.skipped_note(rows[:header], line="row")] if header else []
    notes += [_percentages_note(percentages)] if percentages else []
    return rows, header, notes


def _caused_by(err: BaseException | None, kind: type[BaseException]) -> bool:
    """Whether `err` or an exception it was raised from is a `kind` (openpyxl wraps what defusedxml raises)."""
    while err is not None:
        if isinstance(err, kind):
            return True
        err = err.__cause__ or err.__context__
    return False
