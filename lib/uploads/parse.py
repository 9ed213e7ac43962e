"""The user's own figures: uploaded bytes in, validated tidy rows out — or row-level problems.

An upload has the shape of the built-in homeworking table (breakdown, category, measure,
percent; code and official_name optional) and is checked with the same rules
(`lib.data.homeworking_schema(complete=False)`): it may cover any subset of breakdowns,
categories and measures, and may bring categories the 2019 tables lack. A label that names
a built-in category in another spelling ("Yorkshire and The Humber") is matched to it.

`read_upload` first checks what the file declares about its size (`lib.uploads.preflight`), then
reads it within the caps of `lib.limits`. It never raises anything but `UploadError`
(or `MemoryError`, when the process may not have the memory the file needs), whatever
bytes it is given, and never writes the file anywhere: the rows live only in the caller's
hands. The app calls it through `lib.uploads.reader`, in a separate process with its own limits.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath

import pandas as pd
import pyarrow.parquet as pq

from lib.data import KEY, DataValidationError, Problem, homeworking_schema, load_homeworking, resource, validate
from lib.escape import shorten
from lib.limits import LIMITS, Limits
from lib.uploads import bundle, layout, preflight, records, sheets
from lib.uploads.labels import IDENTIFIERS, match_labels, total_keys, without_marks

REQUIRED = layout.REQUIRED
OPTIONAL = IDENTIFIERS
COLUMNS = (*REQUIRED, *OPTIONAL, "source")
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
FORMATS = "a CSV, JSON or Parquet file, or a spreadsheet (Excel .xlsx or .xls, or OpenDocument .ods)"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how an Excel 97–2003 workbook (and a password-protected one) starts

Progress = Callable[[float, str], None]


class UploadError(DataValidationError):
    """An uploaded file that cannot be used; `problems` says which row, which column, what rule.

    `total` counts every problem found when only the first `Limits.max_problems` are listed.
    """


@dataclass(frozen=True)
class Upload:
    """Validated rows (tidy, with the user's `source` on every row) and how the file was read; a bundle also
    brings back when its figures were first uploaded and the view they were on (lib.uploads.bundle)."""

    rows: pd.DataFrame
    notes: tuple[str, ...]
    uploaded_at: str | None = None
    permalink: str | None = None
    basis: dict | None = None  # where the figures come from, as a bundle recorded it (lib.comparability.Basis)


def read_upload(
    data: bytes,
    filename: str,
    source: str,
    *,
    reference: pd.DataFrame | None = None,
    limits: Limits = LIMITS,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> Upload:
    """Read, tidy, match and validate an uploaded file; raise UploadError with every problem found.

    `reference` is the built-in table whose labels uploads are matched to (default: the
    2019 figures); `limits` caps the file (`max_bytes`, when given, its size alone);
    `progress(fraction, message)` is told how far along a big file is.
    """
    report = progress or (lambda fraction, message: None)
    name = str(filename or "the file")
    try:
        return _read_upload(data, name, source, reference, limits, max_bytes or limits.upload_bytes, report)
    except (UploadError, MemoryError):  # out of memory is the caller's to report: it knows the process's limit
        raise
    except Exception as err:  # a file must never crash the page: anything unforeseen is still a message
        raise UploadError(name, [_problem(f"the file could not be read as {FORMATS} ({type(err).__name__})")]) from None


def _read_upload(
    data: bytes,
    name: str,
    source: str,
    reference: pd.DataFrame | None,
    limits: Limits,
    max_bytes: int,
    report: Progress,
) -> Upload:
    _check_size(data, name, max_bytes)
    data = bytes(data)
    if bundle.is_bundle(data) or (data[:4] == b"PK\x03\x04" and name.lower().endswith(".zip")):
        return _read_bundle(data, name, source, reference, limits, report)
    label = _check_source(figures_name(source, name), name)
    report(0.02, "Checking what the file declares about its size")
    declared = preflight.check(data, limits)
    if declared:
        raise UploadError(name, declared)
    report(0.05, "Reading the file")
    raw, notes = _parse(data, name, limits)
    _check_rows(raw, name, limits)
    raw, below = layout.notes_below(raw)
    notes += [below] if below else []
    report(0.35, f"Read {len(raw):,} rows; tidying labels")
    reference = load_homeworking() if reference is None else reference
    wide = layout.from_wide(raw, total_keys(reference))
    try:
        valid, checked_notes = _checked(wide.rows if wide else raw, name, reference, limits, report)
    except UploadError as err:
        if wide is None:
            raise
        raise UploadError(name, [wide.in_file(p) for p in err.problems], total=err.total) from None
    notes += [wide.note] if wide else []
    notes += checked_notes
    report(0.95, "Labelling your rows")
    for column in OPTIONAL:
        valid[column] = valid[column].astype("str") if column in valid else pd.Series(index=valid.index, dtype="str")
    valid = valid.assign(source=label)[list(COLUMNS)].reset_index(drop=True)
    if valid["percent"].isna().all():
        notes.append("Every percent cell is empty: there are no figures to show yet.")
    elif fractions := layout.fractions_note(valid["percent"]):
        notes.append(fractions)
    report(1.0, f"{len(valid):,} rows ready")
    return Upload(rows=valid, notes=tuple(notes))


def _checked(
    raw: pd.DataFrame, name: str, reference: pd.DataFrame, limits: Limits, report: Progress
) -> tuple[pd.DataFrame, list[str]]:
    """Tidy, match and validate the rows read; UploadError names each row and column that breaks a rule."""
    table, notes = _tidy(raw, name)
    _check_cells(table, name, limits)
    report(0.5, "Matching labels to the 2019 tables")
    table, match_notes = match_labels(table, reference)
    report(0.6, f"Checking {len(table):,} rows against the rules of the built-in data")
    try:
        valid = validate(table, homeworking_schema(complete=False), name, max_problems=limits.max_problems)
    except DataValidationError as err:
        raise UploadError(name, _with_found_columns(err.problems, raw), total=err.total) from None
    return valid, notes + match_notes


def _in_words(stamp: str) -> str:
    """'2026-11-30T09:15:00Z' → '30 November 2026 at 09:15 UTC'; a stamp that is not a time is kept as it is."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y at %H:%M} UTC"


def _read_bundle(
    data: bytes, name: str, source: str, reference: pd.DataFrame | None, limits: Limits, report: Progress
) -> Upload:
    """A bundle's rows go through every check a file goes through (anyone may have edited them); its name
    for the figures is kept unless another is typed."""
    report(0.02, "Opening your bundle")
    try:
        found = bundle.read_bundle(data, max_member_bytes=limits.upload_bytes)
    except bundle.NotABundle as why:
        raise UploadError(name, [why.problem]) from None
    rows_name = f"{name} ({bundle.ROWS_FILE})"
    read = _read_upload(found.rows_csv, rows_name, source or found.name, reference, limits, limits.upload_bytes, report)
    known = found.uploaded_at != bundle.UNKNOWN
    when = f" first uploaded {_in_words(found.uploaded_at)}" if known else ""
    note = f"Restored from your bundle: {len(read.rows):,} rows{when}."
    return Upload(
        read.rows, (note, *found.notes, *read.notes), found.uploaded_at if known else None, found.permalink, found.basis
    )


def figures_name(given: str | None, filename: str) -> str:
    """The name of the person's figures: what they typed, or — left blank — the file's name without its
    extension (a name is needed, so that no chart passes their figures off as the ONS's)."""
    typed = " ".join(str(given or "").split())
    return typed or PurePath(str(filename or "")).stem.strip()


def _problem(rule: str, *, row: int | None = None, column: str | None = None, value: object = None) -> Problem:
    return Problem(row, column, rule, value)


def _check_source(source: str, name: str) -> str:
    """The name the user gives their figures: required, short, and not the ONS's own."""
    label = " ".join(str(source or "").split())
    if not label:
        raise UploadError(name, [_problem("name your figures (for example 'Our staff survey 2021')", column="source")])
    if len(label) > LIMITS.source_name_chars:
        rule = f"the name of your figures is at most {LIMITS.source_name_chars} characters"
        raise UploadError(name, [_problem(rule, column="source")])
    if label.casefold() == resource("homeworking_2019")["short_citation"].casefold():
        rule = "choose another name: this one belongs to the built-in ONS figures"
        raise UploadError(name, [_problem(rule, column="source", value=label)])
    return label


def _check_size(data: bytes, name: str, max_bytes: int) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise UploadError(name, [_problem("the upload is not a file")])
    if len(data) == 0:
        raise UploadError(name, [_problem(f"the file is empty: upload {FORMATS} with a header row and figures")])
    if len(data) > max_bytes:
        rule = f"the file is {_size(len(data))}; the limit is {_size(max_bytes)}: upload a smaller file or split it"
        raise UploadError(name, [_problem(rule)])


def _check_rows(raw: pd.DataFrame, name: str, limits: Limits) -> None:
    """The rows really read, whatever the file declared (a Parquet footer can understate them)."""
    if len(raw) > limits.max_rows:
        rule = f"the file has {len(raw):,} rows; the limit is {limits.max_rows:,}: split it into smaller files"
        raise UploadError(name, [_problem(rule)])


def _check_cells(table: pd.DataFrame, name: str, limits: Limits) -> None:
    """No text cell longer than `limits.cell_chars`: a label is a name, and a megabyte of one would reach every
    chart, slide and brief drawn with it. Each long cell is named by its row and column."""
    problems: list[Problem] = []
    for column in table.columns:
        if column == "percent" or not pd.api.types.is_string_dtype(table[column]):
            continue
        lengths = table[column].str.len()
        for index, length in lengths[lengths > limits.cell_chars].head(limits.max_problems - len(problems)).items():
            rule = f"is {int(length):,} characters long; a text cell holds at most {limits.cell_chars}"
            shown = shorten(str(table.at[index, column]), 60)
            problems.append(_problem(rule, row=int(index) + 2, column=column, value=shown))
    if problems:
        raise UploadError(name, problems)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


# ---- reading the bytes -------------------------------------------------------------------


def _parse(data: bytes, name: str, limits: Limits) -> tuple[pd.DataFrame, list[str]]:
    """Bytes → a table of text cells, by what the bytes are (not what the name says)."""
    data = bytes(data)
    if data[:4] == b"PAR1":
        return _parse_parquet(data, name), []
    read = _spreadsheet_reader(data)
    if read is not None:
        try:
            return read(data, limits)
        except sheets.Refused as refused:
            raise UploadError(name, refused.problems) from None
    text, notes = _decode(data, name)
    json_rows = _parse_json(data, text, name, limits) if records.looks_like_json(text) else None
    if json_rows is not None:
        return json_rows[0], notes + json_rows[1]
    return _parse_csv(text, name, notes)


def _parse_json(data: bytes, text: str, name: str, limits: Limits) -> tuple[pd.DataFrame, list[str]] | None:
    """A JSON file's rows; None for text that only starts as JSON does, a CSV file whose title starts with a
    bracket ("[Draft] …"), once its sizes pass the checks a CSV file's do (preflight.check took it for JSON)."""
    try:
        return records.table(text, limits.max_rows, limits.max_columns)
    except records.NotJson as broken:
        if PurePath(name).suffix.lower() in records.SUFFIXES:
            raise UploadError(name, [_problem(str(broken))]) from None
    except records.NotRows as why:
        raise UploadError(name, [_problem(str(why))]) from None
    declared = preflight.csv_sizes(data, limits)
    if declared:
        raise UploadError(name, declared)
    return None


def _spreadsheet_reader(data: bytes) -> Callable[[bytes, Limits], tuple[pd.DataFrame, list[str]]] | None:
    """The reader of a spreadsheet, by how its bytes start: a zip (.xlsx, .ods) or an OLE2 file (.xls)."""
    if data[:8] == OLE2:
        return sheets.read_xls
    if data[:4] == b"PK\x03\x04":
        return sheets.read_ods if preflight.kind_of_archive(data) == "ods" else sheets.read_xlsx
    return None


def _parse_parquet(data: bytes, name: str) -> pd.DataFrame:
    try:
        table = pq.read_table(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception:  # pyarrow raises several kinds for a damaged file
        raise UploadError(name, [_problem("the Parquet file is damaged and could not be read")]) from None
    return table.to_pandas()


def _decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 as Excel on Windows saves."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), ["Read as UTF-16 text (Excel's 'Unicode text')."]
        except UnicodeDecodeError:
            raise UploadError(name, [_problem("the file says it is UTF-16 text but is not")]) from None
    if b"\x00" in data[:65536]:
        raise UploadError(name, [_problem(f"this is not {FORMATS}: it contains binary data")])
    try:
        text, notes = data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            rule = "the text is neither UTF-8 nor Windows-1252: save it as 'CSV UTF-8' and upload again"
            raise UploadError(name, [_problem(rule)]) from None
        notes = ["Read as Windows-1252 text (the file is not UTF-8, as Excel on Windows often saves CSV)."]
    control = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\r\n")
    if control > max(8, len(text[:65536]) // 100):
        raise UploadError(name, [_problem(f"this is not {FORMATS}: it contains binary data")])
    return text, notes


def _parse_csv(text: str, name: str, notes: list[str]) -> tuple[pd.DataFrame, list[str]]:
    if not text.strip():
        raise UploadError(name, [_problem(f"the file is empty: upload {FORMATS} with a header row and figures")])
    first = text.partition("\n")[0].strip()
    above, text = layout.csv_header(text, DELIMITERS, REQUIRED)
    if len(above) == 1 and re.fullmatch(r"sep=.", first):
        notes.append(f"The first line, '{first}', is Excel's note of the separator; it was left out.")
    elif above:
        notes.append(layout.skipped_note(above))
    header = text.lstrip().partition("\n")[0]
    delimiter = max(DELIMITERS, key=header.count)
    if header.count(delimiter) == 0:
        delimiter = ","
    elif delimiter != ",":
        notes.append(f"Columns are separated by {DELIMITERS[delimiter]}.")
    table = _read_csv(text.rstrip("\r\n") + "\n", delimiter, name, skipped=len(above))
    table.index += len(above)  # rows numbered as in the file
    if delimiter != "," and "percent" in _normalised_columns(table):
        column = table.columns[_normalised_columns(table).index("percent")]
        if table[column].str.contains(",", regex=False, na=False).any():
            table[column] = table[column].str.replace(",", ".", regex=False)
            notes.append("Decimal commas in percent were read as decimal points (12,4 → 12.4).")
    return table, notes


def _read_csv(text: str, delimiter: str, name: str, skipped: int = 0) -> pd.DataFrame:
    """Every cell as text, rows numbered as in a spreadsheet.

    Arrow's reader is ten times faster on big files; a file it refuses, or one with blank
    lines (which it would skip, shifting the row numbers), goes to pandas' own reader,
    which says which row is wrong.
    """
    options = dict(sep=delimiter, dtype=str, keep_default_na=False, na_values=[""])
    if "\n\n" not in text and "\n\r\n" not in text:
        try:
            return pd.read_csv(io.BytesIO(text.encode("utf-8")), engine="pyarrow", **options)
        except MemoryError:
            raise
        except Exception:  # noqa: S110 — the careful reader below gives the row-level message
            pass
    try:
        with warnings.catch_warnings():
            # A row longer than the header only warns (and loses cells): make it an error.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.StringIO(text), index_col=False, skip_blank_lines=False, **options)
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        raise UploadError(name, [_ragged_row(text, delimiter, str(err), skipped)]) from None
    except pd.errors.EmptyDataError:
        raise UploadError(name, [_problem("the file has no header row")]) from None


def _ragged_row(text: str, delimiter: str, message: str, skipped: int) -> Problem:
    """Say which row does not line up with the header, as a spreadsheet numbers rows (`skipped` lines above it)."""
    quote = re.search(r"EOF inside string starting at row (\d+)", message)
    if quote:
        return _problem('a quote (") opened here is never closed', row=int(quote.group(1)) + 1 + skipped)
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    width = len(next(rows))
    for number, cells in enumerate(rows, start=2 + skipped):
        if len(cells) > width:
            return _problem(f"has {len(cells)} cells where the header has {width}", row=number)
    return _problem("the rows do not line up with the header")


# ---- tidying -------------------------------------------------------------------------------


def _normalised_columns(table: pd.DataFrame) -> list[str]:
    return [re.sub(r"\s+", "_", without_marks(str(c).strip().lower())) for c in table.columns]


def _tidy(raw: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str]]:
    """Name the columns as the built-in table does, keep the ones it has, trim the text."""
    notes = []
    columns = _normalised_columns(raw)
    repeated = sorted({c for c in columns if columns.count(c) > 1 and c in (*REQUIRED, *OPTIONAL)})
    if repeated:
        raise UploadError(name, [_problem(f"the column '{c}' appears more than once") for c in repeated])
    table = raw.set_axis(columns, axis=1).dropna(how="all")
    if table.empty:
        raise UploadError(name, [_problem("the file has a header row but no figures under it")])
    ignored = [
        str(c)
        for c, n, (_, cells) in zip(raw.columns, columns, raw.items(), strict=True)
        if n not in (*REQUIRED, *OPTIONAL) and cells.notna().any()  # an empty column beside the table is no column
    ]
    if ignored:
        notes.append(f"Columns not used: {', '.join(ignored)}.")
    table = table[[c for c in columns if c in (*REQUIRED, *OPTIONAL)]].copy()
    for column in table.columns:
        table[column] = _text(table[column]) if column != "percent" else table[column]
    if "measure" in table:
        table["measure"], renamed = layout.measures_by_name(table["measure"])
        if renamed:
            notes.append(f"Measures named in words were read by their keys: {'; '.join(renamed)}.")
    for column in ("breakdown", "measure"):
        if column in table:
            table[column] = table[column].str.lower()
    if "percent" in table:
        table["percent"], unmarked = layout.no_figure_marks(table["percent"])
        notes += [unmarked] if unmarked else []
        table["percent"], flagged = layout.figure_marks(table["percent"])
        notes += [flagged] if flagged else []
        table["percent"], stripped = _percent(table["percent"])
        if stripped:
            notes.append("Percent signs after the figures were dropped (12.4% → 12.4).")
    return table, notes


def _text(values: pd.Series) -> pd.Series:
    """Cells as trimmed text; an empty cell is missing."""
    text = values.astype("str") if not pd.api.types.is_string_dtype(values) else values
    text = text.where(values.notna()).str.strip()
    return text.where(text != "")


def _percent(values: pd.Series) -> tuple[pd.Series, bool]:
    """Numbers stay numbers; text loses surrounding spaces and a trailing % (the validator types it)."""
    if pd.api.types.is_numeric_dtype(values):
        return values, False
    text = _text(values)
    signed = text.str.endswith("%", na=False)
    if signed.any():
        text = text.where(~signed, text.str[:-1].str.strip())
    return text, bool(signed.any())


def _with_found_columns(problems: list[Problem], raw: pd.DataFrame) -> list[Problem]:
    """When columns are missing, first say what to do: which columns the file does have, or, for a table laid out
    as printed, how to head its columns of figures; the missing columns one by one after that."""
    if any(p.rule.startswith("a column named") for p in problems):
        found = ", ".join(str(c) for c in raw.columns) or "none"
        rule = f"the columns must be {', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)}); the file has: {found}"
        printed = layout.printed_without_measures(raw.columns)
        problems = [*([_problem(printed)] if printed else []), _problem(rule), *problems]
    return problems


def template(reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every category of the 2019 tables on both measures, percent empty: fill in what you have."""
    reference = load_homeworking() if reference is None else reference
    rows = reference[[*KEY, "percent", *OPTIONAL]].copy()
    rows["percent"] = float("nan")
    return rows.reset_index(drop=True)


def problem_table(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table (row, column, rule, found), every cell text or a row number."""
    return pd.DataFrame(
        {
            "row": pd.array([p.row for p in problems], dtype="Int64"),
            "column": [p.column or "" for p in problems],
            "rule": [p.rule for p in problems],
            "found": ["" if p.value is None else str(p.value) for p in problems],
        }
    )
