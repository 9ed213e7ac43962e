"""JSON uploads → the table of text cells: rows as programs write them.

Read: an array of objects, one a row (our own JSON download, pandas' `to_json(orient="records")`, Datasette's
`?_shape=array`, most APIs); JSON Lines, one object a line (`lines=True`); an array of arrays whose first is the
header (a spreadsheet's values, as Google Sheets' API gives them); and an object holding `columns` and `rows` or
`data` (Datasette's default, pandas' `orient="split"`). Numbers keep the digits the file holds (read as
Decimal: 20.5 stays "20.5", never a float's nearest binary value); null is an empty cell; a list or object in a
cell is kept as its JSON text, so the checks name it where a figure should be.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pandas as pd

SHAPES = (
    "a JSON file is read as a list of rows: an array of objects, one a row, each naming its columns (breakdown, "
    'category, measure, percent), as the JSON download holds them: [{"breakdown": "region", "category": '
    '"London", "measure": "ever", "percent": 36.1}, …]'
)


PLAIN = ("string", "empty", "decimal", "integer")  # the kinds of column str() writes as the file holds them
STARTS_AS_JSON = re.compile(r"\s*[\[{]")  # matched at the start only: never a copy of a 100 MB text


SUFFIXES = (".json", ".jsonl", ".ndjson")  # a file so named is JSON: one that does not parse is broken, not CSV


class NotRows(ValueError):
    """JSON that holds no rows of a table: the message says why and what to do."""


class NotJson(NotRows):
    """Text that starts as JSON does but does not parse: broken JSON, or a CSV file whose first line starts with
    a bracket; the message says where the JSON breaks."""


def looks_like_json(text: str) -> bool:
    """Whether text starts as JSON holding rows does (a CSV never starts with '[' or '{')."""
    return STARTS_AS_JSON.match(text) is not None


def table(text: str, max_rows: int, max_columns: int) -> tuple[pd.DataFrame, list[str]]:
    """The rows of a JSON file as text cells, numbered from 1 (a problem names the first row 'row 1')."""
    try:
        held = json.loads(text, parse_float=Decimal, parse_constant=str)
        shape = None
    except json.JSONDecodeError as err:
        held, shape = _json_lines(text, err), "JSON Lines, one object a line"
    except RecursionError:
        raise NotRows("the JSON is nested too deeply to be a table: " + SHAPES) from None
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise NotRows("the JSON holds a number thousands of digits long: no figure is that long") from None
    header, rows, shape = _header_and_rows(held, shape)
    if len(header) > max_columns:
        raise NotRows(
            f"the rows have {len(header):,} different columns; the limit is {max_columns:,}: keep only the columns "
            "breakdown, category, measure and percent (code and official_name are optional)"
        )
    if len(rows) > max_rows:
        raise NotRows(f"the file has {len(rows):,} rows; the limit is {max_rows:,}: split it into smaller files")
    frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header)
    for column in frame.columns:  # column by column: text, numbers and nulls as they are, others one by one
        values = frame[column]
        if pd.api.types.infer_dtype(values, skipna=True) not in PLAIN:
            frame[column] = values.map(_cell)
    frame = frame.astype("str")
    frame = frame.mask(frame == "")  # an empty string is an empty cell, as in a CSV file
    frame.index -= 1  # a problem names row (index + 2), as a spreadsheet under its header: here, the first row is 1
    count = f"{len(rows):,} {'row' if len(rows) == 1 else 'rows'}"
    return frame, [f"Read as JSON ({shape}): {count}, numbered from 1."]


def _json_lines(text: str, err: json.JSONDecodeError) -> list[Any]:
    """Each line an object (JSON Lines); else the first error, where it is."""
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        held = [json.loads(line, parse_float=Decimal, parse_constant=str) for line in lines]
    except (ValueError, RecursionError):
        held = []
    if len(lines) > 1 and all(isinstance(row, dict) for row in held) and len(held) == len(lines):
        return held
    raise NotJson(
        f"the file starts as JSON but is not valid JSON (line {err.lineno}, column {err.colno}: "
        f"{err.msg}): save it again from the program that wrote it, or as CSV"
    ) from None


def _header_and_rows(held: Any, shape: str | None) -> tuple[list[str], list[Any], str]:
    if isinstance(held, dict):
        columns, rows = held.get("columns"), held.get("rows", held.get("data"))
        if isinstance(columns, list) and isinstance(rows, list) and all(isinstance(r, list) for r in rows):
            return [str(c) for c in columns], _padded(rows, len(columns)), "columns and rows"
        raise NotRows(SHAPES)
    if not isinstance(held, list) or not held:
        raise NotRows(SHAPES if held != [] else "the JSON holds no rows")
    if all(isinstance(row, dict) for row in held):
        return list(dict.fromkeys(key for row in held for key in row)), held, shape or "an array of objects"
    if all(isinstance(row, list) for row in held):
        header = [str(c) for c in held[0]]
        return header, _padded(held[1:], len(header)), "an array of arrays, the first its header"
    raise NotRows(SHAPES)


def _padded(rows: list[list[Any]], width: int) -> list[list[Any]]:
    """Rows as wide as the header: a longer row is an error, as in a CSV file; a shorter one ends in empty cells."""
    for number, row in enumerate(rows, start=1):
        if len(row) > width:
            raise NotRows(f"row {number} has {len(row)} cells where the header has {width}")
    return rows if all(len(row) == width for row in rows) else [row + [None] * (width - len(row)) for row in rows]


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)  # a list or an object, for the checks to name
