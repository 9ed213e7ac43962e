"""A person's file read as they laid it out: a title above the table, a column per measure, Excel's percentage
cells, measures in words.

Files from elsewhere rarely start with the header row: a spreadsheet or an ONS table has a title and a
source line above it. The printed tables put each measure in a column of its own ("Region | % that worked
at home in the week prior to interview | % that have ever worked from home"). Excel stores a cell shown as
20.5% as 0.205. A person names the measure as the page does ("Week before interview"), not by its key.
Each is read as meant, and said in a note, so that nothing is silently misread: a percentage cell taken
as 0.205% would be a figure a hundred times too small.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.compare import MEASURE_PANELS, MEASURE_PHRASES, MEASURE_SHORT, counted
from lib.data import MEASURES, Problem, resource
from lib.escape import shorten
from lib.uploads.labels import FOOTNOTE_MARKS, label_keys, without_marks

REQUIRED = ("breakdown", "category", "measure", "percent")  # what a header row names (or a table laid out as printed)
HEADER_SEARCH_ROWS = 20  # rows searched for the header: a title, a source line and notes, not a second table
MARKED_FIGURE = rf"^\s*([-+]?(?:\d+\.?\d*|\.\d+)\s*%?)({FOOTNOTE_MARKS})"  # "14.7 [u]": the figure, the mark
LITERALS_IN_FORMAT = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')  # quoted text, escaped, spacing, fill, [Red]
NOTES_BELOW_ROWS = 20  # rows under a table looked at for its notes: a source line and footnotes, not a second table
FORMAT_SNIFF_ROWS = 1_000  # Excel rows whose number format is read first; all of them only when one is a percentage


def _key(text: object) -> str:
    """A header cell or measure name as compared: case, punctuation, '%', spacing and footnote marks ignored."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", without_marks(str(text).lower())).split())


def header_row(rows: Iterable[Sequence[object]], required: Sequence[str]) -> int | None:
    """The index of the first of `rows` that names every required column, or a label column and a column per
    measure (a table as printed: see `from_wide`); None when none of the first HEADER_SEARCH_ROWS does."""
    wanted = {_key(c) for c in required}
    for index, cells in enumerate(rows):
        if index >= HEADER_SEARCH_ROWS:
            break
        filled = [c for c in cells if c is not None and not pd.isna(c)]
        keys = [_key(c) for c in filled]
        if wanted <= set(keys):
            return index
        # A row of figures is not a printed table's header, though "region,London,ever,36.1" names a breakdown
        # and a measure as one does.
        if _names_a_wide_table(keys) and not any(_is_number(c) for c in filled):
            return index
    return None


def _is_number(cell: object) -> bool:
    try:
        float(str(cell).strip().rstrip("%"))
    except ValueError:
        return False
    return True


def _names_a_wide_table(keys: Sequence[str]) -> bool:
    measures = [k for k in keys if k in MEASURE_NAMES]
    return bool(measures) and any(k == "category" or _breakdown_of(k) for k in keys if k not in MEASURE_NAMES)


def skipped_note(rows: Sequence[Sequence[object]], line: str = "line") -> str:
    """What was above the header row, in words, so the person sees what was left out."""
    shown = [
        shorten(", ".join(str(c).strip() for c in cells if c is not None and not pd.isna(c) and str(c).strip()), 60)
        for cells in rows
    ]
    shown = [f"'{s}'" for s in shown if s]
    what = f": {', '.join(shown[:3])}{' …' if len(shown) > 3 else ''}" if shown else ""
    above = (
        f"{line} above it, read as a title, was"
        if len(rows) == 1
        else f"{len(rows)} {line}s above it, read as a title, were"
    )
    return f"The header is on {line} {len(rows) + 1}: the {above} left out{what}."


def notes_below(raw: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The table without the notes a publisher prints under it (a source line, footnotes): the rows after its last
    blank row, when each has one cell at most and the table has rows above that blank one; and what was left out,
    in words.
    Only the last NOTES_BELOW_ROWS rows are looked at, so a million-row file costs nothing more."""
    tail = raw.tail(NOTES_BELOW_ROWS + 1)
    filled = tail.apply(lambda cells: cells.notna() & cells.astype("string").str.strip().ne("")).sum(axis=1)
    blank = [i for i, count in enumerate(filled) if count == 0]
    if not blank or blank[-1] == len(tail) - 1:
        return raw, None
    below = tail.iloc[blank[-1] + 1 :]
    if (filled.iloc[blank[-1] + 1 :] > 1).any() or len(raw) - len(below) - 1 < 1:
        return raw, None
    texts = [shorten(str(cells.dropna().iloc[0]).strip(), 60) for _, cells in below.iterrows()]
    quoted = ", ".join(f"'{t}'" for t in texts[:3]) + (" …" if len(texts) > 3 else "")
    lines = (
        "line under the table, after a blank line, was"
        if len(texts) == 1
        else f"{len(texts)} lines under the table, after a blank line, were"
    )
    return raw.iloc[: len(raw) - len(below)], f"The {lines} read as its notes and left out: {quoted}."


def csv_header(text: str, delimiters: Iterable[str], required: Sequence[str]) -> tuple[list[list[str]], str]:
    """(the lines above the header, as cells; the text from the header on): no lines when it is the first."""
    head = text[:65_536].splitlines(keepends=True)[:HEADER_SEARCH_ROWS]
    split = [max((next(csv.reader([line], delimiter=d), []) for d in delimiters), key=len) for line in head]
    found = header_row(split, required)
    if not found:
        return [], text
    return split[:found], text[sum(len(line) for line in head[:found]) :]


def shown_as_percentages(values: pd.Series, formats: Sequence[str | None]) -> tuple[pd.Series, int]:
    """Cells Excel shows as percentages (0.205 shown as 20.5%) as the percentage shown: the decimal point moved
    two places, exactly, in the text. `formats` holds each cell's number format, in the order of `values`."""
    marked = pd.Series([scales_by_100(f) for f in formats], index=values.index[: len(formats)])
    marked = marked.reindex(values.index, fill_value=False)
    scaled = values[marked].map(times_100)
    moved = scaled.notna() & (scaled != values[marked])
    out = values.copy()
    out.loc[scaled[moved].index] = scaled[moved]
    return out, int(moved.sum())


def scales_by_100(number_format: str | None) -> bool:
    """Whether a number format shows its cell times 100: a '%' of its own, not one in quotes or escaped, as
    `0.0"%"` and `0.0\\%` print a typed 20.5 as 20.5% unscaled."""
    if not number_format:
        return False
    return "%" in LITERALS_IN_FORMAT.sub("", number_format)


def times_100(text: Any) -> Any:
    """A number in text with its decimal point moved two places, exactly ('0.205' → '20.5'); else `text`."""
    try:
        number = Decimal(str(text).strip())
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    return format(number.scaleb(2).normalize(), "f")


def cell_formats(sheet: Any, first_row: int, column: int, count: int) -> list[str | None]:
    """The number format of `count` cells of an openpyxl sheet's `column` (1-based) from `first_row` down:
    the first FORMAT_SNIFF_ROWS, and the rest only when one of those is a percentage."""

    def read(rows: int) -> list[str | None]:
        cells = sheet.iter_rows(min_row=first_row, max_row=first_row + rows - 1, min_col=column, max_col=column)
        return [getattr(row[0], "number_format", None) if row else None for row in cells]

    first = read(min(count, FORMAT_SNIFF_ROWS))
    if count <= FORMAT_SNIFF_ROWS or not any(scales_by_100(f) for f in first):
        return first
    return read(count)


SHORTER_NAMES = {"week_prior": ("week before", "week prior")}  # as a column is headed for short


def _measure_names() -> dict[str, str]:
    """Every way the sources, the pages and the keys name a measure → its key."""
    described = resource("homeworking_2019")["measures"]
    names: dict[str, str] = {}
    for measure in MEASURES:
        spellings = [
            measure,
            *SHORTER_NAMES.get(measure, ()),
            MEASURE_SHORT[measure],
            MEASURE_PHRASES[measure],
            MEASURE_PANELS[measure],
            described[measure]["title"],
            *(h["text"] for h in described[measure].get("source_headings", [])),
        ]
        names.update({_key(s): measure for s in spellings})
    return names


MEASURE_NAMES = _measure_names()


def measures_by_name(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """Measures written as the page or the source names them ('Week before interview') as their keys, and the
    renamings made, for a note; anything else is left for the rules to refuse."""
    renamed: dict[str, str] = {}
    for value in values.dropna().unique():
        measure = MEASURE_NAMES.get(_key(value))
        if measure is not None and str(value).lower() != measure:
            renamed[value] = measure
    if not renamed:
        return values, []
    return values.replace(renamed), [f"'{shorten(str(a), 60)}' → {b}" for a, b in renamed.items()]


def fractions_note(percent: pd.Series) -> str | None:
    """A warning when every figure is at most 1: they may be fractions of one (0.205 for 20.5%)."""
    figures = pd.to_numeric(percent, errors="coerce").dropna()
    if len(figures) < 2 or figures.max() > 1 or figures.max() == 0:
        return None
    return (
        f"Every figure is 1 or less (the largest is {figures.max():g}), so each is read as under 1%. If they are "
        "fractions (0.205 for 20.5%), multiply them by 100 and upload the file again."
    )


# A word of a label column's header → the breakdown its rows belong to ("Region", "Age band", "Location of
# workplace", as the printed region table is titled); the first such word decides.
BREAKDOWN_WORDS = {
    "region": "region",
    "regions": "region",
    "nation": "region",
    "nations": "region",
    "location": "region",
    "workplace": "region",
    "sector": "sector",
    "sectors": "sector",
    "industry": "sector",
    "age": "age",
    "ages": "age",
    "occupation": "occupation",
    "occupations": "occupation",
}


@dataclass(frozen=True)
class Wide:
    """A table with a column per measure, read as one row per figure; `origin` says where each figure stands in
    the file (its row's index and its column's header), so that a problem names the file's own row and column."""

    rows: pd.DataFrame
    origin: pd.DataFrame  # per row of `rows`: index (the file row's), column (the file's header)
    note: str

    def in_file(self, problem: Problem) -> Problem:
        """A problem with a figure's row and column as the file has them."""
        if problem.row is None or problem.row - 2 not in self.origin.index:
            return problem
        where = self.origin.loc[problem.row - 2]
        column = where["column"] if problem.column in ("percent", "measure") else problem.column
        return Problem(int(where["index"]) + 2, column, problem.rule, problem.value)


def from_wide(raw: pd.DataFrame, total_keys: Collection[str] = ()) -> Wide | None:
    """The figures of a table with a column per measure, or None when it is not one: it has no measure or percent
    column, at least one column named as a measure is, and its rows are named by a 'category' column or one
    whose header names a breakdown; the breakdown comes from a 'breakdown' column or that header, except for a
    row that names the whole of the UK ("Total", as the printed tables have it: its key is in `total_keys`,
    lib.uploads.labels), which is the 'all' row."""
    keys = [_key(c) for c in raw.columns]
    if {"measure", "percent"} & set(keys) or not _names_a_wide_table(keys):
        return None
    measures = {i: MEASURE_NAMES[k] for i, k in enumerate(keys) if k in MEASURE_NAMES}
    labels = [i for i, k in enumerate(keys) if i not in measures and (k == "category" or _breakdown_of(k))]
    label = next((i for i in labels if keys[i] == "category"), labels[0])
    named = raw.iloc[:, label].astype("object").where(raw.iloc[:, label].notna())
    if "breakdown" in keys:
        breakdown = raw.iloc[:, keys.index("breakdown")]
    else:
        is_total = named.notna() & label_keys(named.astype("str")).isin(set(total_keys))
        breakdown = pd.Series(_breakdown_of(keys[label]), index=raw.index).where(~is_total, "all")
    extra = {k: raw.iloc[:, i] for i, k in enumerate(keys) if k in ("code", "official_name")}
    parts, origin = [], []
    for i, measure in measures.items():
        part = pd.DataFrame({"breakdown": breakdown, "category": named, "measure": measure, "percent": raw.iloc[:, i]})
        parts.append(part.assign(**extra))
        origin.append(pd.DataFrame({"index": raw.index, "column": str(raw.columns[i])}))
    rows = pd.concat(parts, ignore_index=True)
    where = pd.concat(origin, ignore_index=True)
    filled = rows[["category", "percent"]].notna().any(axis=1)
    rows, where = rows[filled].reset_index(drop=True), where[filled].reset_index(drop=True)
    used = {*measures, label, *(i for i, k in enumerate(keys) if k in ("breakdown", "code", "official_name"))}
    unused = [str(c) for i, (c, cells) in enumerate(raw.items()) if i not in used and cells.notna().any()]
    not_used = f" Columns not used: {', '.join(unused)}." if unused else ""
    headers = "; ".join(f"'{shorten(str(raw.columns[i]), 60)}' → {m}" for i, m in measures.items())
    note = f"Your table has a column per measure ({headers}): each row was read as one figure per measure.{not_used}"
    return Wide(rows, where, note)


def _breakdown_of(key: str) -> str | None:
    return next((BREAKDOWN_WORDS[w] for w in key.split(" ") if w in BREAKDOWN_WORDS), None)


def value_columns(columns: Iterable[object]) -> list[int]:
    """The positions of the columns that hold figures: 'percent', or each column named as a measure."""
    return [i for i, c in enumerate(columns) if _key(c) == "percent" or _key(c) in MEASURE_NAMES]


def printed_without_measures(columns: Iterable[object]) -> str | None:
    """What to do with a table laid out as printed whose figures' columns name no measure this reads."""
    keys = [_key(c) for c in columns]
    labels = [str(c) for c, k in zip(columns, keys, strict=True) if _breakdown_of(k)]
    if not labels or {"measure", "percent"} & set(keys) or any(k in MEASURE_NAMES for k in keys):
        return None
    return (
        f"the rows are named under '{labels[0]}', but no column is headed by a measure: head each column of figures "
        f"'{MEASURE_SHORT['week_prior']}' or '{MEASURE_SHORT['ever']}' (the measure it holds), or use the template's "
        "columns"
    )


# How statistical tables mark a cell with no figure (ONS: ".." not available, "x"/"[x]" not available, "[c]"
# confidential, "[z]" not applicable, ":" Eurostat's, "*" too unreliable to publish). Not "-": some tables print
# a nil figure so, and a zero must not become missing.
NO_FIGURE_MARKS = ("..", ".", "x", "[x]", "[c]", "[z]", ":", "*", "n/a", "na", "#n/a")


def figure_marks(values: pd.Series) -> tuple[pd.Series, str | None]:
    """Figures with a mark after them ("14.7 [u]", a low-reliability flag; "11.1*", a footnote) as the figures, and
    a note naming the marks: what each means is the file's to say. Found with Arrow's regex kernel first, so a
    million unmarked cells cost a few milliseconds."""
    if pd.api.types.is_numeric_dtype(values):
        return values, None
    text = pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)
    marked = pc.match_substring_regex(text, MARKED_FIGURE).to_numpy(zero_copy_only=False)
    marked = pd.Series(marked, index=values.index).fillna(False).astype(bool)
    if not marked.any():
        return values, None
    parts = values[marked].astype("str").str.extract(MARKED_FIGURE)
    marks = ", ".join(f"'{m}'" for m in list(dict.fromkeys(parts[1].str.strip()))[:5])
    count = int(marked.sum())
    if count == 1:
        note = f"1 figure had a mark after it ({marks}) and was read as the figure; the file's notes say what it means."
    else:
        note = (
            f"{count:,} figures had a mark after them ({marks}) and were read as the figures; the file's notes say "
            "what each mark means (low reliability, a footnote)."
        )
    return values.where(~marked, parts[0].str.strip()), note


def no_figure_marks(values: pd.Series) -> tuple[pd.Series, str | None]:
    """Cells marked as having no figure, as missing (never zero), and a note that says which marks were read so."""
    if pd.api.types.is_numeric_dtype(values):
        return values, None
    marked = values.astype("str").str.strip().str.lower().isin(NO_FIGURE_MARKS) & values.notna()
    if not marked.any():
        return values, None
    marks = ", ".join(f"'{m}'" for m in dict.fromkeys(values[marked].astype("str").str.strip()))
    count = int(marked.sum())
    note = f"{counted(count, 'cell')} marked as having no figure ({marks}) {'was' if count == 1 else 'were'} read as "
    note += "empty: missing, not zero."
    return values.where(~marked), note
