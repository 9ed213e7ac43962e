"""Crafted and oversized files, read as the app reads them (`lib.uploads.reader`): each gets its own words, fast.

The corpus is generated here, at test time (tests/hostile_files.py); the bounds on time are
generous guards against a file that is decoded instead of refused, not benchmarks.
"""

import time
from dataclasses import replace

import openpyxl.xml
import pytest

from lib.data import load_homeworking
from lib.limits import LIMITS
from lib.uploads import preflight
from lib.uploads.parse import UploadError, read_upload
from lib.uploads.reader import Reader
from tests import hostile_files

CORPUS = hostile_files.corpus()
SOURCE = "Our staff survey 2021"
BOUND_S = 30  # the target for a refusal's message, kept as a guard


@pytest.fixture(scope="module")
def reader():
    return Reader()


@pytest.fixture(scope="module")
def hw():
    return load_homeworking()


@pytest.fixture(scope="module")
def hostile_file():
    """The corpus, each file made once when a test first asks for it."""
    made = {}

    def make(name: str) -> bytes:
        if name not in made:
            made[name] = CORPUS[name][0]()
        return made[name]

    return make


@pytest.mark.parametrize("name", list(CORPUS))
def test_each_hostile_file_is_refused_in_words_within_the_bound(name, reader, hw, hostile_file):
    data = hostile_file(name)
    started = time.monotonic()
    with pytest.raises(UploadError) as err:
        reader.read(data, name, SOURCE, reference=hw)
    elapsed = time.monotonic() - started
    said = [str(p) for p in err.value.problems]
    assert any(CORPUS[name][1] in text for text in said), said
    assert err.value.file == name
    assert elapsed < BOUND_S, f"{name} took {elapsed:.1f} s"


@pytest.mark.parametrize(
    "name", ["parquet_bomb.parquet", "xlsx_zip_bomb.xlsx", "long_workbook.xlsx", "million_columns.csv"]
)
def test_what_a_file_declares_is_checked_before_any_of_it_is_decoded(name, hostile_file):
    """The declared-size check alone refuses the bombs, in well under a second even on a busy machine."""
    data = hostile_file(name)
    started = time.monotonic()
    problems = preflight.check(data)
    assert problems and CORPUS[name][1] in str(problems[0])
    assert time.monotonic() - started < 2


def test_a_file_just_inside_the_caps_is_read(reader, hw):
    data = hostile_files.csv_of_columns(100)  # the most columns allowed
    rows = reader.read(data, "wide.csv", SOURCE, reference=hw).rows
    assert rows[["breakdown", "category", "measure", "percent"]].values.tolist() == [
        ["sector", "Education", "ever", 38.3]
    ]


def test_a_workbook_that_declares_fewer_rows_than_it_holds_is_read_only_to_one_past_the_cap(hw):
    """The declared range can lie: the reader stops one row past the cap, whatever the sheet says."""
    data = hostile_files.workbook_of(1_200, declared_rows=3)
    with pytest.raises(UploadError) as err:
        read_upload(data, "liar.xlsx", SOURCE, reference=hw, limits=replace(LIMITS, xlsx_max_rows=1_000))
    assert str(err.value.problems[0]) == (
        "the table: the sheet 'Data' has more than 1,000 rows; Excel files are read cell by cell, and the limit "
        "is 1,000 rows: save it as CSV (which reads a million rows in seconds), or split it"
    )


def test_openpyxl_parses_workbooks_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_entity_expansion_is_refused_by_the_xml_parser_not_expanded(hw):
    """The declared-size check does not parse the sheet: defusedxml, inside openpyxl, refuses the entities."""
    data = hostile_files.entity_expansion_workbook()
    assert preflight.check(data) == []
    started = time.monotonic()
    with pytest.raises(UploadError) as err:
        read_upload(data, "laughs.xlsx", SOURCE, reference=hw)
    assert err.value.problems[0].rule == preflight.XML_ENTITIES
    assert time.monotonic() - started < BOUND_S


def test_a_workbook_s_own_parts_under_the_ratio_are_read(reader, hw):
    """A real workbook packs about 10 to 1: the ratio cap leaves it alone."""
    data = hostile_files.workbook_of(2_000)
    rows = reader.read(data, "honest.xlsx", SOURCE, reference=hw).rows
    assert len(rows) == 2_000
