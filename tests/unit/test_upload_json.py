"""JSON uploads: rows as programs write them, read with the digits the file holds, refused in words otherwise."""

import json
from dataclasses import replace

import pandas as pd
import pytest

from lib.data import load_homeworking
from lib.limits import LIMITS
from lib.render import export
from lib.uploads.parse import UploadError, read_upload

HEADER = ["breakdown", "category", "measure", "percent"]
ROWS = [["region", "London", "ever", 36.1], ["region", "Wales", "week_prior", None]]


def read(text: str, **limits):
    return read_upload(text.encode("utf-8"), "mine.json", "Mine", limits=replace(LIMITS, **limits))


def problems(text: str, **limits) -> list[str]:
    with pytest.raises(UploadError) as err:
        read(text, **limits)
    return [str(p) for p in err.value.problems]


def figures(upload) -> list[list]:
    return (
        upload.rows[["category", "measure", "percent"]].astype(object).where(upload.rows.notna(), None).values.tolist()
    )


def test_the_json_download_is_read_back_with_its_figures():
    regions = load_homeworking().query("breakdown == 'region'")
    upload = read(export.to_json(regions).decode("utf-8"))
    assert len(upload.rows) == len(regions)
    mine = upload.rows.set_index(["category", "measure"])["percent"]
    theirs = regions.set_index(["category", "measure"])["percent"]
    assert mine.sort_index().equals(theirs.sort_index().astype(mine.dtype))
    assert upload.notes[0] == f"Read as JSON (an array of objects): {len(regions)} rows, numbered from 1."


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        (pd.DataFrame(ROWS, columns=HEADER).to_json(orient="records"), "an array of objects"),
        (pd.DataFrame(ROWS, columns=HEADER).to_json(orient="records", lines=True), "JSON Lines, one object a line"),
        (pd.DataFrame(ROWS, columns=HEADER).to_json(orient="split", index=False), "columns and rows"),
        (json.dumps({"columns": HEADER, "rows": ROWS}), "columns and rows"),  # Datasette's default shape
        (json.dumps([HEADER, *ROWS]), "an array of arrays, the first its header"),  # a sheet's values
    ],
)
def test_rows_in_each_shape_programs_write_them(text, shape):
    upload = read(text)
    assert figures(upload) == [["London", "ever", 36.1], ["Wales", "week_prior", None]]
    assert upload.notes[0] == f"Read as JSON ({shape}): 2 rows, numbered from 1."


def test_a_row_is_named_by_its_place_in_the_file_and_a_nested_value_by_what_it_holds():
    text = json.dumps([dict(zip(HEADER, row, strict=True)) for row in [*ROWS, ["age", "16-24", "ever", [1, 2]]]])
    assert problems(text) == ["row 3, column 'percent': must be a number (found '[1, 2]')"]


def test_pretty_printed_json_is_not_counted_by_its_lines():
    """Indented JSON spends a dozen lines on a row: the size check counts its rows, not its lines."""
    text = json.dumps([dict(zip(HEADER, row, strict=True)) for row in ROWS], indent=2)
    assert text.count("\n") > 5
    assert len(read(text, max_rows=2).rows) == 2
    assert problems(text, max_rows=1) == ["the table: the file has 2 rows; the limit is 1: split it into smaller files"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[{"breakdown": "region",', "is not valid JSON (line 1, column 25: Expecting property name"),
        ('{"figures": {"London": 36.1}}', "a JSON file is read as a list of rows"),
        ("[]", "the JSON holds no rows"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply to be a table"),
        ('[{"percent": ' + "9" * 5_000 + "}]", "a number thousands of digits long"),
        (json.dumps([{f"column {i}": 1 for i in range(101)}]), "the rows have 101 different columns; the limit is 100"),
        (json.dumps([HEADER, ["region", "London", "ever", 36.1, "extra"]]), "row 1 has 5 cells where the header has 4"),
    ],
)
def test_json_that_holds_no_table_is_refused_in_words(text, says):
    said = problems(text)
    assert len(said) == 1 and says in said[0]


def test_a_csv_whose_title_starts_with_a_bracket_is_still_a_csv_but_a_broken_json_file_is_named_broken():
    titled = "[Draft] Homeworking by region\nbreakdown,category,measure,percent\nregion,London,ever,36.1\n"
    upload = read_upload(titled.encode(), "draft.csv", "Mine")
    assert figures(upload) == [["London", "ever", 36.1]]
    assert "read as a title, was left out: '[Draft] Homeworking by region'" in upload.notes[0]
    with pytest.raises(UploadError) as err:
        read_upload(titled.encode(), "draft.json", "Mine")
    assert "is not valid JSON (line 1, column 2" in str(err.value.problems[0])


def test_a_csv_taken_for_json_at_first_is_held_to_the_caps_of_a_csv():
    wide = "[note 1]," + ",".join(f"c{i}" for i in range(199)) + "\n" + ",".join("1" * 200) + "\n"
    with pytest.raises(UploadError) as err:
        read_upload(wide.encode(), "wide.csv", "Mine")
    assert str(err.value.problems[0]).endswith(
        "the file has 200 columns; the limit is 100: keep only the columns "
        "breakdown, category, measure and percent (code and official_name "
        "are optional)"
    )
